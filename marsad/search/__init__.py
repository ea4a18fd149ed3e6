"""Search over a store: BM25 on marsad's own Arabic analysis, kept beside the store.

    from marsad.search import SearchQuery, search
    results = search("marsad.sqlite", SearchQuery("شويجو", since=date(2015, 8, 1)))

- `analyzer`: the one function that makes index and query terms (surface term + stem);
- `query`: the query language (words, "phrases", prefix*);
- `variants`: other spellings of the names queried, from the store's entities;
- `indexing`: keeping the index (`<store>.search/`, `marsad.store.search_index`) up to date;
- `engine`: scoring, filters, copies collapsed, facets; `snippets`: plain-text snippets.
See docs/search.md.
"""

from __future__ import annotations

from pathlib import Path

from marsad.errors import StoreError
from marsad.search.engine import parse_day, run
from marsad.search.indexing import catch_up, index_behind
from marsad.search.records import SearchHit, SearchQuery, SearchResults, group_by_event
from marsad.store import Store
from marsad.store.search_index import SearchIndex

__all__ = ["SearchHit", "SearchQuery", "SearchResults", "ensure_index", "group_by_event",
           "parse_day", "search"]

_INDEXES: dict[str, SearchIndex] = {}      # one open tantivy index per store (a server reuses it)


def _index_of(store: Store) -> SearchIndex:
    key = str(store.path.resolve())
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = SearchIndex(store.path)
    return index


def ensure_index(store: Store) -> int:
    """Bring the store's search index up to date (creating it for a store that has none);
    the number of articles indexed now. Takes the writer lock unless the caller holds it."""
    index = _index_of(store)
    if store.holds_writer_lock:
        return catch_up(store, index)
    with store.writer_lock():
        return catch_up(store, index)


def search(store: Store | str | Path, query: SearchQuery) -> SearchResults:
    """Run `query` on a store (a Store, or the path of one, opened read-only).

    An index that lags behind the store is caught up first when no writer is busy; otherwise
    the articles indexed so far are searched (the running writer indexes the rest)."""
    if isinstance(store, (str, Path)):
        with Store(store, readonly=True) as opened:
            return search(opened, query)
    index = _index_of(store)
    if index_behind(store, index):
        if store.holds_writer_lock:
            catch_up(store, index)
        else:
            with store.try_writer_lock() as free:
                if free:
                    catch_up(store, index)
    if not index.exists():
        raise IndexNotReady(f"{store.path}: no search index yet (a running ingest builds it "
                            "when its articles are placed)",
                            f"try again when the ingest has finished, or run `marsad search` "
                            f"once where {store.path} can be written, or `marsad ingest`")
    return run(store, index, query)


class IndexNotReady(StoreError):
    """No search index to read yet (HTTP 503: the server is fine, come back later)."""

    code = "E_UNAVAILABLE"
    http_status = 503


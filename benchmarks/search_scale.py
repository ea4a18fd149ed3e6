"""Search speed at 31k and 1M articles (issue 10), called by `benchmarks/search.py`.

Points:
- `31k`: a copy of the full store (all 18 days of SaudiNewsNet, built by `marsad ingest`; see
  `--store31k`); its search index is rebuilt from the copy by marsad's own indexing (timed: the
  analyser over every article plus tantivy).
- `1M`: a synthetic store made from the 31k one by replicating its articles with perturbed ids
  (`<id>~r<k>`), dates (shifted by `k` x 21 days: the replicas do not overlap in time) and event
  and story numbers (offset per replica), so filters, facets and collapsing see a million
  distinct articles in ~1,000 days. Replicated rows keep what a search reads (title, source,
  dates, copy link, event, text), not the whole analysis, to keep the file at a few GB. The
  index holds 1M documents: each article's terms are analysed once and written once per
  replica with the replica's row number, event, day and time (build time is therefore tantivy's,
  not the analyser's; the 31k point gives the analyser's rate).

At each point the judged queries (60) run through `marsad.search.search` exactly as the CLI and
the web page run them (copies collapsed, facets counted, variants expanded, 20 hits with
snippets), three passes, the first discarded as warm-up (it also loads the OS page cache); p50
and p95 over the other two. The peer in the same run: a bare tantivy query (the query's terms
OR'ed on one field, top 20, no facets, snippets or store reads), the floor any engine on this
index pays; the table gives marsad's p95 as a ratio to it.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from _stats import percentile  # noqa: E402

REPLICA_DAYS = 21
PASSES = 3


def _latency(run, queries: Sequence[str]) -> dict:
    times: list[float] = []
    for n in range(PASSES):
        for text in queries:
            started = time.perf_counter()
            run(text)
            if n:
                times.append((time.perf_counter() - started) * 1000.0)
    return {"p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "max_ms": round(max(times), 2), "samples": len(times)}


def measure(db: Path, queries: Sequence[str]) -> dict:
    """Latency of marsad's search and of the bare tantivy peer over the store at `db`."""
    import tantivy

    from marsad.search import SearchQuery, search
    from marsad.search.analyzer import analyse
    from marsad.store import Store
    from marsad.store.search_index import SearchIndex

    out: dict = {}
    with Store(db, readonly=True) as store:
        out["marsad"] = _latency(lambda q: search(store, SearchQuery(q, limit=20)), queries)
        out["marsad-nofacets"] = _latency(
            lambda q: search(store, SearchQuery(q, limit=20, facets=False)), queries)
    index = SearchIndex(db)
    searcher = index.searcher()
    schema = index.schema

    def bare(text: str) -> None:
        terms = [t.word for t in analyse(text)] or ["x"]
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "words", t)) for t in terms])
        searcher.search(query, 20)
    out["tantivy-bare"] = _latency(bare, queries)
    floor = out["tantivy-bare"]["p95_ms"] or 0.01
    for name in ("marsad", "marsad-nofacets"):
        out[name]["p95_ratio"] = round(out[name]["p95_ms"] / floor, 1)
    return out


def _rebuild_index(db: Path) -> float:
    from marsad.search import ensure_index
    from marsad.store import Store
    from marsad.store.search_index import index_path

    shutil.rmtree(index_path(db), ignore_errors=True)
    started = time.perf_counter()
    with Store(db) as store:
        ensure_index(store)
    return time.perf_counter() - started


def _size_mb(db: Path) -> float:
    from marsad.store.search_index import SearchIndex
    return round(SearchIndex(db).size_bytes() / 1e6, 1)


def _copy_store(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API: a store in WAL mode copies whole)."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(target) as dst:
        src.backup(dst)


def build_million(store31k: Path, target: Path, articles: int = 1_000_000) -> dict:
    """The synthetic store and its index (see the module docstring); figures of the build."""
    from marsad.search.analyzer import ANALYSER_VERSION
    from marsad.search.indexing import _day_number, _seconds
    from marsad.search.analyzer import index_fields
    from marsad.store import Store
    from marsad.store.search_index import IndexRow, SearchIndex, index_path

    started = time.perf_counter()
    _copy_store(store31k, target)
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    base = con.execute("SELECT COUNT(*), MAX(seq) FROM documents").fetchone()
    count, max_seq = int(base[0]), int(base[1])
    # Offsets one past the largest number (event and story numbers start at 0).
    max_event = 1 + int(con.execute("SELECT COALESCE(MAX(number), 0) FROM events").fetchone()[0])
    max_story = 1 + int(con.execute("SELECT COALESCE(MAX(number), 0) FROM stories").fetchone()[0])
    replicas = max(0, -(-articles // count) - 1)
    columns = [r[1] for r in con.execute("PRAGMA table_info(documents)")]
    shifted = {
        "seq": "seq + :k * :seqs",
        "id": "id || '~r' || :k",
        "duplicate_of": "CASE WHEN duplicate_of IS NULL THEN NULL ELSE duplicate_of || '~r' || :k END",
        "published": "CASE WHEN published IS NULL THEN NULL ELSE "
                     "strftime('%Y-%m-%dT%H:%M:%S', published, :shift) END",
        "day": "CASE WHEN day IS NULL THEN NULL ELSE date(day, :shift) END",
        "event": "CASE WHEN event IS NULL THEN NULL ELSE event + :k * :events END",
        "analysis": "json_object('document', json_object('text',"
                    " json_extract(analysis, '$.document.text')))",
    }
    select = ", ".join(shifted.get(c, c) for c in columns)
    event_columns = [r[1] for r in con.execute("PRAGMA table_info(events)")]
    event_select = ", ".join(
        {"number": "number + :k * :events",
         "story": "CASE WHEN story IS NULL THEN NULL ELSE story + :k * :stories END",
         "date": "CASE WHEN date IS NULL THEN NULL ELSE date(date, :shift) END"}.get(c, c)
        for c in event_columns)
    made = count
    for k in range(1, replicas + 1):
        limit = min(count, articles - made)
        params = {"k": k, "seqs": max_seq, "events": max_event, "stories": max_story,
                  "shift": f"+{k * REPLICA_DAYS} days", "limit": limit}
        con.execute(f"INSERT INTO documents ({', '.join(columns)}) SELECT {select}"
                    " FROM documents WHERE seq <= :seqs ORDER BY seq LIMIT :limit", params)
        con.execute(f"INSERT INTO events ({', '.join(event_columns)}) SELECT {event_select}"
                    " FROM events WHERE number < :events", params)
        con.commit()
        made += limit
    stored_seconds = time.perf_counter() - started

    # The index: each original article analysed once, written once per replica.
    started = time.perf_counter()
    with Store(target) as store:
        epoch = store.grouping_epoch()
    index = SearchIndex(target)
    shutil.rmtree(index_path(target), ignore_errors=True)
    index.create(epoch, ANALYSER_VERSION)
    rows = con.execute(
        "SELECT d.seq, o.seq, d.event, d.source, d.day, d.published, d.language, d.title,"
        " json_extract(d.analysis, '$.document.text') FROM documents d"
        " LEFT JOIN documents o ON o.id = d.duplicate_of WHERE d.seq <= ? ORDER BY d.seq",
        (max_seq,)).fetchall()
    analysed = []
    for seq, original, event, source, day, published, language, title, text in rows:
        words, stems = index_fields(text or "")
        title_words, title_stems = index_fields(title or "")
        analysed.append((int(seq), int(original if original is not None else seq),
                         int(event) if event is not None else -1, source or "", day, published,
                         language or "", words, stems, title_words, title_stems))
    analyse_seconds = time.perf_counter() - started
    shift_rows = dict(con.execute(
        "SELECT seq, COALESCE(day, '') || '|' || COALESCE(published, '') FROM documents WHERE seq > ?",
        (max_seq,)).fetchall())
    con.close()
    written = 0
    for k in range(replicas + 1):
        batch = []
        for seq, original, event, source, day, published, language, w, s, tw, ts in analysed:
            new_seq = seq + k * max_seq
            if k:
                moved = shift_rows.get(new_seq)
                if moved is None:
                    continue
                day, _, published = moved.partition("|")
                day, published = day or None, published or None
            batch.append(IndexRow(
                seq=new_seq, original=original + k * max_seq,
                event=event + k * max_event if event >= 0 else -1, source=source,
                day=_day_number(day), time=_seconds(published, day), language=language,
                words=w, stems=s, title_words=tw, title_stems=ts))
        written += index.add(batch)
    index_seconds = time.perf_counter() - started
    return {"articles": made, "replicas": replicas + 1, "indexed": written,
            "store_seconds": round(stored_seconds, 1),
            "analyse_seconds": round(analyse_seconds, 1),
            "build_seconds": round(index_seconds, 1),
            "store_mb": round(target.stat().st_size / 1e6, 1)}


def scale(store31k: Path | None, workdir: Path, queries: Sequence[str],
          million: bool = False) -> dict:
    out: dict = {"passes": PASSES, "queries": len(queries), "points": []}
    if store31k is None:
        out["note"] = "no --store31k given: the 31k and 1M points were not measured"
        return out
    copy = workdir / "31k.sqlite"
    _copy_store(store31k, copy)
    with sqlite3.connect(copy) as con:
        articles = int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    build = _rebuild_index(copy)
    out["points"].append({"name": "31k", "articles": articles,
                          "build_seconds": round(build, 1),
                          "articles_per_second_indexed": round(articles / build, 1),
                          "size_mb": _size_mb(copy), "latency": measure(copy, queries)})
    if million:
        target = workdir / "1m.sqlite"
        built = build_million(copy, target)
        out["points"].append({"name": "1M", **built, "size_mb": _size_mb(target),
                              "latency": measure(target, queries)})
    return out

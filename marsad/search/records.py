"""The records of the search API (the web layer and the CLI code against these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SORTS = ("relevance", "date")


@dataclass(frozen=True)
class SearchQuery:
    """A search: the query text (words, "phrases", prefixes*), filters, sort and page."""

    text: str
    limit: int = 20
    offset: int = 0
    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    entity: str | None = None          # a name in any spelling, or E<n>
    event: str | None = None           # V<n>
    story: str | None = None           # S<n>
    language: str | None = None
    sort: str = "relevance"            # or "date" (newest first)
    collapse_copies: bool = True
    facets: bool = True                # count the matches by source, day and event
    expand_variants: bool = True       # other spellings of the names queried


@dataclass(frozen=True)
class SearchHit:
    """One result: an article (copies of it folded under it when collapsing)."""

    id: str
    title: str
    source: str
    published: str | None
    score: float
    snippet: str                                   # plain text, never markup
    highlights: tuple[tuple[int, int], ...]        # spans of `snippet` to highlight
    event: str | None                              # V<n>
    story: str | None                              # S<n>
    copies: tuple[str, ...]                        # the other articles of its copy group
    language: str | None
    copy_of: str | None = None                     # the original, when this hit is a copy
    url: str | None = None
    title_highlights: tuple[tuple[int, int], ...] = ()
    matched_all: bool = True                       # every required query word matched


@dataclass(frozen=True)
class SearchResults:
    """A page of results with the counts over all matches."""

    query: SearchQuery
    total: int                                     # matching articles (copy groups when collapsing)
    hits: tuple[SearchHit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    expansions: tuple[tuple[str, tuple[str, ...]], ...] = ()    # word typed -> spellings added
    took_ms: float = 0.0
    matched_all: int = 0                           # articles matching every required word


def group_by_event(results: SearchResults) -> list[tuple[str | None, tuple[SearchHit, ...]]]:
    """The hits grouped by event, groups in the order of their best hit (hits without an event
    each stay on their own)."""
    groups: dict[str, list[SearchHit]] = {}
    order: list[tuple[str | None, list[SearchHit]]] = []
    for hit in results.hits:
        if hit.event is None:
            order.append((None, [hit]))
            continue
        if hit.event not in groups:
            groups[hit.event] = []
            order.append((hit.event, groups[hit.event]))
        groups[hit.event].append(hit)
    return [(event, tuple(hits)) for event, hits in order]

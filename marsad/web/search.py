"""Search for the API and the search page, through the library's `marsad.search` (the web layer
never indexes; it calls `search(store, SearchQuery)` and shapes the results).

Highlights come as (start, end) offsets into each hit's snippet; `snippet_html` escapes the text
first and only then wraps those spans in <mark>, so a snippet can never carry markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import E_UNAVAILABLE, MarsadError
from marsad.ingest.outlets import outlet_name, spellings
from marsad.store import Store
from marsad.web import params


class SearchUnavailable(MarsadError):
    code = E_UNAVAILABLE
    http_status = 503


@dataclass
class WebResults:
    query: str
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    expansions: list[Any] = field(default_factory=list)
    took_ms: float = 0.0
    groups: list[dict[str, Any]] = field(default_factory=list)   # hits of a page by event

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "total": self.total, "hits": self.hits,
                "groups": self.groups, "facets": self.facets, "expansions": self.expansions,
                "took_ms": self.took_ms}


def snippet_html(snippet: str, highlights: Any) -> str:
    """The snippet escaped, with its highlight spans (offsets into the raw snippet) marked."""
    spans = sorted((int(a), int(b)) for a, b in (highlights or ())
                   if 0 <= int(a) < int(b) <= len(snippet))
    parts, position = [], 0
    for start, end in spans:
        if start < position:        # overlapping spans: keep the first
            continue
        parts.append(html.escape(snippet[position:start]))
        parts.append(f"<mark>{html.escape(snippet[start:end])}</mark>")
        position = end
    parts.append(html.escape(snippet[position:]))
    return "".join(parts)


def run_search(store: Store, limits: params.Limits, q: str, *, since: str | None = None,
               until: str | None = None, source: str | None = None, story: str | None = None,
               event: str | None = None, entity: str | None = None, sort: str = "relevance",
               limit: int = 20, offset: int = 0, language: str | None = None) -> WebResults:
    text = " ".join((q or "").split())
    if not text:
        raise params.BadParameter("q", "the query is empty", "type some words to search for")
    if len(text) > limits.max_search_chars:
        raise params.BadParameter("q", f"longer than {limits.max_search_chars} characters")
    if sort not in ("relevance", "date"):
        raise params.BadParameter("sort", f"{sort[:20]!r} is neither relevance nor date")
    first, last = params.day("since", since), params.day("until", until)
    language = (language or "").strip().lower() or None
    if language is not None and not (language.isascii() and language.isalpha()
                                     and 2 <= len(language) <= 3):
        raise params.BadParameter("language", f"{language[:20]!r} is not a language code",
                                  "an ISO 639-1 code such as ar or en")
    for name, value, prefix in (("story", story, "S"), ("event", event, "V"),
                                ("entity", entity, "E")):
        if value:
            params.public_number(name, value, prefix)
    try:
        from marsad.search import SearchQuery, search
    except ImportError:
        raise SearchUnavailable("search is not available in this install of marsad",
                                "install a marsad with the marsad.search package") from None
    query = SearchQuery(text, limit=limit, offset=offset,
                        sources=spellings(source.strip()) if source and source.strip() else (),
                        since=first, until=last, entity=entity or None, event=event or None,
                        story=story or None, sort=sort, language=language)
    results = search(store, query)
    hits = []
    for hit in results.hits:
        hits.append({"id": hit.id, "title": hit.title, "source": hit.source,
                     "source_name": outlet_name(hit.source), "published": hit.published,
                     "score": hit.score, "snippet": hit.snippet,
                     "highlights": [list(span) for span in hit.highlights],
                     "event": hit.event, "story": hit.story,
                     "copies": list(hit.copies) if hit.copies else [],
                     "language": hit.language})
    facets = {name: [{"value": value, "count": count,
                      **({"name": outlet_name(value)} if name in ("source", "sources") else {})}
                     for value, count in values]
              for name, values in (results.facets or {}).items()}
    from marsad.search import group_by_event
    groups = [{"event": event, "hits": [hit.id for hit in members]}
              for event, members in group_by_event(results)]
    return WebResults(text, results.total, hits, facets, list(results.expansions or ()),
                      round(float(results.took_ms or 0.0), 2), groups)

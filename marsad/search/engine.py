"""Running a search: BM25 (tantivy) over marsad's analysed terms, filters, copies collapsed,
facets, snippets.

Scoring. Each word is a disjunction over four fields: the surface term in the body (weight 1)
and in the title (`TITLE`), the stem in the body and title (`STEM` times those); the spellings
found by `variants` join the word's disjunction at `VARIANT` times the word's weights. A
phrase is a phrase query on the surface terms (and, lower, on the stems); a prefix a regular
expression on the surface terms (constant score).

AND first, then OR. Every content word is required (function words only score); news queries
are short and name a topic, so an article with all the words is nearly always better than one
with a rarer word alone, which plain OR BM25 ranks first. When the AND query fills fewer
results than the candidate window, the OR query (at least one unit) fills the rest, after the
AND results, so a query with a misspelt or absent word still finds something (each hit says
whether it matched every word).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

from marsad.errors import QueryError
from marsad.search.analyzer import Term
from marsad.search.query import Unit, parse
from marsad.search.records import SORTS, SearchHit, SearchQuery, SearchResults
from marsad.search.snippets import Matcher, highlights, matcher, snippet
from marsad.search.variants import Variants, entities_named, expand
from marsad.store import Store
from marsad.store.layers import event_id, number_of, story_id
from marsad.store.reads import NotFound
from marsad.store.search_index import SearchIndex

TITLE = 2.0
STEM = 0.6
VARIANT = 0.7
SLACK, SLACK_FROM = 0, 3       # words a long query may miss in its first tier (1 measured no better on dev)
MAX_LIMIT = 1000
MAX_WINDOW = 5000
FACET_SIZES = {"source": 50, "day": 400, "event": 20}


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date; QueryError naming the value otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise QueryError(f"bad {what} {text!r}", "write dates as YYYY-MM-DD, e.g. 2015-08-01"
                         ) from None


def _check(query: SearchQuery) -> None:
    if not 0 < query.limit <= MAX_LIMIT:
        raise QueryError(f"limit {query.limit} out of range", f"between 1 and {MAX_LIMIT}")
    if query.offset < 0 or query.offset + query.limit > MAX_WINDOW:
        raise QueryError(f"offset {query.offset} out of range",
                         f"0 or more, with offset + limit at most {MAX_WINDOW}")
    if query.sort not in SORTS:
        raise QueryError(f"unknown sort {query.sort!r}", "sort by relevance or date")
    if query.since and query.until and query.since > query.until:
        raise QueryError(f"since {query.since} is after until {query.until}",
                         "give since <= until")


# --------------------------------------------------------------------------- query building
def _term(tv: Any, schema: Any, field: str, value: str, boost: float) -> Any:
    return tv.Query.boost_query(tv.Query.term_query(schema, field, value), boost)


def _word_query(tv: Any, schema: Any, term: Term, weight: float = 1.0) -> list[Any]:
    return [_term(tv, schema, "words", term.word, weight),
            _term(tv, schema, "title_words", term.word, weight * TITLE),
            _term(tv, schema, "stems", term.stem, weight * STEM),
            _term(tv, schema, "title_stems", term.stem, weight * STEM * TITLE)]


def _should(tv: Any, parts: Sequence[Any]) -> Any:
    return tv.Query.boolean_query([(tv.Occur.Should, q) for q in parts])


def _unit_query(tv: Any, schema: Any, unit: Unit, variants: Variants | None) -> Any:
    if unit.kind == "prefix":
        pattern = re.escape(unit.prefix) + ".*"
        return _should(tv, [tv.Query.regex_query(schema, "words", pattern),
                            tv.Query.boost_query(tv.Query.regex_query(
                                schema, "title_words", pattern), TITLE)])
    if unit.kind == "phrase":
        words = [t.word for t in unit.terms]
        stems = [t.stem for t in unit.terms]
        return _should(tv, [
            tv.Query.phrase_query(schema, "words", words),
            tv.Query.boost_query(tv.Query.phrase_query(schema, "title_words", words), TITLE),
            tv.Query.boost_query(tv.Query.phrase_query(schema, "stems", stems), STEM),
            tv.Query.boost_query(tv.Query.phrase_query(schema, "title_stems", stems),
                                 STEM * TITLE)])
    parts = _word_query(tv, schema, unit.terms[0])
    for term in variants.terms if variants else ():
        parts += _word_query(tv, schema, term, VARIANT)
    return _should(tv, parts)


def _filter_queries(tv: Any, schema: Any, store: Store, query: SearchQuery) -> list[Any]:
    out: list[Any] = []
    if query.sources:
        out.append(tv.Query.term_set_query(schema, "source", list(query.sources)))
    if query.since or query.until:
        low = int(query.since.strftime("%Y%m%d")) if query.since else 1
        high = int(query.until.strftime("%Y%m%d")) if query.until else 99991231
        out.append(tv.Query.range_query(schema, "day", tv.FieldType.Integer, low, high))
    if query.language:
        out.append(tv.Query.term_query(schema, "language", query.language))
    if query.event:
        number = number_of(query.event, "V")
        if number is None or not store.db.execute("SELECT 1 FROM events WHERE number=?",
                                                  (number,)).fetchone():
            raise NotFound(f"no event {query.event!r} in this store", "event ids look like V12")
        out.append(tv.Query.term_query(schema, "event", number))
    if query.story:
        story = store.resolve_story(query.story)
        events = [n for (n,) in store.db.execute("SELECT number FROM events WHERE story=?",
                                                 (story,))]
        out.append(tv.Query.term_set_query(schema, "event", events) if events
                   else tv.Query.empty_query())
    if query.entity:
        seqs = _entity_documents(store, query.entity)
        out.append(tv.Query.term_set_query(schema, "seq", seqs) if seqs
                   else tv.Query.empty_query())
    return [tv.Query.const_score_query(q, 0.0) for q in out]


def _entity_documents(store: Store, name: str) -> list[int]:
    """Row numbers of the articles that mention an entity given by E<n> or by a name."""
    from marsad.arabic.normalize import fold
    if re.fullmatch(r"E\d+", name.strip()):
        numbers = [store.resolve_entity(name.strip())]
    else:
        folded = " ".join(fold(name).split())
        numbers = [n for (n,) in store.db.execute(
            "SELECT number FROM entities WHERE name_folded=? AND merged_into IS NULL", (folded,))]
        if not numbers:
            numbers = entities_named(store, name)
        if not numbers:
            raise NotFound(f"no entity named {name!r} in this store",
                           "give a name as the articles write it, or an entity id such as E12")
    merged = [n for (n,) in store.db.execute(
        f"SELECT old FROM entity_merges WHERE new IN ({','.join('?' * len(numbers))})", numbers)]
    wanted = sorted(set(numbers) | set(merged))
    return [s for (s,) in store.db.execute(
        f"SELECT DISTINCT doc_seq FROM mentions WHERE entity IN ({','.join('?' * len(wanted))})",
        wanted)]


# --------------------------------------------------------------------------- running
def run(store: Store, index: SearchIndex, query: SearchQuery) -> SearchResults:
    """The results of `query` over `store` (its index already up to date)."""
    import tantivy as tv
    started = time.perf_counter()
    _check(query)
    units = parse(query.text)
    searcher = index.searcher()
    variants = {v.unit: v for v in expand(store, units, lambda w: searcher.doc_freq("words", w))
                } if query.expand_variants else {}
    schema = index.schema
    filters = [(tv.Occur.Must, f) for f in _filter_queries(tv, schema, store, query)]
    unit_queries = [_unit_query(tv, schema, u, variants.get(i)) for i, u in enumerate(units)]
    required = [q for u, q in zip(units, unit_queries) if not u.optional]
    optional = [(tv.Occur.Should, q) for u, q in zip(units, unit_queries) if u.optional]
    need = len(required) - (SLACK if len(required) >= SLACK_FROM else 0)
    core = tv.Query.boolean_query([(tv.Occur.Should, q) for q in required], need)
    all_words = tv.Query.boolean_query([(tv.Occur.Must, core)] + optional + filters)
    any_word = tv.Query.boolean_query(
        [(tv.Occur.Should, q) for q in unit_queries] + filters, 1)
    window = min(MAX_WINDOW, max(100, (query.offset + query.limit) * 3))
    by_date = query.sort == "date"
    ordering: dict[str, Any] = {"order_by_field": "time"} if by_date else {}
    first = searcher.search(all_words, window, **ordering)
    matched_all = int(first.count)
    candidates = [(score, address, True) for score, address in first.hits]
    used = all_words
    if matched_all < window and not (by_date and matched_all):
        seen = {(a.segment_ord, a.doc) for _, a, _ in candidates}
        more = searcher.search(any_word, window, **ordering)
        candidates += [(score, address, False) for score, address in more.hits
                       if (address.segment_ord, address.doc) not in seen][:window - len(candidates)]
        used = any_word
        total_matches = int(more.count)
    else:
        total_matches = matched_all
    addresses = [a for _, a, _ in candidates]
    seqs = searcher.fast_field_values("seq", addresses) if addresses else []
    originals = searcher.fast_field_values("original", addresses) if addresses else []
    groups: dict[int, list[tuple[float, int, bool]]] = {}
    for (score, _, all_matched), seq, original in zip(candidates, seqs, originals):
        key = int(original) if query.collapse_copies else int(seq)
        groups.setdefault(key, []).append((float(score), int(seq), all_matched))
    page = list(groups.items())[query.offset:query.offset + query.limit]
    if query.collapse_copies and total_matches:
        total = len(groups) if total_matches <= window else \
            max(len(groups), round(searcher.cardinality(used, "original")))
    else:
        total = total_matches
    facets = _facets(searcher, used, store) if query.facets and total_matches else {}
    match = _matcher(units, variants)
    hits = _hits(store, page, match, by_date)
    expansions = tuple((v.typed, tuple(store_word for store_word in
                                       dict.fromkeys(t.word for t in v.terms)))
                       for v in variants.values())
    return SearchResults(query=query, total=int(total), hits=hits, facets=facets,
                         expansions=expansions,
                         took_ms=(time.perf_counter() - started) * 1000.0,
                         matched_all=matched_all)


def _matcher(units: Sequence[Unit], variants: dict[int, Variants]) -> Matcher:
    words: set[str] = set()
    stems: set[str] = set()
    prefixes: list[str] = []
    for i, unit in enumerate(units):
        if unit.kind == "prefix":
            prefixes.append(unit.prefix)
            continue
        for term in unit.terms + (variants[i].terms if i in variants else ()):
            if unit.optional:
                words.add(term.word)          # a function word: only its exact form lights up
                continue
            words.add(term.word)
            stems.add(term.stem)
    return matcher(words, stems, prefixes)


def _facets(searcher: Any, used: Any, store: Store) -> dict[str, tuple[tuple[str, int], ...]]:
    spec = {name: {"terms": {"field": name, "size": size}} for name, size in FACET_SIZES.items()}
    found = searcher.aggregate(used, spec)
    out: dict[str, tuple[tuple[str, int], ...]] = {}
    for name in FACET_SIZES:
        buckets = found.get(name, {}).get("buckets", [])
        pairs: list[tuple[str, int]] = []
        for bucket in buckets:
            key, count = bucket["key"], int(bucket["doc_count"])
            if name == "day":
                if not key:
                    continue
                key = f"{int(key) // 10000:04d}-{int(key) // 100 % 100:02d}-{int(key) % 100:02d}"
            elif name == "event":
                if int(key) < 0:
                    continue
                key = event_id(int(key))
            pairs.append((str(key), count))
        if name == "day":
            pairs.sort()
        out[name] = tuple(pairs)
    return out


def document_rows(store: Store, seqs: set[int]) -> dict[int, tuple]:
    """seq -> (seq, id, title, source, published, language, event, duplicate_of, url, text) of
    the articles shown (only their rows are read)."""
    marks = ",".join("?" * len(seqs))
    return {r[0]: r for r in store.db.execute(
        "SELECT seq, id, title, source, published, language, event, duplicate_of, url,"
        f" json_extract(analysis, '$.document.text') FROM documents WHERE seq IN ({marks})",
        sorted(seqs))}


def _hits(store: Store, page: list[tuple[int, list[tuple[float, int, bool]]]], match: Matcher,
          by_date: bool) -> tuple[SearchHit, ...]:
    if not page:
        return ()
    members = {seq for _, group in page for _, seq, _ in group} | {key for key, _ in page}
    rows = document_rows(store, members)
    events = {r[6] for r in rows.values() if r[6] is not None}
    story_of = dict(store.db.execute(
        f"SELECT number, story FROM events WHERE number IN ({','.join('?' * len(events))})",
        sorted(events))) if events else {}
    originals = sorted({rows[key][1] for key, _ in page if key in rows})
    copies: dict[str, list[str]] = {}
    if originals:
        for doc_id, original in store.db.execute(
                "SELECT id, duplicate_of FROM documents WHERE duplicate_of IN"
                f" ({','.join('?' * len(originals))}) ORDER BY seq", originals):
            copies.setdefault(original, []).append(doc_id)
    out: list[SearchHit] = []
    for key, group in page:
        score, best, all_matched = group[0]
        shown = key if key in {seq for _, seq, _ in group} else best   # the original if it matched
        row = rows[shown]
        _, doc_id, title, source, published, language, event, duplicate_of, url, text = row
        original_id = rows[key][1] if key in rows else doc_id
        family = [original_id] + copies.get(original_id, [])
        text_snippet, spans = snippet(text or "", match)
        out.append(SearchHit(
            id=doc_id, title=title or "", source=source or "", published=published,
            score=0.0 if by_date else round(max(s for s, _, _ in group), 4),
            snippet=text_snippet, highlights=spans,
            event=event_id(event) if event is not None else None,
            story=story_id(story_of[event]) if story_of.get(event) is not None else None,
            copies=tuple(d for d in family if d != doc_id), language=language,
            copy_of=duplicate_of, url=url, title_highlights=highlights(title or "", match),
            matched_all=all_matched))
    return tuple(out)

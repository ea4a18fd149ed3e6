"""Browsing the store: the indexed queries behind the web pages and the HTTP API.

Every query here answers one page or list from an index of schema 3 (see docs/store.md):
a period through `documents_day` / `events_date` / `stories_last`, an outlet through
`documents_source_day`, an event through `documents_event`, an entity through `mentions_entity`
and `quotes_speaker`. Lists are paginated (LIMIT/OFFSET, with the caller capping both) and
return their total. Nothing here loads the store, and the rows come back as plain JSON-ready
dicts (the web layer renders them, the API returns them as they are).

`Filters` is what the API's query parameters select: a period (days, inclusive), the stored
`source` values of one outlet (every spelling of it), and one story, event or entity (their
internal numbers, already resolved from the public ids).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from marsad.store.layers import entity_id, event_id, number_of, quote_id, story_id
from marsad.store.reads import NotFound


@dataclass(frozen=True)
class Filters:
    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()
    story: int | None = None
    event: int | None = None
    entity: int | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and how many rows the whole list has."""

    total: int
    items: list[dict[str, Any]]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _doc_where(f: Filters, alias: str = "d") -> tuple[list[str], list[Any]]:
    """WHERE clauses on documents (alias `alias`) for the filters."""
    where: list[str] = []
    params: list[Any] = []
    if f.since:
        where.append(f"{alias}.day >= ?")
        params.append(f.since)
    if f.until:
        where.append(f"{alias}.day <= ?")
        params.append(f.until)
    if f.sources:
        where.append(f"{alias}.source IN ({_marks(f.sources)})")
        params += list(f.sources)
    if f.event is not None:
        where.append(f"{alias}.event = ?")
        params.append(f.event)
    if f.story is not None:
        where.append(f"{alias}.event IN (SELECT number FROM events WHERE story = ?)")
        params.append(f.story)
    if f.entity is not None:
        where.append(f"{alias}.seq IN (SELECT doc_seq FROM mentions WHERE entity = ?)")
        params.append(f.entity)
    return where, params


def _clause(where: list[str]) -> str:
    return (" WHERE " + " AND ".join(where)) if where else ""


class Browse:
    """Read-only queries over one open store connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    # ------------------------------------------------------------------ overview
    def day_range(self) -> tuple[str | None, str | None]:
        """(first, last) timeline date of the stored events."""
        row = self.db.execute("SELECT MIN(date), MAX(date) FROM events WHERE date IS NOT NULL"
                              ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def source_counts(self) -> list[tuple[str, int]]:
        """(stored source value, articles) over the whole store (an index-only scan)."""
        return [(s, n) for s, n in self.db.execute(
            "SELECT source, COUNT(*) FROM documents WHERE source IS NOT NULL GROUP BY source")]

    def period_events(self, f: Filters) -> list[dict[str, Any]]:
        """The events of a period (by timeline date; every event when the period is open),
        optionally only those an outlet reported: the home page ranks their stories."""
        where, params = [], []
        if f.since:
            where.append("e.date >= ?")
            params.append(f.since)
        if f.until:
            where.append("e.date <= ?")
            params.append(f.until)
        if f.sources:
            inner, inner_params = _doc_where(Filters(since=f.since, until=f.until,
                                                     sources=f.sources))
            where.append("e.number IN (SELECT d.event FROM documents d" + _clause(inner) + ")")
            params += inner_params
        return [{"number": n, "id": event_id(n), "title": t, "date": d, "story": s,
                 "documents": nd, "sources": json.loads(src)}
                for n, t, d, s, nd, src in self.db.execute(
                    "SELECT e.number, e.title, e.date, e.story, e.n_documents, e.sources"
                    " FROM events e" + _clause(where) + " ORDER BY e.date DESC, e.number DESC",
                    params)]

    def story_titles(self, numbers: Sequence[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(numbers), 500):
            chunk = list(numbers[start:start + 500])
            for n, title, ne, nd, ns, first, last in self.db.execute(
                    "SELECT number, title, n_events, n_documents, n_sources, first_date, last_date"
                    f" FROM stories WHERE number IN ({_marks(chunk)})", chunk):
                out[n] = {"id": story_id(n), "title": title, "events": ne, "documents": nd,
                          "sources": ns, "first_date": first, "last_date": last}
        return out

    def single_articles(self, event_numbers: Sequence[int]) -> dict[int, dict[str, Any]]:
        """event number -> its one article's fields an opinion test needs (url, title, byline,
        dateline, agency), for single-article events."""
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(event_numbers), 500):
            chunk = list(event_numbers[start:start + 500])
            # one json_extract of two paths parses the analysis once, not twice; `+` keeps
            # SQLite on the event index (the duplicate_of index walks every original)
            for ev, doc, title, source, url, lines, agency in self.db.execute(
                    "SELECT event, id, title, source, url, json_extract(analysis,"
                    " '$.document.byline', '$.document.dateline'), agency FROM documents"
                    f" WHERE event IN ({_marks(chunk)}) AND +duplicate_of IS NULL", chunk):
                byline, dateline = json.loads(lines) if lines else (None, None)
                out.setdefault(ev, {"id": doc, "title": title, "source": source, "url": url,
                                    "byline": byline, "dateline": dateline, "agency": agency})
        return out

    # ------------------------------------------------------------------ lists
    def documents(self, f: Filters, limit: int, offset: int) -> Page:
        where, params = _doc_where(f)
        total = self.db.execute("SELECT COUNT(*) FROM documents d" + _clause(where),
                                params).fetchone()[0]
        rows = self.db.execute(
            "SELECT d.id, d.title, d.source, d.published, d.day, d.url, d.language,"
            " d.duplicate_of, d.event FROM documents d" + _clause(where)
            + " ORDER BY d.day DESC, d.seq DESC LIMIT ? OFFSET ?", params + [limit, offset])
        return Page(total, [_doc_row(r) for r in rows])

    def events(self, f: Filters, limit: int, offset: int) -> Page:
        where, params = [], []
        if f.since:
            where.append("e.date >= ?")
            params.append(f.since)
        if f.until:
            where.append("e.date <= ?")
            params.append(f.until)
        if f.story is not None:
            where.append("e.story = ?")
            params.append(f.story)
        if f.event is not None:
            where.append("e.number = ?")
            params.append(f.event)
        if f.sources or f.entity is not None:
            inner, inner_params = _doc_where(Filters(sources=f.sources, entity=f.entity))
            where.append("e.number IN (SELECT d.event FROM documents d" + _clause(inner) + ")")
            params += inner_params
        total = self.db.execute("SELECT COUNT(*) FROM events e" + _clause(where),
                                params).fetchone()[0]
        rows = self.db.execute(
            "SELECT e.number, e.title, e.date, e.basis, e.story, e.n_documents, e.n_sources,"
            " e.sources, e.first_published, e.last_published FROM events e" + _clause(where)
            + " ORDER BY e.date IS NULL, e.date DESC, e.number DESC LIMIT ? OFFSET ?",
            params + [limit, offset])
        return Page(total, [_event_row(r) for r in rows])

    def stories(self, f: Filters, limit: int, offset: int) -> Page:
        where, params = [], []
        if f.since:
            where.append("s.last_date >= ?")
            params.append(f.since)
        if f.until:
            where.append("s.first_date <= ?")
            params.append(f.until)
        if f.story is not None:
            where.append("s.number = ?")
            params.append(f.story)
        if f.event is not None:
            where.append("s.number = (SELECT story FROM events WHERE number = ?)")
            params.append(f.event)
        if f.sources or f.entity is not None:
            inner, inner_params = _doc_where(Filters(sources=f.sources, entity=f.entity))
            where.append("s.number IN (SELECT e.story FROM events e WHERE e.number IN"
                         " (SELECT d.event FROM documents d" + _clause(inner) + "))")
            params += inner_params
        total = self.db.execute("SELECT COUNT(*) FROM stories s" + _clause(where),
                                params).fetchone()[0]
        rows = self.db.execute(
            "SELECT s.number, s.title, s.n_events, s.n_documents, s.n_sources, s.first_date,"
            " s.last_date FROM stories s" + _clause(where)
            + " ORDER BY s.last_date IS NULL, s.last_date DESC, s.number DESC LIMIT ? OFFSET ?",
            params + [limit, offset])
        return Page(total, [{"id": story_id(n), "title": t, "events": ne, "documents": nd,
                             "sources": ns, "first_date": a, "last_date": b}
                            for n, t, ne, nd, ns, a, b in rows])

    def entities(self, prefix: str | None, etype: str | None, limit: int, offset: int) -> Page:
        """Entities (not merged away) whose folded name starts with `prefix`; by number."""
        where, params = ["merged_into IS NULL"], []
        if prefix:
            where.append("name_folded >= ? AND name_folded < ?")
            params += [prefix, prefix + "\U0010ffff"]
        if etype:
            where.append("type = ?")
            params.append(etype)
        total = self.db.execute("SELECT COUNT(*) FROM entities" + _clause(where),
                                params).fetchone()[0]
        rows = self.db.execute(
            "SELECT number, type, name, aliases, mention_count FROM entities" + _clause(where)
            + " ORDER BY number LIMIT ? OFFSET ?", params + [limit, offset])
        return Page(total, [_entity_row(r) for r in rows])

    def quotes(self, f: Filters, limit: int, offset: int) -> Page:
        """Quotes of the filtered articles; with an entity filter, the quotes it said."""
        where, params = _doc_where(Filters(f.since, f.until, f.sources, f.story, f.event))
        if f.entity is not None:
            where.append("q.speaker = ?")
            params.append(f.entity)
        base = " FROM quotes q JOIN documents d ON d.seq = q.doc_seq" + _clause(where)
        total = self.db.execute("SELECT COUNT(*)" + base, params).fetchone()[0]
        rows = self.db.execute(_QUOTE_COLUMNS + base + " ORDER BY q.seq DESC LIMIT ? OFFSET ?",
                               params + [limit, offset])
        return Page(total, [_quote_row(r) for r in rows])

    def quantities(self, f: Filters, unit: str | None, limit: int, offset: int) -> Page:
        where, params = _doc_where(f)
        if unit:
            where.append("q.unit = ?")
            params.append(unit)
        base = " FROM quantities q JOIN documents d ON d.seq = q.doc_seq" + _clause(where)
        total = self.db.execute("SELECT COUNT(*)" + base, params).fetchone()[0]
        rows = self.db.execute(
            'SELECT d.id, d.source, d.day, q.start, q."end", q.text, q.value, q.unit' + base
            + " ORDER BY q.seq DESC LIMIT ? OFFSET ?", params + [limit, offset])
        return Page(total, [{"doc": doc, "source": src, "day": day, "start": a, "end": b,
                             "text": t, "value": _number(v), "unit": u}
                            for doc, src, day, a, b, t, v, u in rows])

    def comparisons(self, f: Filters, limit: int, offset: int) -> Page:
        where, params = [], []
        if f.event is not None:
            where.append("c.event = ?")
            params.append(f.event)
        if f.story is not None:
            where.append("(c.story = ? OR c.event IN (SELECT number FROM events WHERE story = ?))")
            params += [f.story, f.story]
        if f.since or f.until:
            inner = ["1=1"]
            if f.since:
                inner.append("date >= ?")
                params.append(f.since)
            if f.until:
                inner.append("date <= ?")
                params.append(f.until)
            where.append("c.event IN (SELECT number FROM events WHERE " + " AND ".join(inner)
                         + ")")
        base = " FROM comparisons c" + _clause(where)
        total = self.db.execute("SELECT COUNT(*)" + base, params).fetchone()[0]
        rows = self.db.execute("SELECT c.target, c.body" + base
                               + " ORDER BY c.event IS NULL, c.event DESC, c.story DESC"
                               " LIMIT ? OFFSET ?", params + [limit, offset])
        return Page(total, [{"target": t, **json.loads(b)} for t, b in rows])

    def timeline(self, story: int) -> list[dict[str, Any]]:
        return [_event_row(r) for r in self.db.execute(
            "SELECT number, title, date, basis, story, n_documents, n_sources, sources,"
            " first_published, last_published FROM events WHERE story = ?"
            " ORDER BY date IS NULL, date, number", (story,))]

    # ------------------------------------------------------------------ one story
    def story(self, number: int) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT number, title, n_events, n_documents, n_sources, first_date, last_date"
            " FROM stories WHERE number = ?", (number,)).fetchone()
        if row is None:
            raise NotFound(f"no story {story_id(number)!r} in this store",
                           "story ids look like S12")
        summary = self.db.execute("SELECT body FROM summaries WHERE target = ?",
                                  (story_id(number),)).fetchone()
        return {"id": story_id(row[0]), "title": row[1], "events": row[2], "documents": row[3],
                "sources": row[4], "first_date": row[5], "last_date": row[6],
                "summary": json.loads(summary[0]) if summary else None,
                "timeline": self.timeline(number)}

    # ------------------------------------------------------------------ one event
    def event_quantities(self, number: int) -> list[dict[str, Any]]:
        return [{"doc": doc, "source": src, "start": a, "end": b, "text": t,
                 "value": _number(v), "unit": u}
                for doc, src, a, b, t, v, u in self.db.execute(
                    'SELECT d.id, d.source, q.start, q."end", q.text, q.value, q.unit'
                    " FROM documents d JOIN quantities q ON q.doc_seq = d.seq WHERE d.event = ?"
                    " ORDER BY d.seq, q.start", (number,))]

    def sentence_numbers(self, spots: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """(document id, offset) -> the number of the sentence holding that offset."""
        out: dict[tuple[str, int], int] = {}
        for doc, offset in set(spots):
            row = self.db.execute(
                "SELECT s.n FROM documents d JOIN sentences s ON s.doc_seq = d.seq"
                " WHERE d.id = ? AND s.start <= ? ORDER BY s.n DESC LIMIT 1",
                (doc, offset)).fetchone()
            if row is not None:
                out[(doc, offset)] = int(row[0])
        return out

    # ------------------------------------------------------------------ one entity
    def entity(self, number: int) -> dict[str, Any]:
        row = self.db.execute("SELECT number, type, name, aliases, mention_count FROM entities"
                              " WHERE number = ?", (number,)).fetchone()
        if row is None:
            raise NotFound(f"no entity {entity_id(number)!r} in this store",
                           "entity ids look like E12")
        return _entity_row(row)

    def mentions_per_day(self, number: int) -> list[tuple[str, int]]:
        return [(day, n) for day, n in self.db.execute(
            "SELECT d.day, COUNT(*) FROM mentions m JOIN documents d ON d.seq = m.doc_seq"
            " WHERE m.entity = ? AND d.day IS NOT NULL GROUP BY d.day ORDER BY d.day",
            (number,))]

    def quotes_about(self, number: int, limit: int) -> list[dict[str, Any]]:
        """Quotes that name the entity inside the quoted words (said by someone else)."""
        return [_quote_row(r) for r in self.db.execute(
            _QUOTE_COLUMNS + " FROM mentions m JOIN quotes q ON q.doc_seq = m.doc_seq"
            ' AND m.start >= q.start AND m."end" <= q."end" JOIN documents d ON d.seq = q.doc_seq'
            " WHERE m.entity = ? AND q.speaker IS NOT ? GROUP BY q.seq"
            " ORDER BY q.seq DESC LIMIT ?", (number, number, limit))]

    def entity_events(self, number: int, limit: int) -> list[dict[str, Any]]:
        """The events whose articles mention the entity most."""
        counts = self.db.execute(
            "SELECT d.event, COUNT(*) AS n FROM mentions m JOIN documents d ON d.seq = m.doc_seq"
            " WHERE m.entity = ? AND d.event IS NOT NULL GROUP BY d.event"
            " ORDER BY n DESC, d.event DESC LIMIT ?", (number, limit)).fetchall()
        rows = {r[0]: r for r in self.db.execute(
            "SELECT number, title, date, basis, story, n_documents, n_sources, sources,"
            f" first_published, last_published FROM events WHERE number IN"
            f" ({_marks(counts)})", [c[0] for c in counts])} if counts else {}
        return [{**_event_row(rows[ev]), "mentions": n} for ev, n in counts if ev in rows]

    def co_occurring(self, number: int, limit: int, recent_docs: int = 2000
                     ) -> list[dict[str, Any]]:
        """Entities named in the same articles (over the entity's latest `recent_docs`
        articles, so a country named 30,000 times costs a bounded query)."""
        return [{"id": entity_id(n), "name": name, "type": t, "documents": c}
                for n, name, t, c in self.db.execute(
                    "WITH docs AS (SELECT DISTINCT doc_seq FROM mentions WHERE entity = ?"
                    " ORDER BY doc_seq DESC LIMIT ?)"
                    " SELECT m.entity, e.name, e.type, COUNT(DISTINCT m.doc_seq) AS c"
                    " FROM docs JOIN mentions m ON m.doc_seq = docs.doc_seq"
                    " JOIN entities e ON e.number = m.entity"
                    " WHERE m.entity IS NOT NULL AND m.entity != ?"
                    " GROUP BY m.entity ORDER BY c DESC, m.entity LIMIT ?",
                    (number, recent_docs, number, limit))]

    # ------------------------------------------------------------------ one article
    def document(self, doc_id: str) -> dict[str, Any]:
        """An article with its per-article layers (spans into `text`), its copies and the
        original it copies."""
        row = self.db.execute(
            "SELECT seq, id, title, source, published, day, url, language, duplicate_of, event,"
            " json_extract(analysis, '$.document') FROM documents WHERE id = ?",
            (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article {doc_id!r} in this store",
                           "article ids are those of /api/documents")
        seq = row[0]
        document = json.loads(row[10])
        meta = document.get("metadata") or {}
        sentences = [{"n": n, "start": a, "end": b} for n, a, b in self.db.execute(
            'SELECT n, start, "end" FROM sentences WHERE doc_seq = ? ORDER BY n', (seq,))]
        mentions = [{"start": a, "end": b, "text": t, "type": ty, "entity": entity_id(en)}
                    for a, b, t, ty, en in self.db.execute(
                        'SELECT start, "end", text, type, entity FROM mentions WHERE doc_seq = ?'
                        " ORDER BY start", (seq,))]
        quotes = [_quote_row(r) for r in self.db.execute(
            _QUOTE_COLUMNS + " FROM quotes q JOIN documents d ON d.seq = q.doc_seq"
            " WHERE q.doc_seq = ? ORDER BY q.start", (seq,))]
        quantities = [{"start": a, "end": b, "text": t, "value": _number(v), "unit": u}
                      for a, b, t, v, u in self.db.execute(
                          'SELECT start, "end", text, value, unit FROM quantities'
                          " WHERE doc_seq = ? ORDER BY start", (seq,))]
        copies = [{"id": i, "title": t, "source": s, "published": p} for i, t, s, p in
                  self.db.execute("SELECT id, title, source, published FROM documents"
                                  " WHERE duplicate_of = ? ORDER BY seq", (doc_id,))]
        original = None
        if row[8]:
            found = self.db.execute("SELECT id, title, source, published FROM documents"
                                    " WHERE id = ?", (row[8],)).fetchone()
            original = ({"id": found[0], "title": found[1], "source": found[2],
                         "published": found[3]} if found else {"id": row[8]})
        return {**_doc_row(row[1:10]), "text": document.get("text", ""),
                "byline": document.get("byline"), "dateline": document.get("dateline"),
                "outlet": meta.get("outlet"), "agency": meta.get("agency"),
                "sentences": sentences, "mentions": mentions, "quotes": quotes,
                "quantities": quantities, "copies": copies, "copy_of": original}


_QUOTE_COLUMNS = ('SELECT q.seq, d.id, d.source, d.day, q.start, q."end", q.text, q.kind,'
                  " q.speaker, (SELECT name FROM entities WHERE number = q.speaker),"
                  " q.speaker_text, q.cue")


def _quote_row(r: Sequence[Any]) -> dict[str, Any]:
    return {"id": quote_id(r[0]), "doc": r[1], "source": r[2], "day": r[3], "start": r[4],
            "end": r[5], "text": r[6], "kind": r[7], "speaker": entity_id(r[8]),
            "speaker_name": r[9], "speaker_text": r[10], "cue": r[11]}


def _doc_row(r: Sequence[Any]) -> dict[str, Any]:
    return {"id": r[0], "title": r[1], "source": r[2], "published": r[3], "day": r[4],
            "url": r[5], "language": r[6], "duplicate_of": r[7],
            "event": event_id(r[8]) if r[8] is not None else None}


def _event_row(r: Sequence[Any]) -> dict[str, Any]:
    return {"id": event_id(r[0]), "title": r[1], "date": r[2], "basis": r[3],
            "story": story_id(r[4]) if r[4] is not None else None, "documents": r[5],
            "independent_sources": r[6], "sources": json.loads(r[7]),
            "first_published": r[8], "last_published": r[9]}


def _entity_row(r: Sequence[Any]) -> dict[str, Any]:
    aliases = json.loads(r[3]) if r[3] else {}
    if isinstance(aliases, list):
        aliases = {a: 0 for a in aliases}
    return {"id": entity_id(r[0]), "type": r[1], "name": r[2],
            "aliases": sorted(aliases, key=lambda a: -aliases[a]), "mentions": r[4]}


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def resolve(public_id: str, prefix: str) -> int | None:
    """The internal number of a public id (V3 -> 2), None when malformed."""
    return number_of(public_id, prefix)

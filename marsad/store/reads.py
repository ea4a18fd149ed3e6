"""Reading the store: one event's page data in a few indexed queries, rankings, and the rows a
report or an export streams (never the whole store in memory).

A *selection* (`select`) is a set of events (all of them, a period, one story, the top N
stories by independent outlets) kept in TEMP tables, so every later query joins on it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marsad.errors import StoreError
from marsad.store.codec import decode_analysis
from marsad.store.layers import StoreLayers, entity_id, event_id, number_of, quote_id, story_id
from marsad.types import Document, Rejection


class NotFound(StoreError):
    code = "E_NOT_FOUND"
    http_status = 404


@dataclass(frozen=True)
class Selection:
    """What a report covers: events published in [since, until], one story, the top stories."""

    since: str | None = None
    until: str | None = None
    story: str | None = None
    top: int | None = None


class StoreReads(StoreLayers):
    _db: sqlite3.Connection

    # ------------------------------------------------------------- ids
    def event_ids(self) -> list[str]:
        return [event_id(n) for (n,) in self._db.execute("SELECT number FROM events ORDER BY number")]

    def story_ids(self) -> list[str]:
        return [story_id(n) for (n,) in self._db.execute("SELECT number FROM stories ORDER BY number")]

    def resolve_story(self, public_id: str) -> int:
        """The story number of S<n>, following recorded merges; NotFound otherwise."""
        number = number_of(public_id, "S")
        if number is None:
            raise NotFound(f"no story {public_id!r}", "story ids look like S12")
        for _ in range(100):
            if self._db.execute("SELECT 1 FROM stories WHERE number=?", (number,)).fetchone():
                return number
            row = self._db.execute("SELECT new FROM story_merges WHERE old=?", (number,)).fetchone()
            if row is None:
                break
            number = int(row[0])
        raise NotFound(f"no story {public_id!r} in this store", "list them with `marsad report`")

    def resolve_entity(self, public_id: str) -> int:
        number = number_of(public_id, "E")
        row = self._db.execute("SELECT merged_into FROM entities WHERE number=?",
                               (number,)).fetchone() if number is not None else None
        if row is None:
            raise NotFound(f"no entity {public_id!r} in this store", "entity ids look like E12")
        return self._resolve([number])[number] if row[0] is not None else number  # type: ignore[index]

    # ------------------------------------------------------------- one event
    def event_page(self, public_id: str) -> dict[str, Any]:
        """Everything an event page shows: the event, its articles (earliest first), its
        summary with citations, its outlet comparison and the quotes of its articles."""
        number = number_of(public_id, "V")
        row = self._db.execute(
            "SELECT title, date, basis, story, sources, n_documents FROM events WHERE number=?",
            (number,)).fetchone() if number is not None else None
        if row is None:
            raise NotFound(f"no event {public_id!r} in this store", "event ids look like V12")
        articles = [
            {"id": r[0], "title": r[1], "source": r[2], "published": r[3], "url": r[4],
             "duplicate_of": r[5]}
            for r in self._db.execute(
                "SELECT id, title, source, published, url, duplicate_of FROM documents"
                " WHERE event=? ORDER BY published IS NULL, published, seq", (number,))]
        summary = self._db.execute("SELECT body FROM summaries WHERE target=?",
                                   (public_id,)).fetchone()
        comparison = self._db.execute("SELECT body FROM comparisons WHERE target=?",
                                      (public_id,)).fetchone()
        quotes = [
            {"id": quote_id(r[0]), "doc": r[1], "start": r[2], "end": r[3], "text": r[4],
             "kind": r[5], "speaker": entity_id(r[6]), "speaker_name": r[7],
             "speaker_text": r[8], "cue": r[9]}
            for r in self._db.execute(
                'SELECT q.seq, d.id, q.start, q."end", q.text, q.kind, q.speaker, e.name,'
                " q.speaker_text, q.cue FROM documents d JOIN quotes q ON q.doc_seq = d.seq"
                " LEFT JOIN entities e ON e.number = q.speaker WHERE d.event=?"
                " ORDER BY d.seq, q.start", (number,))]
        return {"event": {"id": public_id, "title": row[0], "date": row[1], "basis": row[2],
                          "story": story_id(row[3]) if row[3] is not None else None,
                          "sources": json.loads(row[4]), "documents": row[5]},
                "articles": articles,
                "summary": json.loads(summary[0]) if summary else None,
                "comparison": json.loads(comparison[0]) if comparison else None,
                "quotes": quotes}

    # ------------------------------------------------------------- selection
    def select(self, selection: Selection | None = None) -> int:
        """Fill the TEMP selection tables; the number of events selected."""
        selection = selection or Selection()
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS sel_events (number INTEGER PRIMARY KEY)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS sel_docs (seq INTEGER PRIMARY KEY)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS sel_stories (number INTEGER PRIMARY KEY)")
        for table in ("sel_events", "sel_docs", "sel_stories"):
            db.execute(f"DELETE FROM temp.{table}")
        where, params = ["1=1"], []
        if selection.since:
            where.append("e.date >= ?")
            params.append(selection.since[:10])
        if selection.until:
            where.append("e.date <= ?")
            params.append(selection.until[:10])
        if selection.story:
            where.append("e.story = ?")
            params.append(self.resolve_story(selection.story))
        if selection.top:
            where.append(
                "e.story IN (SELECT e2.story FROM events e2 WHERE "
                + " AND ".join(w.replace("e.", "e2.") for w in where)
                + " GROUP BY e2.story ORDER BY MAX(e2.n_sources) DESC, COUNT(*) DESC,"
                " e2.story LIMIT ?)")
            params = params + params + [selection.top]
        db.execute(f"INSERT INTO temp.sel_events SELECT e.number FROM events e WHERE {' AND '.join(where)}",
                   params)
        if selection == Selection():
            # everything: also the articles no event holds yet (none after a refresh)
            db.execute("INSERT INTO temp.sel_docs SELECT seq FROM documents")
        else:
            db.execute("INSERT INTO temp.sel_docs SELECT d.seq FROM documents d"
                       " JOIN temp.sel_events s ON s.number = d.event")
        db.execute("INSERT INTO temp.sel_stories SELECT DISTINCT e.story FROM events e"
                   " JOIN temp.sel_events s ON s.number = e.number WHERE e.story IS NOT NULL")
        return int(db.execute("SELECT COUNT(*) FROM temp.sel_events").fetchone()[0])

    # ------------------------------------------------------------- streamed rows
    def iter_documents(self) -> Iterator[Document]:
        for payload, duplicate_of in self._db.execute(
                "SELECT d.analysis, d.duplicate_of FROM documents d"
                " JOIN temp.sel_docs s ON s.seq = d.seq ORDER BY d.seq"):
            document = decode_analysis(payload).document
            yield document if document.duplicate_of == duplicate_of else \
                _with_original(document, duplicate_of)

    def iter_entities(self) -> Iterator[tuple[str, str, str, list[str], list[dict[str, Any]]]]:
        """(id, type, name, aliases, mentions as contract dicts without type) of the entities
        mentioned in the selection, in number order; mentions in document order."""
        current: list[Any] | None = None
        for number, etype, name, aliases, doc, start, end, text, mtype in self._db.execute(
                'SELECT e.number, e.type, e.name, e.aliases, d.id, m.start, m."end", m.text,'
                " m.type FROM mentions m JOIN temp.sel_docs s ON s.seq = m.doc_seq"
                " JOIN documents d ON d.seq = m.doc_seq JOIN entities e ON e.number = m.entity"
                ' ORDER BY e.number, m.doc_seq, m.start, m."end", m.seq'):
            if current is None or current[0] != number:
                if current is not None:
                    yield _entity_row(current)
                current = [number, etype, name, aliases, []]
            mention: dict[str, Any] = {"doc": doc, "start": start, "end": end, "text": text}
            if mtype != etype:
                mention["type"] = mtype
            current[4].append(mention)
        if current is not None:
            yield _entity_row(current)

    def iter_quotes(self) -> Iterator[dict[str, Any]]:
        for r in self._db.execute(
                'SELECT q.seq, d.id, q.start, q."end", q.text, q.kind, q.speaker, q.speaker_text,'
                " q.cue, q.speaker_start, q.speaker_end FROM quotes q"
                " JOIN temp.sel_docs s ON s.seq = q.doc_seq JOIN documents d ON d.seq = q.doc_seq"
                " ORDER BY q.doc_seq, q.start, q.seq"):
            yield {"id": quote_id(r[0]), "doc": r[1], "start": r[2], "end": r[3], "text": r[4],
                   "kind": r[5], "speaker": entity_id(r[6]), "speaker_text": r[7], "cue": r[8],
                   "speaker_start": r[9], "speaker_end": r[10]}

    def iter_quantities(self) -> Iterator[dict[str, Any]]:
        for r in self._db.execute(
                'SELECT d.id, q.start, q."end", q.text, q.value, q.unit FROM quantities q'
                " JOIN temp.sel_docs s ON s.seq = q.doc_seq JOIN documents d ON d.seq = q.doc_seq"
                " ORDER BY q.doc_seq, q.seq"):
            yield {"doc": r[0], "start": r[1], "end": r[2], "text": r[3],
                   "value": _number(r[4]), "unit": r[5]}

    def iter_events(self) -> Iterator[dict[str, Any]]:
        for number, title, date, story, sources in self._db.execute(
                "SELECT e.number, e.title, e.date, e.story, e.sources FROM events e"
                " JOIN temp.sel_events s ON s.number = e.number ORDER BY e.number").fetchall():
            docs = [d for (d,) in self._db.execute(
                "SELECT id FROM documents WHERE event=? ORDER BY published IS NULL, published, seq",
                (number,))]
            yield {"id": event_id(number), "title": title, "documents": docs,
                   "sources": json.loads(sources), "date": date,
                   "story": story_id(story) if story is not None else None}

    def iter_stories(self) -> Iterator[dict[str, Any]]:
        for number, title in self._db.execute(
                "SELECT st.number, st.title FROM stories st JOIN temp.sel_stories s"
                " ON s.number = st.number ORDER BY st.number").fetchall():
            events = [event_id(n) for (n,) in self._db.execute(
                "SELECT e.number FROM events e JOIN temp.sel_events s ON s.number = e.number"
                " WHERE e.story=? ORDER BY e.number", (number,))]
            yield {"id": story_id(number), "title": title, "events": events}

    def iter_bodies(self, table: str) -> Iterator[dict[str, Any]]:
        """Stored summaries or comparisons (contract objects) of the selected events, then of
        the selected stories."""
        assert table in ("summaries", "comparisons")
        for (body,) in self._db.execute(
                f"SELECT t.body FROM {table} t JOIN temp.sel_events s ON s.number = t.event"
                " ORDER BY t.event"):
            yield json.loads(body)
        for (body,) in self._db.execute(
                f"SELECT t.body FROM {table} t JOIN temp.sel_stories s ON s.number = t.story"
                " WHERE t.event IS NULL ORDER BY t.story"):
            yield json.loads(body)

    def iter_timeline(self) -> Iterator[dict[str, Any]]:
        for (story,) in self._db.execute("SELECT number FROM temp.sel_stories ORDER BY number"
                                         ).fetchall():
            events = [{"event": event_id(n), "date": date, "basis": basis if date else None}
                      for n, date, basis in self._db.execute(
                          "SELECT e.number, e.date, e.basis FROM events e JOIN temp.sel_events s"
                          " ON s.number = e.number WHERE e.story=?"
                          " ORDER BY e.date IS NULL, e.date, e.number", (story,))]
            if events:
                yield {"story": story_id(story), "events": events}

    def iter_rejections(self) -> Iterator[Rejection]:
        for row in self._db.execute("SELECT input, code, reason FROM rejections ORDER BY seq"):
            yield Rejection(*row)


def _entity_row(current: list[Any]) -> tuple[str, str, str, list[str], list[dict[str, Any]]]:
    number, etype, name, aliases, mentions = current
    counts = json.loads(aliases)
    return (f"E{number}", etype, name, list(counts), mentions)


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _with_original(document: Document, duplicate_of: str | None) -> Document:
    from dataclasses import replace
    return replace(document, duplicate_of=duplicate_of)

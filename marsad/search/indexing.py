"""Keeping a store's search index up to date: incremental, idempotent, resumable.

`ensure_index` indexes the articles stored after the last one indexed, in arrival order, a chunk
per commit, once their copy and event are decided (`linked = 1`: refresh has placed them). It
runs at the end of every `ingest` (under the writer lock), on the other writing commands, and
from `search` when no writer is busy; a store without an index (an old one) gets one, an index
of another analyser version or grouping epoch is rebuilt. A killed indexing run leaves the last
committed chunk: the next run goes on from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from marsad.search.analyzer import ANALYSER_VERSION, index_fields
from marsad.store import Store
from marsad.store.search_index import IndexRow, SearchIndex

CHUNK = 2000

_PENDING = """
SELECT d.seq, o.seq, d.event, d.source, d.day, d.published, d.language, d.title,
       json_extract(d.analysis, '$.document.text')
  FROM documents d LEFT JOIN documents o ON o.id = d.duplicate_of
 WHERE d.seq > ? AND d.seq < ? ORDER BY d.seq LIMIT ?
"""


def index_behind(store: Store, index: SearchIndex) -> bool:
    """Whether some placed article is not in the index (or the index must be rebuilt)."""
    if not index.exists() or not index.compatible(store.grouping_epoch(), ANALYSER_VERSION):
        return True
    row = store.db.execute("SELECT MAX(seq) FROM documents WHERE seq < ?",
                           (_ready_until(store),)).fetchone()
    return int(row[0] or 0) > index.last_seq()


def _ready_until(store: Store) -> int:
    """One past the last article of the placed prefix (articles are placed in arrival order)."""
    row = store.db.execute("SELECT MIN(seq) FROM documents WHERE linked = 0 OR event IS NULL"
                           ).fetchone()
    if row and row[0] is not None:
        return int(row[0])
    last = store.db.execute("SELECT MAX(seq) FROM documents").fetchone()
    return int(last[0] or 0) + 1


def catch_up(store: Store, index: SearchIndex,
             progress: Callable[[int], None] | None = None) -> int:
    """Index what is missing (the caller holds the writer lock); articles indexed now."""
    epoch = store.grouping_epoch()
    if not index.exists() or not index.compatible(epoch, ANALYSER_VERSION):
        index.create(epoch, ANALYSER_VERSION)
    last = index.last_seq()
    until = _ready_until(store)
    done = 0
    while True:
        rows = store.db.execute(_PENDING, (last, until, CHUNK)).fetchall()
        if not rows:
            return done
        done += index.add(_rows(rows))
        last = int(rows[-1][0])
        if progress is not None:
            progress(done)


def _rows(rows: list[tuple]) -> Iterator[IndexRow]:
    for seq, original, event, source, day, published, language, title, text in rows:
        words, stems = index_fields(text or "")
        title_words, title_stems = index_fields(title or "")
        yield IndexRow(seq=int(seq), original=int(original if original is not None else seq),
                       event=int(event) if event is not None else -1, source=source or "",
                       day=_day_number(day), time=_seconds(published, day),
                       language=language or "", words=words, stems=stems,
                       title_words=title_words, title_stems=title_stems)


def _day_number(day: str | None) -> int:
    if day and len(day) == 10 and day[:4].isdigit() and day[5:7].isdigit() and day[8:].isdigit():
        return int(day[:4] + day[5:7] + day[8:])
    return 0


def _seconds(published: str | None, day: str | None) -> int:
    """Seconds since the epoch (UTC) of the publication time, else of its day, else 0."""
    for value in (published, day):
        if not value:
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp())
    return 0

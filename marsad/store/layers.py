"""Writing the collection layers: entities (with keys, name words, merges), events, stories,
summaries with citations, comparisons with findings.

Each method runs inside the caller's transaction (`Store.transaction`), so a refresh step is
written whole or not at all. The records come as plain values (the store depends on types
only); `marsad.refresh` computes them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from marsad.types import Comparison, Event, StoredEntity, StoredPerson, Summary


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(values: Sequence, size: int = 500) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def event_id(number: int) -> str:
    """The public id of event (tracker cluster) `number`: V1 for cluster 0."""
    return f"V{number + 1}"


def story_id(number: int) -> str:
    return f"S{number + 1}"


def entity_id(number: int | None) -> str | None:
    return None if number is None else f"E{number}"


def quote_id(seq: int) -> str:
    return f"Q{seq}"


def number_of(public_id: str | None, prefix: str) -> int | None:
    """V3 -> 2 (events and stories count from 0 inside), E12 -> 12, Q5 -> 5; None for another
    prefix or a malformed id."""
    if not public_id or not public_id.startswith(prefix) or not public_id[1:].isdigit():
        return None
    value = int(public_id[1:])
    return value - 1 if prefix in ("V", "S") else value


class StoreLayers:
    _db: sqlite3.Connection

    # ------------------------------------------------------------ entity index
    def _resolve(self, numbers: Iterable[int]) -> dict[int, int]:
        """number -> the entity it is now (following recorded merges)."""
        out: dict[int, int] = {}
        for number in set(numbers):
            current, seen = number, set()
            while current not in seen:
                seen.add(current)
                row = self._db.execute("SELECT merged_into FROM entities WHERE number=?",
                                       (current,)).fetchone()
                if row is None or row[0] is None:
                    break
                current = int(row[0])
            out[number] = current
        return out

    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(keys))):
            found.update(self._db.execute(
                f"SELECT key, entity FROM entity_keys WHERE key IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        resolved = self._resolve(found.values())
        return {key: resolved[number] for key, number in found.items()}

    def persons_sharing(self, names: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], list]:
        out: dict[tuple[str, ...], list] = {}
        for name in names:
            words = sorted(set(name))
            rows = self._db.execute(
                "SELECT e.number, e.words FROM entities e WHERE e.merged_into IS NULL AND"
                " e.number IN (SELECT entity FROM entity_words WHERE word IN"
                f" ({','.join('?' * len(words))}) GROUP BY entity HAVING COUNT(DISTINCT word) >= 2)",
                words).fetchall()
            out[name] = [StoredPerson(n, tuple(w.split("|"))) for n, w in rows if w]
        return out

    def persons_with_later_word(self, words: Iterable[str]) -> dict[str, list]:
        out: dict[str, list] = {}
        for word in set(words):
            rows = self._db.execute(
                "SELECT e.number, e.words FROM entity_words w JOIN entities e ON e.number = w.entity"
                " WHERE w.word = ? AND w.position > 0 AND e.merged_into IS NULL LIMIT 20",
                (word,)).fetchall()
            out[word] = [StoredPerson(n, tuple(w.split("|"))) for n, w in rows if w]
        return out

    def next_entity_number(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM entities")
                   .fetchone()[0])

    # ------------------------------------------------------------ entity writes
    def write_entities(self, entities: Iterable[StoredEntity]) -> None:
        """Insert or replace entity rows with their keys and name words."""
        for entity in entities:
            self._db.execute(
                "INSERT OR REPLACE INTO entities (number, type, name, name_folded, aliases, words,"
                " mention_count, type_votes, first_seq, merged_into)"
                " VALUES (?,?,?,?,?,?,?,?,?,NULL)",
                (entity.number, entity.type, entity.name, entity.name_folded,
                 _json(dict(entity.surfaces)), "|".join(entity.words), entity.mention_count,
                 _json(dict(entity.type_votes)), entity.first_seq))
            self._db.executemany("INSERT OR IGNORE INTO entity_keys VALUES (?, ?)",
                                 ((key, entity.number) for key in sorted(entity.keys)))
            if len(entity.words) >= 2:
                self._db.executemany("INSERT OR IGNORE INTO entity_words VALUES (?, ?, ?)",
                                     ((w, i, entity.number) for i, w in enumerate(entity.words)))

    def stored_entity(self, number: int) -> StoredEntity | None:
        row = self._db.execute(
            "SELECT number, type, name, name_folded, aliases, words, mention_count, type_votes,"
            " first_seq FROM entities WHERE number=?", (number,)).fetchone()
        if row is None:
            return None
        keys = {k for (k,) in self._db.execute("SELECT key FROM entity_keys WHERE entity=?",
                                               (number,))}
        return StoredEntity(number=row[0], type=row[1], name=row[2], name_folded=row[3],
                            surfaces=Counter(json.loads(row[4])),
                            words=tuple(row[5].split("|")) if row[5] else (),
                            mention_count=row[6], type_votes=Counter(json.loads(row[7])),
                            first_seq=row[8], keys=keys)

    def merge_entities(self, old: int, new: int, reason: str) -> None:
        """Record that entity `old` is `new`: its mentions, quotes, keys move; its number stays
        a redirect (`entity_merges`, `entities.merged_into`)."""
        if old == new:
            return
        db = self._db
        db.execute("UPDATE mentions SET entity=? WHERE entity=?", (new, old))
        db.execute("UPDATE quotes SET speaker=? WHERE speaker=?", (new, old))
        db.execute("UPDATE entity_keys SET entity=? WHERE entity=?", (new, old))
        db.execute("DELETE FROM entity_words WHERE entity=?", (old,))
        db.execute("UPDATE entities SET merged_into=? WHERE number=?", (new, old))
        db.execute("UPDATE entities SET merged_into=? WHERE merged_into=?", (new, old))
        db.execute("INSERT OR REPLACE INTO entity_merges VALUES (?, ?, ?, ?)",
                   (old, new, time.time(), reason))

    def link_mentions(self, seq_of: Mapping[str, int],
                      mention_entity: Mapping[tuple[str, int, int], int],
                      mention_surface: Mapping[tuple[str, int, int], str],
                      quote_speaker: Mapping[tuple[str, int, int], int]) -> None:
        self._db.executemany(
            'UPDATE mentions SET entity=?, surface=? WHERE doc_seq=? AND start=? AND "end"=?',
            ((number, mention_surface.get(spot), seq_of[spot[0]], spot[1], spot[2])
             for spot, number in mention_entity.items() if spot[0] in seq_of))
        self._db.executemany(
            'UPDATE quotes SET speaker=? WHERE doc_seq=? AND start=? AND "end"=?',
            ((number, seq_of[spot[0]], spot[1], spot[2])
             for spot, number in quote_speaker.items() if spot[0] in seq_of))
        self._db.executemany("UPDATE documents SET linked=1 WHERE seq=?",
                             ((seq,) for seq in seq_of.values()))

    # ------------------------------------------------------------ events, stories
    def write_event(self, number: int, event: Event, basis: str | None, story: int | None,
                    first_published: str | None, last_published: str | None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO events (number, title, date, basis, story, n_documents,"
            " n_sources, sources, first_published, last_published, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (number, event.title, event.date, basis, story, len(event.documents),
             len(event.sources), _json(list(event.sources)), first_published, last_published,
             time.time()))

    def write_story(self, number: int, *, title: str, n_events: int, n_documents: int,
                    n_sources: int, first_date: str | None, last_date: str | None,
                    open_: bool, state: Mapping[str, Any]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO stories (number, title, n_events, n_documents, n_sources,"
            " first_date, last_date, open, state, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (number, title, n_events, n_documents, n_sources, first_date, last_date,
             int(open_), _json(state), time.time()))

    def set_event_story(self, event_numbers: Iterable[int], story: int) -> None:
        self._db.executemany("UPDATE events SET story=? WHERE number=? AND story IS NOT ?",
                             ((story, n, story) for n in event_numbers))

    def record_story_merge(self, old: int, new: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?)",
                         (old, new, time.time()))
        self._db.execute("UPDATE story_merges SET new=? WHERE new=?", (new, old))
        self._db.execute("DELETE FROM stories WHERE number=?", (old,))
        self._db.execute("DELETE FROM summaries WHERE target=?", (f"S{old}",))
        self._db.execute("DELETE FROM citations WHERE target=?", (f"S{old}",))
        self._db.execute("DELETE FROM comparisons WHERE target=?", (f"S{old}",))
        self._db.execute("DELETE FROM findings WHERE target=?", (f"S{old}",))

    # ------------------------------------------------------- summaries, comparisons
    def write_summary(self, target: str, summary: Summary | None, body: Mapping[str, Any] | None,
                      seq_of: Mapping[str, int]) -> None:
        """The summary of `target` (V<n> or S<n>) as its JSON contract object, and one
        citation row per cited span (None: the target has no summary any more)."""
        self._db.execute("DELETE FROM summaries WHERE target=?", (target,))
        self._db.execute("DELETE FROM citations WHERE target=?", (target,))
        if summary is None or body is None:
            return
        self._db.execute("INSERT INTO summaries VALUES (?,?,?,?)",
                         (target, number_of(summary.event, "V"), number_of(summary.story, "S"),
                          _json(body)))
        self._db.executemany(
            'INSERT INTO citations (target, sentence, doc_seq, start, "end") VALUES (?,?,?,?,?)',
            ((target, n, seq_of[c.doc], c.start, c.end)
             for n, sentence in enumerate(summary.sentences) for c in sentence.citations
             if c.doc in seq_of))

    def write_comparison(self, target: str, comparison: Comparison | None,
                         body: Mapping[str, Any] | None,
                         findings: Sequence[tuple[str, str, bool, int, Mapping[str, Any]]]) -> None:
        """The comparison of `target` and its findings (kind, subject, disagreement, number of
        outlets, contract object), each a row a desk can query."""
        self._db.execute("DELETE FROM comparisons WHERE target=?", (target,))
        self._db.execute("DELETE FROM findings WHERE target=?", (target,))
        if comparison is None or body is None:
            return
        self._db.execute("INSERT INTO comparisons VALUES (?,?,?,?)",
                         (target, number_of(comparison.event, "V"),
                          number_of(comparison.story, "S"), _json(body)))
        self._db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?)",
                             ((target, kind, subject, int(differ), outlets, _json(item))
                              for kind, subject, differ, outlets, item in findings))

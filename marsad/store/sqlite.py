"""The embedded store: one SQLite file (WAL), no server.

What is kept:
- the output of the per-document stages (computed once per article, never again);
- the incremental grouping state: each article's copy signature (exact key, MinHash values) and
  its original if it is a copy, the event it was placed in, the events' clusters (centroid sums,
  members, open/closed) and the term document frequencies. A new article is compared with this
  state only, so ingesting it never regroups what was stored before;
- rejections.
The other collection stages (entity linking, stories, summaries, comparisons) are recomputed
from the stored records when a report is asked for. The store holds plain data only (the group
layer owns what it means).

Writes are transactional: an article is stored whole or not at all, and a failed run never
touches what was stored before. Re-ingesting the same article (same id, same text) is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from marsad.errors import StoreError
from marsad.store.codec import decode_analysis, encode_analysis
from marsad.types import DocumentAnalysis, Rejection

SCHEMA_VERSION = 2

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    text_sha1 TEXT NOT NULL,
    published TEXT,
    source TEXT,
    analysis TEXT NOT NULL,
    ingested_at REAL NOT NULL,
    copy_checked INTEGER NOT NULL DEFAULT 0,
    duplicate_of TEXT,
    copy_key TEXT,
    signature BLOB,
    shingles INTEGER NOT NULL DEFAULT 0,
    agency TEXT,
    event INTEGER
);
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (
    number INTEGER PRIMARY KEY, open INTEGER NOT NULL, state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rejections (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    input TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL
);
"""


def text_digest(text: str) -> str:
    """Stable digest of an article's text (never Python's hash(): it changes per process)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Store:
    """An open marsad store. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path))
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_DDL)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a marsad store: {exc}",
                             "pass --db a new file name, or a store written by marsad") from exc

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            with self._db:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {row[0]}, this marsad reads "
                             f"{SCHEMA_VERSION}", "re-ingest into a new store file")

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def known_texts(self) -> dict[str, str]:
        """id -> text digest of every stored article (to skip repeats before analysing)."""
        return {row[0]: row[1] for row in self._db.execute("SELECT id, text_sha1 FROM documents")}

    def add(self, analysis: DocumentAnalysis) -> bool:
        """Store one analysed article; False when the same article was already stored."""
        doc = analysis.document
        digest = text_digest(doc.text)
        row = self._db.execute("SELECT text_sha1 FROM documents WHERE id=?", (doc.id,)).fetchone()
        if row is not None:
            if row[0] == digest:
                return False
            raise StoreError(f"article id '{doc.id}' is already stored with a different text",
                             "give the new article a different id; the stored one is kept")
        with self._db:
            self._db.execute(
                "INSERT INTO documents (id, text_sha1, published, source, analysis, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (doc.id, digest, doc.published, doc.source, encode_analysis(analysis), time.time()))
        return True

    def add_rejection(self, rejection: Rejection) -> None:
        with self._db:
            self._db.execute("INSERT INTO rejections (input, code, reason, at) VALUES (?,?,?,?)",
                             (rejection.input, rejection.code, rejection.reason, time.time()))

    def analyses(self) -> Iterator[DocumentAnalysis]:
        """Every stored article's analysis, in arrival order."""
        for (payload,) in self._db.execute("SELECT analysis FROM documents ORDER BY seq"):
            yield decode_analysis(payload)

    # ------------------------------------------------------- grouping state
    def copy_records(self) -> Iterator[tuple[str, bool, str | None, str | None, bytes | None,
                                              int, str | None, str | None]]:
        """(id, checked, duplicate_of, exact key, signature, shingles, agency, published) of
        every article, in arrival order; `checked` is False for an article stored but not yet
        compared."""
        yield from ((row[0], bool(row[1]), row[2], row[3], row[4], row[5], row[6], row[7])
                    for row in self._db.execute(
                        "SELECT id, copy_checked, duplicate_of, copy_key, signature, shingles,"
                        " agency, published FROM documents ORDER BY seq"))

    def set_copy(self, doc_id: str, duplicate_of: str | None, key: str | None,
                 signature: bytes | None, shingles: int, agency: str | None) -> None:
        with self._db:
            self._db.execute(
                "UPDATE documents SET copy_checked=1, duplicate_of=?, copy_key=?, signature=?,"
                " shingles=?, agency=? WHERE id=?",
                (duplicate_of, key, signature, shingles, agency, doc_id))

    def grouping_state(self, *, open_only: bool = False) -> dict[str, Any]:
        """The stored event-tracking state as plain data (empty parts for a new store).

        With `open_only`, a closed event comes back as `{"open": false}` only (placing new
        articles needs the open events; a report needs them all).
        """
        meta = self._db.execute("SELECT value FROM meta WHERE key='grouping'").fetchone()
        state: dict[str, Any] = json.loads(meta[0]) if meta else {}
        state["df"] = dict(self._db.execute("SELECT term, df FROM terms"))
        state["event_of"] = {row[0]: row[1] for row in self._db.execute(
            "SELECT id, event FROM documents WHERE event IS NOT NULL")}
        state["clusters"] = [
            json.loads(row[1]) if row[0] or not open_only else {"open": False}
            for row in self._db.execute(
                "SELECT open, state FROM clusters ORDER BY number"
                if not open_only else
                "SELECT open, CASE WHEN open THEN state END FROM clusters ORDER BY number")]
        return state

    def save_grouping(self, meta: dict[str, Any], df_delta: dict[str, int],
                      clusters: dict[int, dict[str, Any]], placed: dict[str, int]) -> None:
        """Write back what changed, in one transaction (all of it or nothing)."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('grouping', ?)",
                             (json.dumps(meta, ensure_ascii=False),))
            self._db.executemany(
                "INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df=df+excluded.df",
                df_delta.items())
            self._db.executemany(
                "INSERT OR REPLACE INTO clusters VALUES (?, ?, ?)",
                ((n, int(bool(c.get("open"))), json.dumps(c, ensure_ascii=False,
                                                         separators=(",", ":")))
                 for n, c in clusters.items()))
            self._db.executemany("UPDATE documents SET event=? WHERE id=?",
                                 ((n, d) for d, n in placed.items()))

    def reset_grouping(self, *, copies: bool = False) -> None:
        """Forget the event-tracking state (to regroup from scratch, e.g. after new settings);
        with `copies`, forget the copy decisions too (signatures are kept)."""
        with self._db:
            if copies:
                self._db.execute("UPDATE documents SET copy_checked=0, duplicate_of=NULL")
            self._db.execute("DELETE FROM meta WHERE key='grouping'")
            self._db.execute("DELETE FROM terms")
            self._db.execute("DELETE FROM clusters")
            self._db.execute("UPDATE documents SET event=NULL")

    def analyses_of(self, ids: set[str]) -> Iterator[DocumentAnalysis]:
        """The analyses of the given article ids, in arrival order (only their rows are read)."""
        wanted = sorted(ids)
        rows: list[tuple[int, str]] = []
        for start in range(0, len(wanted), 500):     # SQLite's limit on bound parameters
            chunk = wanted[start:start + 500]
            rows += self._db.execute(
                f"SELECT seq, analysis FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
        for _, payload in sorted(rows):
            yield decode_analysis(payload)

    def rejections(self) -> list[Rejection]:
        return [Rejection(*row) for row in
                self._db.execute("SELECT input, code, reason FROM rejections ORDER BY seq")]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

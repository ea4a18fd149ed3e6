"""The embedded store: one SQLite file (WAL), no server.

What is kept is the output of the per-document stages (computed once per article, never
again); collection stages (duplicates, entities, events, summaries) are recomputed from it in
arrival order when a report is asked for, so a new article joins the events that exist.

Writes are transactional: an article is stored whole or not at all, and a failed run never
touches what was stored before. Re-ingesting the same article (same id, same text) is a no-op.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from marsad.errors import StoreError
from marsad.store.codec import decode_analysis, encode_analysis
from marsad.types import DocumentAnalysis, Rejection

SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    text_sha1 TEXT NOT NULL,
    published TEXT,
    source TEXT,
    analysis TEXT NOT NULL,
    ingested_at REAL NOT NULL
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

    def rejections(self) -> list[Rejection]:
        return [Rejection(*row) for row in
                self._db.execute("SELECT input, code, reason FROM rejections ORDER BY seq")]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

"""The embedded store: one SQLite file (WAL), no server; the system of record.

What is kept (tables in `schema.py`, documented in docs/store.md):
- every article with its per-article layers as rows: sentences, mentions, quotes, quantities
  (and the exact analysis record, so a stage never has to run twice on an article);
- the incremental grouping state: copy signatures, the event tracker's clusters, term document
  frequencies, the story tracker's stories;
- the collection layers, kept up to date incrementally by `marsad.refresh`: entities (with
  aliases, name keys and recorded merges), events, stories, summaries with their citations,
  comparisons with their findings, the timeline (event dates);
- rejections (each once) and a log of the writing runs.

Concurrency: any number of readers while one writer works (WAL). A writing command holds the
store's writer lock (`writer_lock`, an exclusive `flock` on `<store>.lock`) for its whole run,
so two ingests started together run one after the other, never interleaved; each transaction
also starts with `BEGIN IMMEDIATE` under a busy timeout, for writers that do not take the lock.
Writes are transactional: an article is stored whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsad.errors import StoreError
from marsad.store import schema
from marsad.store.codec import decode_analysis, encode_analysis
from marsad.store.reads import StoreReads
from marsad.types import DocumentAnalysis, Rejection

SCHEMA_VERSION = schema.SCHEMA_VERSION
BUSY_TIMEOUT_S = 600.0


def text_digest(text: str) -> str:
    """Stable digest of an article's text (never Python's hash(): it changes per process)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _day(published: str | None) -> str | None:
    return published[:10] if published and len(published) >= 10 else None


class Store(StoreReads):
    """An open marsad store. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock_handle: Any = None
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no such store",
                                     "run `marsad ingest INPUT... --db PATH` first")
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                           timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                           check_same_thread=False)
            else:
                if self.path.parent and not self.path.parent.exists():
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S,
                                           isolation_level=None, check_same_thread=False)
                self._while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA cache_size=-65536")
            self._while_locked(self._open_schema)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a marsad store: {exc}",
                             "pass --db a new file name, or a store written by marsad") from exc

    # ------------------------------------------------------------------ opening
    def _while_locked(self, step: Any) -> Any:
        """Run one opening step again while another process holds the file: two processes
        creating one new store at once meet a lock SQLite's busy timeout does not wait on
        (switching to WAL, creating the schema)."""
        import time
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _open_schema(self) -> None:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            if tables:
                raise sqlite3.DatabaseError("not a marsad store (no meta table)")
            if self.readonly:
                raise StoreError(f"{self.path}: an empty file, not a marsad store",
                                 "run `marsad ingest INPUT... --db PATH` first")
            with self.transaction():
                schema.create(self._db)
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)",
                                 (str(SCHEMA_VERSION),))
            return
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        found = int(row[0]) if row else SCHEMA_VERSION
        if found == SCHEMA_VERSION:
            return
        if found > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {found} is newer than this marsad "
                             f"(reads {SCHEMA_VERSION})", "upgrade marsad: pip install -U marsad")
        if self.readonly:
            raise StoreError(f"{self.path}: store schema {found} must be upgraded first",
                             f"run `marsad upgrade --db {self.path}` (in place, keeps everything)")
        try:
            with self.transaction():
                schema.migrate(self._db, found)
        except ValueError as exc:
            raise StoreError(f"{self.path}: store schema {found} cannot be upgraded: {exc}",
                             "re-ingest the articles into a new store file") from exc

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: a second writer waits for the busy timeout
        instead of failing half way); all of it or nothing."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def writer_lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's writer lock: a second writing command waits here (saying so through
        `on_wait`) until the first one is done, so their effects never interleave."""
        import fcntl
        lock_path = Path(f"{self.path}.lock")
        handle = open(lock_path, "a+", encoding="utf-8")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if on_wait is not None:
                    on_wait(f"waiting for the other writer of {self.path} ({holder}) to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            self._lock_handle = handle
            yield
        finally:
            self._lock_handle = None
            try:
                fcntl.flock(handle, fcntl.LOCK_UN)
            finally:
                handle.close()

    @property
    def holds_writer_lock(self) -> bool:
        return self._lock_handle is not None

    @contextmanager
    def try_writer_lock(self) -> Iterator[bool]:
        """The writer lock if it is free now (True), else nothing (False): for work a reader
        may do when no writer is busy (catching up the search index)."""
        import fcntl
        try:
            handle = open(Path(f"{self.path}.lock"), "a+", encoding="utf-8")
        except OSError:
            yield False                      # a read-only folder: nobody can write here
            return
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            self._lock_handle = handle
            try:
                yield True
            finally:
                self._lock_handle = None
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def grouping_epoch(self) -> int:
        """How many times the events were regrouped (the search index keeps event numbers)."""
        value = self.meta_value("grouping_epoch")
        return int(value) if value and value.isdigit() else 0

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    # --------------------------------------------------------------- run log
    def start_run(self, command: str) -> int:
        with self.transaction():
            cursor = self._db.execute("INSERT INTO runs (pid, command, started) VALUES (?,?,?)",
                                      (os.getpid(), command, time.time()))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run: int, added: int, unchanged: int, rejected: int) -> None:
        with self.transaction():
            self._db.execute("UPDATE runs SET finished=?, added=?, unchanged=?, rejected=? "
                             "WHERE seq=?", (time.time(), added, unchanged, rejected, run))

    # ------------------------------------------------------------- documents
    def known_texts(self) -> "KnownTexts":
        """id -> text digest of the stored articles (to tell repeats from id clashes), looked
        up in the store as asked: an ingest of a few articles into a store of millions does not
        read every id first."""
        return KnownTexts(self._db)

    def known_records(self) -> "KnownRecords":
        """Digests of the records as read (`record_digest`) of the stored articles, so a repeat
        is skipped before any analysis (looked up through an index, made once)."""
        self._db.execute("CREATE INDEX IF NOT EXISTS documents_raw ON documents(raw_sha1)")
        return KnownRecords(self._db)

    def add(self, analysis: DocumentAnalysis, record_sha1: str | None = None) -> bool:
        """Store one analysed article with its per-article layers; False when the same article
        was already stored."""
        doc = analysis.document
        digest = text_digest(doc.text)
        row = self._db.execute("SELECT text_sha1 FROM documents WHERE id=?", (doc.id,)).fetchone()
        if row is not None:
            if row[0] == digest:
                return False
            raise StoreError(f"article id '{doc.id}' is already stored with a different text",
                             "give the new article a different id; the stored one is kept")
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO documents (id, text_sha1, raw_sha1, published, day, source, title,"
                " url, language, analysis, ingested_at, layers) VALUES (?,?,?,?,?,?,?,?,?,?,?,1)",
                (doc.id, digest, record_sha1, doc.published, _day(doc.published), doc.source,
                 doc.title, doc.metadata.get("url") or doc.path, doc.language,
                 encode_analysis(analysis), time.time()))
            self._add_layers(int(cursor.lastrowid or 0), analysis)
        return True

    def _add_layers(self, seq: int, analysis: DocumentAnalysis) -> None:
        db = self._db
        db.executemany('INSERT OR REPLACE INTO sentences (doc_seq, n, start, "end") VALUES (?,?,?,?)',
                       ((seq, n, s.start, s.end)
                        for n, s in enumerate(analysis.document.sentences)))
        db.executemany('INSERT INTO mentions (doc_seq, start, "end", text, type) VALUES (?,?,?,?,?)',
                       ((seq, m.start, m.end, m.text, m.type) for m in analysis.mentions))
        db.executemany(
            'INSERT INTO quotes (doc_seq, start, "end", text, kind, speaker_text, cue,'
            ' speaker_start, speaker_end) VALUES (?,?,?,?,?,?,?,?,?)',
            ((seq, q.start, q.end, q.text, q.kind, q.speaker_text, q.cue,
              q.speaker_mention.start if q.speaker_mention else None,
              q.speaker_mention.end if q.speaker_mention else None) for q in analysis.quotes))
        db.executemany(
            'INSERT INTO quantities (doc_seq, start, "end", text, value, unit) VALUES (?,?,?,?,?,?)',
            ((seq, q.start, q.end, q.text, q.value, q.unit) for q in analysis.quantities))

    def backfill_pending(self) -> bool:
        row = self._db.execute("SELECT value FROM meta WHERE key='backfill'").fetchone()
        return row is not None

    def backfill(self, chunk: int = 500) -> int:
        """Fill the per-article tables of a store upgraded from schema 2 (from the stored
        analyses, a chunk per transaction, so an interrupted upgrade resumes)."""
        done = 0
        while True:
            rows = self._db.execute("SELECT seq, analysis FROM documents WHERE layers = 0"
                                    " ORDER BY seq LIMIT ?", (chunk,)).fetchall()
            if not rows:
                break
            with self.transaction():
                for seq, payload in rows:
                    analysis = decode_analysis(payload)
                    doc = analysis.document
                    self._db.execute(
                        "UPDATE documents SET day=?, title=?, url=?, language=?, layers=1"
                        " WHERE seq=?",
                        (_day(doc.published), doc.title,
                         doc.metadata.get("url") or doc.path, doc.language, seq))
                    self._add_layers(seq, analysis)
            done += len(rows)
        with self.transaction():
            self._db.execute("DELETE FROM meta WHERE key='backfill'")
        return done

    def add_rejection(self, rejection: Rejection) -> None:
        with self.transaction():
            self._db.execute("INSERT OR IGNORE INTO rejections (input, code, reason, at)"
                             " VALUES (?,?,?,?)",
                             (rejection.input, rejection.code, rejection.reason, time.time()))

    def analyses(self) -> Iterator[DocumentAnalysis]:
        """Every stored article's analysis, in arrival order (streamed)."""
        for (payload,) in self._db.execute("SELECT analysis FROM documents ORDER BY seq"):
            yield decode_analysis(payload)

    def analyses_of(self, ids: Iterable[str]) -> Iterator[DocumentAnalysis]:
        """The analyses of the given article ids, in arrival order (only their rows are read)."""
        for _, payload in sorted(self._rows_of(ids, "seq, analysis")):
            yield decode_analysis(payload)

    def _rows_of(self, ids: Iterable[str], columns: str) -> list[tuple]:
        wanted = sorted(set(ids))
        rows: list[tuple] = []
        for start in range(0, len(wanted), 500):     # SQLite's limit on bound parameters
            chunk = wanted[start:start + 500]
            rows += self._db.execute(
                f"SELECT {columns} FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
        return rows

    def seqs_of(self, ids: Iterable[str]) -> dict[str, int]:
        return {doc_id: seq for doc_id, seq in self._rows_of(ids, "id, seq")}

    def rejections(self) -> list[Rejection]:
        return [Rejection(*row) for row in
                self._db.execute("SELECT input, code, reason FROM rejections ORDER BY seq")]

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Rows of the main tables (entities: the ones not merged into another)."""
        one = lambda sql: int(self._db.execute(sql).fetchone()[0])  # noqa: E731
        return {"documents": self.count(),
                "entities": one("SELECT COUNT(*) FROM entities WHERE merged_into IS NULL"),
                "quotes": one("SELECT COUNT(*) FROM quotes"),
                "events": one("SELECT COUNT(*) FROM events"),
                "stories": one("SELECT COUNT(*) FROM stories")}

    def meta_value(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------- grouping state
    def copy_records_since(self, horizon: str | None) -> Iterator[tuple]:
        """(id, checked, duplicate_of, exact key, signature, shingles, agency, published) of
        every article in arrival order; the signature only for articles published on or after
        `horizon` (or not yet compared): older ones are matched by exact key only."""
        query = ("SELECT id, copy_checked, duplicate_of, copy_key,"
                 " CASE WHEN ? IS NULL OR published IS NULL OR substr(published, 1, 10) >= ?"
                 " OR copy_checked = 0 THEN signature END, shingles, agency, published"
                 " FROM documents ORDER BY seq")
        for row in self._db.execute(query, (horizon, horizon)):
            yield (row[0], bool(row[1]), row[2], row[3], row[4], row[5], row[6], row[7])

    def write_copy(self, doc_id: str, duplicate_of: str | None, key: str | None,
                   signature: bytes | None, shingles: int, agency: str | None) -> None:
        """An article's copy decision and signature, inside the caller's transaction."""
        self._db.execute(
            "UPDATE documents SET copy_checked=1, duplicate_of=?, copy_key=?, signature=?,"
            " shingles=?, agency=? WHERE id=?",
            (duplicate_of, key, signature, shingles, agency, doc_id))

    def grouping_state(self, *, open_only: bool = False) -> dict[str, Any]:
        """The stored event-tracking state as plain data (empty parts for a new store).

        With `open_only`, a closed event comes back as `{"open": false}` only (placing new
        articles needs the open events; a full regroup needs them all).
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

    def cluster_states(self, numbers: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The full stored state of some event clusters (closed ones too)."""
        wanted = sorted(set(numbers))
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for number, state in self._db.execute(
                    f"SELECT number, state FROM clusters WHERE number IN ({','.join('?' * len(chunk))})",
                    chunk):
                out[number] = json.loads(state)
        return out

    def write_grouping(self, meta: dict[str, Any], df_delta: dict[str, int],
                       clusters: dict[int, dict[str, Any]], placed: dict[str, int]) -> None:
        """Write back what the event tracker changed, inside the caller's transaction."""
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
        """Forget the event- and story-tracking state and what was derived from it (to regroup
        from scratch after new settings); with `copies`, forget the copy decisions too."""
        with self.transaction():
            if copies:
                self._db.execute("UPDATE documents SET copy_checked=0, duplicate_of=NULL")
            for key in ("grouping", "stories"):
                self._db.execute("DELETE FROM meta WHERE key=?", (key,))
            for table in ("terms", "clusters", "events", "stories", "story_merges", "summaries",
                          "citations", "comparisons", "findings"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.execute("UPDATE documents SET event=NULL")
            # Events are renumbered (and copies may be redone): the search index, which keeps
            # them, sees a new epoch and is rebuilt.
            self._db.execute("INSERT INTO meta VALUES ('grouping_epoch', '1') ON CONFLICT(key)"
                             " DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    # ------------------------------------------------------------------ watched files
    _WATCHED_DDL = ("CREATE TABLE IF NOT EXISTS watched (path BLOB PRIMARY KEY, "
                    "size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, at REAL NOT NULL)")

    def watched_files(self) -> dict[bytes, tuple[int, int]]:
        """path (file-system bytes) -> (size, mtime_ns) of every file `marsad watch` has
        ingested into this store (empty for a store never watched)."""
        try:
            rows = self._db.execute("SELECT path, size, mtime_ns FROM watched").fetchall()
        except sqlite3.OperationalError:        # no such table: never watched
            return {}
        return {bytes(path): (size, mtime) for path, size, mtime in rows}

    def mark_watched(self, files: Iterable[tuple[bytes, int, int]]) -> None:
        """Record files as ingested at this size and time (after their articles are stored:
        a kill in between only makes the next start read them again, and a record already
        stored is skipped)."""
        with self.transaction():
            self._db.execute(self._WATCHED_DDL)
            self._db.executemany("INSERT OR REPLACE INTO watched VALUES (?,?,?,?)",
                                 [(path, size, mtime, time.time())
                                  for path, size, mtime in files])

    def meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        """Inside the caller's transaction."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                         (key, json.dumps(value, ensure_ascii=False)))


class KnownTexts:
    """The mapping `known_texts` returns: the store's ids, and those this run added."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._added: dict[str, str] = {}

    def get(self, doc_id: str, default: str | None = None) -> str | None:
        if doc_id in self._added:
            return self._added[doc_id]
        row = self._db.execute("SELECT text_sha1 FROM documents WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else default

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.get(doc_id) is not None

    def __setitem__(self, doc_id: str, digest: str) -> None:
        self._added[doc_id] = digest


class KnownRecords:
    """The set `known_records` returns: the store's record digests, and this run's."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._added: set[str] = set()

    def __contains__(self, digest: object) -> bool:
        if digest in self._added:
            return True
        return self._db.execute("SELECT 1 FROM documents WHERE raw_sha1=? LIMIT 1",
                                (digest,)).fetchone() is not None

    def add(self, digest: str) -> None:
        self._added.add(digest)

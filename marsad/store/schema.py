"""The store's tables (schema 3) and the in-place migration from older schemas.

Every layer of the analysis is a table a user (or the web layer) can query directly, with indexes
for the questions a desk asks (see docs/store.md):
- "everything X said this week": `quotes(speaker)` joined with `documents(day)`;
- "which outlets covered event E and when": `documents(event)`;
- "all death tolls reported for story S": `quantities(unit)` joined through `documents(event)`
  and `events(story)`.

Identifiers are stable: documents keep their id, entities/events/stories their number (shown
as E<n>, V<n>, S<n>), quotes their row number (Q<n>). When two entities or stories are merged
later, the merge is a row in `entity_merges` / `story_merges` and the old number redirects.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 3

# Schema 2 (before this module) had: meta, documents (no per-layer tables), terms, clusters,
# rejections. Schema 3 keeps those and adds the columns and tables below.
DOCUMENT_COLUMNS_V3 = (
    ("raw_sha1", "TEXT"),        # digest of the record as read, to skip a repeat before analysis
    ("day", "TEXT"),             # YYYY-MM-DD of `published`
    ("title", "TEXT"),
    ("url", "TEXT"),
    ("language", "TEXT"),
    ("layers", "INTEGER NOT NULL DEFAULT 0"),      # per-article tables filled
    ("linked", "INTEGER NOT NULL DEFAULT 0"),      # mentions linked to entities
)

BASE_DDL = """
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

LAYER_DDL = """
CREATE TABLE IF NOT EXISTS sentences (
    doc_seq INTEGER NOT NULL, n INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    PRIMARY KEY (doc_seq, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (
    seq INTEGER PRIMARY KEY,
    doc_seq INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, type TEXT NOT NULL, surface TEXT, entity INTEGER
);
CREATE TABLE IF NOT EXISTS entities (
    number INTEGER PRIMARY KEY,
    type TEXT NOT NULL, name TEXT NOT NULL, name_folded TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]', words TEXT NOT NULL DEFAULT '',
    mention_count INTEGER NOT NULL DEFAULT 0, type_votes TEXT NOT NULL DEFAULT '{}',
    first_seq INTEGER, merged_into INTEGER
);
CREATE TABLE IF NOT EXISTS entity_keys (key TEXT PRIMARY KEY, entity INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_words (
    word TEXT NOT NULL, position INTEGER NOT NULL, entity INTEGER NOT NULL,
    PRIMARY KEY (word, position, entity)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_merges (
    old INTEGER PRIMARY KEY, new INTEGER NOT NULL, at REAL NOT NULL, reason TEXT
);
CREATE TABLE IF NOT EXISTS quotes (
    seq INTEGER PRIMARY KEY,
    doc_seq INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, kind TEXT NOT NULL, speaker_text TEXT, cue TEXT,
    speaker_start INTEGER, speaker_end INTEGER, speaker INTEGER
);
CREATE TABLE IF NOT EXISTS quantities (
    seq INTEGER PRIMARY KEY,
    doc_seq INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, value REAL, unit TEXT
);
CREATE TABLE IF NOT EXISTS events (
    number INTEGER PRIMARY KEY,
    title TEXT NOT NULL, date TEXT, basis TEXT, story INTEGER,
    n_documents INTEGER NOT NULL, n_sources INTEGER NOT NULL, sources TEXT NOT NULL,
    first_published TEXT, last_published TEXT, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    number INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '', n_events INTEGER NOT NULL DEFAULT 0,
    n_documents INTEGER NOT NULL DEFAULT 0, n_sources INTEGER NOT NULL DEFAULT 0,
    first_date TEXT, last_date TEXT, open INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT '{}', updated_at REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS story_merges (
    old INTEGER PRIMARY KEY, new INTEGER NOT NULL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS summaries (
    target TEXT PRIMARY KEY,            -- 'V<n>' for an event, 'S<n>' for a story
    event INTEGER, story INTEGER, body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS citations (
    target TEXT NOT NULL, sentence INTEGER NOT NULL, doc_seq INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS comparisons (
    target TEXT PRIMARY KEY, event INTEGER, story INTEGER, body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
    target TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
    disagreement INTEGER NOT NULL, outlets INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, pid INTEGER NOT NULL, command TEXT NOT NULL,
    started REAL NOT NULL, finished REAL, added INTEGER, unchanged INTEGER, rejected INTEGER
);
"""

INDEX_DDL = """
CREATE INDEX IF NOT EXISTS documents_day ON documents(day);
CREATE INDEX IF NOT EXISTS documents_source_day ON documents(source, day);
CREATE INDEX IF NOT EXISTS documents_event ON documents(event);
CREATE INDEX IF NOT EXISTS documents_original ON documents(duplicate_of);
CREATE INDEX IF NOT EXISTS documents_unlinked ON documents(linked) WHERE linked = 0;
CREATE INDEX IF NOT EXISTS documents_no_layers ON documents(layers) WHERE layers = 0;
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_seq);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name_folded);
CREATE INDEX IF NOT EXISTS entity_words_entity ON entity_words(entity);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_seq);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);
CREATE INDEX IF NOT EXISTS quantities_doc ON quantities(doc_seq);
CREATE INDEX IF NOT EXISTS quantities_unit ON quantities(unit);
CREATE INDEX IF NOT EXISTS events_story ON events(story);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS stories_last ON stories(last_date);
CREATE INDEX IF NOT EXISTS summaries_story ON summaries(story);
CREATE INDEX IF NOT EXISTS citations_target ON citations(target);
CREATE INDEX IF NOT EXISTS citations_doc ON citations(doc_seq);
CREATE INDEX IF NOT EXISTS findings_target ON findings(target);
CREATE INDEX IF NOT EXISTS findings_kind ON findings(kind, subject);
CREATE UNIQUE INDEX IF NOT EXISTS rejections_once ON rejections(input, code, reason);
"""


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement (executescript would commit the caller's transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def create(db: sqlite3.Connection) -> None:
    """Create every table of the current schema in a new store."""
    _run(db, BASE_DDL)
    _add_v3(db)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _add_v3(db: sqlite3.Connection) -> None:
    have = _columns(db, "documents")
    for name, declaration in DOCUMENT_COLUMNS_V3:
        if name not in have:
            db.execute(f"ALTER TABLE documents ADD COLUMN {name} {declaration}")
    _run(db, LAYER_DDL)
    # A schema-2 store may hold the same rejection twice: keep the first before the unique index.
    db.execute("DELETE FROM rejections WHERE seq NOT IN "
               "(SELECT MIN(seq) FROM rejections GROUP BY input, code, reason)")
    _run(db, INDEX_DDL)


def migrate(db: sqlite3.Connection, found: int) -> None:
    """Upgrade a store of schema `found` in place (one transaction: all of it or nothing).

    From 2: the new document columns and per-layer tables are added, and every stored article is
    marked as not yet spread into them; the store's `backfill` fills them (per-article tables
    from the stored analyses, then entity linking, stories, summaries and comparisons), which
    the next command that opens the store for writing runs.
    """
    if found == 2:
        _add_v3(db)
        db.execute("UPDATE documents SET linked = 0, layers = 0")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('backfill', '1')")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        return
    raise ValueError(f"no migration from schema {found}")

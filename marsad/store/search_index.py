"""The full-text index kept beside a store: a tantivy directory `<store>.search/`.

The store stays the system of record; this index only holds what a search needs to match,
rank, filter and count without touching SQLite: the analysed terms (made by `marsad.search`,
given here as space-separated strings: tantivy's whitespace tokenizer splits them, so no
tantivy analyser ever sees Arabic text), the article's row number, its original (copies point at
it), its event, outlet, day, time and language. Text, titles and stories are read from the store
for the hits shown.

What is indexed is exactly the articles whose copy and event are decided (`linked = 1`), so a
stored value never changes afterwards, except after a regroup (new grouping settings renumber the
events and may redo the copies): the store then counts a new `grouping_epoch`, and an index built
under another epoch (or by another analyser version) is rebuilt from the store.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.errors import StoreError

INDEX_FORMAT = 1
_META = "marsad-search.json"
WRITER_HEAP = 64_000_000


def index_path(store_path: str | Path) -> Path:
    return Path(f"{store_path}.search")


@dataclass(frozen=True)
class IndexRow:
    """One article as the index holds it."""

    seq: int
    original: int            # seq of the article it copies, or its own seq
    event: int               # event number (V<n+1>), -1 when none
    source: str
    day: int                 # YYYYMMDD, 0 when the date is unknown
    time: int                # seconds since the epoch of `published`, 0 when unknown
    language: str
    words: str
    stems: str
    title_words: str
    title_stems: str


def _tantivy() -> Any:
    try:
        import tantivy
    except ImportError as exc:           # a broken install, not a user error
        raise StoreError("the search engine (tantivy) is not installed",
                         "pip install marsad again (tantivy is one of its dependencies)") from exc
    return tantivy


def _schema() -> Any:
    tantivy = _tantivy()
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("seq", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("original", indexed=True, fast=True)
    builder.add_integer_field("event", indexed=True, fast=True)
    builder.add_text_field("source", tokenizer_name="raw", fast=True)
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("time", indexed=True, fast=True)
    builder.add_text_field("language", tokenizer_name="raw", fast=True)
    for name in ("words", "stems", "title_words", "title_stems"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    return builder.build()


class SearchIndex:
    """The tantivy index of one store (created on first write)."""

    def __init__(self, store_path: str | Path) -> None:
        self.path = index_path(store_path)
        self._index: Any = None
        self.schema: Any = None

    # ------------------------------------------------------------------ state
    def exists(self) -> bool:
        return (self.path / _META).exists()

    def meta(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_meta(self, meta: dict[str, Any]) -> None:
        temporary = self.path / (_META + ".tmp")
        temporary.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(temporary, self.path / _META)

    def open(self) -> Any:
        """The tantivy Index (opened once); StoreError when it cannot be read."""
        if self._index is None:
            tantivy = _tantivy()
            try:
                self._index = tantivy.Index.open(str(self.path))
            except (ValueError, OSError) as exc:
                raise StoreError(f"{self.path}: cannot open the search index: {exc}",
                                 "delete the folder; the next `marsad ingest` rebuilds it") from exc
            self.schema = self._index.schema
        return self._index

    def compatible(self, epoch: int, analyser: int) -> bool:
        meta = self.meta()
        return (meta.get("format") == INDEX_FORMAT and meta.get("epoch") == epoch
                and meta.get("analyser") == analyser)

    def create(self, epoch: int, analyser: int) -> None:
        """A new empty index (an old or incompatible one is removed first)."""
        tantivy = _tantivy()
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self.schema = _schema()
        self._index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
        self._write_meta({"format": INDEX_FORMAT, "epoch": epoch, "analyser": analyser})

    def searcher(self) -> Any:
        index = self.open()
        index.reload()
        return index.searcher()

    def last_seq(self) -> int:
        """The highest article row number indexed (0 for an empty index)."""
        searcher = self.searcher()
        if searcher.num_docs == 0:
            return 0
        hits = searcher.search(_tantivy().Query.all_query(), 1, count=False,
                               order_by_field="seq").hits
        return int(hits[0][0]) if hits else 0

    def count(self) -> int:
        return int(self.searcher().num_docs)

    # ------------------------------------------------------------------ writes
    def add(self, rows: Iterable[IndexRow]) -> int:
        """Add rows (articles not indexed yet: the caller passes row numbers above
        `last_seq`) and commit once: all of them or none."""
        tantivy = _tantivy()
        index = self.open()
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        added = 0
        try:
            for row in rows:
                doc = tantivy.Document()
                doc.add_unsigned("seq", row.seq)
                doc.add_unsigned("original", row.original)
                doc.add_integer("event", row.event)
                doc.add_text("source", row.source)
                doc.add_integer("day", row.day)
                doc.add_integer("time", row.time)
                doc.add_text("language", row.language)
                doc.add_text("words", row.words)
                doc.add_text("stems", row.stems)
                doc.add_text("title_words", row.title_words)
                doc.add_text("title_stems", row.title_stems)
                writer.add_document(doc)
                added += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        return added

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

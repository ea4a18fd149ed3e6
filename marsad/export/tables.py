"""One table of the store as flat, typed rows: JSON Lines, CSV or Parquet, streamed.

Each table has a documented, stable column set (`TABLES`, listed in docs/export.md) meant for
pandas, spreadsheets and SQL engines: public ids (document ids, `E`/`V`/`S`/`Q` ids, the same
everywhere in marsad), foreign keys between the tables as those ids, ISO dates, UTC timestamps,
and list columns (aliases, sources) as native lists (JSON text in CSV).

Rows are read with one SELECT each (one consistent snapshot, even while an ingest writes) and
written as they come: memory stays flat whatever the size of the store (Parquet holds one
row group of `PARQUET_BATCH_ROWS` rows at a time).

CSV is written with a UTF-8 byte-order mark: Excel opens a BOM-less CSV in the legacy code page
and shows Arabic as mojibake, while with the BOM it reads UTF-8; pandas (`read_csv` with its
defaults), LibreOffice and `csv` with `encoding="utf-8-sig"` skip the mark.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any, BinaryIO

from marsad.errors import MarsadError
from marsad.export.json_contract import open_atomic
from marsad.store import Store

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_BATCH_ROWS = 2_000       # rows per Parquet row group: the only rows held in memory
INSTALL_PARQUET = "pip install 'marsad[parquet]' (or pip install pyarrow)"


class ExportError(MarsadError):
    """An export was asked for wrongly (unknown table or format, no place to write Parquet) or
    needs a library that is not installed."""

    code = "E_EXPORT"
    http_status = 422


@dataclass(frozen=True)
class Column:
    name: str
    kind: str        # str | int | float | bool | date | timestamp | list
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    row: str                     # what one row is
    columns: tuple[Column, ...]
    select: str                  # the SELECT of the columns, in order; {where} is the filter
    day: str | None              # SQL "day" of a row for --since/--until (None: no filter)


def _c(name: str, kind: str, doc: str) -> Column:
    return Column(name, kind, doc)


# Ids are made in SQL: `'E' || NULL` is NULL, so a missing reference stays empty.
_DOC_DAY = "d.day"
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("documents", "article", (
        _c("id", "str", "the article's id (stable)"),
        _c("source", "str", "outlet, by its Arabic name"),
        _c("published", "str", "publication date or time as the outlet gave it (ISO 8601; "
                                "with its UTC offset when known)"),
        _c("day", "date", "the day of `published` (YYYY-MM-DD)"),
        _c("title", "str", "headline"),
        _c("url", "str", "the original address (or the file read)"),
        _c("language", "str", "ISO 639-1 code (`ar`)"),
        _c("agency", "str", "the news agency the article credits (واس، أ ش أ...), if any"),
        _c("byline", "str", "author line, when found"),
        _c("dateline", "str", "dateline (place - agency), when found"),
        _c("copy_of", "str", "the article this one copies (-> documents.id)"),
        _c("event", "str", "its event (-> events.id)"),
        _c("story", "str", "its event's story (-> stories.id)"),
        _c("text", "str", "the cleaned body; the offsets of mentions, quotes and "
                          "quantities point into it"),
        _c("ingested_at", "timestamp", "when it was stored (UTC)"),
    ), "SELECT d.id, d.source, d.published, d.day, d.title, d.url, d.language, d.agency,"
       " json_extract(d.analysis, '$.document.byline'),"
       " json_extract(d.analysis, '$.document.dateline'), d.duplicate_of,"
       " 'V' || (d.event + 1), 'S' || (e.story + 1), json_extract(d.analysis, '$.document.text'),"
       " d.ingested_at FROM documents d LEFT JOIN events e ON e.number = d.event"
       " WHERE {where} ORDER BY d.seq", _DOC_DAY),
    Table("entities", "entity (merged entities appear once, under the number kept)", (
        _c("id", "str", "E<n> (stable)"),
        _c("type", "str", "PER, ORG, LOC or MISC"),
        _c("name", "str", "canonical name"),
        _c("name_folded", "str", "the name normalised (hamza, taa marbuta, alef maqsura "
                                 "folded), for lookups"),
        _c("aliases", "list", "every spelling seen, the most frequent first"),
        _c("mention_count", "int", "mentions in the whole store"),
        _c("first_document", "str", "the article it was first seen in (-> documents.id)"),
    ), "SELECT 'E' || e.number, e.type, e.name, e.name_folded, e.aliases, e.mention_count,"
       " d.id FROM entities e LEFT JOIN documents d ON d.seq = e.first_seq"
       " WHERE e.merged_into IS NULL AND {where} ORDER BY e.number", None),
    Table("mentions", "entity mention in an article", (
        _c("document", "str", "-> documents.id"),
        _c("start", "int", "offset of the first character in the article's text"),
        _c("end", "int", "offset after the last character"),
        _c("text", "str", "the words as written (`text[start:end]`)"),
        _c("surface", "str", "the name with clitics stripped (ل, ب, و, ال...)"),
        _c("type", "str", "PER, ORG, LOC or MISC as tagged here"),
        _c("entity", "str", "the entity it names (-> entities.id; empty when not linked)"),
    ), 'SELECT d.id, m.start, m."end", m.text, m.surface, m.type, \'E\' || m.entity'
       " FROM mentions m JOIN documents d ON d.seq = m.doc_seq WHERE {where} ORDER BY m.seq",
       _DOC_DAY),
    Table("quotes", "quotation", (
        _c("id", "str", "Q<n> (stable)"),
        _c("document", "str", "-> documents.id"),
        _c("start", "int", "offset of the quoted words in the article's text"),
        _c("end", "int", "offset after them"),
        _c("text", "str", "what was said"),
        _c("kind", "str", "direct or indirect"),
        _c("cue", "str", "the reporting verb (قال، أكد...)"),
        _c("speaker", "str", "who said it (-> entities.id; empty when not an entity)"),
        _c("speaker_text", "str", "the words naming the speaker in the article"),
        _c("speaker_start", "int", "offset of those words (empty when unknown)"),
        _c("speaker_end", "int", "offset after them"),
    ), 'SELECT \'Q\' || q.seq, d.id, q.start, q."end", q.text, q.kind, q.cue,'
       " 'E' || q.speaker, q.speaker_text, q.speaker_start, q.speaker_end"
       " FROM quotes q JOIN documents d ON d.seq = q.doc_seq WHERE {where} ORDER BY q.seq",
       _DOC_DAY),
    Table("quantities", "number with its unit", (
        _c("document", "str", "-> documents.id"),
        _c("start", "int", "offset in the article's text"),
        _c("end", "int", "offset after it"),
        _c("text", "str", "as written (Arabic-Indic digits and number words included)"),
        _c("value", "float", "the number (empty when not a finite number)"),
        _c("unit", "str", "what is counted (قتيل، دولار، %...)"),
    ), 'SELECT d.id, q.start, q."end", q.text, q.value, q.unit FROM quantities q'
       " JOIN documents d ON d.seq = q.doc_seq WHERE {where} ORDER BY q.seq", _DOC_DAY),
    Table("events", "event (articles about one happening)", (
        _c("id", "str", "V<n> (stable)"),
        _c("title", "str", "the event's title (one of its headlines)"),
        _c("date", "date", "timeline date"),
        _c("date_basis", "str", "`published` (from the articles' dates) or `text` (a date "
                                "the articles state)"),
        _c("story", "str", "-> stories.id"),
        _c("n_documents", "int", "articles, copies included"),
        _c("n_sources", "int", "independent outlets (copies of one wire count once)"),
        _c("sources", "list", "those outlets"),
        _c("first_published", "str", "earliest article (as `documents.published`)"),
        _c("last_published", "str", "latest article"),
        _c("updated_at", "timestamp", "last recomputed (UTC)"),
    ), "SELECT 'V' || (e.number + 1), e.title, e.date, e.basis, 'S' || (e.story + 1),"
       " e.n_documents, e.n_sources, e.sources, e.first_published, e.last_published,"
       " e.updated_at FROM events e WHERE {where} ORDER BY e.number", "e.date"),
    Table("stories", "story (events followed over time)", (
        _c("id", "str", "S<n> (stable)"),
        _c("title", "str", "the story's title"),
        _c("n_events", "int", "events"),
        _c("n_documents", "int", "articles"),
        _c("n_sources", "int", "independent outlets"),
        _c("first_date", "date", "date of its first event"),
        _c("last_date", "date", "date of its latest event"),
        _c("open", "bool", "still taking new events"),
        _c("updated_at", "timestamp", "last recomputed (UTC)"),
    ), "SELECT 'S' || (s.number + 1), s.title, s.n_events, s.n_documents, s.n_sources,"
       " s.first_date, s.last_date, s.open, s.updated_at FROM stories s"
       " WHERE {where} ORDER BY s.number", None),
)}


# ------------------------------------------------------------------ typed values

def _to_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None          # not produced by marsad; the raw `published` is exported beside it


def _to_timestamp(value: Any) -> datetime | None:
    # stored as Unix seconds; microseconds are what Parquet and pandas keep
    return None if value is None else datetime.fromtimestamp(float(value), timezone.utc)


def _to_float(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def _to_list(value: Any) -> list[str]:
    if not value:
        return []
    data = json.loads(value)
    if isinstance(data, dict):           # entity aliases: spelling -> mentions
        return [k for k, _ in sorted(data.items(), key=lambda kv: -kv[1])]   # stable sort
    return [str(v) for v in data]


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "str": lambda v: None if v is None else str(v),
    "int": lambda v: None if v is None else int(v),
    "float": _to_float,
    "bool": lambda v: None if v is None else bool(v),
    "date": _to_date,
    "timestamp": _to_timestamp,
    "list": _to_list,
}


# ------------------------------------------------------------------ reading

def table_spec(table: str) -> Table:
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r}", f"choose one of: {', '.join(TABLES)}",
                          code="E_EXPORT_TABLE")
    return TABLES[table]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}", f"choose one of: {', '.join(FORMATS)}",
                          code="E_EXPORT_FORMAT")
    return fmt


def _iso_day(value: str | date | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ExportError(f"{name} is not a day: {value!r}", "write it as YYYY-MM-DD",
                          code="E_EXPORT_DATE") from None


def _where(spec: Table, since: str | None, until: str | None) -> tuple[str, list[str]]:
    """The filter of a period: rows of articles published (events dated) in [since, until];
    stories whose events overlap it; entities mentioned in it."""
    if since is None and until is None:
        return "1=1", []
    low, high = since or "0000-01-01", until or "9999-12-31"
    if spec.day is not None:
        return f"{spec.day} BETWEEN ? AND ?", [low, high]
    if spec.name == "stories":
        return "s.last_date >= ? AND s.first_date <= ?", [low, high]
    # entities: mentioned in an article of the period (through the mentions_entity index)
    return ("EXISTS (SELECT 1 FROM mentions m JOIN documents d2 ON d2.seq = m.doc_seq"
            " WHERE m.entity = e.number AND d2.day BETWEEN ? AND ?)", [low, high])


def iter_table(store: Store, table: str, *, since: str | date | None = None,
               until: str | date | None = None) -> Iterator[dict[str, Any]]:
    """The rows of one table (column name -> typed Python value: str, int, float, bool,
    `date`, UTC `datetime`, list of str, or None), streamed in a stable order."""
    spec = table_spec(table)
    where, params = _where(spec, _iso_day(since, "since"), _iso_day(until, "until"))
    names = [c.name for c in spec.columns]
    converters = [_CONVERT[c.kind] for c in spec.columns]
    for row in store.db.execute(spec.select.format(where=where), params):
        yield {name: convert(value) for name, convert, value in zip(names, converters, row)}


# ------------------------------------------------------------------ writing

def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _jsonl_lines(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    for row in rows:
        line = json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False,
                          allow_nan=False)
        yield line.encode("utf-8") + b"\n"


def _write_jsonl(rows: Iterator[dict[str, Any]], out: BinaryIO, spec: Table) -> int:
    count = 0
    for line in _jsonl_lines(rows):
        out.write(line)
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"       # pandas reads these as booleans
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _csv_chunks(rows: Iterator[dict[str, Any]], spec: Table,
                rows_per_chunk: int = 200) -> Iterator[tuple[bytes, int]]:
    """CSV text in chunks of `rows_per_chunk` rows, each with its row count; the first chunk
    starts with the byte-order mark and the header (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in spec.columns])
    pending, first = 0, True
    for row in rows:
        writer.writerow([_csv_value(v) for v in row.values()])
        pending += 1
        if pending >= rows_per_chunk:
            yield ("\ufeff" if first else "").encode() + buffer.getvalue().encode(), pending
            buffer.seek(0)
            buffer.truncate()
            pending, first = 0, False
    if pending or first:
        yield ("\ufeff" if first else "").encode() + buffer.getvalue().encode(), pending


def _write_csv(rows: Iterator[dict[str, Any]], out: BinaryIO, spec: Table) -> int:
    count = 0
    for chunk, n in _csv_chunks(rows, spec):
        out.write(chunk)
        count += n
    return count


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401 - the writer lives there
    except ImportError as exc:
        raise ExportError("Parquet export needs pyarrow, which is not installed",
                          INSTALL_PARQUET, code="E_EXPORT_DEPENDENCY") from exc
    return pyarrow


def arrow_schema(table: str) -> Any:
    """The pyarrow schema of a table's Parquet file."""
    pa = _pyarrow()
    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
             "list": pa.list_(pa.string())}
    return pa.schema([pa.field(c.name, types[c.kind]) for c in table_spec(table).columns],
                     metadata={"marsad.table": table})


def _write_parquet(rows: Iterator[dict[str, Any]], out: BinaryIO, spec: Table) -> int:
    pa = _pyarrow()
    schema = arrow_schema(spec.name)
    count = 0
    with pa.parquet.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= PARQUET_BATCH_ROWS:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:      # an empty table still gets its schema
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


_WRITERS: dict[str, Callable[[Iterator[dict[str, Any]], BinaryIO, Table], int]] = {
    "jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}


def export_table(store: Store, table: str, fmt: str, out: Path | str | IO[bytes], *,
                 since: str | date | None = None, until: str | date | None = None) -> int:
    """Write one table to `out` (a path, replaced atomically when the export is complete, or a
    binary stream such as `sys.stdout.buffer`); the number of rows written."""
    spec = table_spec(table)
    writer = _WRITERS[check_format(fmt)]
    if fmt == "parquet":
        _pyarrow()                   # fail before any file is created
    rows = iter_table(store, table, since=since, until=until)
    if isinstance(out, (str, Path)):
        with open_atomic(Path(out), binary=True) as handle:
            return writer(rows, handle, spec)
    count = writer(rows, out, spec)   # type: ignore[arg-type]
    out.flush()
    return count


def default_stream() -> IO[bytes]:
    """Standard output as bytes (the text layer flushed first, so nothing interleaves)."""
    sys.stdout.flush()
    return sys.stdout.buffer


MEDIA_TYPES = {"jsonl": "application/x-ndjson; charset=utf-8",
               "csv": "text/csv; charset=utf-8",
               "parquet": "application/vnd.apache.parquet"}


def stream_table(store: Store, table: str, fmt: str, *, since: str | date | None = None,
                 until: str | date | None = None) -> Iterator[bytes]:
    """One table as the bytes of a JSON Lines or CSV file, produced as the rows are read (an
    HTTP download of any size in flat memory). Parquet, whose footer needs the whole file, is
    written with `export_table` to a file instead. Asking for an unknown table, format or day
    raises here, before the first chunk."""
    spec = table_spec(table)
    check_format(fmt)
    if fmt == "parquet":
        raise ExportError("Parquet is written to a file, not streamed",
                          "use export_table(store, table, 'parquet', path)",
                          code="E_EXPORT_FORMAT")
    since, until = _iso_day(since, "since"), _iso_day(until, "until")
    rows = iter_table(store, table, since=since, until=until)
    if fmt == "jsonl":
        return _jsonl_lines(rows)
    return (chunk for chunk, _ in _csv_chunks(rows, spec))

"""Readers: files and folders in, RawRecords (or Rejections saying what is wrong) out.

A bad input never stops the run: every problem becomes a `Rejection` naming the file (and the
line or index of a JSON record) with a stable code, and reading goes on with the rest. Files
are opened only when they are regular files (paths.py); archives are read member by member
(archives.py); JSON Lines and JSON arrays are streamed a record at a time (jsonstream.py).
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from marsad.errors import (E_ARCHIVE, E_BINARY, E_EMPTY, E_JSON, E_STAGE, E_TOO_LARGE,
                           E_UNREADABLE, E_UNSUPPORTED, InputError)
from marsad.ingest.archives import Source, archive_sources, archive_suffix, plain_source
from marsad.ingest.encoding import binary_reason, decode_bytes
from marsad.ingest.feeds import FEED_SUFFIXES, looks_like_feed, read_feed
from marsad.ingest.fetch import is_url, read_url
from marsad.ingest.html import decode_html, looks_like_html, parse_html
from marsad.ingest.jsonstream import Item, iter_array, iter_lines, parse_record
from marsad.ingest.paths import display_name, walk_inputs
from marsad.ingest.textsafe import safe_metadata, safe_text
from marsad.ingest.warc import WARC_SUFFIXES, read_warc
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection
TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})
READS = ("marsad reads .txt, .html, .json, .jsonl, RSS/Atom (.rss, .atom, .xml), WARC (.warc) "
         "and .zip/.gz/.tar archives of them")

# Record field names, in order of preference.
_ID_FIELDS = ("id", "_id", "guid", "doc_id")
_TITLE_FIELDS = ("title", "headline")
_TEXT_FIELDS = ("text", "content", "body", "article")
_SOURCE_FIELDS = ("source", "outlet", "publisher", "site")
_URL_FIELDS = ("url", "link")
_DATE_FIELDS = ("published", "date", "date_published", "pubDate", "published_at",
                "date_extracted")
_AUTHOR_FIELDS = ("author", "byline", "authors")
_KNOWN_FIELDS = frozenset(_ID_FIELDS + _TITLE_FIELDS + _TEXT_FIELDS + _SOURCE_FIELDS
                          + _URL_FIELDS + _DATE_FIELDS + _AUTHOR_FIELDS)


def read_inputs(paths: Sequence[str | os.PathLike[str]],
                settings: Settings) -> Iterator[RawRecord | Rejection]:
    """Every article found in `paths` (files or folders, recursively, and http(s) URLs of
    feeds or pages), or why one was rejected."""
    for given in paths:
        if is_url(given):
            yield from read_url(str(given), settings)
            continue
        for item in walk_inputs([given]):
            if isinstance(item, Rejection):
                yield item
            else:
                yield from read_file(item, settings)


def read_file(path: Path, settings: Settings) -> Iterator[RawRecord | Rejection]:
    """The records of one file (or of each member of an archive), or Rejections for it."""
    name = display_name(path)
    try:
        try:
            size = os.stat(path).st_size
        except OSError as exc:
            raise InputError(name, f"cannot read the file ({exc.strerror})",
                             code=E_UNREADABLE) from exc
        kind = archive_suffix(os.fsdecode(path))
        if kind is None:
            yield from read_source(plain_source(path, size), settings)
            return
        if size == 0:
            raise InputError(name, "the file is empty", code=E_EMPTY)
        for source in archive_sources(path, kind, size, settings):
            if isinstance(source, Rejection):
                yield source
            else:
                yield from read_source(source, settings)
    except InputError as error:
        yield Rejection(error.input_name, error.code, str(error.reason))
    except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the run
        yield Rejection(name, E_STAGE, f"internal error while reading: {type(exc).__name__}: "
                        f"{exc} (a marsad bug: please report it)")


def read_source(source: Source, settings: Settings) -> Iterator[RawRecord | Rejection]:
    """The records of one file or archive member (errors of the whole source raise)."""
    try:
        if source.suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(source, settings)
        elif source.suffix in JSON_SUFFIXES:
            yield from _read_json(source, settings)
        elif source.suffix in WARC_SUFFIXES:
            with source.open() as stream:
                yield from read_warc(stream, source.name, source.stem,
                                     settings.max_record_bytes)
        else:
            data = _read_whole(source, settings)
            if source.suffix in HTML_SUFFIXES:
                _refuse_binary(data, source.name)
                yield _html_record(decode_html(data, source.name), source)
            elif source.suffix in TEXT_SUFFIXES:
                yield _text_record(data, source.name, source.stem)
            elif source.suffix in FEED_SUFFIXES:
                yield from _feed_records(data, source)
            else:
                yield from _sniff(data, source)
    except InputError as error:
        yield Rejection(error.input_name, error.code, str(error.reason))
    except (gzip.BadGzipFile, zlib.error, EOFError, zipfile.BadZipFile) as exc:
        yield Rejection(source.name, E_ARCHIVE, f"cannot decompress: {exc}")
    except OSError as exc:
        yield Rejection(source.name, E_UNREADABLE, f"cannot read the file: {exc}")


def _read_whole(source: Source, settings: Settings) -> bytes:
    """All bytes of a source that is one article, refusing a big one before reading it."""
    limit = settings.max_record_bytes
    if source.size is not None and source.size > limit:
        raise InputError(source.name, f"file is {source.size:,} bytes, above the limit of "
                         f"{limit:,} for one article (max_record_bytes); not read",
                         "split it, or raise the max_record_bytes setting", code=E_TOO_LARGE)
    with source.open() as stream:
        # One byte past the limit: a compressed member can be larger than it says.
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(source.name, f"content is above the limit of {limit:,} bytes for one "
                         "article (max_record_bytes)", "raise the max_record_bytes setting",
                         code=E_TOO_LARGE)
    if not data.strip():
        raise InputError(source.name, "the file is empty", code=E_EMPTY)
    return data


def _feed_records(data: bytes, source: Source) -> Iterator[RawRecord | Rejection]:
    _refuse_binary(data, source.name)
    head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff")
    if not looks_like_feed(head):
        raise InputError(source.name, "an XML file that is not an RSS or Atom feed",
                         READS, code=E_UNSUPPORTED)
    yield from read_feed(data, source.name, source.stem)


def _html_record(html: str, source: Source) -> RawRecord:
    record = parse_html(html, source.name, source.stem)
    return _safe_record(record)


def _refuse_binary(data: bytes, name: str) -> None:
    reason = binary_reason(data)
    if reason is not None:
        hint = ("name it .gz, .zip or .tar to have it read as an archive"
                if "compress" in reason or "archive" in reason else
                READS)
        raise InputError(name, f"not a text file: {reason}", hint, code=E_BINARY)


def _decode_text(data: bytes, name: str) -> str:
    _refuse_binary(data, name)
    text = safe_text(decode_bytes(data, name))
    if not text.strip():
        raise InputError(name, "the file has only whitespace", code=E_EMPTY)
    return text


def _text_record(data: bytes, name: str, stem: str) -> RawRecord:
    text = _decode_text(data, name)
    return RawRecord(path=name, text=text, id=stem, title_in_text=True,
                     metadata={"format": "text"})


def _sniff(data: bytes, source: Source) -> Iterator[RawRecord | Rejection]:
    """A file with an unknown extension: read it if it is text, HTML or JSON."""
    name, stem = source.name, source.stem
    try:
        text = _decode_text(data, name)
    except InputError as error:
        if error.code == E_EMPTY:
            raise
        raise InputError(name, f"unsupported file type ({error.reason})", READS,
                         code=E_BINARY if error.code == E_BINARY else E_UNSUPPORTED) from error
    head = text.lstrip()[:512].lower()
    if looks_like_feed(text[:4096]):
        yield from read_feed(data, name, stem)
        return
    if looks_like_html(text):
        yield _html_record(text, source)
        return
    if head[:1] in "[{":
        try:
            parsed = parse_record(text)
        except ValueError:
            pass
        else:
            yield from _json_records(parsed, name, stem)
            return
    yield RawRecord(path=name, text=text, id=stem, title_in_text=True,
                    metadata={"format": "text"})


def _looks_wide(head: bytes) -> bool:
    """A UTF-16/32 file (BOM or NUL pattern): cannot be split into lines as bytes."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or b"\x00" in head


def _read_jsonl(source: Source, settings: Settings) -> Iterator[RawRecord | Rejection]:
    name, stem = source.name, source.stem
    with source.open() as stream:
        reader = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
        if _looks_wide(reader.peek(64)[:64]):
            # UTF-16 JSON Lines (rare): decoded whole, within the one-record limit.
            data = _read_whole(source, settings)
            lines = _decode_text(data, name).split("\n")
            items = _items_of_lines(lines)
        else:
            items = iter_lines(reader, name, settings.max_record_bytes)
        yield from _records_of(items, name, stem, ":")


def _items_of_lines(lines: list[str]) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield Item(number, value=parse_record(line))
            except ValueError as exc:
                yield Item(number, problem=(E_JSON, f"line {number} is not valid JSON: {exc}"))


def _records_of(items: Iterator[Item], name: str, stem: str,
                mark: str) -> Iterator[RawRecord | Rejection]:
    """Records of a stream of JSON items; `mark` names them ("file:12" lines, "file#3")."""
    found = False
    for item in items:
        found = True
        where = f"{name}{mark}{item.position}"
        if item.problem is not None:
            yield Rejection(where, *item.problem)
        else:
            yield _record_or_rejection(item.value, name, where, f"{stem}-{item.position}")
    if not found:
        raise InputError(name, "the file has no records", code=E_EMPTY)


def _read_json(source: Source, settings: Settings) -> Iterator[RawRecord | Rejection]:
    name, stem = source.name, source.stem
    limit = settings.max_record_bytes
    if source.size is not None and source.size <= limit:
        text = _decode_text(_read_whole(source, settings), name)
        if text.lstrip()[:1] == "[":
            # str.lstrip also strips what JSON does not call space (a no-break space, found by
            # fuzzing): the array is read from its "[" on
            yield from _records_of(iter_array(text.lstrip(), limit), name, stem, "#")
            return
        try:
            parsed = parse_record(text)
        except ValueError as exc:
            raise InputError(name, f"not valid JSON: {exc}", "one JSON array of records, one "
                             "record object, or JSON Lines (.jsonl)", code=E_JSON) from exc
        yield from _json_records(parsed, name, stem)
        return
    # Larger than one record (or of unknown size, in an archive): only an array can be
    # streamed; invalid UTF-8 shows as U+FFFD in the records it touches.
    with source.open() as stream:
        reader = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
        head = reader.peek(64)[:64]
        if _looks_wide(head):
            raise InputError(name, "a UTF-16/32 JSON file above max_record_bytes cannot be "
                             "streamed", "save it as UTF-8", code=E_TOO_LARGE)
        text = io.TextIOWrapper(reader, encoding="utf-8-sig", errors="replace")
        first = text.read(1)
        while first and first in " \t\r\n":
            first = text.read(1)
        if first == "":
            raise InputError(name, "the file is empty", code=E_EMPTY)
        if first != "[":
            raise InputError(name, f"a JSON file above {limit:,} bytes that is not an array "
                             "cannot be streamed", "write one record a line (.jsonl), or "
                             "raise max_record_bytes", code=E_TOO_LARGE)
        yield from _records_of(iter_array(_Prefixed("[", text), limit), name, stem, "#")


class _Prefixed(io.TextIOBase):
    """A text stream with `prefix` put back in front (the '[' read while sniffing)."""

    def __init__(self, prefix: str, inner: io.TextIOBase) -> None:
        self._prefix, self._inner = prefix, inner

    def read(self, size: int | None = -1) -> str:
        head, self._prefix = self._prefix, ""
        return head + self._inner.read(size if size is None or size < 0 else size)


def _json_records(parsed: Any, name: str, stem: str) -> Iterator[RawRecord | Rejection]:
    """Records of a JSON document: an array, {"articles": [...]}, or one record object."""
    if isinstance(parsed, dict):
        for key in ("articles", "records", "items", "data", "documents"):
            if isinstance(parsed.get(key), list):
                parsed = parsed[key]
                break
        else:
            yield _record_or_rejection(parsed, name, name, stem)
            return
    if not isinstance(parsed, list):
        raise InputError(name, f"expected a JSON array or object, found {type(parsed).__name__}",
                         code=E_JSON)
    if not parsed:
        raise InputError(name, "the JSON array is empty", code=E_EMPTY)
    for index, obj in enumerate(parsed):
        yield _record_or_rejection(obj, name, f"{name}#{index}", f"{stem}-{index}")


def _first(obj: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value not in (None, "", []):
            return value
    return None


def _as_text(value: Any) -> str | None:
    """A string field, joining lists of strings (paragraphs, several authors)."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return safe_text("\n".join(value))
    return None


def _safe_record(record: RawRecord) -> RawRecord:
    """A record whose every string can be encoded (HTML text can carry lone surrogates too)."""
    from dataclasses import replace

    def fix(value: str | None) -> str | None:
        return safe_text(value) if value is not None else None

    return replace(record, text=safe_text(record.text), title=fix(record.title),
                   source=fix(record.source), url=fix(record.url),
                   published=fix(record.published), author=fix(record.author))


def _record_or_rejection(obj: Any, name: str, where: str,
                         fallback_id: str) -> RawRecord | Rejection:
    """One JSON record as a RawRecord; `where` names it in messages ("file:line", "file#3")."""
    if not isinstance(obj, dict):
        return Rejection(where, E_JSON, f"expected a JSON object, found {type(obj).__name__}")
    field = _first(obj, _TEXT_FIELDS)
    # A number or an object is not an article's text (str(12) would become a 2-letter article).
    text = _as_text(field) if isinstance(field, (str, list)) else None
    if text is None and field is not None:
        return Rejection(where, E_JSON, f"the text field holds {type(field).__name__}, not a "
                         "string")
    if text is None or not text.strip():
        return Rejection(where, E_EMPTY, "the record has no text (looked for fields: "
                         + ", ".join(_TEXT_FIELDS) + ")")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_id = _first(obj, _ID_FIELDS)
    record_id = _as_text(raw_id) if isinstance(raw_id, (str, int)) else None
    if record_id is not None:
        record_id = record_id.strip() or None
    title = _as_text(_first(obj, _TITLE_FIELDS))
    url = _as_text(_first(obj, _URL_FIELDS))
    metadata = {key: safe_metadata(value) for key, value in obj.items()
                if key not in _KNOWN_FIELDS}
    metadata = {safe_text(key): value for key, value in metadata.items()}
    metadata["input"] = where
    authors = _first(obj, _AUTHOR_FIELDS)
    author = (", ".join(a for a in authors if isinstance(a, str))
              if isinstance(authors, list) else _as_text(authors))
    return RawRecord(
        path=url or name,
        text=text,
        id=record_id or fallback_id,
        title=title.strip() if title and title.strip() else None,
        source=_as_text(_first(obj, _SOURCE_FIELDS)),
        url=url,
        published=_as_text(_first(obj, _DATE_FIELDS)),
        author=safe_text(author) if author else author,
        # Without a title field, the first line of the text may be the headline.
        title_in_text=not (title and title.strip()),
        metadata=metadata,
    )

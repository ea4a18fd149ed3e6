"""Readers: files and folders in, RawRecords (or Rejections saying what is wrong) out.

A bad input never stops the run: every problem becomes a `Rejection` naming the file (and the
line or index of a JSON record) with a stable code, and reading goes on with the rest.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from marsad.errors import (E_BINARY, E_EMPTY, E_JSON, E_NOT_FOUND, E_TOO_LARGE, E_UNSUPPORTED,
                           InputError)
from marsad.ingest.encoding import binary_reason, decode_bytes
from marsad.ingest.html import decode_html, looks_like_html, parse_html
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})

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


def read_inputs(paths: Sequence[str | Path], settings: Settings) -> Iterator[RawRecord | Rejection]:
    """Every article found in `paths` (files or folders, recursively), or why one was rejected."""
    for given in paths:
        path = Path(given)
        if not path.exists():
            yield Rejection(str(given), E_NOT_FOUND, "no such file or folder")
        elif path.is_dir():
            for file in _walk(path):
                yield from read_file(file, settings)
        else:
            yield from read_file(path, settings)


def _walk(folder: Path) -> list[Path]:
    """Files under `folder` in sorted order, skipping hidden files and folders (.git, .DS_Store)."""
    found = []
    for file in folder.rglob("*"):
        relative = file.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not file.is_file():
            continue
        found.append(file)
    return sorted(found, key=lambda f: f.relative_to(folder).as_posix())


def read_file(path: Path, settings: Settings) -> Iterator[RawRecord | Rejection]:
    """The records of one file, or Rejections for it (or for some of its JSON records)."""
    name = str(path)
    try:
        data = _read_bytes(path, settings)
        suffix = path.suffix.lower()
        stem = path.stem
        if suffix == ".gz":
            # gzip -> look at the inner name: "articles.jsonl.gz" is JSON Lines.
            suffix = Path(stem).suffix.lower()
            stem = Path(stem).stem
        if not data.strip():
            raise InputError(name, "the file is empty", code=E_EMPTY)
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(data, name, stem)
        elif suffix in JSON_SUFFIXES:
            yield from _read_json(data, name, stem)
        elif suffix in HTML_SUFFIXES:
            _refuse_binary(data, name)
            yield parse_html(decode_html(data, name), name, stem)
        elif suffix in TEXT_SUFFIXES:
            yield _text_record(data, name, stem)
        else:
            yield from _sniff(data, name, stem)
    except InputError as error:
        yield Rejection(error.input_name, error.code, str(error.reason))


def _read_bytes(path: Path, settings: Settings) -> bytes:
    """The file's bytes (gunzipped for .gz), refusing big files before reading them."""
    name = str(path)
    limit = settings.max_input_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror}", code=E_NOT_FOUND) from exc
    if size > limit:
        raise InputError(name, f"file is {size:,} bytes, above the limit of {limit:,}",
                         "split it, or raise the max_input_bytes setting", code=E_TOO_LARGE)
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as stream:
                # Read one byte past the limit: a small .gz can expand to gigabytes.
                data = stream.read(limit + 1)
            if len(data) > limit:
                raise InputError(name, f"decompressed content is above the limit of {limit:,} "
                                 "bytes", "raise the max_input_bytes setting", code=E_TOO_LARGE)
            return data
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        code = E_BINARY if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)) else E_NOT_FOUND
        raise InputError(name, f"cannot read the file: {exc}", code=code) from exc


def _refuse_binary(data: bytes, name: str) -> None:
    reason = binary_reason(data)
    if reason is not None:
        raise InputError(name, f"not a text file: {reason}",
                         "marsad reads .txt, .html, .json, .jsonl (optionally .gz)",
                         code=E_BINARY)


def _decode_text(data: bytes, name: str) -> str:
    _refuse_binary(data, name)
    text = decode_bytes(data, name)
    if not text.strip():
        raise InputError(name, "the file has only whitespace", code=E_EMPTY)
    return text


def _text_record(data: bytes, name: str, stem: str) -> RawRecord:
    text = _decode_text(data, name)
    return RawRecord(path=name, text=text, id=stem, title_in_text=True,
                     metadata={"format": "text"})


def _sniff(data: bytes, name: str, stem: str) -> Iterator[RawRecord | Rejection]:
    """A file with an unknown extension: read it if it is text, HTML or JSON."""
    try:
        text = _decode_text(data, name)
    except InputError as error:
        if error.code == E_EMPTY:
            raise
        raise InputError(name, f"unsupported file type ({error.reason})",
                         "marsad reads .txt, .html, .json, .jsonl (optionally .gz)",
                         code=E_BINARY if error.code == E_BINARY else E_UNSUPPORTED) from error
    head = text.lstrip()[:512].lower()
    if head.startswith("<?xml") and ("<rss" in head or "<feed" in head):
        raise InputError(name, "RSS/Atom feeds are not read by this reader",
                         "save the linked articles as .html or .txt", code=E_UNSUPPORTED)
    if looks_like_html(text):
        yield parse_html(text, name, stem)
        return
    if head[:1] in "[{":
        try:
            parsed = json.loads(text)
        except ValueError:
            pass
        else:
            yield from _json_records(parsed, name, stem)
            return
    yield RawRecord(path=name, text=text, id=stem, title_in_text=True,
                    metadata={"format": "text"})


def _read_jsonl(data: bytes, name: str, stem: str) -> Iterator[RawRecord | Rejection]:
    text = _decode_text(data, name)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield Rejection(where, E_JSON, f"line {number} is not valid JSON: {exc}")
            continue
        yield _record_or_rejection(obj, name, where, f"{stem}-{number}")


def _read_json(data: bytes, name: str, stem: str) -> Iterator[RawRecord | Rejection]:
    text = _decode_text(data, name)
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise InputError(name, f"not valid JSON: {exc}",
                         "one JSON array of records, one record object, or JSON Lines (.jsonl)",
                         code=E_JSON) from exc
    yield from _json_records(parsed, name, stem)


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
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n".join(value)
    return None


def _record_or_rejection(obj: Any, name: str, where: str,
                         fallback_id: str) -> RawRecord | Rejection:
    """One JSON record as a RawRecord; `where` names it in messages ("file:line", "file#3")."""
    if not isinstance(obj, dict):
        return Rejection(where, E_JSON, f"expected a JSON object, found {type(obj).__name__}")
    text = _as_text(_first(obj, _TEXT_FIELDS))
    if text is None or not text.strip():
        return Rejection(where, E_EMPTY, "the record has no text (looked for fields: "
                         + ", ".join(_TEXT_FIELDS) + ")")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    record_id = _as_text(_first(obj, _ID_FIELDS))
    title = _as_text(_first(obj, _TITLE_FIELDS))
    url = _as_text(_first(obj, _URL_FIELDS))
    metadata = {key: value for key, value in obj.items() if key not in _KNOWN_FIELDS}
    metadata["input"] = where
    authors = _first(obj, _AUTHOR_FIELDS)
    author = ", ".join(authors) if isinstance(authors, list) else _as_text(authors)
    return RawRecord(
        path=url or name,
        text=text,
        id=record_id or fallback_id,
        title=title.strip() if title and title.strip() else None,
        source=_as_text(_first(obj, _SOURCE_FIELDS)),
        url=url,
        published=_as_text(_first(obj, _DATE_FIELDS)),
        author=author,
        # Without a title field, the first line of the text may be the headline.
        title_in_text=not (title and title.strip()),
        metadata=metadata,
    )

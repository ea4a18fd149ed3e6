"""JSON Lines and JSON arrays read record by record: memory follows one record, not the file.

A corpus dump is one big file (all 31k SaudiNewsNet articles are one 105 MB JSON Lines file), so
the size limit applies to each record (`max_record_bytes`), never to the whole file. One bad
record (malformed, nested 100,000 deep, too large) is reported with its line or index and
reading goes on; only a syntax error between the elements of an array, where the next record
cannot be found again, ends the file.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from marsad.errors import E_ENCODING, E_JSON, E_TOO_LARGE, InputError
from marsad.ingest.encoding import decode_bytes

_CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n\ufeff"
# A value that ends this close to the end of the buffer may be a number cut in two: re-read.
_NUMBER_MARGIN = 64


@dataclass(frozen=True)
class Item:
    """One element of a JSON stream: its 1-based line (JSONL) or 0-based index (array), and
    either the parsed value or why it was refused (code, reason)."""

    position: int
    value: Any = None
    problem: tuple[str, str] | None = None


def parse_record(text: str) -> Any:
    """`json.loads`, with deep nesting and memory exhaustion turned into a ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to be an article record") from None
    except MemoryError:
        raise ValueError("too large to parse in memory") from None


def iter_lines(stream: BinaryIO, name: str, limit: int) -> Iterator[Item]:
    """The records of a JSON Lines stream; a line above `limit` bytes is skipped unread."""
    reader = stream if isinstance(stream, io.BufferedIOBase) else io.BufferedReader(stream)
    number = 0
    while True:
        line = reader.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Drain the rest of the line a chunk at a time: memory stays at one chunk.
            while (more := reader.readline(_CHUNK)) and not more.endswith(b"\n"):
                pass
            yield Item(number, problem=(E_TOO_LARGE, f"line {number} is longer than the limit "
                                        f"of {limit:,} bytes (max_record_bytes)"))
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            # A few bad bytes (a cut sequence) or a line saved in Windows-1256: the tolerant
            # decoder keeps the record when the bytes are still recognisably text.
            try:
                text = decode_bytes(line, f"{name}:{number}")
            except InputError as exc:
                yield Item(number, problem=(E_ENCODING, f"line {number}: {exc.reason}"))
                continue
        try:
            yield Item(number, value=parse_record(text))
        except ValueError as exc:
            yield Item(number, problem=(E_JSON, f"line {number} is not valid JSON: {exc}"))


class _Buffer:
    """Text from a stream, read a chunk at a time; `text[pos:]` is what is not consumed yet."""

    def __init__(self, source: io.TextIOBase | str) -> None:
        self._source = source if not isinstance(source, str) else None
        self.text = source if isinstance(source, str) else ""
        self.pos = 0
        self.eof = isinstance(source, str)

    def more(self) -> bool:
        """Read another chunk (dropping what is consumed); False at the end of the stream."""
        if self.eof or self._source is None:
            return False
        chunk = self._source.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.text = self.text[self.pos:] + chunk
        self.pos = 0
        return True

    def skip_space(self) -> str:
        """The next non-space character ("" at the end), not consumed."""
        while True:
            text, pos = self.text, self.pos
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            self.pos = pos
            if pos < len(text):
                return text[pos]
            if not self.more():
                return ""


def _skip_value(buffer: _Buffer) -> bool:
    """Consume one JSON value without parsing it (too deep or too large to parse): follow
    brackets and strings only. False when the stream ends inside it."""
    depth, in_string, escaped = 0, False, False
    while True:
        text = buffer.text
        for pos in range(buffer.pos, len(text)):
            ch = text[pos]
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
                    if depth == 0:
                        buffer.pos = pos + 1
                        return True
            elif ch == '"':
                in_string = True
            elif ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth <= 0:
                    buffer.pos = pos + 1
                    return True
            elif depth == 0 and ch in ",":
                buffer.pos = pos
                return True
        buffer.pos = len(text)
        if not buffer.more():
            return False


def iter_array(source: io.TextIOBase | str, limit: int) -> Iterator[Item]:
    """The elements of the JSON array that `source` holds (its first character must be `[`).

    Each element is parsed with `raw_decode` as soon as it is complete in the buffer, so an
    array of any size is read with the memory of its largest element; an element above `limit`
    characters, or nested too deeply, is skipped and reported.
    """
    buffer = _Buffer(source)
    if buffer.skip_space() != "[":
        raise ValueError("not a JSON array")
    buffer.pos += 1
    index = 0
    if buffer.skip_space() == "]":
        return
    while True:
        if buffer.skip_space() == "":
            yield Item(index, problem=(E_JSON, f"the array ends early (element {index} is cut)"))
            return
        while True:
            try:
                value, end = _DECODER.raw_decode(buffer.text, buffer.pos)
            except RecursionError:
                _skip_value(buffer)
                yield Item(index, problem=(E_JSON, f"element {index} is nested too deeply to "
                                           "be an article record"))
                break
            except ValueError as exc:
                if len(buffer.text) - buffer.pos > limit:
                    complete = _skip_value(buffer)
                    yield Item(index, problem=(E_TOO_LARGE, f"element {index} is larger than "
                                               f"the limit of {limit:,} characters "
                                               "(max_record_bytes)"))
                    if not complete:
                        return
                    break
                if buffer.more():
                    continue  # the element is only cut by the end of the buffer
                yield Item(index, problem=(E_JSON, f"element {index} is not valid JSON: {exc}"))
                return
            else:
                if len(buffer.text) - end < _NUMBER_MARGIN and buffer.more():
                    continue  # a number cut by the buffer end ("1" of "10.5") parses early
                if end - buffer.pos > limit:
                    yield Item(index, problem=(E_TOO_LARGE, f"element {index} is larger than "
                                               f"the limit of {limit:,} characters "
                                               "(max_record_bytes)"))
                else:
                    yield Item(index, value=value)
                buffer.pos = end
                break
        index += 1
        following = buffer.skip_space()
        if following == ",":
            buffer.pos += 1
            continue
        if following == "]":
            return
        yield Item(index, problem=(E_JSON, f"expected ',' or ']' after element {index - 1}, "
                                   f"found {following!r}" if following else
                                   "the array is not closed (the file is cut)"))
        return

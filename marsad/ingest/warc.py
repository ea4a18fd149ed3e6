"""WARC web archives (`.warc`, `.warc.gz`): each archived HTML page through the HTML reader.

warcio walks the records as a stream (a multi-gigabyte crawl is never held in memory); of
those, `response` records with an HTTP 200 HTML body and `resource` records of HTML are pages:
each is decoded with the charset its HTTP header declares as a hint, cleaned like an `.html`
file, and given the archived URL and the capture time (`metadata.captured`; the page's own
date tags give `published`). Requests, metadata, revisits, redirects, images and scripts are
not articles and are skipped, counted: a WARC without a single page is rejected saying so.
"""

from __future__ import annotations

import io
import logging
import zlib
from contextlib import contextmanager, redirect_stderr
from collections.abc import Iterator
from typing import Any, BinaryIO

from marsad.errors import E_TOO_LARGE, E_WARC, InputError
from marsad.ingest.html import decode_served, parse_html
from marsad.ingest.textsafe import safe_text
from marsad.types import RawRecord, Rejection

WARC_SUFFIXES = frozenset({".warc"})
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, name: str, stem: str,
              limit: int) -> Iterator[RawRecord | Rejection]:
    """The HTML pages archived in one WARC stream (`name#N` is its N-th record)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = skipped = 0
    index = -1
    complaints = io.StringIO()
    try:
        with _quiet(complaints):
            records = iter(enumerate(ArchiveIterator(stream)))
        while True:
            # Only warcio's own calls run with stderr captured (never across a yield).
            with _quiet(complaints):
                step = next(records, None)
                if step is None:
                    break
                index, record = step
                content_type = _page(record)
                data = record.content_stream().read(limit + 1) if content_type else b""
                cut = _cut(record)
            if cut:
                # The pages before are kept; the rest of a cut archive cannot be found.
                raise InputError(name, f"the WARC is cut short in record {index}",
                                 "copy the whole file again", code=E_WARC)
            if content_type is None:
                skipped += 1
                continue
            pages += 1
            where = f"{name}#{index}"
            try:
                yield _record(record, data, content_type, where, f"{stem}-{index}", limit)
            except InputError as error:
                yield Rejection(error.input_name, error.code, str(error.reason))
    except InputError:
        raise
    except (ArchiveLoadFailed, ValueError, AttributeError, TypeError, IndexError, KeyError,
            EOFError, OSError, zlib.error, UnicodeError) as exc:
        # warcio's parser fails in many ways on damaged bytes (found by fuzzing): all of them
        # are the archive's fault, and the records before are kept.
        raise InputError(name, f"broken WARC after record {index + 1}: "
                         f"{type(exc).__name__}: {exc}", code=E_WARC) from exc
    said = " ".join(complaints.getvalue().split())
    if said:
        # warcio goes on past a wrong Content-Length or damaged compressed data, saying so on
        # stderr: the records it read are kept, and the archive is named damaged.
        raise InputError(name, f"damaged WARC (records after the damage may be misread or "
                         f"missing): {said[:300]}", code=E_WARC)
    if pages == 0:
        raise InputError(name, f"no archived HTML page among {skipped:,} WARC records "
                         "(requests, metadata, redirects, images...)", code=E_WARC)


@contextmanager
def _quiet(into: io.StringIO) -> Iterator[None]:
    """warcio's messages (it writes to stderr and logs warnings) kept for the rejection."""
    logger = logging.getLogger("warcio")
    handler = logging.StreamHandler(into)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with redirect_stderr(into):
            yield
    finally:
        logger.removeHandler(handler)


def _cut(record: Any) -> bool:
    """True when a record has fewer bytes than its Content-Length (or no such header)."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    return record.length is None or getattr(raw, "limit", 0) > 0


def _page(record: Any) -> str | None:
    """The declared content type of a record that is an archived page, else None."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    lower = content_type.lower()
    return content_type if any(lower.startswith(kind) for kind in _PAGE_TYPES) else None


def _record(record: Any, data: bytes, content_type: str, where: str, fallback_id: str,
            limit: int) -> RawRecord:
    if len(data) > limit:
        raise InputError(where, f"the archived page is above {limit:,} bytes "
                         "(max_record_bytes)", code=E_TOO_LARGE)
    html = safe_text(decode_served(data, where, content_type))
    page = parse_html(html, where, fallback_id)
    uri = record.rec_headers.get_header("WARC-Target-URI")
    captured = record.rec_headers.get_header("WARC-Date")
    metadata = dict(page.metadata, format="warc", input=where)
    if captured:
        metadata["captured"] = safe_text(captured)
    url = page.url or (safe_text(uri) if uri else None)
    from dataclasses import replace

    return replace(page, path=url or where, url=url, metadata=metadata,
                   title=safe_text(page.title) if page.title else None,
                   source=safe_text(page.source) if page.source else None)

"""RSS and Atom feeds: one RawRecord per entry, through feedparser.

A feed names its outlet (the channel title), and each entry gives a title, a link, an id, a
date and either the whole article (`content:encoded`, Atom `content`) or only a summary; an
entry's text is the longer of its content and its summary, turned into plain text by
`html.fragment_text`; an entry without content says so in its metadata (`summary_only`).

feedparser is only ever given bytes that marsad decoded itself (a string would be taken for a
URL or a path and opened, and on bytes that are not valid UTF-8 it falls back to Windows-1252,
which turns Arabic into mojibake): the feed is decoded like an HTML page, made safe, and handed
over as UTF-8 with a matching prolog. XML entity expansion is bounded by expat (a "billion
laughs" feed is refused by its amplification limit and read loosely, without the expansion).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from marsad.errors import E_EMPTY, E_FEED, InputError
from marsad.ingest.html import decode_html, fragment_text
from marsad.ingest.textsafe import safe_text
from marsad.types import RawRecord, Rejection

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_ROOT = re.compile(r"<(rss|feed|rdf:RDF)\b", re.I)


def looks_like_feed(text_head: str) -> bool:
    """True when the start of a document is an RSS, Atom or RSS 1.0 (RDF) feed."""
    head = text_head.lstrip()[:2048]
    return bool(_ROOT.search(head)) and (head.startswith("<?xml") or head.startswith("<rss")
                                          or head.startswith("<feed") or head.startswith("<rdf"))


def read_feed(data: bytes, name: str, stem: str) -> Iterator[RawRecord | Rejection]:
    """The entries of one feed document as records (`name#N` for entry N in messages)."""
    import feedparser  # imported lazily: only feed input needs it

    text = safe_text(decode_html(data, name))
    utf8 = _PROLOG.sub("", text, count=1).encode("utf-8")
    parsed = feedparser.parse(b'<?xml version="1.0" encoding="utf-8"?>\n' + utf8,
                              response_headers={"content-type":
                                                "application/xml; charset=utf-8"})
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        if problem is not None and not parsed.feed:
            raise InputError(name, f"not a readable RSS/Atom feed: {problem}", code=E_FEED)
        raise InputError(name, "the feed has no entries", code=E_EMPTY)
    feed = parsed.feed
    outlet = _plain(feed.get("title"))
    kind = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    for index, entry in enumerate(parsed.entries):
        where = f"{name}#{index}"
        try:
            yield _entry_record(entry, where, f"{stem}-{index}", outlet, kind,
                                feed.get("link"))
        except InputError as error:
            yield Rejection(error.input_name, error.code, str(error.reason))


def _plain(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(fragment_text(value).split())
    return text or None


def _entry_record(entry: Any, where: str, fallback_id: str, outlet: str | None, kind: str,
                  feed_link: Any) -> RawRecord:
    bodies = [c.get("value") for c in entry.get("content", []) if isinstance(c, dict)]
    full = max((fragment_text(b) for b in bodies if isinstance(b, str)), key=len, default="")
    summary = fragment_text(entry["summary"]) if isinstance(entry.get("summary"), str) else ""
    text = full if len(full) >= len(summary) else summary
    title = _plain(entry.get("title"))
    if not text.strip():
        raise InputError(where, "the feed entry has no text (no content and no summary)",
                         code=E_EMPTY)
    link = entry.get("link") if isinstance(entry.get("link"), str) else None
    url = link if link and link.lower().startswith(("http://", "https://")) else None
    entry_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    metadata: dict[str, Any] = {"format": kind, "input": where}
    if not full:
        metadata["summary_only"] = True
    if isinstance(feed_link, str):
        metadata["feed"] = safe_text(feed_link)
    if entry_id:
        metadata["guid"] = safe_text(entry_id)
    tags = [t.get("term") for t in entry.get("tags", []) if isinstance(t, dict)]
    if any(isinstance(t, str) for t in tags):
        metadata["categories"] = [safe_text(t) for t in tags if isinstance(t, str)]
    return RawRecord(path=url or where, text=text, id=safe_text((entry_id or url
                                                                 or fallback_id).strip()),
                     title=title, source=outlet, url=url, published=_date(entry),
                     author=_plain(entry.get("author")), title_in_text=False,
                     metadata=metadata)


def _date(entry: Any) -> str | None:
    """The entry's publication (else update) time as ISO 8601 in UTC, else its raw text."""
    for key in ("published", "updated", "created"):
        # dict.get: feedparser's own get warns when it maps `updated` to `published`
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed is not None:
            moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
            return moment.isoformat()
    for key in ("published", "updated"):
        if isinstance(entry.get(key), str) and entry[key].strip():
            return safe_text(entry[key].strip())
    return None

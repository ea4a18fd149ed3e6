"""Feeds and pages by URL: `marsad analyze https://.../rss`, or `--feeds FILE` listing them.

Fetching uses the user's own network (marsad downloads nothing by itself): one GET per URL with
a timeout and the one-article byte limit, http and https only. What comes back is read like a
file: a feed gives one record per entry (feeds.py), an HTML page one article. Every failure (no
network, a 404, a timeout, a page that is neither) is a Rejection naming the URL, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from marsad.errors import E_BINARY, E_FEED, E_NOT_FOUND, E_TOO_LARGE, InputError, UsageError
from marsad.ingest.encoding import binary_reason
from marsad.ingest.feeds import looks_like_feed, read_feed
from marsad.ingest.html import decode_served, parse_html
from marsad.ingest.textsafe import safe_text
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
TIMEOUT_S = 30.0
USER_AGENT = "marsad (Arabic news analysis; +https://github.com/marsad)"


def is_url(value: object) -> bool:
    """True for an http(s) URL given where a path may be (an input of `analyze`)."""
    return isinstance(value, str) and bool(_URL.match(value))


def feed_urls(path: str | Path) -> list[str]:
    """The URLs of a feeds file: one a line; blank lines and `#` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the feeds file ({exc})",
                         "one feed URL a line, UTF-8") from exc
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise UsageError(f"{path}:{number}: not an http(s) URL: {line[:200]!r}",
                             "one feed URL a line (https://...)")
        urls.append(line)
    return urls


def read_url(url: str, settings: Settings) -> Iterator[RawRecord | Rejection]:
    """The records at `url` (the entries of a feed, or the article of a page)."""
    name = safe_text(url)
    try:
        data, content_type = _get(url, settings.max_record_bytes)
        reason = binary_reason(data)
        if reason is not None:
            raise InputError(name, f"neither a feed nor a page: {reason}", code=E_BINARY)
        head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff")
        if looks_like_feed(head) or "rss" in content_type or "atom" in content_type:
            yield from read_feed(data, name, _stem(url))
            return
        html = safe_text(decode_served(data, name, content_type))
        record = parse_html(html, name, _stem(url))
        yield replace(record, url=record.url or name, path=name,
                      metadata={**record.metadata, "fetched": name})
    except InputError as error:
        yield Rejection(error.input_name, error.code, str(error.reason))


def _stem(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return safe_text(tail.split("?")[0] or url)[:200]


def _get(url: str, limit: int) -> tuple[bytes, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "application/rss+xml, "
                                                   "application/atom+xml, text/html, */*"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            data = response.read(limit + 1)
            content_type = (response.headers.get("Content-Type") or "").lower()
    except urllib.error.HTTPError as exc:
        code = E_NOT_FOUND if exc.code in (404, 410) else E_FEED
        raise InputError(url, f"cannot fetch: HTTP {exc.code} {exc.reason}", code=code) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(url, f"cannot fetch: {reason}", "check the URL and the network",
                         code=E_FEED) from exc
    if len(data) > limit:
        raise InputError(url, f"the response is above {limit:,} bytes (max_record_bytes)",
                         code=E_TOO_LARGE)
    if not data.strip():
        raise InputError(url, "the response is empty", code=E_FEED)
    return data, content_type

"""HTML pages: main text through trafilatura, metadata from the page's own tags.

trafilatura finds the article body well on Arabic pages (see DEPENDENCIES.md), but its date and
author fields are unreliable there, so title, outlet, date and author are read here from
og:/article: meta tags, <h1> and <title>.
"""

from __future__ import annotations

import re
from typing import Any

from marsad.errors import E_NO_ARTICLE, InputError
from marsad.ingest.encoding import decode_bytes
from marsad.types import RawRecord

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# The encoding an XML prolog (an RSS/Atom feed) declares.
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_HTML_HINT = re.compile(r"<\s*(!doctype\s+html|html|head|body|p|div|article|title)\b", re.I)
_SPACES = re.compile(r"\s+")
# A prose line: navigation menus and link lists have short lines, an article has sentences.
_MIN_PROSE_WORDS = 8


def looks_like_html(text: str) -> bool:
    """True when the start of `text` has HTML tags (for files without a known extension)."""
    return bool(_HTML_HINT.search(text[:2048]))


def decode_html(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode an HTML page or XML feed: UTF-8 if valid, else detection, else the declared
    charset (`declared`, from HTTP headers, else <meta charset> or the XML prolog).

    Pages lie about their charset (windows-1256 bytes under `charset=iso-8859-1`, UTF-8 under
    windows-1256); a declaration is only trusted when the bytes themselves decide nothing, so a
    lie never turns into mojibake kept as text.
    """
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, name)
    try:
        # Valid UTF-8 is never an accident.
        return _newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return decode_bytes(data, name)
    except InputError:
        match = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:512])
        if declared is None and match:
            declared = match.group(1).decode("ascii", "ignore")
        if declared:
            declared = declared.lower()
            try:
                return _newlines(data.decode(declared))
            except (LookupError, UnicodeDecodeError):
                pass
        raise


_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def decode_served(data: bytes, name: str, content_type: str) -> str:
    """A page as an HTTP server (or a WARC record) served it: `decode_html` with the charset
    of its Content-Type header as the declaration."""
    charset = _HTTP_CHARSET.search(content_type or "")
    return decode_html(data, name, charset.group(1) if charset else None)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return value or None


def _page_metadata(html: str) -> dict[str, str | None]:
    """title, site name, publication date and author from the page's tags."""
    import lxml.html  # trafilatura depends on lxml

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # lxml raises several types on broken markup; metadata is optional
        return {}

    def meta(*keys: str) -> str | None:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                values = tree.xpath(f'//meta[@{attr}="{key}"]/@content')
                for value in values:
                    cleaned = _clean(value)
                    if cleaned:
                        return cleaned
        return None

    h1 = next((t for t in (_clean(h.text_content()) for h in tree.xpath("//h1")) if t), None)
    title_tag = next((t for t in (_clean(e.text_content()) for e in tree.xpath("//title")) if t),
                     None)
    time_tag = next((t for t in (_clean(v) for v in tree.xpath("//time/@datetime")) if t), None)
    return {
        # og:title and <h1> lack the " - Site name" suffix that <title> usually carries.
        "title": meta("og:title", "twitter:title") or h1 or title_tag,
        "source": meta("og:site_name", "application-name"),
        "published": meta("article:published_time", "datePublished", "pubdate",
                          "publish-date", "date", "dc.date") or time_tag,
        "author": meta("author", "article:author", "dc.creator"),
        "url": meta("og:url"),
        "html_title": title_tag,
    }


def _has_prose(text: str) -> bool:
    return any(len(line.split()) >= _MIN_PROSE_WORDS for line in text.split("\n"))


_CONTAINERS = re.compile(r"</?(?:div|span|section|font|center|table|tbody|thead|tr|td|th|ul|ol|"
                         r"li|b|i|u|em|strong|a|nav|aside|main|article)\b[^>]{0,2000}>", re.I)


def _extract(trafilatura: Any, html: str) -> str | None:
    """trafilatura's main text, or None when it cannot parse the page at all."""
    try:
        return trafilatura.extract(html, favor_recall=True, include_comments=False,
                                   include_tables=True, include_images=False,
                                   deduplicate=False, with_metadata=False, output_format="txt")
    except (RecursionError, MemoryError, ValueError):
        return None


def parse_html(html: str, name: str, record_id: str | None) -> RawRecord:
    """One RawRecord from an HTML page; raise InputError(E_NO_ARTICLE) when it has no article."""
    import trafilatura  # imported lazily: about 0.2 s, only needed for HTML input

    body = _extract(trafilatura, html)
    if (not body or not _has_prose(body)) and _CONTAINERS.search(html):
        # Markup nested thousands deep is cut off by the HTML parser (and recursion limits):
        # the same page without its layout containers keeps its paragraphs.
        body = _extract(trafilatura, _CONTAINERS.sub(" ", html))
    # favor_recall returns the menu of a page without an article; require real sentences.
    if not body or not _has_prose(body):
        raise InputError(name, "no article text found in this HTML page (only scripts, "
                         "navigation, menus or very short text, or markup that cannot be "
                         "parsed)", "give the article page itself, or its text",
                         code=E_NO_ARTICLE)
    meta = _page_metadata(html)
    metadata = {"format": "html"}
    if meta.get("html_title") and meta.get("html_title") != meta.get("title"):
        metadata["html_title"] = meta["html_title"]
    return RawRecord(path=name, text=body, id=record_id, title=meta.get("title"),
                     source=meta.get("source"), url=meta.get("url"),
                     published=meta.get("published"), author=meta.get("author"),
                     title_in_text=False, metadata=metadata)


_HIDDEN = re.compile(r"<(script|style|noscript|template|iframe|object)\b.*?</\1\s*>|<!--.*?-->",
                     re.I | re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|"
                        r"figure|figcaption|hr|pre)\b[^<>]{0,5000}>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][^<>]{0,5000}>|<!\[CDATA\[|\]\]>")
_LINE_SPACES = re.compile(r"[ \t\u00a0]+")


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content, a title with tags): scripts,
    styles and comments dropped, blocks on their own lines, character references resolved.

    Regular expressions, not a parser: a fragment nested 10,000 deep costs nothing, and no tag
    is ever kept as text (a literal '<' that is not part of a tag stays).
    """
    import html as _html

    text = _HIDDEN.sub(" ", fragment)
    text = _BLOCK_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    text = _html.unescape(text)
    lines = (_LINE_SPACES.sub(" ", line).strip() for line in _newlines(text).split("\n"))
    return "\n".join(line for line in lines if line)

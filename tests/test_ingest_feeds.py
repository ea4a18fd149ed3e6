"""RSS/Atom feeds, WARC archives and URLs read right, and their bad forms rejected by name."""

from __future__ import annotations

import gzip
import http.server
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.errors import (E_BINARY, E_EMPTY, E_FEED, E_NOT_FOUND, E_TOO_LARGE, E_UNSUPPORTED,
                           E_WARC)
from marsad.ingest import read_inputs
from marsad.ingest.fetch import feed_urls
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection

SETTINGS = Settings()
BODY = ("افتتح وزير الصحة اليوم مستشفى جديدا في منطقة جازان بسعة ثلاثمئة سرير، وقال إن "
        "المستشفى سيخدم أكثر من مئة ألف نسمة في المحافظات المجاورة.")
BODY2 = ("وأضاف الوزير في تصريح للصحفيين أن الوزارة تعمل على افتتاح مستشفيات أخرى خلال العام "
         "المقبل في عدد من مناطق المملكة ضمن خطة التوسع في الخدمات الصحية.")


def read(*paths: Path | str, settings: Settings = SETTINGS) -> list[RawRecord | Rejection]:
    return list(read_inputs([str(p) for p in paths], settings))


def rss(items: str, encoding: str = "UTF-8", title: str = "صحيفة سبق") -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{title}</title><link>https://sabq.org/</link>{items}</channel></rss>")


ITEM = ("<item><title>وزير الصحة يفتتح مستشفى في جازان</title><link>https://sabq.org/a/1</link>"
        "<guid>https://sabq.org/a/1</guid><pubDate>Thu, 23 Jul 2015 10:00:00 +0300</pubDate>"
        "<author>محمد الغامدي</author><category>صحة</category>"
        f"<description><![CDATA[<p>{BODY[:60]}</p>]]></description>"
        f"<content:encoded><![CDATA[<p>{BODY}</p><script>alert(1)</script>"
        f"<p>{BODY2}</p><img src=x onerror=alert(2)>]]></content:encoded></item>")


def test_rss_entry_is_a_record_with_outlet_date_url_and_full_text(tmp_path: Path) -> None:
    path = tmp_path / "sabq.rss"
    path.write_text(rss(ITEM), encoding="utf-8")
    [record] = read(path)
    assert isinstance(record, RawRecord)
    assert record.text == BODY + "\n" + BODY2          # the content, not the summary
    assert "alert" not in record.text and "<" not in record.text
    assert record.title == "وزير الصحة يفتتح مستشفى في جازان" and not record.title_in_text
    assert record.source == "صحيفة سبق"
    assert record.url == record.id == "https://sabq.org/a/1"
    assert record.published == "2015-07-23T07:00:00+00:00"
    assert record.author == "محمد الغامدي"
    assert record.metadata["format"] == "rss" and record.metadata["categories"] == ["صحة"]
    assert "summary_only" not in record.metadata
    assert record.metadata["input"] == f"{path}#0"


def test_summary_only_entry_says_so_and_entry_without_text_is_rejected(tmp_path: Path) -> None:
    items = (f"<item><title>أ</title><description>{BODY}</description></item>"
             "<item><title>بلا نص</title><link>https://x.sa/2</link></item>"
             f"<item><title>ج</title><description>{BODY2}</description></item>")
    path = tmp_path / "feed.xml"
    path.write_text(rss(items), encoding="utf-8")
    first, missing, last = read(path)
    assert isinstance(first, RawRecord) and first.metadata["summary_only"] is True
    assert first.text == BODY and first.id == "feed-0"
    assert isinstance(missing, Rejection) and missing.code == E_EMPTY
    assert missing.input == f"{path}#1"
    assert isinstance(last, RawRecord) and last.text == BODY2


def test_atom_with_xhtml_content_and_a_title_with_markup(tmp_path: Path) -> None:
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>الجزيرة نت</title><entry><id>tag:aljazeera.net,2015:1</id>"
            '<title type="html">&lt;b&gt;قمة&lt;/b&gt; في الرياض</title>'
            "<updated>2015-07-23T10:00:00Z</updated><author><name>مراسل</name></author>"
            '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            f"<p>{BODY}</p><p>{BODY2}</p></div></content></entry></feed>")
    path = tmp_path / "aj.atom"
    path.write_text(atom, encoding="utf-8")
    [record] = read(path)
    assert isinstance(record, RawRecord)
    assert record.title == "قمة في الرياض" and record.source == "الجزيرة نت"
    assert record.text == BODY + "\n" + BODY2 and record.metadata["format"] == "atom"
    assert record.published == "2015-07-23T10:00:00+00:00" and record.author == "مراسل"


def test_feed_in_windows_1256_and_with_bad_bytes_keeps_arabic(tmp_path: Path) -> None:
    declared = tmp_path / "cp1256.rss"
    declared.write_bytes(rss(f"<item><title>عنوان</title><description>{BODY}</description>"
                             "</item>", encoding="windows-1256").encode("cp1256"))
    [record] = read(declared)
    assert isinstance(record, RawRecord) and record.text == BODY and record.title == "عنوان"
    # A few invalid UTF-8 bytes: feedparser alone would read the whole feed as Windows-1252.
    damaged = tmp_path / "damaged.rss"
    damaged.write_bytes(rss(f"<item><title>عنوان</title><description>{BODY}</description>"
                            "</item>").encode("utf-8").replace("جازان".encode(), b"\xff\xfe"))
    [record] = read(damaged)
    assert isinstance(record, RawRecord) and record.title == "عنوان"
    assert BODY[:40] in record.text and "Ø" not in record.text


def test_hostile_feeds_end_quickly_without_markup_in_text(tmp_path: Path) -> None:
    laughs = ('<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)))
    bomb = tmp_path / "bomb.rss"
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE r [{laughs}]><rss><channel><title>&i;'
                    f"</title><item><title>x</title><description>{BODY}</description></item>"
                    "</channel></rss>", encoding="utf-8")
    deep = tmp_path / "deep.rss"
    deep.write_text(rss("<item><title>عميق</title><description>"
                        + "&lt;div&gt;" * 10_000 + BODY + "&lt;/div&gt;" * 10_000
                        + "</description></item>"), encoding="utf-8")
    xss = tmp_path / "xss.rss"
    xss.write_text(rss("<item><title>&lt;script&gt;alert(1)&lt;/script&gt;خبر</title>"
                       "<description><![CDATA[<svg onload=alert(1)><iframe src=javascript:x>"
                       f"</iframe>{BODY}<style>p{{}}</style>]]></description></item>"),
                   encoding="utf-8")
    started = time.perf_counter()
    records = read(bomb, deep, xss)
    assert time.perf_counter() - started < 20
    assert all(isinstance(r, RawRecord) for r in records), records
    assert all(len(r.title or "") < 1000 and len(r.text) < 2 * len(BODY) for r in records)
    assert [r.text for r in records[1:]] == [BODY, BODY]
    assert records[2].title == "خبر"
    assert not any("<" in r.text for r in records)


def test_not_a_feed_broken_and_empty_feeds_are_rejected(tmp_path: Path) -> None:
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset><url><loc>https://x</loc></url></urlset>',
                       encoding="utf-8")
    empty = tmp_path / "empty.rss"
    empty.write_text(rss(""), encoding="utf-8")
    broken = tmp_path / "broken.rss"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    got = {Path(r.input).name: r.code for r in read(sitemap, empty, broken)
           if isinstance(r, Rejection)}
    assert got == {"sitemap.xml": E_UNSUPPORTED, "empty.rss": E_EMPTY, "broken.rss": E_BINARY}


def test_feed_without_an_extension_and_gzipped_feed(tmp_path: Path) -> None:
    plain = tmp_path / "feed"
    plain.write_text(rss(ITEM), encoding="utf-8")
    packed = tmp_path / "sabq.rss.gz"
    packed.write_bytes(gzip.compress(rss(ITEM).encode("utf-8")))
    records = read(plain, packed)
    assert [r.text for r in records] == [BODY + "\n" + BODY2] * 2


# ------------------------------------------------------------------ WARC

def _page(title: str, body: str, charset: str = "utf-8") -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
    return (f'<html><head><meta charset="{charset}"><title>{title} - سبق</title>'
            '<meta property="article:published_time" content="2015-07-23T10:00:00+03:00">'
            '<meta property="og:site_name" content="صحيفة سبق"></head><body><nav>الرئيسية'
            f"</nav><article><h1>{title}</h1>{paragraphs}</article></body></html>"
            ).encode(charset)


def write_warc(path: Path, records: list[tuple[str, str, bytes, str, str]],
               compress: bool) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)
        for kind, uri, payload, content_type, status in records:
            if kind == "response":
                headers = StatusAndHeaders(status, [("Content-Type", content_type)],
                                           protocol="HTTP/1.1")
                record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                                   http_headers=headers)
            else:
                record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload),
                                                   warc_content_type=content_type)
            writer.write_record(record)
    return path


CRAWL = [
    ("request", "https://sabq.org/a/1", b"GET /a/1 HTTP/1.1\r\n\r\n", "application/http", ""),
    ("response", "https://sabq.org/a/1", _page("مستشفى جازان", BODY + "\n" + BODY2,
                                                "windows-1256"),
     "text/html; charset=windows-1256", "200 OK"),
    ("response", "https://sabq.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png", "200 OK"),
    ("response", "https://sabq.org/old", b"<html>moved</html>", "text/html", "301 Moved"),
    ("metadata", "https://sabq.org/a/1", b"outlinks: 3", "application/warc-fields", ""),
    ("resource", "https://sabq.org/a/2", _page("خطة التوسع", BODY2 + "\n" + BODY),
     "text/html", ""),
]


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_warc_pages_are_read_and_the_rest_skipped(tmp_path: Path, compress: bool) -> None:
    path = write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), CRAWL,
                      compress)
    first, second = read(path)
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert BODY in first.text and BODY2 in first.text      # windows-1256 decoded
    assert first.url == "https://sabq.org/a/1" and second.url == "https://sabq.org/a/2"
    assert first.title == "مستشفى جازان" and first.source == "صحيفة سبق"
    assert first.published == "2015-07-23T10:00:00+03:00"
    assert first.metadata["format"] == "warc" and first.metadata["captured"]
    assert first.metadata["input"] == f"{path}#1" and first.id == "crawl-1"


def test_broken_truncated_and_pageless_warcs(tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc", CRAWL, False).read_bytes()
    cut = tmp_path / "cut.warc"
    # Cut inside the last record: the pages before it are kept, the archive is named broken.
    cut.write_bytes(whole[: whole.rindex(b"WARC/1") + 40])
    pageless = write_warc(tmp_path / "images.warc", [CRAWL[2], CRAWL[4]], False)
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a WARC file at all\n" * 10)
    items = read(cut, pageless, garbage)
    kept = [r for r in items if isinstance(r, RawRecord)]
    assert [r.url for r in kept] == ["https://sabq.org/a/1"]
    codes = {Path(r.input).name: r.code for r in items if isinstance(r, Rejection)}
    assert codes == {"cut.warc": E_WARC, "images.warc": E_WARC, "garbage.warc": E_WARC}


def test_warc_page_above_the_record_limit_is_rejected_by_record(tmp_path: Path) -> None:
    big = ("response", "https://x.sa/big", _page("كبير", (BODY + "\n") * 400), "text/html",
           "200 OK")
    path = write_warc(tmp_path / "big.warc", [big, CRAWL[5]], False)
    small = Settings(max_record_bytes=50_000)
    rejection, record = read(path, settings=small)
    assert isinstance(rejection, Rejection) and rejection.code == E_TOO_LARGE
    assert rejection.input == f"{path}#0"
    assert isinstance(record, RawRecord) and record.url == "https://sabq.org/a/2"


# ------------------------------------------------------------------ URLs

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback web server over a folder (the tests never leave the machine)."""
    root = tmp_path_factory.mktemp("site")
    (root / "sabq.rss").write_text(rss(ITEM), encoding="utf-8")
    (root / "article.html").write_bytes(_page("مستشفى جازان", BODY + "\n" + BODY2))
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_feed_and_page_urls_are_fetched_and_failures_named(site: str) -> None:
    items = read(f"{site}/sabq.rss", f"{site}/article.html", f"{site}/missing.rss",
                 f"{site}/logo.png", "http://127.0.0.1:9/nothing-listens-here")
    feed, page = items[0], items[1]
    assert isinstance(feed, RawRecord) and feed.text == BODY + "\n" + BODY2
    assert feed.source == "صحيفة سبق" and feed.metadata["input"] == f"{site}/sabq.rss#0"
    assert isinstance(page, RawRecord) and BODY in page.text
    assert page.url == f"{site}/article.html"
    assert [(r.input, r.code) for r in items[2:]] == [
        (f"{site}/missing.rss", E_NOT_FOUND), (f"{site}/logo.png", E_BINARY),
        ("http://127.0.0.1:9/nothing-listens-here", E_FEED)]


def test_feeds_file_lists_urls(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# outlets\nhttps://sabq.org/rss\n\n  https://www.alriyadh.com/rss  \n",
                       encoding="utf-8")
    assert feed_urls(listing) == ["https://sabq.org/rss", "https://www.alriyadh.com/rss"]
    listing.write_text("https://sabq.org/rss\nsabq.org/rss\n", encoding="utf-8")
    from marsad.errors import UsageError
    with pytest.raises(UsageError, match="feeds.txt:2"):
        feed_urls(listing)


# ------------------------------------------------------------------ fuzzing (bounded)

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

_FEED = rss(ITEM).encode("utf-8")


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(_FEED)), junk=st.binary(max_size=40), suffix=st.sampled_from(
    [".rss", ".xml", ".atom", ".warc"]))
def test_damaged_feeds_and_warcs_never_crash_the_reader(tmp_path: Path, cut: int, junk: bytes,
                                                        suffix: str) -> None:
    """A feed or WARC cut anywhere and spliced with junk: records or coded rejections, never
    an internal error (the reader's last handler turns a crash into E_STAGE: none allowed)."""
    if suffix == ".warc":
        whole = (tmp_path / "w.warc")
        if not whole.exists():
            write_warc(whole, CRAWL, False)
        data = whole.read_bytes()
        data = data[: cut * len(data) // len(_FEED)] + junk
    else:
        data = _FEED[:cut] + junk + _FEED[cut:]
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for item in read(path):
        assert isinstance(item, (RawRecord, Rejection))
        if isinstance(item, Rejection):
            assert item.code != "E_STAGE", item
        else:
            assert "<script" not in item.text

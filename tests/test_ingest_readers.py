"""Readers: every kind of input, and every kind of bad input becoming a clear Rejection."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.errors import (E_BINARY, E_EMPTY, E_JSON, E_NO_ARTICLE, E_NOT_FOUND, E_TOO_LARGE)
from marsad.ingest import clean_record, read_inputs
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection

SETTINGS = Settings()
BODY = ("وصل وزير الخارجية إلى العاصمة صباح اليوم في زيارة رسمية تستغرق يومين يبحث خلالها "
        "تطورات الأزمة في المنطقة وسبل تعزيز التعاون بين البلدين.")
BODY2 = ("وقال الوزير في تصريح للصحفيين لدى وصوله إن الزيارة تأتي في إطار التشاور المستمر، "
         "مؤكداً أن المرحلة الحالية تتطلب تنسيقاً أكبر لمواجهة التحديات المشتركة.")


def read(*paths: Path | str, settings: Settings = SETTINGS) -> list[RawRecord | Rejection]:
    return list(read_inputs([str(p) for p in paths], settings))


def only(items: list[RawRecord | Rejection]) -> RawRecord | Rejection:
    assert len(items) == 1, items
    return items[0]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_text_file_is_one_record_with_the_stem_as_id(tmp_path: Path) -> None:
    record = only(read(write(tmp_path / "khabar-1.txt", BODY + "\n\n" + BODY2)))
    assert isinstance(record, RawRecord)
    assert record.id == "khabar-1" and record.title_in_text
    assert record.text == BODY + "\n\n" + BODY2


@pytest.mark.parametrize("content,code", [
    (b"", E_EMPTY),
    (b"   \n\t\n  ", E_EMPTY),
    ("   \n ".encode("utf-16"), E_EMPTY),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", E_BINARY),
    (bytes(range(256)) * 4, E_BINARY),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", E_BINARY),
])
def test_bad_text_files_are_rejected_with_a_code(tmp_path: Path, content: bytes,
                                                 code: str) -> None:
    path = write(tmp_path / "bad.txt", content)
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert rejection.code == code and rejection.input == str(path) and rejection.reason


@pytest.mark.parametrize("encoding", ["cp1256", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-8-sig"])
def test_encoded_text_files_are_decoded(tmp_path: Path, encoding: str) -> None:
    record = only(read(write(tmp_path / "a.txt", (BODY + "\r\n" + BODY2).encode(encoding))))
    assert isinstance(record, RawRecord) and record.text == BODY + "\n" + BODY2


def test_missing_path_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", BODY)
    items = read(tmp_path / "nothing-here.txt", good)
    assert isinstance(items[0], Rejection) and items[0].code == E_NOT_FOUND
    assert isinstance(items[1], RawRecord)


def test_file_above_the_size_limit_is_rejected_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", BODY * 50)
    rejection = only(read(path, settings=Settings.from_overrides(max_record_bytes=1000)))
    assert isinstance(rejection, Rejection) and rejection.code == E_TOO_LARGE
    assert "1,000" in rejection.reason


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl.gz", gzip.compress(b" " * 100_000))
    rejection = only(read(path, settings=Settings.from_overrides(max_record_bytes=5000)))
    assert isinstance(rejection, Rejection) and rejection.code == E_TOO_LARGE


def test_jsonl_malformed_line_is_rejected_by_number_and_others_still_read(tmp_path: Path) -> None:
    lines = [json.dumps({"id": 7, "title": "عنوان", "text": BODY, "source": "okaz",
                         "date_extracted": "2015-08-10 06:30:00", "section": "محليات"},
                        ensure_ascii=False),
             "",
             '{"id": 8, "text": "نص مقطوع',
             json.dumps({"content": BODY2, "url": "https://example.org/a/9"}, ensure_ascii=False),
             json.dumps({"id": 10, "title": "بلا نص"}, ensure_ascii=False)]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    first, bad, second, empty = items
    assert isinstance(first, RawRecord) and first.id == "7" and first.title == "عنوان"
    assert first.source == "okaz" and first.published == "2015-08-10 06:30:00"
    assert first.metadata["section"] == "محليات" and not first.title_in_text
    assert isinstance(bad, Rejection) and bad.code == E_JSON and bad.input == f"{path}:3"
    assert isinstance(second, RawRecord) and second.id == "feed-4"
    assert second.path == "https://example.org/a/9" and second.title_in_text
    assert isinstance(empty, Rejection) and empty.code == E_EMPTY and empty.input == f"{path}:5"


def test_json_array_object_and_articles_wrapper(tmp_path: Path) -> None:
    records = [{"headline": "خبر أول", "body": BODY}, {"title": "خبر ثان", "content": BODY2}]
    array = read(write(tmp_path / "day.json", json.dumps(records, ensure_ascii=False)))
    assert [r.id for r in array] == ["day-0", "day-1"]
    assert [r.title for r in array] == ["خبر أول", "خبر ثان"]
    wrapped = read(write(tmp_path / "w.json", json.dumps({"articles": records})))
    assert len(wrapped) == 2 and all(isinstance(r, RawRecord) for r in wrapped)
    single = only(read(write(tmp_path / "one.json", json.dumps({"id": "x1", "text": BODY}))))
    assert isinstance(single, RawRecord) and single.id == "x1"


def test_malformed_json_file(tmp_path: Path) -> None:
    # Arrays are read element by element: the complete first record is kept, the cut rest is
    # rejected with its index.
    kept, rejection = read(write(tmp_path / "broken.json", '[{"text": "نص"},'))
    assert isinstance(kept, RawRecord) and kept.text == "نص"
    assert isinstance(rejection, Rejection) and rejection.code == E_JSON
    assert rejection.input.endswith("broken.json#1")
    rejection = only(read(write(tmp_path / "broken2.json", '{"text": "نص"')))
    assert isinstance(rejection, Rejection) and rejection.code == E_JSON


def test_gzipped_jsonl(tmp_path: Path) -> None:
    payload = json.dumps({"id": "g1", "text": BODY}, ensure_ascii=False).encode("utf-8")
    record = only(read(write(tmp_path / "a.jsonl.gz", gzip.compress(payload))))
    assert isinstance(record, RawRecord) and record.id == "g1"


ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>وزير الخارجية يزور العاصمة لبحث الأزمة - صحيفة المرصد</title>
<meta property="og:title" content="وزير الخارجية يزور العاصمة لبحث الأزمة">
<meta property="og:site_name" content="صحيفة المرصد">
<meta property="article:published_time" content="2019-04-23T10:15:00+03:00">
</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/s">سياسة</a></li>
<li><a href="/e">اقتصاد</a></li><li><a href="/r">رياضة</a></li></ul></nav>
<article><h1>وزير الخارجية يزور العاصمة لبحث الأزمة</h1>
<p>عمّان - واس</p>
<p>{BODY}</p>
<p>{BODY2}</p>
<p>وأضاف أن المباحثات ستتناول أيضاً ملفات اللاجئين والطاقة والتجارة البينية التي بلغ حجمها
العام الماضي نحو ثلاثة مليارات دولار.</p>
</article>
<div class="share"><a href="#">شارك</a> <a href="#">طباعة</a> <a href="#">تويتر</a></div>
<div class="related"><h3>اقرأ أيضا</h3><ul><li><a href="/1">خبر آخر عن الأسواق</a></li>
<li><a href="/2">نتيجة مباراة الأمس</a></li></ul></div>
<footer><p>جميع الحقوق محفوظة © 2019 صحيفة المرصد</p><a href="/c">اتصل بنا</a></footer>
</body></html>"""


def test_html_article_keeps_the_body_and_drops_the_furniture(tmp_path: Path) -> None:
    record = only(read(write(tmp_path / "page.html", ARTICLE_PAGE)))
    assert isinstance(record, RawRecord)
    assert record.title == "وزير الخارجية يزور العاصمة لبحث الأزمة"
    assert record.source == "صحيفة المرصد" and record.published.startswith("2019-04-23")
    for paragraph in (BODY, BODY2):
        assert paragraph in record.text           # no Arabic letter lost
    for furniture in ("الرئيسية", "طباعة", "نتيجة مباراة الأمس", "جميع الحقوق"):
        assert furniture not in record.text
    document = clean_record(record, SETTINGS)
    assert document.text.startswith(BODY)         # repeated headline and dateline cut
    assert (document.dateline, document.source) == ("عمّان", "واس")
    assert document.metadata["outlet"] == "صحيفة المرصد"


def test_html_in_windows_1256_with_declared_charset(tmp_path: Path) -> None:
    page = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="windows-1256"').replace("©", "")
    record = only(read(write(tmp_path / "page.htm", page.encode("cp1256"))))
    assert isinstance(record, RawRecord) and BODY in record.text


def test_html_without_an_article_is_rejected(tmp_path: Path) -> None:
    page = """<html><head><title>الرئيسية - صحيفة المرصد</title></head><body>
    <nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/s">سياسة</a></li>
    <li><a href="/e">اقتصاد</a></li></ul></nav><div class="menu"><a href="/x">اتصل بنا</a>
    <a href="/y">من نحن</a></div><footer>جميع الحقوق محفوظة</footer></body></html>"""
    rejection = only(read(write(tmp_path / "home.html", page)))
    assert isinstance(rejection, Rejection) and rejection.code == E_NO_ARTICLE


def test_folder_is_read_recursively_in_order_skipping_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", BODY)
    write(tmp_path / "a" / "z.jsonl", json.dumps({"id": "j1", "text": BODY2}) + "\n")
    write(tmp_path / "a" / "page.html", ARTICLE_PAGE)
    write(tmp_path / "c.dat", BODY2)                           # unknown extension, text
    write(tmp_path / "d.bin", b"\x89PNG\r\n\x1a\n\x00\x00")   # unknown extension, binary
    write(tmp_path / "e.txt", b"")
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main")
    write(tmp_path / ".hidden.txt", BODY)
    items = read(tmp_path)
    summary = [(type(i).__name__, i.id if isinstance(i, RawRecord) else i.code) for i in items]
    assert summary == [("RawRecord", "page"), ("RawRecord", "j1"), ("RawRecord", "b"),
                       ("RawRecord", "c"), ("Rejection", E_BINARY), ("Rejection", E_EMPTY)]


def test_unknown_extension_with_html_is_read_as_html(tmp_path: Path) -> None:
    record = only(read(write(tmp_path / "saved.php", ARTICLE_PAGE)))
    assert isinstance(record, RawRecord) and record.title and BODY in record.text


def test_json_array_after_a_no_break_space_is_read(tmp_path: Path) -> None:
    """Found by fuzzing: Python strips U+00A0 as space, JSON does not; the array was then handed
    on with it in front and the reader failed into its last handler (E_STAGE)."""
    path = write(tmp_path / "nbsp.json", "\u00a0" + json.dumps([{"id": "a", "text": BODY}],
                                                              ensure_ascii=False))
    record = only(read(path))
    assert isinstance(record, RawRecord) and record.text == BODY
    broken = write(tmp_path / "broken.json", b'\xff["[\xff\xe9')
    rejection = only(read(broken))
    assert isinstance(rejection, Rejection) and rejection.code == E_JSON

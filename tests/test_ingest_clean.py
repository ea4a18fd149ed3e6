"""Cleaning: headline, dateline and agency, byline, furniture, dates, language, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.errors import E_EMPTY, E_LANGUAGE, E_TOO_LARGE, InputError
from marsad.ingest import clean_record, detect_language, parse_published, read_inputs
from marsad.settings import Settings
from marsad.types import Document, RawRecord

SETTINGS = Settings()
P1 = ("بدأت صباح اليوم أعمال المؤتمر الدولي للأمن بمشاركة وفود من خمسين دولة، "
      "وسط إجراءات أمنية مشددة في محيط قاعة الاجتماعات.")
P2 = ("وقال رئيس المؤتمر في كلمته الافتتاحية إن التعاون بين الدول هو السبيل الوحيد "
      "لمواجهة التهديدات المشتركة.")
HEADLINE = "افتتاح المؤتمر الدولي للأمن.. ورئيسه: التعاون هو السبيل الوحيد"


def clean(text: str, **fields: object) -> Document:
    """Clean an article given as text (plus RawRecord fields), like a .txt file by default."""
    fields.setdefault("path", "article.txt")
    return clean_record(RawRecord(text=text, **fields), SETTINGS)  # type: ignore[arg-type]


def is_ordered_subsequence(part: str, whole: str) -> bool:
    """Every character of `part` appears in `whole`, in order (cleaning only cuts)."""
    remaining = iter(whole)
    return all(ch in remaining for ch in part)


# --- headline -----------------------------------------------------------------------------

def test_headline_line_followed_by_blank_line() -> None:
    doc = clean(f"{HEADLINE}\n\n{P1}\n\n{P2}")
    assert doc.title == HEADLINE
    assert doc.text == f"{P1}\n\n{P2}" and doc.removed == (HEADLINE,)


def test_first_paragraph_is_not_a_headline() -> None:
    doc = clean(f"{P1}\n\n{P2}")
    assert doc.title is None and doc.text == f"{P1}\n\n{P2}"


def test_metadata_title_repeated_as_first_line_is_cut() -> None:
    doc = clean(f"{HEADLINE}\n{P1}", title=HEADLINE, title_in_text=False)
    assert doc.title == HEADLINE and doc.text == P1 and doc.removed == (HEADLINE,)


def test_no_headline_detection_when_metadata_gives_the_title() -> None:
    short_lede = "افتتح أول معرض للكتاب في المدينة صباح اليوم"
    doc = clean(f"{short_lede}\n{P1}", title="عنوان من البيانات", title_in_text=False)
    assert doc.title == "عنوان من البيانات" and doc.text.startswith(short_lede)


# --- dateline and agency -------------------------------------------------------------------

@pytest.mark.parametrize("head,place,source", [
    ("موسكو-سانا", "موسكو", "سانا"),
    ("سوتشي- سبوتنيك.", "سوتشي", "سبوتنيك"),
    ("الرياض - واس", "الرياض", "واس"),
    ("جدة – عكاظ", "جدة", "عكاظ"),
    ("دمشق - أ ف ب", "دمشق", "أ ف ب"),
    ("بيروت - ا ف ب", "بيروت", "أ ف ب"),
    ("القاهرة ـ رويترز", "القاهرة", "رويترز"),
    ("(د ب أ)", None, "د ب أ"),
    ("عين اليوم – متابعات", None, "عين اليوم"),
    ("\u200fموسكو - سانا\u200f", "موسكو", "سانا"),            # RLM around the dateline
    ("بريدة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس", "بريدة", "واس"),
])
def test_dateline_on_its_own_line(head: str, place: str | None, source: str) -> None:
    doc = clean(f"{HEADLINE}\n\n{head}\n\n{P1}\n{P2}")
    assert (doc.dateline, doc.source) == (place, source)
    assert doc.text == f"{P1}\n{P2}" and doc.removed == (HEADLINE, head.strip())


@pytest.mark.parametrize("head,place,source", [
    ("القاهرة (رويترز) - ", "القاهرة", "رويترز"),
    ("موسكو-سانا: ", "موسكو", "سانا"),
    ("واشنطن – «الشرق الأوسط»: ", "واشنطن", "الشرق الأوسط"),
    ("دمشق - أ. ف. ب: ", "دمشق", "أ ف ب"),
    ("(د ب أ) - ", None, "د ب أ"),
])
def test_dateline_at_the_start_of_the_first_paragraph(head: str, place: str | None,
                                                      source: str) -> None:
    doc = clean(f"{head}{P1}\n{P2}")
    assert (doc.dateline, doc.source) == (place, source)
    assert doc.text == f"{P1}\n{P2}" and doc.removed == (head.strip(),)


def test_ordinary_first_sentence_is_not_a_dateline() -> None:
    text = "وقال بوتين: إن روسيا ستواصل عملياتها العسكرية في سوريا حتى القضاء على الإرهاب.\n" + P2
    doc = clean(text)
    assert doc.dateline is None and doc.source is None and doc.text == text


def test_agency_in_text_wins_and_metadata_outlet_is_kept() -> None:
    doc = clean(f"الرياض - واس\n{P1}", source="okaz", title="عنوان", title_in_text=False)
    assert doc.source == "واس" and doc.metadata["outlet"] == "okaz"
    assert clean(P1, source="okaz").source == "okaz"


# --- byline --------------------------------------------------------------------------------

@pytest.mark.parametrize("line,byline,place", [
    ("لجين الأحمدي – عين اليوم", "لجين الأحمدي", None),
    ("كتب: محمد علي", "محمد علي", None),
    ("بقلم محمد علي", "محمد علي", None),
    ("حائل - خالد الشمري", "خالد الشمري", "حائل"),
    ("عبدالرحمن الزهراني – أبها", "عبدالرحمن الزهراني", "أبها"),
])
def test_byline_line(line: str, byline: str, place: str | None) -> None:
    doc = clean(f"{line}\n{P1}\n{P2}", title="عنوان", title_in_text=False)
    assert (doc.byline, doc.dateline) == (byline, place)
    assert doc.text == f"{P1}\n{P2}" and doc.removed == (line,)


@pytest.mark.parametrize("author,byline,place,source", [
    ("أبها - مريم الجابر:", "مريم الجابر", "أبها", None),
    ("واس - عسير", None, "عسير", "واس"),
    ("\u00a0سعيد الغامدي (جدة)", "سعيد الغامدي", "جدة", None),
    ("سامي الحربي", "سامي الحربي", None, None),
    ("عادل الخالدي من الرياض", "عادل الخالدي", "الرياض", None),
    ("القاهرة - مكتب الجزيرة - طارق سالم:", "طارق سالم", "القاهرة", "الجزيرة"),
])
def test_author_field(author: str, byline: str | None, place: str | None,
                      source: str | None) -> None:
    doc = clean(P1, author=author, title="عنوان", title_in_text=False)
    assert (doc.byline, doc.dateline, doc.source) == (byline, place, source)


# --- furniture -----------------------------------------------------------------------------

@pytest.mark.parametrize("furniture", [
    "اضف تعليق", "أضف تعليقاً", "شارك", "طباعة", "تعليقات", "شارك طباعة تويتر فيسبوك",
    "Tweet", "المصدر: وكالة الأنباء", "تابعونا على تويتر", "// انتهى //", "20:26 ت م",
    "editor@example.com", "https://example.com/share?id=4",
])
def test_furniture_lines_are_cut(furniture: str) -> None:
    doc = clean(f"{P1}\n\n{P2}\n\n{furniture}")
    assert doc.text == f"{P1}\n\n{P2}" and doc.removed == (furniture,)


def test_furniture_line_in_the_middle_is_cut_without_a_double_gap() -> None:
    doc = clean(f"{P1}\n\nطباعة\n\n{P2}")
    assert doc.text == f"{P1}\n\n{P2}" and doc.removed == ("طباعة",)


def test_related_links_block_at_the_end_is_cut() -> None:
    doc = clean(f"{P1}\n{P2}\nاقرأ أيضا\nارتفاع أسعار النفط\nافتتاح معرض الكتاب")
    assert doc.text == f"{P1}\n{P2}"
    assert doc.removed == ("اقرأ أيضا", "ارتفاع أسعار النفط", "افتتاح معرض الكتاب")


def test_words_are_never_cut_from_inside_a_paragraph() -> None:
    text = f"{P1} شارك في الاجتماع وزراء الخارجية وطباعة البيان تمت لاحقاً.\n{P2}"
    assert clean(text).text == text


def test_section_separator_inside_the_text_is_kept() -> None:
    assert clean(f"{P1}\n***\n{P2}").text == f"{P1}\n***\n{P2}"


def test_trailing_tags_and_agency_credit() -> None:
    doc = clean(f"{P1}\n{P2} سمات المؤتمر الأمن الدولي")
    assert doc.text == f"{P1}\n{P2}" and doc.removed == ("سمات المؤتمر الأمن الدولي",)
    doc = clean(f"{P1}\n{P2} (رويترز)")
    assert doc.text == f"{P1}\n{P2}" and doc.source == "رويترز"


# --- characters, ids, dates, language, limits -----------------------------------------------

def test_controls_inside_words_are_kept_in_text_but_not_in_metadata() -> None:
    body = "أعلن\u200cت الوزا\u200dرة \u202bاليوم\u202c افتتاح مستشفى جديد في المدينة."
    doc = clean(f"عنوان\u200f الخبر هنا\n\n{body}")
    assert doc.text == body
    assert doc.title == "عنوان الخبر هنا"


def test_ids() -> None:
    assert clean(P1, id="abc").id == "abc"
    assert clean(P1, path="/data/khabar-9.txt").id == "khabar-9"
    hashed = clean(P1, path=None)
    assert len(hashed.id) == 16 and hashed.id == clean(P1, path=None).id


@pytest.mark.parametrize("given,iso", [
    ("2015-08-10 06:30:00", "2015-08-10T06:30:00"),
    ("2015-08-10", "2015-08-10"),
    ("2019-04-23T10:15:00+03:00", "2019-04-23T10:15:00+03:00"),
    ("2019-04-23T07:15:00Z", "2019-04-23T07:15:00+00:00"),
    ("Tue, 11 Aug 2015 16:10:00 +0300", "2015-08-11T16:10:00+03:00"),
    ("الثلاثاء 11 أغسطس", None),
    ("", None),
])
def test_published_dates(given: str, iso: str | None) -> None:
    assert parse_published(given) == iso


def test_unparsed_date_is_kept_in_metadata() -> None:
    doc = clean(P1, published="أمس")
    assert doc.published is None and doc.metadata["published_raw"] == "أمس"


@pytest.mark.parametrize("text,language", [
    (P1 + P2, "ar"),
    ("The minister arrived in the capital this morning for an official visit that will "
     "last two days, and said the talks were important.", "en"),
    ("این یک متن فارسی است که برای آزمایش نوشته شده است و آن را می خوانیم.", "fa"),
    ("یہ ایک اردو متن ہے جو جانچ کے لیے لکھا گیا ہے اور یہ کام کرتا ہے۔", "ur"),
    ("التقى وزير الخارجية نظيره الروسي في موسكو لبحث ملف گازپروم وصفقة الطائرات.", "ar"),
    ("12345 67890 !!!", "und"),
])
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


ENGLISH = ("The minister arrived in the capital this morning for an official visit that "
           "will last two days.\nHe said the talks were important for the region.")


def test_non_arabic_article_is_rejected_naming_its_language() -> None:
    with pytest.raises(InputError) as info:
        clean(ENGLISH)
    assert info.value.code == E_LANGUAGE
    assert "article.txt" in str(info.value) and "'en'" in str(info.value)


def test_non_arabic_article_is_kept_when_languages_allow_it() -> None:
    anything = Settings.from_overrides(languages=())
    doc = clean_record(RawRecord(path="article.txt", text=ENGLISH), anything)
    assert doc.language == "en" and doc.text == ENGLISH


def test_too_short_and_too_long_bodies_are_rejected() -> None:
    with pytest.raises(InputError) as info:
        clean("الرياض - واس\n\nخبر قصير")
    assert info.value.code == E_EMPTY and "article.txt" in str(info.value)
    limits = Settings.from_overrides(max_article_chars=100)
    with pytest.raises(InputError) as info:
        clean_record(RawRecord(path="long.txt", text=P1 * 3), limits)
    assert info.value.code == E_TOO_LARGE


# --- the real seed articles (read in place from ../shared) ----------------------------------

@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, tuple[RawRecord, Document]]:
    out = {}
    for record in read_inputs(sorted(seeds_dir.glob("*.txt")), SETTINGS):
        assert isinstance(record, RawRecord), record
        out[record.id[:3]] = (record, clean_record(record, SETTINGS))
    return out


@pytest.mark.shared
def test_seed_datelines_headlines_and_furniture(seeds: dict) -> None:
    doc000, doc001, doc002, doc004 = (seeds[k][1] for k in ("000", "001", "002", "004"))
    assert (doc001.dateline, doc001.source) == ("موسكو", "سانا")
    assert (doc004.dateline, doc004.source) == ("سوتشي", "سبوتنيك")
    assert doc001.title and doc001.title.startswith("بوتين:") and "شويغو" in doc001.title
    assert doc001.text.startswith("بدأت في موسكو")
    assert doc000.title is None and doc000.text.startswith("حذر الرئيس")
    assert "اضف تعليق" in doc002.removed and "اضف تعليق" not in doc002.text
    assert all(doc.language == "ar" for _, doc in seeds.values())


@pytest.mark.shared
def test_seed_texts_only_lose_characters(seeds: dict) -> None:
    for record, doc in seeds.values():
        assert is_ordered_subsequence(doc.text, record.text), doc.id
        for piece in doc.removed:
            assert piece in record.text


@pytest.mark.parametrize("headline, expected", [
    ("«أرامكو» تعلن نتائجها الفصلية", "«أرامكو» تعلن نتائجها الفصلية"),   # balanced: kept
    ("«الرئيس: لن نتراجع", "الرئيس: لن نتراجع"),                         # stray opener: trimmed
])
def test_headline_keeps_balanced_quotes(headline: str, expected: str) -> None:
    body = "أعلنت الشركة اليوم نتائجها المالية للربع الثالث من العام الجاري بأرباح بلغت مليار ريال."
    assert clean(f"{headline}\n\n{body}\n{body}").title == expected


@pytest.mark.parametrize("date_line, iso", [
    ("الثلاثاء، 14 تشرين الأول/أكتوبر 2025 - 19:10", "2025-10-14"),
    ("الأحد 9 أغسطس 2015م", "2015-08-09"),
    ("١٥/٠٣/٢٠٢٤", "2024-03-15"),
])
def test_a_date_line_under_the_headline_is_cut_and_dates_the_article(date_line: str,
                                                                      iso: str) -> None:
    body = "أعلنت الشركة اليوم نتائجها المالية للربع الثالث من العام الجاري بأرباح بلغت مليار ريال."
    doc = clean(f"الشركة تعلن نتائجها\n{date_line}\n\n{body}")
    assert doc.published == iso
    assert doc.text == body and date_line in doc.removed


def test_a_sentence_that_mentions_a_date_is_not_a_date_line() -> None:
    body = "وقعت الحادثة في 14 أكتوبر 2025 قرب الميناء بحسب شهود عيان تحدثوا للصحيفة اليوم."
    doc = clean(f"حادثة قرب الميناء\n\n{body}")
    assert doc.published is None and doc.text == body

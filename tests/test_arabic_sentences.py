"""Sentence spans: end marks, quotations, abbreviations, numbers, dots, and real articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.arabic.sentences import MAX_QUOTE_CHARS, split_sentences
from marsad.types import Span


def sentences(text: str) -> list[str]:
    """The sentence strings of `text` (test builder: reads like the expected output)."""
    return [text[span.start:span.end] for span in split_sentences(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # End marks: . ! ? ؟ end; ؛ : ، do not.
    ("وصل الوفد. وبدأت المحادثات.", ["وصل الوفد.", "وبدأت المحادثات."]),
    ("هل انتهت الحرب؟ لا أحد يعرف!", ["هل انتهت الحرب؟", "لا أحد يعرف!"]),
    ("ماذا حدث؟! لا شيء", ["ماذا حدث؟!", "لا شيء"]),
    ("Is it over? Nobody knows.", ["Is it over?", "Nobody knows."]),
    ("وصل الوفد؛ وبدأت المحادثات: بعد ساعة، انتهت.", ["وصل الوفد؛ وبدأت المحادثات: بعد ساعة، انتهت."]),
    ("بلا علامة في النهاية", ["بلا علامة في النهاية"]),
    # Line breaks always end a sentence; blank lines give nothing.
    ("عنوان الخبر\nنص الخبر هنا.", ["عنوان الخبر", "نص الخبر هنا."]),
    ("الفقرة الأولى\n\n\n   الفقرة الثانية  \r\n", ["الفقرة الأولى", "الفقرة الثانية"]),
    ("  \n \n", []),
    ("", []),
    # A missing space after the period between Arabic words is still an end.
    ("في مناطق خفض التصعيد.وعقد الزعماء محادثات.", ["في مناطق خفض التصعيد.", "وعقد الزعماء محادثات."]),
    # Numbers: decimals and thousands are not ends; a number can end a sentence.
    ("ارتفع المؤشر 3.5 نقطة اليوم.", ["ارتفع المؤشر 3.5 نقطة اليوم."]),
    ("ارتفع المؤشر ٣٫٥ نقطة و1,000 سهم.", ["ارتفع المؤشر ٣٫٥ نقطة و1,000 سهم."]),
    ("تأسست الشركة عام 2015. ثم توسعت.", ["تأسست الشركة عام 2015.", "ثم توسعت."]),
    ("1. البند الأول", ["1. البند الأول"]),
    # Abbreviations.
    ("قال د. أحمد زكي إن الوضع خطير.", ["قال د. أحمد زكي إن الوضع خطير."]),
    ("افتتح م. سامي الجسر. ثم غادر.", ["افتتح م. سامي الجسر.", "ثم غادر."]),
    ("حاضر أ. د. خالد في الجامعة.", ["حاضر أ. د. خالد في الجامعة."]),
    ("راسلونا على ص.ب. 1234 في عمان.", ["راسلونا على ص.ب. 1234 في عمان."]),
    ("The U.S. Army left. Then it returned.", ["The U.S. Army left.", "Then it returned."]),
    ("Dr. Smith met Mr. Jones.", ["Dr. Smith met Mr. Jones."]),
    ("ولد عام 1950 م. ثم هاجر.", ["ولد عام 1950 م.", "ثم هاجر."]),
    ("زار موقع example.com أمس.", ["زار موقع example.com أمس."]),
    # Dots: .. and ... between items end a sentence; after a short speech intro they are a colon.
    ("بوتين: التنظيم هزم.. لافروف: الغرب بدأ يدرك", ["بوتين: التنظيم هزم..", "لافروف: الغرب بدأ يدرك"]),
    ("انتهى الاجتماع... وبدأت المفاوضات", ["انتهى الاجتماع...", "وبدأت المفاوضات"]),
    ("انتهى الاجتماع…وبدأت المفاوضات", ["انتهى الاجتماع…", "وبدأت المفاوضات"]),
    ("وقال الوزير.. في عام 2015 تغير كل شيء.", ["وقال الوزير.. في عام 2015 تغير كل شيء."]),
    ("وأضاف المتحدث.. رغم الهدنة استمر القصف", ["وأضاف المتحدث.. رغم الهدنة استمر القصف"]),
    ("الأرقام من 1...5 فقط.", ["الأرقام من 1...5 فقط."]),
])
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A short quotation is never split inside, whatever the marks.
    ("قال الوزير: «لن نتراجع. سنواصل العمل». ثم غادر.",
     ["قال الوزير: «لن نتراجع. سنواصل العمل».", "ثم غادر."]),
    ("قال الوزير “لن نتراجع. سنواصل العمل”. ثم غادر.",
     ["قال الوزير “لن نتراجع. سنواصل العمل”.", "ثم غادر."]),
    ('قال الوزير "لن نتراجع. سنواصل العمل". ثم غادر.',
     ['قال الوزير "لن نتراجع. سنواصل العمل".', "ثم غادر."]),
    ("قال الوزير ‘لن نتراجع. سنواصل’ ثم غادر.", ["قال الوزير ‘لن نتراجع. سنواصل’ ثم غادر."]),
    # The end mark inside the quotation, the closing mark after it.
    ("قال: «لن نتراجع.» وأضاف: «سنواصل!»", ["قال: «لن نتراجع.»", "وأضاف: «سنواصل!»"]),
    # Nested quotations and quotes inside quotes.
    ('وأكد: "علينا العمل على "خارطة طريق" جديدة. والبدء فورا". وانتهى اللقاء.',
     ['وأكد: "علينا العمل على "خارطة طريق" جديدة. والبدء فورا".', "وانتهى اللقاء."]),
    # Mismatched guillemets: » used to open, « used to close.
    ("بين «الجبهة» و»الحركة» تقارب. وقال آخر: لا.", ["بين «الجبهة» و»الحركة» تقارب.", "وقال آخر: لا."]),
    ("لإقامة «دولة « مزعومة. ثم انهار التنظيم.", ["لإقامة «دولة « مزعومة.", "ثم انهار التنظيم."]),
    # Brackets.
    ("أعلنت المنظمة (وهي مستقلة. ومقرها جنيف) النتائج. ثم صمتت.",
     ["أعلنت المنظمة (وهي مستقلة. ومقرها جنيف) النتائج.", "ثم صمتت."]),
    ("نقلت الوكالة (أ.ف.ب). ثم نفت.", ["نقلت الوكالة (أ.ف.ب).", "ثم نفت."]),
    # Apostrophes are not quotation marks.
    ("He said don't go. She went.", ["He said don't go.", "She went."]),
])
def test_quotations(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_unclosed_quotation_does_not_survive_a_line_break() -> None:
    text = "قال: «لن نتراجع. سنواصل\nوفي خبر آخر. وصل الوفد."
    assert sentences(text) == ["قال: «لن نتراجع. سنواصل", "وفي خبر آخر.", "وصل الوفد."]


def test_long_quotation_is_split_inside() -> None:
    part = "هذه جملة طويلة داخل الاقتباس عن الاقتصاد والسياسة والأمن. "
    body = part * (MAX_QUOTE_CHARS // len(part) + 2)
    text = f"قال الوزير: «{body.strip()}» ثم غادر."
    found = sentences(text)
    assert len(found) > 3
    assert found[0].startswith("قال الوزير: «هذه جملة")


def test_stray_opening_mark_does_not_glue_the_paragraph() -> None:
    sentence = "وصل الوفد إلى العاصمة وبدأ جولة جديدة من المحادثات مع المسؤولين. "
    text = "قال «مصدر " + sentence * 12
    assert len(sentences(text)) >= 6


@pytest.mark.parametrize(("text", "expected"), [
    ("انتهى الاجتماع. »", ["انتهى الاجتماع. »"]),              # a stray mark joins the sentence
    ("انتهى الاجتماع.\n***\nبدأ غيره.", ["انتهى الاجتماع.\n***", "بدأ غيره."]),
    ("***\nانتهى الاجتماع.", ["***\nانتهى الاجتماع."]),        # at the start: joins the next
    ("... وبدأ الاجتماع.", ["... وبدأ الاجتماع."]),
    ("!!!", []),
])
def test_no_sentence_is_only_punctuation(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def check_invariants(text: str, spans: list[Span]) -> None:
    """Spans are non-empty, trimmed, ordered, disjoint, inside `text` and cover every word."""
    covered = [False] * len(text)
    previous_end = 0
    for span in spans:
        assert 0 <= previous_end <= span.start < span.end <= len(text)
        piece = text[span.start:span.end]
        assert piece == piece.strip()
        assert any(ch.isalnum() for ch in piece)
        for i in range(span.start, span.end):
            covered[i] = True
        previous_end = span.end
    if any(ch.isalnum() for ch in text):
        assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))
    else:
        assert spans == []   # nothing to cover: a text of marks has no sentence


@pytest.mark.parametrize("text", [
    "a", ".", "؟؟", "«", "»»", "...\n...", "قال «", "قال »ن« . . .", "د.", "U.S.", " \u200f ",
    "«أ. ب. ج.»", "(((", "وقال الوزير..", "نعم.\"لا\".", "3.", "٣٫", "قال: '",
])
def test_invariants_on_odd_inputs(text: str) -> None:
    check_invariants(text, split_sentences(text))


@pytest.mark.shared
def test_seed_articles(seeds_dir: Path) -> None:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        spans = split_sentences(text)
        check_invariants(text, spans)
        # Real articles: no sentence swallows a paragraph break, none is absurdly long.
        assert all("\n" not in text[s.start:s.end] for s in spans)
        assert len(spans) >= text.count("\n\n")

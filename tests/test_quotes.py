"""Quotations and their speakers (marsad.extract.quotes), on sentences written for the tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marsad.extract.quotes import find_quotes
from marsad.types import Document, Mention, Quote, Span


def doc(text: str, doc_id: str = "d") -> Document:
    return Document(doc_id, None, None, None, None, None, None, "ar", text)


def mention(doc_text: str, surface: str, type: str = "PER", occurrence: int = 0,
            doc_id: str = "d") -> Mention:
    """A mention of the `occurrence`-th appearance of `surface` in `doc_text`."""
    starts = [m.start() for m in re.finditer(re.escape(surface), doc_text)]
    start = starts[occurrence]
    return Mention(doc_id, start, start + len(surface), surface, type)  # type: ignore[arg-type]


def every(doc_text: str, surface: str, type: str = "PER") -> list[Mention]:
    return [mention(doc_text, surface, type, n)
            for n in range(len(re.findall(re.escape(surface), doc_text)))]


def quotes(text: str, people: tuple[str, ...] = (), orgs: tuple[str, ...] = ()) -> list[Quote]:
    mentions = [m for p in people for m in every(text, p)] + \
               [m for o in orgs for m in every(text, o, "ORG")]
    found = find_quotes(doc(text), mentions)
    for quote in found:                                     # offsets always match the text
        assert text[quote.start:quote.end] == quote.text
    return list(found)


def brief(found: list[Quote]) -> list[tuple[str, str, str | None, str | None]]:
    return [(q.kind, q.text, q.speaker_text, q.cue) for q in found]


# -- reported speech: cue forms and complementizers ------------------------------------------
INDIRECT = [
    ("قال سامر الخطيب إن المصنع سيفتح أبوابه قريبا.", "قال"),
    ("وقال سامر الخطيب إن المصنع سيفتح أبوابه قريبا.", "وقال"),
    ("أكد سامر الخطيب أن المصنع سيفتح أبوابه قريبا.", "أكد"),
    ("وأوضح سامر الخطيب أن المصنع سيفتح أبوابه قريبا.", "وأوضح"),
    ("وأشار سامر الخطيب إلى أن المصنع سيفتح أبوابه قريبا.", "وأشار"),
    ("ولفت سامر الخطيب الى ان المصنع سيفتح أبوابه قريبا.", "ولفت"),
    ("وشدد سامر الخطيب على أن المصنع سيفتح أبوابه قريبا.", "وشدد"),
    ("وحذر سامر الخطيب من أن المصنع سيغلق أبوابه قريبا.", "وحذر"),
    ("ونفى سامر الخطيب أن يكون المصنع قد أغلق أبوابه.", "ونفى"),
    ("فيما أعلن سامر الخطيب أن المصنع سيفتح أبوابه قريبا.", "أعلن"),
    ("وأضاف سامر الخطيب بأن المصنع سيفتح أبوابه قريبا.", "وأضاف"),
    ("كما بين سامر الخطيب أن المصنع سيفتح أبوابه قريبا.", "بين"),
    ("ويؤكد سامر الخطيب أن المصنع سيفتح أبوابه قريبا.", "ويؤكد"),
    ("وتوقع سامر الخطيب أن يفتح المصنع أبوابه قريبا.", "وتوقع"),
]


@pytest.mark.parametrize("text,cue", INDIRECT)
def test_indirect_cues(text: str, cue: str) -> None:
    (quote,) = quotes(text, ("سامر الخطيب",))
    assert quote.kind == "indirect" and quote.cue == cue
    assert quote.speaker_text == "سامر الخطيب"
    assert quote.speaker_mention == Span(text.index("سامر"), text.index("سامر") + 11)
    assert "أبوابه" in quote.text and not quote.text.endswith(".")


def test_feminine_and_plural_cues() -> None:
    text = "وأكدت ليلى حداد أن الموسم كان ناجحا. وقالوا إن المعرض سيتكرر العام المقبل."
    found = quotes(text, ("ليلى حداد",))
    assert [(q.cue, q.speaker_text) for q in found] == [("وأكدت", "ليلى حداد"),
                                                       ("وقالوا", "ليلى حداد")]


def test_a_misspelt_cue_with_a_named_speaker() -> None:
    text = "وفي مؤتمر صحفي فال رامي عيسى ان الاتفاق سيوقع الأسبوع المقبل."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.cue == "فال" and quote.text == "الاتفاق سيوقع الأسبوع المقبل"


def test_clause_stops_at_the_next_cue() -> None:
    text = ("أعلن رامي عيسى أن الحكومة ستخفض الضرائب، مؤكدا أن القرار نهائي، "
            "ونوه إلى أن التطبيق يبدأ الشهر المقبل.")
    found = quotes(text, ("رامي عيسى",))
    assert [q.text for q in found] == ["الحكومة ستخفض الضرائب", "القرار نهائي",
                                       "التطبيق يبدأ الشهر المقبل"]
    assert {q.speaker_text for q in found} == {"رامي عيسى"}
    assert [q.cue for q in found] == ["أعلن", "مؤكدا", "ونوه"]


def test_participle_forms() -> None:
    text = "وحذرت الوزيرة هدى سالم من التأخير، مشيرةً إلى أن المهلة تنتهي غدا."
    (quote,) = quotes(text, ("هدى سالم",))
    assert quote.cue == "مشيرةً" and quote.speaker_text == "هدى سالم"


# -- direct speech ---------------------------------------------------------------------------
MARKS = [("«", "»"), ("“", "”"), ('"', '"'), ("„", "“"), ("‘", "’"), ("»", "»"), ("“", "“")]


@pytest.mark.parametrize("opening,closing", MARKS)
def test_direct_with_each_kind_of_mark(opening: str, closing: str) -> None:
    text = f"وقال رامي عيسى {opening}لن نتراجع عن هذا القرار مهما حدث{closing} أمام الصحفيين."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.kind == "direct" and quote.text == "لن نتراجع عن هذا القرار مهما حدث"
    assert quote.speaker_text == "رامي عيسى" and quote.cue == "وقال"


def test_direct_after_a_colon_without_marks() -> None:
    text = "وقال رامي عيسى في كلمته: نحن ماضون في الإصلاح حتى النهاية. ثم غادر القاعة."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.kind == "direct" and quote.text == "نحن ماضون في الإصلاح حتى النهاية"


def test_direct_after_said_without_colon_or_marks() -> None:
    text = "وأضاف رامي عيسى.. الحوار هو الطريق الوحيد للحل."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.kind == "direct" and quote.text == "الحوار هو الطريق الوحيد للحل"


def test_a_quotation_over_several_sentences_is_one_quote() -> None:
    text = "وقال رامي عيسى: «بدأنا العمل أمس. وسننتهي قبل الصيف. هذا وعد منا». وانتهى اللقاء."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.text == "بدأنا العمل أمس. وسننتهي قبل الصيف. هذا وعد منا"


def test_nested_marks_stay_inside_the_quotation() -> None:
    text = 'وأكد رامي عيسى، "نعمل على "خطة طريق" جديدة للبلديات كلها".'
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.text == 'نعمل على "خطة طريق" جديدة للبلديات كلها'


def test_quoted_names_are_not_quotes() -> None:
    text = 'زار الوفد نادي "الأمل" ومقر جمعية «النور» الخيرية في المدينة.'
    assert quotes(text) == []


def test_short_quoted_term_after_the_speaker_is_skipped() -> None:
    text = 'وقال رامي عيسى، في ندوة "الحوار"، "سنبني مئة مدرسة في الأعوام المقبلة".'
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.text == "سنبني مئة مدرسة في الأعوام المقبلة"


def test_quote_before_its_cue() -> None:
    text = "«لن نقبل بأي تأخير في المشروع بعد اليوم»، قال رامي عيسى للصحفيين."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.kind == "direct" and quote.speaker_text == "رامي عيسى" and quote.cue == "قال"


def test_headline_with_a_colon() -> None:
    text = "عيسى: الإصلاح مستمر.. حداد: الموازنة جاهزة\nنص الخبر هنا."
    found = quotes(text, ("عيسى", "حداد"))
    assert brief(found) == [("direct", "الإصلاح مستمر", "عيسى", ":"),
                            ("direct", "الموازنة جاهزة", "حداد", ":")]


# -- speakers ----------------------------------------------------------------------------------
def test_speaker_behind_a_title() -> None:
    text = "وأكد وزير المالية الأردني رامي عيسى أن العجز سينخفض هذا العام."
    (quote,) = quotes(text, ("رامي عيسى",))
    assert quote.speaker_text == "رامي عيسى"


def test_title_only_speaker_points_at_the_title() -> None:
    text = "وأشار وزير المالية، إلى أن العجز سينخفض هذا العام."
    (quote,) = quotes(text)
    assert quote.speaker_text == "وزير المالية"
    assert quote.speaker_mention == Span(text.index("وزير"), text.index("المالية") + 7)


def test_name_after_a_title_when_the_ner_missed_it() -> None:
    text = "وأكد وزير المالية رامي عيسى أن العجز سينخفض هذا العام."
    (quote,) = quotes(text)
    assert quote.speaker_text == "رامي عيسى" and quote.speaker_mention is not None


def test_subject_before_the_verb() -> None:
    text = "رئيس البلدية فادي نصر أعلن من جانبه أن الطريق سيفتح غدا."
    (quote,) = quotes(text, ("فادي نصر",))
    assert quote.speaker_text == "فادي نصر"


def test_subject_at_sentence_start_far_from_the_verb() -> None:
    text = "فادي نصر وفي رسالة وجهها أمس إلى السكان قال: سنفتح الطريق غدا صباحا."
    (quote,) = quotes(text, ("فادي نصر",))
    assert quote.speaker_text == "فادي نصر" and quote.kind == "direct"


def test_implicit_subject_continues_the_previous_speaker() -> None:
    text = ("وقال فادي نصر إن الطريق سيفتح غدا. وأضاف أن الأعمال ستنتهي قريبا. "
            "كما أكد أن الكلفة لم تتجاوز الميزانية.")
    found = quotes(text, ("فادي نصر",))
    assert [q.speaker_text for q in found] == ["فادي نصر"] * 3
    assert found[1].speaker_mention == found[0].speaker_mention


def test_agency_reports_someone_else() -> None:
    text = "ونقلت وكالة الأنباء عن فادي نصر قوله للصحفيين: الطريق سيفتح غدا صباحا."
    (quote,) = quotes(text, ("فادي نصر",), ("وكالة الأنباء",))
    assert quote.speaker_text == "فادي نصر" and quote.cue == "ونقلت" and quote.kind == "direct"


def test_according_to() -> None:
    text = "وبحسب فادي نصر فإن الطريق سيفتح غدا صباحا."
    (quote,) = quotes(text, ("فادي نصر",))
    assert quote.kind == "indirect" and quote.speaker_text == "فادي نصر"
    assert quote.text == "الطريق سيفتح غدا صباحا"


@pytest.mark.parametrize("text,source", [
    ("وأشارت مصادر مطلعة إلى أن الاتفاق بات قريبا.", "مصادر مطلعة"),
    ("وقال مصدر أمني إن التحقيق مستمر منذ أسبوع.", "مصدر أمني"),
    ("وقال مسؤول رفض الكشف عن اسمه إن التحقيق مستمر منذ أسبوع.", "مسؤول رفض الكشف عن اسمه"),
    ("ويرى البعض أن التحقيق لن ينتهي قريبا.", "البعض"),
])
def test_anonymous_sources(text: str, source: str) -> None:
    (quote,) = quotes(text)
    assert quote.speaker_text == source and quote.speaker_mention is None


def test_organisation_speaker() -> None:
    text = "وأعلنت وزارة الصحة أن عدد الإصابات تراجع."
    (quote,) = quotes(text, orgs=("وزارة الصحة",))
    assert quote.speaker_text == "وزارة الصحة"


def test_a_verb_inside_a_reported_clause_is_not_a_new_quote() -> None:
    text = "وأكد فادي نصر أن البلدية دعت السكان إلى الصبر، مشددا على أن الأزمة مؤقتة."
    found = quotes(text, ("فادي نصر",))
    assert [q.cue for q in found] == ["وأكد", "مشددا"]
    assert found[0].text == "البلدية دعت السكان إلى الصبر"


def test_ids_and_document() -> None:
    text = "وقال فادي نصر إن الطريق سيفتح غدا. وأضاف أن الأعمال ستنتهي قريبا."
    found = find_quotes(doc(text, "art7"), every(text, "فادي نصر"))
    assert [q.id for q in found] == ["art7:Q1", "art7:Q2"] and {q.doc for q in found} == {"art7"}
    assert all(q.speaker is None for q in found)


def test_no_cue_no_quote() -> None:
    assert quotes("افتتح المعرض أبوابه أمس وسط حضور كبير من الزوار.") == []


# -- the real articles ------------------------------------------------------------------------
def test_seeds(seeds_dir: Path) -> None:
    names = ("فلاديمير بوتين", "فلادمير بوتين", "بوتين", "سيرغي لافروف", "لافروف")
    speakers: list[str | None] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        taken: list[Mention] = []
        for name in names:
            for m in every(text, name):
                if not any(t.start < m.end and m.start < t.end for t in taken):
                    taken.append(m)
        found = find_quotes(doc(text, path.stem), taken)
        speakers += [q.speaker_text for q in found]
        assert all(text[q.start:q.end] == q.text for q in found)
    assert sum(1 for s in speakers if s and "بوتين" in s) >= 15
    assert any(s and "لافروف" in s for s in speakers)


# -- constructions fixed against the quotation benchmark (sentences written for the tests) ----
def test_speaker_behind_a_long_title_with_prepositions() -> None:
    text = ("وقال مدير مكتب الجمعية الأهلية لرعاية الأيتام في حلب سامر الخطيب إن "
            "المشروع سيكتمل قريبا.")
    (quote,) = quotes(text, ("سامر الخطيب",))
    assert quote.speaker_text == "سامر الخطيب" and quote.kind == "indirect"


def test_a_preposition_with_a_quoted_outlet_is_not_a_name() -> None:
    text = 'وقال المتحدث باسم الجمعية ل"الأنباء" إن العمل يسير وفق الخطة المرسومة.'
    (quote,) = quotes(text)
    assert quote.speaker_text != "ل" and quote.text.startswith("العمل")


@pytest.mark.parametrize("cue", ["ملمحا", "منبها", "مناشدا"])
def test_more_participle_cues(cue: str) -> None:
    text = f"وقال سامر الخطيب إن الموسم كان ناجحا، {cue} إلى أن الموسم المقبل سيكون أصعب."
    found = quotes(text, ("سامر الخطيب",))
    assert [q.cue for q in found] == ["وقال", cue]
    assert all(q.speaker_text == "سامر الخطيب" for q in found)


def test_a_participle_that_reports_no_words_ends_the_clause() -> None:
    text = ("وأكد سامر الخطيب أن العمل يسير بحزم، مرجعا ذلك إلى جهود الفريق كله، "
            "مشيدا بالمتطوعين.")
    (quote,) = quotes(text, ("سامر الخطيب",))
    assert quote.text == "العمل يسير بحزم"


def test_a_prayer_is_not_a_quote() -> None:
    text = "وأكد سامر الخطيب أن المدينة ستتعافى، داعيا الله أن يحفظ أهلها من كل سوء."
    found = quotes(text, ("سامر الخطيب",))
    assert [q.cue for q in found] == ["وأكد"]


def test_a_marked_quotation_after_a_mid_sentence_verb() -> None:
    text = ('وحول أثر القرار على السوق، قال «القرار سيرفع الأسعار في الأشهر المقبلة». '
            'وأوضح سامر الخطيب أن السوق مستقرة.')
    found = quotes(text, ("سامر الخطيب",))
    assert found[0].kind == "direct" and found[0].text.startswith("القرار سيرفع")


def test_implicit_subject_named_earlier_in_the_same_sentence() -> None:
    text = ('وقال سامر الخطيب إن الفريق لعب جيدا. من جانبه، أعرب رامي عيسى عن سعادته '
            'بالنتيجة، وقال "الفريق ظهر بمستوى جيد هذا المساء".')
    found = quotes(text, ("سامر الخطيب", "رامي عيسى"))
    assert [q.speaker_text for q in found] == ["سامر الخطيب", "رامي عيسى"]


def test_background_openers_are_not_quotes() -> None:
    text = ("قال سامر الخطيب إن المصنع سيفتح أبوابه قريبا. ويذكر أن المصنع أنشئ قبل عشرين "
            "عاما في المدينة. يذكر أن الشركة تملك ثلاثة مصانع أخرى. وذكر أن العمال سيعودون غدا.")
    found = quotes(text, ("سامر الخطيب",))
    assert [q.cue for q in found] == ["قال", "وذكر"]       # وذكر: he mentioned; يذكر: it is noted

"""Cross-document entity linking and quote speakers (marsad.extract.linking)."""

from __future__ import annotations

import re
from pathlib import Path

from marsad.extract.linking import link_entities, skeleton
from marsad.extract.quotes import find_quotes
from marsad.types import Document, DocumentAnalysis, Entity, Mention, Quote, Span


def doc(text: str, doc_id: str) -> Document:
    return Document(doc_id, None, None, None, None, None, None, "ar", text)


def mention(doc_text: str, surface: str, type: str = "PER", occurrence: int = 0,
            doc_id: str = "d") -> Mention:
    """A mention of the `occurrence`-th appearance of `surface` in `doc_text`."""
    start = [m.start() for m in re.finditer(re.escape(surface), doc_text)][occurrence]
    return Mention(doc_id, start, start + len(surface), surface, type)  # type: ignore[arg-type]


def analysis(doc_id: str, text: str, *marked: tuple[str, str], quotes: bool = False
             ) -> DocumentAnalysis:
    """A document with mentions (surface, type), each found in order of appearance."""
    mentions: list[Mention] = []
    seen: dict[str, int] = {}
    for surface, type in marked:
        n = seen.get(surface, 0)
        seen[surface] = n + 1
        mentions.append(mention(text, surface, type, n, doc_id))
    document = doc(text, doc_id)
    found = find_quotes(document, mentions) if quotes else ()
    return DocumentAnalysis(document, tuple(mentions), tuple(found))


def entity_of(entities: tuple[Entity, ...], surface: str) -> Entity:
    return next(e for e in entities if surface in e.aliases)


def test_skeleton_meets_spelling_variants() -> None:
    assert skeleton("شويجو") == skeleton("شويغو")
    assert skeleton("سيرجى") == skeleton("سيرغي")
    assert skeleton("فلادمير") == skeleton("فلاديمير")
    assert skeleton("أوشاكوف") == skeleton("اوشاكوف")
    assert skeleton("سورية") == skeleton("سوريا")
    assert skeleton("لافروف") != skeleton("شويغو")


def test_variants_of_one_person_merge_across_documents() -> None:
    a = analysis("a", "حذر سيرجى شويجو من التصعيد. وأوضح شويجو موقفه.",
                 ("سيرجى شويجو", "PER"), ("شويجو", "PER"))
    b = analysis("b", "قال سيرغي شويغو للصحفيين كلاما كثيرا.", ("سيرغي شويغو", "PER"))
    c = analysis("c", "وأضاف شويغو كلاما آخر.", ("شويغو", "PER"))
    entities, _ = link_entities([a, b, c])
    assert len(entities) == 1
    (shoigu,) = entities
    assert shoigu.id == "E1" and shoigu.type == "PER" and len(shoigu.mentions) == 4
    assert set(shoigu.aliases) == {"سيرجى شويجو", "شويجو", "سيرغي شويغو", "شويغو"}
    assert shoigu.name in ("سيرجى شويجو", "سيرغي شويغو")


def test_people_sharing_a_first_name_never_merge() -> None:
    a = analysis("a", "التقى سيرغي لافروف مع سيرغي شويغو ثم تحدث لافروف.",
                 ("سيرغي لافروف", "PER"), ("سيرغي شويغو", "PER"), ("لافروف", "PER"))
    entities, _ = link_entities([a])
    assert [e.name for e in entities] == ["سيرغي لافروف", "سيرغي شويغو"]
    assert len(entity_of(entities, "لافروف").mentions) == 2


def test_ambiguous_first_name_alone_is_not_guessed() -> None:
    a = analysis("a", "التقى سيرغي لافروف مع سيرغي شويغو وقال سيرغي كلاما.",
                 ("سيرغي لافروف", "PER"), ("سيرغي شويغو", "PER"), ("سيرغي", "PER", ))
    entities, _ = link_entities([a])
    assert len(entities) == 3


def test_first_name_attaches_when_unambiguous_in_the_document() -> None:
    a = analysis("a", "وصل جون كيري إلى موسكو. وقال جون إن الزيارة مفيدة.",
                 ("جون كيري", "PER"), ("موسكو", "LOC"), ("جون", "PER"))
    entities, _ = link_entities([a])
    assert [e.name for e in entities] == ["جون كيري", "موسكو"]
    assert len(entities[0].mentions) == 2


def test_last_name_alone_joins_the_only_full_name_across_documents() -> None:
    a = analysis("a", "قال فلاديمير بوتين كلاما.", ("فلاديمير بوتين", "PER"))
    b = analysis("b", "وأضاف بوتين كلاما آخر. وكرر فلادمير بوتين ذلك.",
                 ("بوتين", "PER"), ("فلادمير بوتين", "PER"))
    entities, _ = link_entities([a, b])
    assert len(entities) == 1 and entities[0].name == "فلاديمير بوتين"


def test_canonical_name_is_the_most_frequent_full_form() -> None:
    a = analysis("a", "فلادمير بوتين. فلاديمير بوتين. فلاديمير بوتين. بوتين. بوتين. بوتين.",
                 ("فلادمير بوتين", "PER"), ("فلاديمير بوتين", "PER"), ("فلاديمير بوتين", "PER"),
                 ("بوتين", "PER"), ("بوتين", "PER"), ("بوتين", "PER"))
    (putin,), _ = link_entities([a])
    assert putin.name == "فلاديمير بوتين"


def test_place_variants_merge_but_a_city_is_not_its_country() -> None:
    a = analysis("a", "وصل الوفد إلى سوريا ثم إلى دمشق.", ("سوريا", "LOC"), ("دمشق", "LOC"))
    b = analysis("b", "الوضع في سورية مستقر.", ("سورية", "LOC"))
    entities, _ = link_entities([a, b])
    assert [e.name for e in entities] == ["سوريا", "دمشق"]
    assert entity_of(entities, "سورية").id == "E1"


def test_alias_table_and_descriptor() -> None:
    a = analysis("a", "هزم تنظيم داعش في المدينة. وتراجع داعش.",
                 ("تنظيم داعش", "ORG"), ("داعش", "ORG"))
    b = analysis("b", "مواقع الدولة الإسلامية دمرت.", ("الدولة الإسلامية", "ORG"))
    entities, _ = link_entities([a, b])
    assert len(entities) == 1 and entities[0].name == "تنظيم داعش"
    assert set(entities[0].aliases) == {"تنظيم داعش", "داعش", "الدولة الإسلامية"}


def test_capital_is_not_the_country() -> None:
    a = analysis("a", "قالت واشنطن إن الولايات المتحدة لن تتراجع.",
                 ("واشنطن", "LOC"), ("الولايات المتحدة", "LOC"))
    entities, _ = link_entities([a])
    assert len(entities) == 2


def test_proclitic_is_stripped_from_aliases() -> None:
    a = analysis("a", "تحدث فلاديمير بوتين ثم وبوتين وفريقه.",
                 ("فلاديمير بوتين", "PER"), ("وبوتين", "PER"))
    (putin,), _ = link_entities([a])
    assert putin.aliases == ("فلاديمير بوتين", "بوتين")


def test_ids_follow_first_appearance_and_are_deterministic() -> None:
    a = analysis("a", "زار رامي عيسى عمان.", ("رامي عيسى", "PER"), ("عمان", "LOC"))
    b = analysis("b", "وصلت ليلى حداد إلى عمان.", ("ليلى حداد", "PER"), ("عمان", "LOC"))
    first, _ = link_entities([a, b])
    again, _ = link_entities([a, b])
    assert first == again
    assert [(e.id, e.name) for e in first] == [("E1", "رامي عيسى"), ("E2", "عمان"),
                                               ("E3", "ليلى حداد")]


# -- quotes get their speaker's entity --------------------------------------------------------
def speakers(quotes: tuple[Quote, ...], entities: tuple[Entity, ...]) -> list[str | None]:
    names = {e.id: e.name for e in entities}
    return [names.get(q.speaker) if q.speaker else None for q in quotes]


def test_quote_speakers_resolved_through_mentions_titles_and_implicit_subjects() -> None:
    text = ("أكد الرئيس الروسي فلاديمير بوتين أن الحوار ضروري. وأضاف أن الأزمة ستنتهي. "
            "وأشار الرئيس الروسي، إلى أن الاقتصاد يتحسن. وقالت مصادر مطلعة إن القمة تأجلت. "
            "وقال رامي عيسى إن الشركة ستتوسع.")
    a = analysis("a", text, ("فلاديمير بوتين", "PER"), ("رامي عيسى", "PER"), quotes=True)
    entities, quotes = link_entities([a])
    assert speakers(quotes, entities) == ["فلاديمير بوتين", "فلاديمير بوتين",
                                          "فلاديمير بوتين", None, "رامي عيسى"]
    assert quotes[2].speaker_text == "الرئيس الروسي"


def test_title_of_an_assistant_is_not_the_president() -> None:
    text = ("صرح مساعد الرئيس الروسي يوري أوشاكوف بأن الزيارة مهمة. "
            "وقال وزير الخارجية سيرغي لافروف إن اللقاء مثمر. "
            "وأكد الرئيس الروسي فلاديمير بوتين أن الحوار ضروري. "
            "وشدد الرئيس الروسي، على أن العلاقات قوية.")
    a = analysis("a", text, ("يوري أوشاكوف", "PER"), ("سيرغي لافروف", "PER"),
                 ("فلاديمير بوتين", "PER"), quotes=True)
    entities, quotes = link_entities([a])
    assert speakers(quotes, entities) == ["يوري أوشاكوف", "سيرغي لافروف", "فلاديمير بوتين",
                                          "فلاديمير بوتين"]


def test_speaker_named_without_a_mention_is_linked_by_name() -> None:
    a = analysis("a", "قال رامي عيسى كلاما كثيرا.", ("رامي عيسى", "PER"))
    text = "وأكد وزير المالية رامي عيسى أن العجز سينخفض."
    b = DocumentAnalysis(doc(text, "b"), (), find_quotes(doc(text, "b"), ()))
    entities, quotes = link_entities([a, b])
    assert quotes[0].speaker == "E1"


def test_quote_with_an_unresolvable_speaker_mention() -> None:
    text = "وأكدت اللجنة أن العمل مستمر."
    quote = Quote("b:Q1", "b", 12, 26, text[12:26], "indirect", "اللجنة", "وأكدت", None,
                  Span(5, 11))
    b = DocumentAnalysis(doc(text, "b"), (), (quote,))
    _, quotes = link_entities([b])
    assert quotes[0].speaker is None


def test_seeds_link_putin_across_documents(seeds_dir: Path) -> None:
    analyses = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        marked = []
        for name in ("فلاديمير بوتين", "فلادمير بوتين"):
            marked += [(name, "PER")] * text.count(name)
        analyses.append(analysis(path.stem, text, *marked))
    entities, _ = link_entities(analyses)
    putin = [e for e in entities if "بوتين" in e.name]
    assert len(putin) == 1 and putin[0].name == "فلاديمير بوتين"

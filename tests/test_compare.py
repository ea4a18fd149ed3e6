"""Cross-outlet comparison: numbers that differ, quotes in one outlet only, agreements (issue 5)."""

from __future__ import annotations

from dataclasses import replace

from builders import (
    build_analysis,
    build_document,
    build_entity,
    build_event,
    build_quantity,
    build_quote,
)

from marsad.explain.compare import (
    compare_event,
    compare_events,
    quantity_subject,
    unit_key,
)
from marsad.types import Analysis, Comparison, DocumentAnalysis

WIRE = ("لقي 12 شخصا مصرعهم وأصيب 37 آخرون جراء العاصفة التي ضربت الإسكندرية. "
        "وقال المحافظ طارق المنياوي إن فرق الإنقاذ عملت طوال الليل لانتشال الضحايا من تحت الأنقاض. "
        "وأكد المنياوي أن المدارس ستغلق غدا في كل أحياء المدينة حتى تتحسن الأحوال الجوية.")
PAPER = ("أودت العاصفة التي ضربت الإسكندرية بحياة 12 شخصا وخلفت دمارا في حي الجمرك. "
         "وأوضح المحافظ أن فرق الإنقاذ عملت طوال الليل لانتشال الضحايا من تحت أنقاض العقار. "
         "وحمل النائب ياسر الشاذلي الحكومة المسؤولية عن انهيار المباني القديمة.")
AGENCY = ("ارتفعت حصيلة ضحايا العاصفة في الإسكندرية إلى 14 قتيلا بحسب مصدر طبي. "
          "وقال المصدر إن اثنين من المصابين توفيا في المستشفى متأثرين بجراحهما.")


def storm() -> tuple[Analysis, dict[str, DocumentAnalysis]]:
    """Three outlets and a copy: 12 dead (two outlets) against 14 dead (the third)."""
    wire = build_document(WIRE, id="wire", source="أ ش أ", published="2025-10-14T08:00:00")
    copy = build_document(WIRE, id="copy", source="الواحة", published="2025-10-14T09:00:00",
                          duplicate_of="wire")
    paper = build_document(PAPER, id="paper", source="الأهرام", published="2025-10-14T10:00:00")
    agency = build_document(AGENCY, id="agency", source="سبوتنيك",
                            published="2025-10-14T12:00:00")
    governor = build_entity("E1", "طارق المنياوي", [wire, copy], aliases=["المنياوي"])
    city = build_entity("E2", "الإسكندرية", [wire, copy, paper, agency], type="LOC")
    deputy = build_entity("E3", "ياسر الشاذلي", [paper])
    quotes = [
        build_quote("Q1", wire, "فرق الإنقاذ عملت طوال الليل لانتشال الضحايا من تحت الأنقاض",
                    speaker=governor, speaker_text="المحافظ طارق المنياوي", kind="indirect"),
        build_quote("Q2", wire, "المدارس ستغلق غدا في كل أحياء المدينة حتى تتحسن الأحوال الجوية",
                    speaker=governor, kind="indirect", cue="أكد"),
        build_quote("Q3", copy, "فرق الإنقاذ عملت طوال الليل لانتشال الضحايا من تحت الأنقاض",
                    speaker=governor, speaker_text="المحافظ طارق المنياوي", kind="indirect"),
        build_quote("Q4", paper, "فرق الإنقاذ عملت طوال الليل لانتشال الضحايا من تحت أنقاض العقار",
                    speaker=governor, kind="indirect", cue="أوضح"),
    ]
    quantities = {
        "wire": (build_quantity(wire, "12 شخصا", 12, "شخص"), build_quantity(wire, "37", 37)),
        "copy": (build_quantity(copy, "12 شخصا", 12, "شخص"),),
        "paper": (build_quantity(paper, "12 شخصا", 12, "شخص"),),
        "agency": (build_quantity(agency, "14 قتيلا", 14, "قتيل"),),
    }
    docs = [wire, copy, paper, agency]
    event = build_event("V1", docs, title="العاصفة")
    analyses = {d.id: DocumentAnalysis(d, quotes=tuple(q for q in quotes if q.doc == d.id),
                                       quantities=quantities[d.id]) for d in docs}
    analysis = build_analysis(*docs, entities=[governor, city, deputy], quotes=quotes,
                              quantities=[q for d in docs for q in quantities[d.id]],
                              events=[event])
    return analysis, analyses


def storm_comparison() -> tuple[Analysis, Comparison]:
    analysis, analyses = storm()
    comparison = compare_event(analysis.events[0], analyses, analysis.entities, analysis.quotes)
    assert comparison is not None
    return replace(analysis, comparisons=(comparison,)), comparison


def test_outlets_with_first_report_and_copies_under_their_original() -> None:
    _, comparison = storm_comparison()
    assert [o.source for o in comparison.outlets] == ["أ ش أ", "الأهرام", "سبوتنيك"]
    wire = comparison.outlets[0]
    assert wire.documents == ("wire", "copy")             # the copy adds no outlet
    assert wire.first_report == "2025-10-14T08:00:00"
    assert set(wire.quotes) == {"Q1", "Q2"}                # the copy's quotes are not counted
    assert wire.entities[0] in {"E1", "E2"}


def test_different_numbers_for_the_same_thing_are_a_disagreement() -> None:
    _, comparison = storm_comparison()
    numbers = [f for f in comparison.disagreements if f.kind == "quantity"]
    assert len(numbers) == 1 and numbers[0].subject == "قتيل"
    said = {(e.source, e.value) for e in numbers[0].evidence}
    assert ("سبوتنيك", 14) in said and ("أ ش أ", 12) in said and ("الأهرام", 12) in said


def test_same_number_in_two_outlets_is_an_agreement() -> None:
    _, comparison = storm_comparison()
    agreed = [f for f in comparison.agreements if f.kind == "quantity"]
    assert [(f.subject, sorted(e.source for e in f.evidence)) for f in agreed] == \
        [("قتيل", sorted(["أ ش أ", "الأهرام"]))]


def test_quote_in_one_outlet_only_and_quote_agreed_by_two() -> None:
    _, comparison = storm_comparison()
    only = [f for f in comparison.disagreements if f.kind == "quote"]
    assert [e.quote for f in only for e in f.evidence] == ["Q2"]
    agreed = [f for f in comparison.agreements if f.kind == "quote"]
    assert len(agreed) == 1 and agreed[0].subject == "E1"
    assert {e.quote for e in agreed[0].evidence} == {"Q1", "Q4"}


def test_entities_named_by_one_outlet_and_by_all() -> None:
    _, comparison = storm_comparison()
    assert "E3" in {f.subject for f in comparison.disagreements if f.kind == "entity"}
    city = [f for f in comparison.agreements if f.kind == "entity" and f.subject == "E2"]
    assert len(city) == 1 and len(city[0].evidence) == 3


def test_evidence_points_at_its_text() -> None:
    analysis, comparison = storm_comparison()
    texts = {d.id: d.text for d in analysis.documents}
    for finding in comparison.agreements + comparison.disagreements:
        for evidence in finding.evidence:
            assert texts[evidence.doc][evidence.start:evidence.end] == evidence.text


def test_single_outlet_events_are_not_compared() -> None:
    analysis, analyses = storm()
    alone = build_event("V2", [analysis.documents[0], analysis.documents[1]])  # wire + its copy
    assert compare_event(alone, analyses) is None
    assert compare_events([alone], [], analyses) == ()


def test_death_tolls_are_recognised_whatever_noun_carries_them() -> None:
    for text, number, unit in [("لقي 12 شخصا مصرعهم وأصيب 37", "12 شخصا", "شخص"),
                               ("أعلنت مصرع 12 شخصا وإصابة 37 آخرين", "12 شخصا", "شخص"),
                               ("لا تزال 12 حالة وفاة", "12 حالة", "حالة"),
                               ("ارتفعت الحصيلة إلى 14 قتيلا", "14 قتيلا", "قتيل")]:
        doc = build_document(text)
        assert quantity_subject(build_quantity(doc, number, 1, unit), text) == "قتيل", text
    doc = build_document("وأصيب 37 شخصا بجروح")
    assert quantity_subject(build_quantity(doc, "37 شخصا", 37, "شخص"), doc.text) == "مصاب"
    doc = build_document("قضى خمسة من الضحايا تحت الأنقاض")
    assert quantity_subject(build_quantity(doc, "خمسة من الضحايا", 5, "الضحايا"), doc.text) is None


def test_counted_nouns_meet_in_singular_dual_and_plural() -> None:
    for forms in (["طابق", "طابقين", "طوابق", "طابقا", "الطوابق"], ["قتيل", "قتيلين", "قتلى", "قتيلا"],
                  ["شخص", "شخصا", "شخصين", "أشخاص"], ["مليون", "مليونين", "ملايين"],
                  ["دولار", "دولارا", "دولارات"], ["حالة", "حالات"], ["سيارة", "سيارتين", "سيارات"],
                  ["طن", "طنا", "أطنان"]):
        assert len({unit_key(form) for form in forms}) == 1, forms
    assert unit_key("طابق") != unit_key("منزل")


def test_the_same_floors_agree_and_different_floors_differ_whatever_the_number_form() -> None:
    texts = {"a": ("انهار مبنى من 5 طوابق في حي الجمرك بالإسكندرية فجر اليوم.", "5 طوابق", 5,
                   "طوابق", "أ ش أ"),
             "b": ("انهيار عقار مكون من 5 طوابق في الإسكندرية دون إصابات.", "5 طوابق", 5,
                   "طوابق", "الأهرام"),
             "c": ("سقط مبنى من طابقين في حي الجمرك بالإسكندرية.", "طابقين", 2, "طابقين",
                   "سبوتنيك")}
    analyses = {}
    docs = []
    for doc_id, (text, words, value, unit, source) in texts.items():
        doc = build_document(text, id=doc_id, source=source)
        docs.append(doc)
        analyses[doc_id] = DocumentAnalysis(doc, quantities=(build_quantity(doc, words, value,
                                                                            unit),))
    comparison = compare_event(build_event("V1", docs), analyses)
    assert comparison is not None
    agreed = [f for f in comparison.agreements if f.kind == "quantity"]
    assert [(f.subject, sorted(e.doc for e in f.evidence)) for f in agreed] == [("طوابق", ["a", "b"])]
    # 2 floors against 5 are more than 1.5 times apart: different buildings, not a disagreement.
    assert not [f for f in comparison.disagreements if f.kind == "quantity"]

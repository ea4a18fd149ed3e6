"""The analysis JSON file: shape, round trip, atomic writing, and `validate`."""

from __future__ import annotations

import copy
import json
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import build_analysis, build_document, build_quantity, sample_analysis
from marsad.export import json_contract
from marsad.export.json_contract import (
    SCHEMA_ID, analysis_from_dict, analysis_to_dict, load_schema, validate, write_json,
)
from marsad.types import Quote

CONTRACT_KEYS = {
    "documents": {"id", "path", "title", "source", "dateline", "byline", "published", "language",
                  "text", "removed", "sentences", "duplicate_of"},
    "entities": {"id", "type", "name", "aliases", "mentions"},
    "quotes": {"id", "doc", "start", "end", "text", "kind", "speaker", "speaker_text", "cue"},
    "quantities": {"doc", "start", "end", "text", "value", "unit"},
    "events": {"id", "title", "documents", "sources", "date", "story"},
    "stories": {"id", "title", "events"},
    "summaries": {"event", "sentences"},
}


@pytest.fixture
def data() -> dict[str, Any]:
    return analysis_to_dict(sample_analysis())


@pytest.fixture(params=["jsonschema", "builtin"])
def schema_checker(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with jsonschema, and again as if it were not installed (the fallback check)."""
    if request.param == "builtin":
        monkeypatch.setitem(sys.modules, "jsonschema", None)  # import now raises ImportError
    return request.param


def test_file_has_every_contract_field(data: dict[str, Any]) -> None:
    assert data["schema"] == SCHEMA_ID == "marsad.analysis/1"
    assert data["generator"]["name"] == "marsad" and data["generator"]["version"]
    for key, fields in CONTRACT_KEYS.items():
        assert data[key], key
        for item in data[key]:
            assert fields <= item.keys(), (key, fields - item.keys())
    assert data["rejected"] == [{"input": "inbox/broken.html", "code": "E_NO_ARTICLE",
                                 "reason": "HTML page without a main text"}]


def test_offsets_point_at_the_text_they_name(data: dict[str, Any]) -> None:
    texts = {doc["id"]: doc["text"] for doc in data["documents"]}
    quote = data["quotes"][0]
    assert texts[quote["doc"]][quote["start"]:quote["end"]] == quote["text"]
    assert texts[quote["doc"]][quote["speaker_start"]:quote["speaker_end"]] == quote["speaker_text"]
    mention = data["entities"][0]["mentions"][0]
    assert texts[mention["doc"]][mention["start"]:mention["end"]] == mention["text"]
    assert all(isinstance(s, list) and len(s) == 2 for s in data["documents"][0]["sentences"])


def test_quantity_value_is_an_int_when_integral() -> None:
    doc = build_document("بلغت الكلفة 12.5 مليون دينار و300 ألف درهم.")
    analysis = build_analysis(doc, quantities=[
        build_quantity(doc, "12.5 مليون دينار", 12_500_000, "دينار"),
        build_quantity(doc, "12.5", 12.5), build_quantity(doc, "300 ألف", math.nan)])
    values = [q["value"] for q in analysis_to_dict(analysis)["quantities"]]
    assert values == [12_500_000, 12.5, None]
    assert isinstance(values[0], int)


def test_quote_without_speaker_span_has_null_offsets() -> None:
    doc = build_document("قالت مصادر إن الاجتماع تأجل.")
    quote = Quote("Q1", doc.id, 14, 27, doc.text[14:27], "indirect", "مصادر", "قالت")
    out = analysis_to_dict(build_analysis(doc, quotes=[quote]))["quotes"][0]
    assert out["speaker"] is None and out["speaker_start"] is None and out["speaker_end"] is None
    assert "speaker_mention" not in out


def test_metadata_is_made_json_safe() -> None:
    doc = build_document("نص قصير.", metadata={"tags": ("أ", "ب"), "seen": date(2024, 3, 1),
                                                "score": math.inf})
    metadata = analysis_to_dict(build_analysis(doc))["documents"][0]["metadata"]
    assert metadata == {"tags": ["أ", "ب"], "seen": "2024-03-01", "score": None}


def test_round_trip_in_memory(data: dict[str, Any]) -> None:
    assert analysis_from_dict(data) == sample_analysis()


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "analysis.json"
    write_json(sample_analysis(), path)
    assert analysis_from_dict(json.loads(path.read_text("utf-8"))) == sample_analysis()


def test_round_trip_keeps_a_mention_type_that_differs_from_its_entity() -> None:
    analysis = sample_analysis()
    entity = analysis.entities[0]
    odd = replace(entity, mentions=(replace(entity.mentions[0], type="MISC"),) + entity.mentions[1:])
    analysis = replace(analysis, entities=(odd,) + analysis.entities[1:])
    data = analysis_to_dict(analysis)
    assert data["entities"][0]["mentions"][0]["type"] == "MISC"
    assert "type" not in data["entities"][0]["mentions"][1]
    assert analysis_from_dict(data) == analysis


def test_reading_another_schema_is_refused(data: dict[str, Any]) -> None:
    data["schema"] = "marsad.analysis/2"
    with pytest.raises(ValueError, match="marsad.analysis/2"):
        analysis_from_dict(data)


def test_arabic_is_written_as_arabic(tmp_path: Path) -> None:
    path = tmp_path / "analysis.json"
    write_json(sample_analysis(), path)
    raw = path.read_bytes().decode("utf-8")
    assert "وزارة الصحة" in raw
    assert "\\u06" not in raw
    assert raw.startswith('{\n "schema": "marsad.analysis/1"')  # indent=1


def test_failed_write_leaves_the_previous_file_intact(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "analysis.json"
    write_json(sample_analysis(), path)
    before = path.read_bytes()

    def broken_dump(*args: Any, **kwargs: Any) -> None:
        args[1].write('{"schema": "half')  # a partial write, then the crash
        raise RuntimeError("disk full")

    monkeypatch.setattr(json_contract.json, "dump", broken_dump)
    with pytest.raises(RuntimeError, match="disk full"):
        write_json(build_analysis(build_document("نص آخر.")), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["analysis.json"]  # no temp file left


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["entityType"]["enum"] == ["PER", "ORG", "LOC", "MISC"]


def test_sample_is_valid(data: dict[str, Any], schema_checker: str) -> None:
    assert validate(data) == []


def test_empty_analysis_is_valid(schema_checker: str) -> None:
    assert validate(analysis_to_dict(build_analysis())) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A corruption that sets data[...] at a slash path, e.g. "quotes/0/speaker"."""
    def corrupt(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        target: Any = data
        for part in parents:
            target = target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value(data) if callable(value) else value
    return corrupt


_DELETE = object()

# (what is broken, corruption, the problem `validate` must report, as a substring)
CORRUPTIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("quote end past the text", _set("quotes/0/end", 10_000), "quotes/0 (Q1): offsets"),
    ("quantity start after end", _set("quantities/0/start", lambda d: d["quantities"][0]["end"] + 1),
     "quantities/0: offsets"),
    ("negative mention start", _set("entities/0/mentions/0/start", -1),
     "-1 is less than the minimum of 0"),
    ("sentence past the text", _set("documents/1/sentences/0", [0, 10_000]),
     "documents/1 (a2_ghad)/sentences/0: offsets"),
    ("quote text not the document's", _set("quotes/1/text", "كلام آخر"), "quotes/1 (Q2): text"),
    ("mention text not the document's", _set("entities/1/mentions/0/text", "وزارة"),
     "entities/1 (E2)/mentions/0: text"),
    ("quantity text not the document's", _set("quantities/2/text", "12 مليون"),
     "quantities/2: text"),
    ("speaker span past the text", _set("quotes/0/speaker_end", 10_000), "quotes/0 (Q1) speaker"),
    ("document id twice", _set("documents/1/id", "a1_batra"), "id 'a1_batra' is used twice"),
    ("entity id twice", _set("entities/1/id", "E1"), "id 'E1' is used twice"),
    ("quote id twice", _set("quotes/2/id", "Q1"), "id 'Q1' is used twice"),
    ("event id twice", _set("events/1/id", "V1"), "id 'V1' is used twice"),
    ("speaker not an entity", _set("quotes/0/speaker", "E404"), "speaker 'E404' is not an id"),
    ("quote in unknown document", _set("quotes/0/doc", "nowhere"), "document 'nowhere' is not"),
    ("mention in unknown document", _set("entities/0/mentions/0/doc", "nowhere"),
     "entities/0 (E1)/mentions/0: document 'nowhere'"),
    ("event document unknown", _set("events/0/documents/0", "nowhere"),
     "events/0 (V1): document 'nowhere' is not an id in documents"),
    ("event story unknown", _set("events/0/story", "S9"), "story 'S9' is not an id in stories"),
    ("story event unknown", _set("stories/0/events/1", "V9"), "event 'V9' is not an id in events"),
    ("story does not list its event", _set("stories/0/events", ["V1"]),
     "events/1 (V2): names story 'S1', which does not list it"),
    ("summary event unknown", _set("summaries/0/event", "V9"), "event 'V9' is not an id in events"),
    ("second summary of an event", _set("summaries/1/event", "V1"), "a second summary for event"),
    ("citation document unknown", _set("summaries/0/sentences/0/citations/0/doc", "nowhere"),
     "summaries/0/sentences/0/citations/0: document 'nowhere'"),
    ("citation past the text", _set("summaries/0/sentences/0/citations/0/end", 10_000),
     "summaries/0/sentences/0/citations/0: offsets"),
    ("duplicate_of unknown", _set("documents/2/duplicate_of", "nowhere"),
     "duplicate_of 'nowhere' is not an id in documents"),
    ("duplicate of itself", _set("documents/0/duplicate_of", "a1_batra"), "duplicate of itself"),
    ("entity type outside the enum", _set("entities/0/type", "PERSON"), "'PERSON' is not one of"),
    ("quote kind outside the enum", _set("quotes/0/kind", "paraphrase"), "'paraphrase' is not one of"),
    ("required field missing", _set("documents/0/text", _DELETE), "'text' is a required property"),
    ("nullable field of the wrong type", _set("events/0/date", 2024), "events/0/date: 2024"),
    ("wrong schema id", _set("schema", "marsad.analysis/0"), "'marsad.analysis/1' was expected"),
    ("offset not an integer", _set("quotes/0/start", "12"), "quotes/0/start: '12'"),
    ("list where a list must be", _set("events/0/documents", 5), "events/0/documents: 5"),
]


@pytest.mark.parametrize("corrupt, expected", [(c, x) for _, c, x in CORRUPTIONS],
                         ids=[name for name, _, _ in CORRUPTIONS])
def test_validate_reports_each_corruption(data: dict[str, Any], schema_checker: str,
                                          corrupt: Callable[[dict[str, Any]], None],
                                          expected: str) -> None:
    broken = copy.deepcopy(data)
    corrupt(broken)
    problems = validate(broken)
    assert any(expected in problem for problem in problems), problems


def test_validate_survives_garbage(schema_checker: str) -> None:
    assert validate({"schema": SCHEMA_ID}) != []
    assert validate([]) != []  # type: ignore[arg-type]
    mangled = {"schema": SCHEMA_ID, "documents": [1, {"id": []}], "entities": "x", "quotes": [{}],
               "quantities": [None], "events": [{"documents": 3, "story": []}],
               "stories": [{"events": None}], "summaries": [{"sentences": [None, {"citations": 1}]}]}
    assert len(validate(mangled)) > 5


def test_speaker_span_may_be_absent_in_older_files(data: dict[str, Any]) -> None:
    for quote in data["quotes"]:
        del quote["speaker_start"], quote["speaker_end"]
    assert validate(data) == []
    assert all(quote.speaker_mention is None for quote in analysis_from_dict(data).quotes)


def test_the_sample_builder_makes_consistent_records() -> None:
    analysis = sample_analysis()
    copy_doc = next(doc for doc in analysis.documents if doc.duplicate_of)
    event = analysis.events[0]
    assert copy_doc.id in event.documents and copy_doc.source not in event.sources
    assert all(event.story == "S1" for event in analysis.events)
    other = analysis.documents[1]
    last = other.sentences[-1]
    assert len(other.sentences) == 2  # "12.5" does not end a sentence
    assert other.text[last.start:last.end] == "وأكد الوزير سليم العمرى أن الكلفة بلغت 12.5 مليون دينار."


# ---- issue 5: story summaries, repaired sentences, comparisons ------------------------------

def _with_issue5_sections() -> dict[str, Any]:
    from test_compare import storm_comparison

    from marsad.types import Citation, Story, Summary, SummarySentence
    analysis, _ = storm_comparison()
    wire = analysis.documents[0]
    span = wire.sentences[1]
    story = Story(id="S1", title="العاصفة", events=("V1",))
    events = (replace(analysis.events[0], story="S1"),)
    summaries = (
        Summary(event="V1", sentences=(SummarySentence(
            text="قال المحافظ طارق المنياوي إن فرق الإنقاذ عملت طوال الليل.", repaired=True,
            citations=(Citation(wire.id, span.start, span.end),)),)),
        Summary(event=None, story="S1", sentences=(SummarySentence(
            text=wire.text[wire.sentences[0].start:wire.sentences[0].end],
            citations=(Citation(wire.id, wire.sentences[0].start, wire.sentences[0].end),)),)),
    )
    return analysis_to_dict(replace(analysis, events=events, stories=(story,),
                                    summaries=summaries))


def test_comparisons_story_summaries_and_repaired_flag_are_written_and_valid(
        schema_checker: str) -> None:
    data = _with_issue5_sections()
    assert validate(data) == []
    assert data["summaries"][0]["sentences"][0]["repaired"] is True
    assert data["summaries"][1] == {"story": "S1", "sentences": data["summaries"][1]["sentences"]}
    assert "repaired" not in data["summaries"][1]["sentences"][0]
    (comparison,) = data["comparisons"]
    assert comparison["event"] == "V1" and "story" not in comparison
    assert [o["source"] for o in comparison["outlets"]] == ["أ ش أ", "الأهرام", "سبوتنيك"]
    numbers = [f for f in comparison["disagreements"] if f["kind"] == "quantity"]
    assert {e["value"] for e in numbers[0]["evidence"]} == {12, 14}


def test_comparisons_round_trip() -> None:
    data = _with_issue5_sections()
    assert analysis_to_dict(analysis_from_dict(data)) == data


def test_validate_checks_comparison_and_story_summary_references(schema_checker: str) -> None:
    data = _with_issue5_sections()
    broken = copy.deepcopy(data)
    broken["comparisons"][0]["outlets"][0]["quotes"].append("Q99")
    broken["comparisons"][0]["agreements"][0]["evidence"][0]["text"] = "نص آخر"
    broken["summaries"][1]["story"] = "S9"
    both = copy.deepcopy(data)
    both["summaries"][1]["event"] = "V1"
    problems = validate(broken)
    assert any("'Q99' is not an id in quotes" in p for p in problems)
    assert any("differs from the document's text" in p for p in problems)
    assert any("story 'S9' is not an id in stories" in p for p in problems)
    assert any("exactly one of 'event' and 'story'" in p for p in validate(both))


# ---- issue 4 item 5: timeline ------------------------------------------------------------------

def _with_timeline() -> dict[str, Any]:
    from marsad.types import TimelineEntry
    analysis = replace(sample_analysis(), timeline=(
        TimelineEntry("S1", "V1", "2024-03-10", "published"),
        TimelineEntry("S1", "V2", "2024-03-12", "text")))
    return analysis_to_dict(analysis)


def test_timeline_section_is_written_validated_and_read_back(schema_checker: str) -> None:
    data = _with_timeline()
    assert data["timeline"] == [{"story": "S1", "events": [
        {"event": "V1", "date": "2024-03-10", "basis": "published"},
        {"event": "V2", "date": "2024-03-12", "basis": "text"}]}]
    assert validate(data) == []
    assert analysis_to_dict(analysis_from_dict(data)) == data
    assert analysis_to_dict(sample_analysis())["timeline"] == []
    older = analysis_to_dict(sample_analysis())
    del older["timeline"]                         # files written before the section existed
    assert validate(older) == [] and analysis_from_dict(older).timeline == ()


@pytest.mark.parametrize("corrupt, expected", [
    (_set("timeline/0/story", "S9"), "story 'S9' is not an id in stories"),
    (_set("timeline/0/events/0/event", "V9"), "event 'V9' is not an id in events"),
    (_set("timeline/0/events/1/basis", "guess"), "'guess' is not one of"),
    (_set("timeline/0/events/1/date", None), "'date' and 'basis' must both be set or both be null"),
    (lambda d: d["timeline"].append(copy.deepcopy(d["timeline"][0])),
     "a second timeline for story"),
    (_set("timeline/0/events/0/basis", _DELETE), "'basis' is a required property"),
], ids=["story", "event", "basis", "date-basis", "twice", "missing"])
def test_validate_checks_the_timeline(schema_checker: str, corrupt: Callable[[dict[str, Any]], None],
                                      expected: str) -> None:
    data = _with_timeline()
    corrupt(data)
    problems = validate(data)
    assert any(expected in problem for problem in problems), problems


def test_validate_reports_a_timeline_event_of_another_story(schema_checker: str) -> None:
    from marsad.types import Event, Story, TimelineEntry
    analysis = sample_analysis()
    stray = Event("V3", "حدث آخر", ("a4_port",), ("بترا",), "2024-03-12", story="S2")
    analysis = replace(analysis, events=analysis.events + (stray,),
                       stories=analysis.stories + (Story("S2", "قصة أخرى", ("V3",)),),
                       timeline=(TimelineEntry("S1", "V3", "2024-03-12", "published"),))
    assert any("event 'V3' is not in story 'S1'" in p for p in validate(analysis_to_dict(analysis)))

"""End-to-end: real articles in, a valid analysis with every contract section filled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.export.json_contract import analysis_to_dict, validate
from marsad.pipeline import analyze_record, run
from marsad.settings import Settings
from marsad.types import RawRecord

# Two outlets reporting one happening, written for these tests.
WIRE = """افتتاح محطة تحلية جديدة في جدة

جدة - واس

افتتح وزير البيئة والمياه اليوم محطة جديدة لتحلية المياه في مدينة جدة بطاقة 400 ألف متر مكعب يوميا.
وقال الوزير في كلمته خلال الافتتاح إن المحطة ستخدم أكثر من مليوني نسمة في المنطقة.
وأضاف أن المشروع كلف ثلاثة مليارات ريال.
"""
PAPER = """وزير البيئة يدشن محطة تحلية بجدة

دشن وزير البيئة والمياه صباح اليوم محطة لتحلية المياه في جدة تبلغ طاقتها 400 ألف متر مكعب يوميا.
وأكد الوزير أن المحطة ستخدم أكثر من مليوني نسمة، مشيرا إلى أن كلفتها بلغت ثلاثة مليارات ريال.
اضف تعليق
"""


@pytest.fixture(scope="module")
def seeds_analysis(seeds_dir: Path):
    return run(sorted(seeds_dir.glob("*.txt")), Settings())


def test_seeds_every_section_is_filled(seeds_analysis) -> None:
    a = seeds_analysis
    assert len(a.documents) == 5
    assert not a.rejected
    for section in ("entities", "quotes", "quantities", "events", "stories", "summaries"):
        assert getattr(a, section), f"{section} is empty on the sample articles"
    assert len([s for s in a.summaries if s.event]) == len(a.events)  # plus story summaries


def test_seeds_analysis_is_a_valid_contract_file(seeds_analysis) -> None:
    data = analysis_to_dict(seeds_analysis)
    assert data["schema"] == "marsad.analysis/1"
    assert validate(data) == []
    json.dumps(data, ensure_ascii=False)  # serialisable


def test_seeds_putin_is_one_entity_and_speaks(seeds_analysis) -> None:
    putin = [e for e in seeds_analysis.entities if e.type == "PER" and "بوتين" in e.name]
    assert len(putin) == 1, [e.name for e in seeds_analysis.entities if "بوتين" in e.name]
    docs = {m.doc for m in putin[0].mentions}
    assert len(docs) >= 4  # every article about him links to the same entity
    spoken = [q for q in seeds_analysis.quotes if q.speaker == putin[0].id]
    assert len(spoken) >= 5


def test_seeds_quantities_and_datelines(seeds_analysis) -> None:
    values = {(q.value, q.unit) for q in seeds_analysis.quantities}
    assert any(v == 4000 for v, _ in values), values
    by_id = {d.id: d for d in seeds_analysis.documents}
    assert by_id["001_eafc6a0e98354146"].dateline == "موسكو"
    assert by_id["001_eafc6a0e98354146"].source == "سانا"
    assert by_id["004_d6034d480de40b1e"].dateline == "سوتشي"


def test_seeds_offsets_point_at_what_a_reader_sees(seeds_analysis) -> None:
    texts = {d.id: d.text for d in seeds_analysis.documents}
    for entity in seeds_analysis.entities:
        for m in entity.mentions:
            assert texts[m.doc][m.start:m.end] == m.text
    for q in seeds_analysis.quotes:
        assert texts[q.doc][q.start:q.end] == q.text
    for summary in seeds_analysis.summaries:
        for sentence in summary.sentences:
            assert sentence.citations
            first = sentence.citations[0]
            assert " ".join(texts[first.doc][first.start:first.end].split()) == \
                " ".join(sentence.text.split())


def test_two_outlets_same_happening_make_one_event(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "paper.txt").write_text(PAPER, encoding="utf-8")
    analysis = run([tmp_path], Settings())
    assert len(analysis.documents) == 2
    assert len(analysis.events) == 1
    assert set(analysis.events[0].documents) == {"wire", "paper"}
    wire = next(d for d in analysis.documents if d.id == "wire")
    assert wire.title == "افتتاح محطة تحلية جديدة في جدة"
    assert wire.dateline == "جدة" and wire.source == "واس"
    paper = next(d for d in analysis.documents if d.id == "paper")
    assert "اضف تعليق" not in paper.text and "اضف تعليق" in paper.removed


def test_bad_inputs_are_reported_and_the_rest_is_processed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "r1", "title": "خبر", "text": PAPER}, ensure_ascii=False)
        + "\n{not json\n", encoding="utf-8")
    analysis = run([tmp_path, tmp_path / "missing.txt"], Settings())
    assert {d.id for d in analysis.documents} == {"good", "r1"}
    reasons = {Path(r.input.split(":")[0]).name: r.code for r in analysis.rejected}
    assert reasons["empty.txt"] == "E_EMPTY"
    assert reasons["image.png"] in {"E_BINARY", "E_UNSUPPORTED"}
    assert reasons["missing.txt"] == "E_NOT_FOUND"
    assert any(r.code == "E_JSON" and r.input.endswith(":2") for r in analysis.rejected)


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path: Path) -> None:
    for folder, text in (("a", WIRE), ("b", PAPER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(text, encoding="utf-8")
    analysis = run([tmp_path], Settings())
    assert sorted(d.id for d in analysis.documents) == ["story", "story-2"]
    assert validate(analysis_to_dict(analysis)) == []


def test_repeated_record_is_read_once_and_clashing_id_is_rejected(tmp_path: Path) -> None:
    rec = {"id": "x1", "title": "عنوان", "text": WIRE}
    other = {"id": "x1", "title": "عنوان آخر", "text": PAPER}
    lines = [json.dumps(r, ensure_ascii=False) for r in (rec, rec, other)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    analysis = run([tmp_path], Settings())
    assert [d.id for d in analysis.documents] == ["x1"]
    assert [r.code for r in analysis.rejected] == ["E_DUPLICATE_ID"]


def test_a_stage_bug_rejects_one_article_not_the_run(tmp_path: Path, monkeypatch) -> None:
    import marsad.pipeline as pipeline

    def broken(document, mentions):
        if "محطة" in document.text:
            raise RuntimeError("boom")
        return ()
    monkeypatch.setattr(pipeline, "find_quotes", broken)
    (tmp_path / "a.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("خبر آخر\n\n" + "تقرير عن الطقس في الرياض اليوم. " * 5,
                                    encoding="utf-8")
    analysis = run([tmp_path], Settings())
    assert [d.id for d in analysis.documents] == ["b"]
    assert analysis.rejected[0].code == "E_STAGE" and "quotes" in analysis.rejected[0].reason


def test_document_stage_is_a_pure_function_of_one_record() -> None:
    record = RawRecord(path=None, text=WIRE, id="w")
    first = analyze_record(record, Settings())
    second = analyze_record(record, Settings())
    assert first == second
    assert first.document.sentences and first.mentions


def test_a_missing_model_stops_the_run_with_its_fix(tmp_path: Path, monkeypatch) -> None:
    import marsad.pipeline as pipeline
    from marsad.errors import ModelError

    def no_model(document):
        raise ModelError("marsad/models/ner_model.npz is missing", "reinstall marsad")
    monkeypatch.setattr(pipeline, "find_mentions", no_model)
    monkeypatch.setattr(pipeline, "find_mentions_in", no_model)
    (tmp_path / "a.txt").write_text(WIRE, encoding="utf-8")
    with pytest.raises(ModelError):
        run([tmp_path], Settings())


def test_two_processes_give_the_same_analysis_as_one(tmp_path) -> None:
    from pathlib import Path

    from marsad.api import analyze
    demo = Path(__file__).resolve().parents[1] / "examples" / "demo"
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    inputs = [demo, bad]
    assert analyze(inputs, jobs=2) == analyze(inputs, jobs=1)

"""The embedded store (incremental, never loses what it has) and the `marsad` command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from marsad.cli import main
from marsad.errors import StoreError
from marsad.pipeline import analyze_store, ingest
from marsad.settings import Settings
from marsad.store import Store

STORM = """عاصفة مطرية تضرب مدينة أبها

أبها - واس

شهدت مدينة أبها اليوم أمطارا غزيرة أدت إلى جريان السيول في عدد من الأحياء.
وقال مدير الدفاع المدني في المنطقة إن الفرق أنقذت 35 شخصا حاصرتهم المياه.
"""
STORM_2 = """سيول أبها: إنقاذ العشرات

أعلن الدفاع المدني في منطقة عسير اليوم إنقاذ 35 شخصا حاصرتهم السيول في أحياء مدينة أبها بعد أمطار غزيرة.
وأكد مدير الدفاع المدني أن الفرق ما زالت تعمل في الأحياء المتضررة.
"""
MATCH = """الهلال يفوز على النصر

فاز فريق الهلال على ضيفه النصر بهدفين مقابل هدف في المباراة التي جمعتهما مساء أمس على ملعب الملك فهد الدولي بالرياض.
وقال مدرب الهلال بعد المباراة إن فريقه قدم أداء كبيرا.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_is_idempotent_and_incremental(tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite"
    first = _write(tmp_path / "day1", "storm.txt", STORM)
    with Store(db) as store:
        r1 = ingest([first], store, Settings())
        r2 = ingest([first], store, Settings())
        assert (r1.added, r1.unchanged) == (1, 0)
        assert (r2.added, r2.unchanged, r2.total) == (0, 1, 1)
        before = analyze_store(store, Settings())
        _write(tmp_path / "day2", "storm2.txt", STORM_2)
        _write(tmp_path / "day2", "match.txt", MATCH)
        r3 = ingest([tmp_path / "day2"], store, Settings())
        assert r3.added == 2 and r3.total == 3
        after = analyze_store(store, Settings())
    assert len(before.events) == 1
    storm_event = next(e for e in after.events if "storm" in e.documents)
    assert set(storm_event.documents) == {"storm", "storm2"}  # the new article joined
    assert any(e.documents == ("match",) for e in after.events)


def test_failed_ingest_keeps_what_was_stored(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "m.sqlite"
    with Store(db) as store:
        ingest([_write(tmp_path / "a", "storm.txt", STORM)], store, Settings())
    import marsad.pipeline as pipeline

    def crash(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline, "analyze_batch", crash)
    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        ingest([_write(tmp_path / "b", "match.txt", MATCH)], store, Settings())
    with Store(db) as store:
        assert store.count() == 1
        assert [a.document.id for a in store.analyses()] == ["storm"]


def test_a_file_that_is_not_a_store_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"this is not a database, just some bytes " * 20)
    content = bogus.read_bytes()
    with pytest.raises(StoreError):
        Store(bogus)
    assert bogus.read_bytes() == content


def test_cli_analyze_writes_json_and_html(tmp_path: Path, capsys) -> None:
    _write(tmp_path / "in", "storm.txt", STORM)
    _write(tmp_path / "in", "storm2.txt", STORM_2)
    _write(tmp_path / "in", "empty.txt", "")
    out = tmp_path / "out"
    code = main(["analyze", str(tmp_path / "in"), "--json", str(out / "a.json"),
                 "--html", str(out / "report"), "--quiet"])
    assert code == 0
    data = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert {d["id"] for d in data["documents"]} == {"storm", "storm2"}
    assert data["rejected"][0]["code"] == "E_EMPTY"
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and "أبها" in html
    err = capsys.readouterr().err
    assert "empty.txt" in err and "E_EMPTY" in err  # rejections printed even with --quiet


def test_cli_exit_codes(tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.txt", "")
    assert main(["analyze", str(empty), "--json", str(tmp_path / "x.json"), "-q"]) == 1
    # Issue 11: the file is written anyway, so a script can read why nothing was accepted.
    written = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert written["documents"] == [] and written["rejected"][0]["code"] == "E_EMPTY"
    assert main(["analyze", str(empty), "-q"]) == 2                      # nothing to write
    assert main(["report", "--db", str(tmp_path / "none.sqlite"), "--json", "x"]) == 2
    assert main(["analyze", "--json", str(tmp_path / "y.json")]) == 2   # no input (nor --feeds)
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "--jobs", "0"])                                  # argparse: bad value
    assert exc.value.code == 2


def test_cli_ingest_then_report(tmp_path: Path) -> None:
    db = str(tmp_path / "m.sqlite")
    src = _write(tmp_path / "in", "storm.txt", STORM)
    assert main(["ingest", str(src), "--db", db, "-q"]) == 0
    assert main(["ingest", str(src), "--db", db, "-q"]) == 0
    assert sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0] == 1
    assert main(["report", "--db", db, "--json", str(tmp_path / "r.json"), "-q"]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in data["documents"]] == ["storm"]


def test_cli_summarize_prints_sentences_in_reading_order(tmp_path: Path, capsys) -> None:
    src = _write(tmp_path, "storm2.txt", STORM_2)
    assert main(["summarize", str(src), "--sentences", "1", "-q"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "أبها" in lines[0]


def test_cli_jobs(tmp_path: Path) -> None:
    _write(tmp_path / "in", "storm.txt", STORM)
    _write(tmp_path / "in", "match.txt", MATCH)
    assert main(["analyze", str(tmp_path / "in"), "--json", str(tmp_path / "a.json"),
                 "-j", "2", "-q"]) == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {d["id"] for d in data["documents"]} == {"storm", "match"}
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "m.sqlite"),
                 "--jobs", "2", "-q"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(tmp_path / "in"), "--json", "x.json", "--jobs", "0"])
    assert exc.value.code == 2

"""Issue 11, item 2: the run always reports — an analysis file even when nothing was accepted,
one bad event losing only its own summary/comparison, and no traceback ever reaching the user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import marsad.pipeline as pipeline
from marsad.cli import main
from marsad.explain.guard import per_item, whole_or_each
from marsad.export.json_contract import validate
from marsad.settings import Settings
from marsad.types import Rejection

PROJECT = Path(__file__).resolve().parents[1]
ARTICLE = ("وصل وزير الخارجية إلى العاصمة صباح اليوم في زيارة رسمية تستغرق يومين يبحث خلالها "
           "تطورات الأزمة في المنطقة وسبل تعزيز التعاون بين البلدين.")


def test_all_inputs_rejected_still_writes_a_valid_analysis_file(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture
                                                                ) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    out = tmp_path / "out" / "analysis.json"
    code = main(["analyze", str(tmp_path / "empty.txt"), str(tmp_path / "image.txt"),
                 str(tmp_path / "absent.json"), "--json", str(out), "--html",
                 str(tmp_path / "report"), "-q"])
    assert code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert validate(data) == []
    assert data["documents"] == []
    assert [r["code"] for r in data["rejected"]] == ["E_EMPTY", "E_BINARY", "E_NOT_FOUND"]
    assert (tmp_path / "report" / "index.html").exists()
    assert "no article could be processed" in capsys.readouterr().err


def test_a_failing_summary_or_comparison_loses_only_that_event(monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    examples = PROJECT / "examples" / "demo"
    settings = Settings.from_overrides(background_idf=False)
    whole = pipeline.run([examples], settings)
    assert len(whole.events) >= 2
    victim = whole.events[0].id
    from marsad.refresh import explain as refresh   # the store's incremental explanations
    real_summary, real_compare = refresh.summarize_event, refresh.compare_event

    def broken_summary(event, *args, **kwargs):  # type: ignore[no-untyped-def]
        if event.id == victim:
            raise ZeroDivisionError("boom")
        return real_summary(event, *args, **kwargs)

    def broken_compare(event, *args, **kwargs):  # type: ignore[no-untyped-def]
        if event.id == victim:
            raise KeyError("missing")
        return real_compare(event, *args, **kwargs)

    def broken_all(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the whole stage broke")

    monkeypatch.setattr(refresh, "summarize_event", broken_summary)
    monkeypatch.setattr(refresh, "compare_event", broken_compare)
    monkeypatch.setattr(refresh, "compare_events", broken_all)
    analysis = pipeline.run([examples], settings)
    assert len(analysis.documents) == len(whole.documents)
    failed = [r for r in analysis.rejected if r.code == "E_STAGE"]
    # the victim event, and the story comparisons (compare_events, broken whole here)
    assert {r.input for r in failed if r.input.startswith("event")} == {f"event {victim}"}
    assert all(r.input.startswith(("event", "story")) for r in failed)
    assert any("summaries" in r.reason and "ZeroDivisionError" in r.reason for r in failed)
    assert any("comparisons" in r.reason for r in failed)
    event_summaries = [s for s in analysis.summaries if getattr(s, "event", None)]
    assert victim not in {s.event for s in event_summaries}
    assert len(event_summaries) == len([s for s in whole.summaries
                                        if getattr(s, "event", None)]) - 1


def test_guard_helpers() -> None:
    failed: list[Rejection] = []
    results = list(per_item(lambda n: 10 // n, [1, 0, 5], "division", lambda n: f"item {n}",
                            failed))
    assert results == [10, 2] and [r.input for r in failed] == ["item 0"]
    failed.clear()
    assert whole_or_each(lambda: (1, 2), lambda n: n, [], "x", str, failed) == (1, 2)

    def broken() -> tuple[int, ...]:
        raise ValueError("no")

    assert whole_or_each(broken, lambda n: 10 // n, [1, 0], "x", str, failed) == (10,)
    assert [r.input for r in failed] == ["0"]


def test_an_unexpected_error_is_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture,
                                                           tmp_path: Path) -> None:
    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(pipeline, "run_to_store", crash)
    monkeypatch.delenv("MARSAD_DEBUG", raising=False)
    assert main(["analyze", "some-input", "--json", str(tmp_path / "x.json"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("marsad: internal error while running analyze on some-input: "
                          "RuntimeError: something broke")
    assert "report" in err
    monkeypatch.setenv("MARSAD_DEBUG", "1")
    assert main(["analyze", "some-input", "--json", str(tmp_path / "x.json"), "-q"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                             tmp_path: Path) -> None:
    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run_to_store", interrupted)
    assert main(["analyze", "x", "--json", str(tmp_path / "x.json"), "-q"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_undecodable_names_print_under_a_c_locale_pipe(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/bad\xff\xfename.txt", "wb") as handle:
        handle.write(b"")
    with open(folder + b"/\xd8\xae\xd8\xa8\xd8\xb1.txt", "wb") as handle:   # Arabic name, empty
        handle.write(b"")
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii")
    result = subprocess.run([sys.executable, "-m", "marsad.cli", "analyze", str(tmp_path),
                             "--json", str(tmp_path / "out.json"), "-q"],
                            capture_output=True, env=env, timeout=120, cwd=PROJECT)
    err = result.stderr.decode("ascii")
    assert result.returncode == 1, err
    assert "bad\\xff\\xfename.txt" in err and "Traceback" not in err
    assert "[E_EMPTY]" in err
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(data["rejected"]) == 2


def test_ids_and_urls_that_look_like_paths_or_markup_stay_data(tmp_path: Path) -> None:
    evil = {"id": "../../../../tmp/evil", "url": "javascript:alert(1)//<script>x</script>",
            "title": "<img src=x onerror=alert(1)>", "source": "</script><script>alert(2)",
            "text": ARTICLE + "\n\n" + ARTICLE.replace("اليوم", "أمس")}
    (tmp_path / "in.jsonl").write_text(json.dumps(evil) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(tmp_path / "in.jsonl"), "--json", str(out / "a.json"),
                 "--html", str(out / "report"), "-q"]) == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "in.jsonl", "out", "out/a.json", "out/report", "out/report/index.html"]
    html = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "</script><script>alert" not in html

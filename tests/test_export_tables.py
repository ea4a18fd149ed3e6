"""Table exports (`marsad export`): each table in each format read back by pandas' default
readers gives the same rows with every Arabic character; the foreign keys join; the CLI and its
coded errors. The store is the demo articles through the real ingest."""

from __future__ import annotations

import io
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from marsad.cli import main
from marsad.export.store_json import store_dict
from marsad.export.tables import FORMATS, TABLES, ExportError, export_table, iter_table
from marsad.pipeline import ingest
from marsad.settings import Settings
from marsad.store import Store

PROJECT = Path(__file__).resolve().parents[1]
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "demo.sqlite"
    with Store(db) as store:
        result = ingest([PROJECT / "examples" / "demo"], store, Settings())
    assert result.added >= 15
    return db


@pytest.fixture(scope="module")
def rows(demo_db: Path) -> dict[str, list[dict[str, Any]]]:
    with Store(demo_db, readonly=True) as store:
        return {table: list(iter_table(store, table)) for table in TABLES}


def _read(path: Path, fmt: str) -> pd.DataFrame:
    # pandas' default readers, as a user would call them
    if fmt == "csv":
        return pd.read_csv(path)
    if fmt == "jsonl":
        return pd.read_json(path, lines=True)
    return pd.read_parquet(path)


def _missing(cell: Any) -> bool:
    if cell is None:
        return True
    try:
        return bool(pd.isna(cell))
    except (TypeError, ValueError):       # a list or array cell
        return False


def _back(cell: Any, kind: str, fmt: str) -> Any:
    """A pandas cell as the Python value `iter_table` gives (CSV cannot tell '' from empty)."""
    if _missing(cell):
        return [] if kind == "list" and fmt == "csv" else None
    if kind == "list":
        return json.loads(cell) if fmt == "csv" else [str(v) for v in cell]
    if kind == "int":
        return int(cell)
    if kind == "float":
        return float(cell)
    if kind == "bool":
        return bool(cell)
    if kind == "date":
        return pd.Timestamp(cell).date()
    if kind == "timestamp":
        return pd.Timestamp(cell).to_pydatetime()
    return str(cell)


def _expected(value: Any, kind: str, fmt: str) -> Any:
    if fmt == "csv" and value == "":
        return None
    return value


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", list(TABLES))
def test_each_table_round_trips_through_pandas(demo_db: Path, rows, tmp_path: Path,
                                               table: str, fmt: str) -> None:
    out = tmp_path / f"{table}.{fmt}"
    with Store(demo_db, readonly=True) as store:
        written = export_table(store, table, fmt, out)
    expected = rows[table]
    assert written == len(expected) > 0
    frame = _read(out, fmt)
    columns = TABLES[table].columns
    assert list(frame.columns) == [c.name for c in columns]
    assert len(frame) == len(expected)
    for want, (_, got) in zip(expected, frame.iterrows()):
        for column in columns:
            back = _back(got[column.name], column.kind, fmt)
            wanted = _expected(want[column.name], column.kind, fmt)
            if column.kind == "float" and wanted is not None:
                assert math.isclose(back, wanted), (table, column.name)
            else:
                assert back == wanted, (table, fmt, column.name, want.get("id"))


def test_exports_carry_arabic_whole(demo_db: Path, rows, tmp_path: Path) -> None:
    texts = [r["text"] for r in rows["documents"]]
    assert all(ARABIC.search(t) for t in texts)
    with Store(demo_db, readonly=True) as store:
        for fmt in FORMATS:
            export_table(store, "documents", fmt, tmp_path / f"d.{fmt}")
    for fmt in FORMATS:
        frame = _read(tmp_path / f"d.{fmt}", fmt)
        assert frame["text"].tolist() == texts, fmt
        # Arabic-Indic digits, the Arabic decimal separator and per-mille sign survive
        assert any("١٫٥٪" in str(t) for t in frame["title"]), fmt
    head = (tmp_path / "d.csv").read_bytes()[:3]
    assert head == b"\xef\xbb\xbf"          # the BOM that makes Excel read UTF-8


def test_foreign_keys_join(demo_db: Path, rows) -> None:
    frames = {t: pd.DataFrame(r) for t, r in rows.items()}
    docs, ents = frames["documents"], frames["entities"]
    events, stories = frames["events"], frames["stories"]
    for table in ("documents", "entities", "quotes", "events", "stories"):
        assert frames[table]["id"].is_unique, table
    doc_ids, ent_ids = set(docs["id"]), set(ents["id"])

    def within(series: pd.Series, ids: set[str]) -> None:
        present = series.dropna()
        assert len(present) > 0 and set(present) <= ids, series.name

    within(frames["mentions"]["document"], doc_ids)
    within(frames["mentions"]["entity"], ent_ids)
    within(frames["quotes"]["document"], doc_ids)
    within(frames["quotes"]["speaker"], ent_ids)
    within(frames["quantities"]["document"], doc_ids)
    within(docs["copy_of"], doc_ids)
    within(docs["event"], set(events["id"]))
    within(docs["story"], set(stories["id"]))
    within(events["story"], set(stories["id"]))
    within(ents["first_document"], doc_ids)
    # a document's story is its event's story
    joined = docs.merge(events[["id", "story"]], left_on="event", right_on="id",
                        suffixes=("", "_of_event"))
    assert (joined["story"] == joined["story_of_event"]).all()
    # offsets point into the exported text
    text_of = dict(zip(docs["id"], docs["text"]))
    for table in ("mentions", "quantities", "quotes"):
        for r in rows[table]:
            assert text_of[r["document"]][r["start"]:r["end"]] == r["text"], table
    # each entity's first document mentions it
    mentioned = {(m["entity"], m["document"]) for m in rows["mentions"]}
    assert all((e["id"], e["first_document"]) in mentioned for e in rows["entities"])


def test_ids_are_those_of_the_analysis_file(demo_db: Path, rows) -> None:
    with Store(demo_db, readonly=True) as store:
        analysis = store_dict(store)
    assert [r["id"] for r in rows["quotes"]] == [q["id"] for q in analysis["quotes"]]
    assert {r["id"] for r in rows["events"]} == {e["id"] for e in analysis["events"]}
    assert {r["id"] for r in rows["stories"]} == {s["id"] for s in analysis["stories"]}
    assert {r["id"] for r in rows["entities"]} == {e["id"] for e in analysis["entities"]}
    speakers = {q["id"]: q["speaker"] for q in analysis["quotes"]}
    assert all(speakers[r["id"]] == r["speaker"] for r in rows["quotes"])


def test_period_filter(demo_db: Path, rows) -> None:
    with Store(demo_db, readonly=True) as store:
        docs = list(iter_table(store, "documents", since="2025-10-15", until="2025-10-15"))
        events = list(iter_table(store, "events", since="2025-10-15"))
        quotes = list(iter_table(store, "quotes", until="2025-10-14"))
        stories = list(iter_table(store, "stories", since="2025-10-15"))
        entities = list(iter_table(store, "entities", since="2025-10-16"))
        with pytest.raises(ExportError) as caught:
            list(iter_table(store, "documents", since="15/10/2025"))
    assert caught.value.code == "E_EXPORT_DATE"
    assert 0 < len(docs) < len(rows["documents"])
    assert {str(d["day"]) for d in docs} == {"2025-10-15"}
    assert events and all(str(e["date"]) >= "2025-10-15" for e in events)
    day_of = {d["id"]: d["day"] for d in rows["documents"]}
    assert quotes and all(day_of[q["document"]] and str(day_of[q["document"]]) <= "2025-10-14"
                          for q in quotes)
    assert stories and all(str(s["last_date"]) >= "2025-10-15" for s in stories)
    late_docs = {d["id"] for d in rows["documents"] if d["day"] and str(d["day"]) >= "2025-10-16"}
    named = {m["entity"] for m in rows["mentions"] if m["document"] in late_docs and m["entity"]}
    assert entities and {e["id"] for e in entities} == named


def test_cli_streams_csv_and_jsonl_to_stdout(demo_db: Path, rows, capsysbinary) -> None:
    assert main(["export", "--db", str(demo_db), "--table", "quotes", "--format", "csv"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"\xef\xbb\xbfid,document,")
    frame = pd.read_csv(io.BytesIO(out))
    assert frame["text"].tolist() == [r["text"] for r in rows["quotes"]]
    assert main(["export", "--db", str(demo_db), "--table", "entities", "--format", "jsonl",
                 "--quiet"]) == 0
    captured = capsysbinary.readouterr()
    lines = [json.loads(line) for line in captured.out.decode("utf-8").splitlines()]
    assert [e["name"] for e in lines] == [r["name"] for r in rows["entities"]]
    assert captured.err == b""


def test_cli_writes_parquet_to_a_file(demo_db: Path, rows, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sub" / "mentions.parquet"
    assert main(["export", "--db", str(demo_db), "--table", "mentions", "--format", "parquet",
                 "--out", str(out), "--since", "2025-10-14"]) == 0
    assert "rows written to" in capsys.readouterr().err
    frame = pd.read_parquet(out)
    day_of = {d["id"]: d["day"] for d in rows["documents"]}
    assert len(frame) == sum(1 for m in rows["mentions"] if day_of[m["document"]])
    assert not list(out.parent.glob(".*.tmp"))


@pytest.mark.parametrize("argv, code", [
    (["--table", "articles", "--format", "csv"], "E_EXPORT_TABLE"),
    (["--table", "quotes", "--format", "xlsx"], "E_EXPORT_FORMAT"),
    (["--table", "quotes", "--format", "parquet"], "E_EXPORT_OUT"),
])
def test_cli_coded_errors(demo_db: Path, capsys, argv: list[str], code: str) -> None:
    assert main(["export", "--db", str(demo_db), *argv]) == 2
    err = capsys.readouterr().err
    assert f"[{code}]" in err and err.count("\n") == 1


def test_cli_missing_store_is_a_coded_error_and_creates_nothing(tmp_path: Path, capsys) -> None:
    db = tmp_path / "none.sqlite"
    assert main(["export", "--db", str(db), "--table", "quotes", "--format", "jsonl"]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "[E_STORE]" in err
    assert not db.exists()


def test_parquet_without_pyarrow_says_how_to_install(demo_db: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)       # import pyarrow now fails
    out = tmp_path / "q.parquet"
    with Store(demo_db, readonly=True) as store, pytest.raises(ExportError) as caught:
        export_table(store, "quotes", "parquet", out)
    assert caught.value.code == "E_EXPORT_DEPENDENCY"
    assert "marsad[parquet]" in str(caught.value)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_a_failed_export_leaves_the_previous_file(demo_db: Path, tmp_path: Path,
                                                  monkeypatch) -> None:
    import marsad.export.tables as tables
    out = tmp_path / "docs.jsonl"
    out.write_text("previous\n", encoding="utf-8")

    def broken(*_a: Any, **_k: Any):
        yield {"id": "x"}
        raise OSError("disk full")

    monkeypatch.setattr(tables, "iter_table", broken)
    with Store(demo_db, readonly=True) as store, pytest.raises(OSError):
        tables.export_table(store, "documents", "jsonl", out)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["docs.jsonl"]


def test_every_column_is_documented() -> None:
    doc = (PROJECT / "docs" / "export.md").read_text(encoding="utf-8")
    for table in TABLES.values():
        section = doc.split(f"### `{table.name}`")[1].split("###")[0]
        for column in table.columns:
            assert f"| `{column.name}` |" in section, (table.name, column.name)

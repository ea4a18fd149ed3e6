"""`marsad spark`: the per-article stages on Spark (local[2]) give the store an embedded ingest
gives, table for table, on the demo and on real news; `marsad import` is incremental."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marsad.export.tables import TABLES, iter_table
from marsad.pipeline import ingest
from marsad.settings import Settings
from marsad.spark import load_analyses, run_spark
from marsad.store import Store

SETTINGS = Settings()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] session for the module (4-12 s to start)."""
    from marsad.spark.session import SparkUnavailable, spark_session
    try:
        session = spark_session("local[2]", partitions=2)
    except SparkUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} -- CI installs PySpark and Java 17 (.ci/run)")
        pytest.skip(str(exc))
    yield session
    session.stop()


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every exported table's rows (times of ingestion left out), in a stable order."""
    found: dict[str, list[tuple]] = {}
    with Store(db, readonly=True) as store:
        for table in TABLES:
            rows = [tuple(sorted((k, json.dumps(v, ensure_ascii=False, default=str))
                                 for k, v in row.items() if not k.endswith("_at")))
                    for row in iter_table(store, table)]
            found[table] = sorted(rows)
    return found


def both(inputs: list[Path], tmp_path: Path, spark: Any) -> tuple[Path, Path]:
    embedded, distributed = tmp_path / "embedded.sqlite", tmp_path / "spark.sqlite"
    with Store(embedded) as store:
        ingest(inputs, store, SETTINGS)
    result = run_spark(inputs, tmp_path / "out", SETTINGS, session=spark, shard_records=7)
    assert result.shards >= 2                  # several Spark tasks, merged back in order
    with Store(distributed) as store:
        load_analyses(tmp_path / "out", store, SETTINGS)
    return embedded, distributed


def test_demo_on_spark_equals_the_embedded_store(tmp_path: Path, spark: Any,
                                                 examples_dir: Path) -> None:
    inputs = [examples_dir / "demo", tmp_path / "empty.txt"]
    inputs[1].write_text("", encoding="utf-8")
    embedded, distributed = both(inputs, tmp_path, spark)
    ours, theirs = tables(embedded), tables(distributed)
    assert len(ours["documents"]) == 17 and len(ours["events"]) > 0
    for table in TABLES:
        assert theirs[table] == ours[table], table
    with Store(distributed, readonly=True) as store:
        assert [r.code for r in store.rejections()] == ["E_EMPTY"]
        # Importing the same output again adds nothing.
    with Store(distributed) as store:
        again = load_analyses(tmp_path / "out", store, SETTINGS)
        assert (again.added, again.unchanged) == (0, 17)


def test_real_news_on_spark_equals_the_embedded_store(tmp_path: Path, spark: Any,
                                                      shared_dir: Path) -> None:
    archive = shared_dir / "data" / "saudinewsnet-more" / "2015-07-25.zip"
    with zipfile.ZipFile(archive) as day:
        members = sorted(n for n in day.namelist() if n.endswith(".json"))
        records = [r for n in members for r in json.loads(day.read(n))][:120]
    source = tmp_path / "day.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    embedded, distributed = both([source], tmp_path, spark)
    ours, theirs = tables(embedded), tables(distributed)
    assert len(ours["documents"]) >= 100 and len(ours["mentions"]) > 1000
    for table in TABLES:
        assert theirs[table] == ours[table], table


def test_folder_stream_takes_new_files_once_and_equals_embedded(tmp_path: Path, spark: Any,
                                                                examples_dir: Path,
                                                                seeds_dir: Path) -> None:
    import shutil
    from marsad.spark.stream import stream_folder
    folder = tmp_path / "in"
    shutil.copytree(examples_dir / "demo", folder)
    out, db, embedded = tmp_path / "out", tmp_path / "stream.sqlite", tmp_path / "e.sqlite"
    batches: list[tuple[int, int, int]] = []

    def take() -> None:
        query = stream_folder(folder, out, db, SETTINGS, session=spark, once=True,
                              on_batch=lambda n, files, r: batches.append((n, files, r.added)))
        query.awaitTermination()
        assert query.exception() is None
        with Store(embedded) as store:
            ingest([folder], store, SETTINGS)
        assert tables(db) == tables(embedded)

    take()
    assert batches == [(0, 14, 17)]
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy(seed, folder / "zz_new.txt")
    (folder / ".partial.txt").write_text("نص لم يكتمل", encoding="utf-8")   # hidden: skipped
    take()                                    # the checkpoint: only the new file is read
    assert batches[1] == (1, 1, 1)
    take()                                    # nothing new: no batch at all
    assert len(batches) == 2

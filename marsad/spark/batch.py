"""The per-article stages on Spark: shards in, one row per input record out, in input order."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from marsad.ingest import read_inputs
from marsad.pipeline import analyze_batch, record_digest
from marsad.settings import Settings
from marsad.store.codec import encode_analysis
from marsad.types import DocumentAnalysis, RawRecord, Rejection

SHARD_RECORDS = 500          # records per shard file: one Spark task each
ROW_SCHEMA = ("seq LONG, digest STRING, id STRING, analysis STRING, input STRING, code STRING, "
              "reason STRING")
_BATCH = 64                  # articles per pass of the entity tagger, as in `ingest`


@dataclass(frozen=True)
class SparkResult:
    """What `run_spark` wrote: `records` rows (`analysed` articles, the rest rejections)."""

    out: Path
    records: int
    analysed: int
    shards: int
    seconds: float


def write_shards(inputs: Sequence[str | Path], folder: Path, settings: Settings,
                 size: int = SHARD_RECORDS) -> tuple[int, int]:
    """Read the inputs (streamed) into JSON Lines shards of `size` records; (records, shards)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = iter(enumerate(read_inputs(inputs, settings)))
    shards = total = 0
    while chunk := list(islice(records, size)):
        path = folder / f"shard-{shards:06d}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for seq, item in chunk:
                out.write(json.dumps(_line(seq, item), ensure_ascii=False) + "\n")
        shards += 1
        total += len(chunk)
    return total, shards


def _line(seq: int, item: RawRecord | Rejection) -> dict[str, Any]:
    if isinstance(item, Rejection):
        return {"seq": seq, "rejection": [item.input, item.code, item.reason]}
    return {"seq": seq, "record": asdict(item)}


def analyze_lines(lines: Iterable[str], settings: Settings) -> Iterator[tuple]:
    """Rows (ROW_SCHEMA) of the shard lines of one partition: the worker's side."""
    def items() -> Iterator[tuple[int, RawRecord | Rejection]]:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                if "rejection" in item:
                    yield item["seq"], Rejection(*item["rejection"])
                else:
                    yield item["seq"], RawRecord(**item["record"])
    yield from analyze_lines_of(items(), settings)


def analyze_lines_of(items: Iterable[tuple[int, RawRecord | Rejection]],
                     settings: Settings) -> Iterator[tuple]:
    """Rows (ROW_SCHEMA) of numbered records, a batch of articles at a time."""
    iterator = iter(items)
    while chunk := list(islice(iterator, _BATCH)):
        records = [item for _, item in chunk if isinstance(item, RawRecord)]
        outcomes = iter(analyze_batch(records, settings)) if records else iter(())
        for seq, item in chunk:
            if isinstance(item, Rejection):
                yield (seq, None, None, None, item.input, item.code, item.reason)
                continue
            outcome, _times = next(outcomes)
            yield _row(seq, record_digest(item), outcome)


def _row(seq: int, digest: str, outcome: DocumentAnalysis | Rejection) -> tuple:
    if isinstance(outcome, Rejection):
        return (seq, digest, None, None, outcome.input, outcome.code, outcome.reason)
    return (seq, digest, outcome.document.id, encode_analysis(outcome), None, None, None)


def run_spark(inputs: Sequence[str | Path], out: str | Path, settings: Settings | None = None,
              *, master: str = "local[2]", session: Any = None,
              shard_records: int = SHARD_RECORDS) -> SparkResult:
    """Analyse every article of `inputs` on Spark into `out/analyses/` (Parquet, by `seq`)."""
    from marsad.spark.session import spark_session

    settings = settings or Settings()
    started = time.perf_counter()
    out = Path(out)
    shards_dir, analyses_dir = out / "shards", out / "analyses"
    for old in (shards_dir, analyses_dir):
        if old.exists():
            shutil.rmtree(old)
    records, shards = write_shards(inputs, shards_dir, settings, shard_records)
    spark = session or spark_session(master)
    if records:
        lines = spark.sparkContext.textFile(str(shards_dir), minPartitions=shards)
        tasks = 2 * spark.sparkContext.defaultParallelism
        if shards < tasks:
            # A small input: spread its lines over every core (each line carries its seq, and
            # the output is sorted by it, so the order of partitions does not matter).
            lines = lines.repartition(min(tasks, records))
        rows = lines.mapPartitions(lambda part: analyze_lines(part, settings))
        frame = spark.createDataFrame(rows, ROW_SCHEMA)
        # Range-partitioned by seq and sorted: the part files hold the input in order.
        frame.orderBy("seq").write.mode("overwrite").parquet(str(analyses_dir))
        analysed = spark.read.parquet(str(analyses_dir)).where("analysis IS NOT NULL").count()
    else:
        analysed = 0
    shutil.rmtree(shards_dir, ignore_errors=True)
    return SparkResult(out, records, analysed, shards, time.perf_counter() - started)

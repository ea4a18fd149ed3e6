"""A folder as a live stream on Spark: Structured Streaming's file source, the same stages.

`stream_folder` watches a folder with Spark's `binaryFile` source (recursive; names starting
with `.` or `_` skipped, as Hadoop does and as `marsad watch` does). Each micro-batch's files
are read and analysed on the workers by `read_file` and `pipeline.analyze_batch` (the workers
open the files by path, so the folder must be one every node sees: local, NFS), the outcomes
are written as Parquet (`DIR/stream/batch-N/`, in path order, then record order), and the
driver keeps them in the store with `pipeline.store_outcomes`. Spark's checkpoint
(`DIR/checkpoint/`) remembers which files were taken; a batch replayed after a crash is kept
again without effect (a record already stored is skipped by its digest), so no article is
stored twice. New files are taken; a file changed in place is not (Spark's file source
contract): use `marsad watch` for folders whose files grow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from marsad.ingest.readers import read_file
from marsad.pipeline import store_outcomes
from marsad.settings import Settings
from marsad.spark.batch import ROW_SCHEMA, analyze_lines_of
from marsad.spark.load import analysis_rows
from marsad.store import Store

_PER_FILE = 10 ** 7          # seq = rank of the file in its batch * _PER_FILE + record index


def local_path(uri: str) -> Path:
    """The file-system path of a `file:` URI Spark gives (percent-escapes decoded)."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path) if parsed.scheme in ("file", "") else uri)


def analyze_files(paths: Iterable[str], ranks: dict[str, int],
                  settings: Settings) -> Iterator[tuple]:
    """ROW_SCHEMA rows of the files (URIs) of one partition (a worker's side)."""
    def items() -> Iterator[tuple[int, Any]]:
        for path in paths:
            base = ranks[path] * _PER_FILE
            for index, item in enumerate(read_file(local_path(path), settings)):
                yield base + index, item
    yield from analyze_lines_of(items(), settings)


def stream_folder(folder: str | Path, out: str | Path, db: str | Path,
                  settings: Settings | None = None, *, session: Any, every: float = 10.0,
                  once: bool = False, on_batch: Any = None) -> Any:
    """Start the stream (or, with `once`, take what is there and stop); returns the query."""
    settings = settings or Settings()
    out = Path(out)
    schema = "path STRING, modificationTime TIMESTAMP, length LONG, content BINARY"
    files = (session.readStream.format("binaryFile").schema(schema)
             .option("recursiveFileLookup", "true")
             .load(str(Path(folder).resolve())).select("path"))

    def handle(frame: Any, batch_id: int) -> None:
        paths = sorted(row.path for row in frame.collect())
        if not paths:
            return
        ranks = {path: rank for rank, path in enumerate(paths)}
        target = out / "stream" / f"batch-{batch_id:09d}"
        # the batch's file names are on the driver already: spread them, not the frame again
        rows = session.sparkContext.parallelize(paths, min(len(paths), 64)).mapPartitions(
            lambda part: analyze_files(part, ranks, settings))
        # overwrite: a batch replayed after a crash rewrites its own output only
        session.createDataFrame(rows, ROW_SCHEMA).orderBy("seq").write.mode(
            "overwrite").parquet(str(target))
        with Store(db) as store:
            result = store_outcomes(analysis_rows(target), store, settings)
        if on_batch is not None:
            on_batch(batch_id, len(paths), result)

    writer = (files.writeStream.foreachBatch(handle)
              .option("checkpointLocation", str(out / "checkpoint")))
    writer = writer.trigger(availableNow=True) if once else writer.trigger(
        processingTime=f"{every:g} seconds")
    return writer.start()

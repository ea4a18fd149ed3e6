"""Articles analysed on Spark into a store: `marsad import DIR --db PATH`.

Reads `DIR/analyses/` (Parquet written by `run_spark`) part file by part file in input order
(pyarrow, no Spark needed; memory is one row group) and keeps them with
`pipeline.store_outcomes`, the loop `marsad ingest` uses: the store is the one an embedded
ingest of the same inputs gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from marsad.errors import E_NOT_FOUND, E_UNAVAILABLE, UsageError
from marsad.pipeline import IngestResult, ProgressFactory, _no_progress, store_outcomes
from marsad.settings import Settings
from marsad.store import Store
from marsad.store.codec import decode_analysis
from marsad.types import DocumentAnalysis, Rejection


def analysis_rows(folder: str | Path) -> Iterator[tuple[str | None, DocumentAnalysis | Rejection]]:
    """(record digest, analysis or rejection) of every row, in input order."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError("reading Spark output needs pyarrow", "pip install 'marsad[spark]'",
                         code=E_UNAVAILABLE) from exc
    folder = Path(folder)
    analyses = folder / "analyses" if (folder / "analyses").is_dir() else folder
    parts = sorted(analyses.glob("*.parquet"))
    if not parts:
        raise UsageError(f"{analyses}: no Parquet files of analysed articles",
                         "give the --out folder of `marsad spark`", code=E_NOT_FOUND)
    files = [pq.ParquetFile(part) for part in parts]
    # Part files of one ordered write hold consecutive ranges: sort them by their first seq.
    firsts = []
    for handle in files:
        head = next(handle.iter_batches(batch_size=1, columns=["seq"]), None)
        firsts.append(head.column(0)[0].as_py() if head is not None and head.num_rows else -1)
    last = -1
    for _, handle in sorted(zip(firsts, range(len(files))), key=lambda pair: pair[0]):
        for batch in files[handle].iter_batches(batch_size=512):
            for row in batch.to_pylist():
                if row["seq"] <= last:
                    raise UsageError(f"{analyses}: rows out of input order (seq {row['seq']})",
                                     "write the analyses with `marsad spark`")
                last = row["seq"]
                if row["analysis"] is not None:
                    yield row["digest"], decode_analysis(row["analysis"])
                else:
                    yield row["digest"], Rejection(row["input"], row["code"], row["reason"])


def load_analyses(folder: str | Path, store: Store, settings: Settings | None = None,
                  progress: ProgressFactory = _no_progress) -> IngestResult:
    """Keep the analysed articles of `folder` in `store` (incremental, as `ingest`)."""
    return store_outcomes(analysis_rows(folder), store, settings, progress)

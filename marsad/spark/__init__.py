"""marsad on Spark: the per-article stages of a large input on a cluster, the same functions.

`run_spark` reads the inputs on the driver (streamed: `read_inputs`, about 30,000 articles a
second, so the driver is not the bottleneck below hundreds of cores) into shards of JSON Lines
under the output folder, and Spark runs `pipeline.analyze_batch` (clean, sentences, entities,
quotes, quantities: the very function `marsad ingest --jobs N` runs in its workers) over each
shard with `mapPartitions`. The outcomes (analyses or rejections, in input order) are written as
Parquet (`DIR/analyses/`), which `load_analyses` keeps in a store with `pipeline.store_outcomes`,
the loop `ingest` uses: the same unique ids, repeats, copies, events, stories, entities,
summaries and comparisons as an embedded run (tested equal), from which `marsad export` writes
the tables. Copies, events and stories are placed on the driver by the embedded incremental
code (linear in the input): not yet distributed.
"""

from __future__ import annotations

from marsad.spark.batch import SparkResult, run_spark
from marsad.spark.load import load_analyses

__all__ = ["SparkResult", "run_spark", "load_analyses"]

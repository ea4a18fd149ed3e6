"""The scaling curve (issue 15): articles/s and peak memory by input size, embedded and Spark.

    .venv/bin/python benchmarks/scale.py                        # 1,000 and 7,483 articles
    .venv/bin/python benchmarks/scale.py --sizes 1000,7483,31030
    .venv/bin/python benchmarks/scale.py --sizes 40000          # replicated past the 31k real ones

The input is the SaudiNewsNet articles of ../shared (the five sample days, then the other
days), the first N of them as one JSON Lines file; past the 31,030 real articles the corpus is
replicated with perturbed ids, dates (+N weeks) and a number changed in each text, so copies and
events do not simply collapse. For each size, in the same run:

- the floor: reading the file, folding letter forms and splitting into words (one core);
- `marsad ingest FILE --jobs 2` into a new store (embedded, both cores);
- `marsad spark FILE --master local[2] --no-tables` (the per-article stages on Spark, then the
  store kept by the driver), when PySpark and Java are installed.

Each system runs as a child process whose whole tree (Spark's JVM and Python workers included)
is sampled for peak memory (PSS, benchmarks/_proc.py). Prints a table and writes
benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _proc import measure  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
MARSAD = [sys.executable, "-m", "marsad.cli"]
_NUMBER = re.compile(r"\d+")


def real_articles() -> Iterator[dict]:
    """Every SaudiNewsNet article of ../shared, the sample days first."""
    for name in sorted(glob.glob(str(SHARED / "saudinewsnet-sample" / "*.json"))):
        yield from json.loads(Path(name).read_text(encoding="utf-8"))
    for name in sorted(glob.glob(str(SHARED / "saudinewsnet-more" / "*.zip"))):
        with zipfile.ZipFile(name) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith(".json"):
                    yield from json.loads(archive.read(member))


def _shift(value: str | None, weeks: int) -> str | None:
    """A date moved `weeks` weeks on (keeping its form), or as it was when not one."""
    from datetime import date, timedelta
    if not value or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value
    moved = date.fromisoformat(value[:10]) + timedelta(weeks=weeks)
    return moved.isoformat() + value[10:]


def corpus(size: int) -> Iterator[dict]:
    """The first `size` articles, the real ones replicated (perturbed) past their number."""
    made = rounds = 0
    while made < size:
        for record in real_articles():
            if made >= size:
                return
            if rounds:
                record = dict(record)
                for key in ("id", "_id", "url"):
                    if record.get(key):
                        record[key] = f"{record[key]}~r{rounds}"
                for key in ("date_extracted", "published", "date"):
                    record[key] = _shift(record.get(key), 8 * rounds)
                text = record.get("content") or record.get("text") or ""
                record["content"] = _NUMBER.sub(lambda m: str(int(m.group()) + rounds), text,
                                                count=1)
            yield record
            made += 1
        rounds += 1
        if made == 0:
            raise SystemExit(f"no SaudiNewsNet articles under {SHARED}")


def write_corpus(size: int, path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in corpus(size):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def floor(path: Path) -> float:
    from marsad.arabic.normalize import fold
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            fold((record.get("title") or "") + "\n" + (record.get("content") or "")).split()
    return time.perf_counter() - started


def spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


_SPARK_PHASE = re.compile(r"articles analysed in ([0-9.]+) s")


def run(command: list[str], articles: int, seconds_floor: float) -> dict:
    result = measure(command)
    if result.returncode != 0:
        print(f"  failed (exit {result.returncode}): {result.stderr_tail[-600:]}", flush=True)
    phase = next((float(m.group(1)) for line in result.stderr_lines
                  if (m := _SPARK_PHASE.search(line))), None)
    extra = {} if phase is None else {
        # `marsad spark` prints how long the Spark job took (session start, shards, analysis,
        # Parquet); the rest is the driver keeping the articles (copies, events, stories...)
        "spark_job_seconds": round(phase, 1),
        "driver_keep_seconds": round(result.seconds - phase, 1)}
    return {**extra, "seconds": round(result.seconds, 1),
            "articles_per_s": round(articles / result.seconds, 1),
            "ratio_to_floor": round(result.seconds / max(seconds_floor, 1e-9), 1),
            "peak_mb": round(result.peak_bytes / 1e6, 1), "memory": result.memory_kind,
            "returncode": result.returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,7483")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with_spark = not args.no_spark and spark_available()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="marsad-scale-") as tmp:
        for size in sizes:
            data = Path(tmp) / f"news-{size}.jsonl"
            articles = write_corpus(size, data)
            seconds_floor = floor(data)
            row = {"articles": articles, "megabytes": round(data.stat().st_size / 1e6, 1),
                   "floor_seconds": round(seconds_floor, 2)}
            print(f"{articles:,} articles: floor {seconds_floor:.2f} s", flush=True)
            db = Path(tmp) / f"embedded-{size}.sqlite"
            row["embedded"] = run([*MARSAD, "ingest", str(data), "--db", str(db), "--jobs",
                                   str(args.jobs), "-q"], articles, seconds_floor)
            print(f"  embedded --jobs {args.jobs}: {row['embedded']}", flush=True)
            if with_spark:
                out = Path(tmp) / f"spark-{size}"
                row["spark"] = run([*MARSAD, "spark", str(data), "--out", str(out), "--master",
                                    args.master, "--no-tables"], articles, seconds_floor)
                print(f"  spark {args.master}: {row['spark']}", flush=True)
                shutil.rmtree(out, ignore_errors=True)
            for leftover in Path(tmp).glob(f"embedded-{size}.sqlite*"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            data.unlink()
            rows.append(row)
    systems = ["embedded"] + (["spark"] if with_spark else [])
    print(f"\n{'articles':>9} {'MB':>6} {'floor s':>8}  " + "  ".join(
        f"{s + ' s':>12} {'art/s':>7} {'x floor':>7} {'peak MB':>8}" for s in systems))
    for row in rows:
        print(f"{row['articles']:>9,} {row['megabytes']:>6} {row['floor_seconds']:>8}  " + "  ".join(
            f"{row[s]['seconds']:>12} {row[s]['articles_per_s']:>7} {row[s]['ratio_to_floor']:>7}"
            f" {row[s]['peak_mb']:>8}" for s in systems))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"benchmark": "scale", "jobs": args.jobs,
                                    "spark_master": args.master if with_spark else None,
                                    "rows": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

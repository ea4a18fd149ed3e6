"""Throughput of the whole pipeline on the SaudiNewsNet sample (7,483 real articles, 5 days).

Prints articles per second per stage and in total, and peak memory, and writes JSON to
benchmarks/results/throughput.json.

    .venv/bin/python benchmarks/throughput.py [--data DIR] [--limit N] [--jobs N]

With `--jobs N` (N > 1) the per-article stages run in N worker processes: the total is wall time,
per-stage seconds are summed over the workers (so per-stage rates are per process), the
read+decode row is not computed, and the peak memory of the largest worker is reported too.
Results go to throughput_jobsN.json.

Per-stage rates are articles / seconds spent in that stage (document stages are summed over
articles; collection stages run once over the collection). Peak memory is the process's maximum
resident set size (ru_maxrss), which includes the interpreter and loaded models.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from marsad.pipeline import StageTimes, run  # noqa: E402
from marsad.settings import Settings  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "saudinewsnet-sample"


def peak_rss_mb() -> float:
    """Maximum resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files' worth")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    args.out = args.out or HERE / "results" / ("throughput.json" if args.jobs <= 1
                                               else f"throughput_jobs{args.jobs}.json")
    if not args.data.exists():
        print(f"throughput: {args.data} not found (the shared data beside the project)",
              file=sys.stderr)
        return 2
    inputs = sorted(args.data.glob("*.json"))
    if args.limit:
        inputs = inputs[: args.limit]
    times = StageTimes()
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    analysis = run(inputs, Settings(), times=times, jobs=args.jobs)
    total = time.perf_counter() - started
    n_docs = len(analysis.documents)
    n_read = n_docs + len(analysis.rejected)

    rows = []
    for stage, seconds in times.seconds.items():
        rate = (n_read if stage == "clean" else n_docs) / seconds if seconds else float("inf")
        rows.append({"stage": stage, "seconds": round(seconds, 2),
                     "articles_per_s": round(rate, 1)})
    if args.jobs <= 1:
        reading = total - sum(times.seconds.values())
        rows.insert(0, {"stage": "read+decode", "seconds": round(reading, 2),
                        "articles_per_s": round(n_read / reading, 1) if reading > 0 else None})
    result = {
        "benchmark": "throughput",
        "data": str(args.data),
        "files": [p.name for p in inputs],
        "articles_read": n_read,
        "articles_analysed": n_docs,
        "rejected": len(analysis.rejected),
        "rejected_by_code": _count(r.code for r in analysis.rejected),
        "entities": len(analysis.entities), "quotes": len(analysis.quotes),
        "quantities": len(analysis.quantities), "events": len(analysis.events),
        "stories": len(analysis.stories),
        "total_seconds": round(total, 2),
        "articles_per_s": round(n_read / total, 1),
        "jobs": args.jobs,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_rss_largest_worker_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1) if args.jobs > 1
        else None,
        "rss_before_mb": round(rss_before, 1),
        "stages": rows,
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
    }
    print(f"{'stage':<14}{'seconds':>10}{'articles/s':>14}")
    for row in rows:
        print(f"{row['stage']:<14}{row['seconds']:>10}{row['articles_per_s'] or '-':>14}")
    print(f"{'TOTAL':<14}{result['total_seconds']:>10}{result['articles_per_s']:>14}")
    print(f"articles read {n_read}, analysed {n_docs}, rejected {len(analysis.rejected)} "
          f"{result['rejected_by_code']}")
    print(f"entities {result['entities']}, quotes {result['quotes']}, quantities "
          f"{result['quantities']}, events {result['events']}, stories {result['stories']}")
    print(f"peak memory {result['peak_rss_mb']} MB"
          + (f", largest worker {result['peak_rss_largest_worker_mb']} MB" if args.jobs > 1
             else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _count(codes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    return counts


def _cpus() -> int:
    import os
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the whole pipeline on the SaudiNewsNet sample (7,483 real articles, 5 days).

In one run, on the same articles and machine (issue 14's measure):
- the *bare floor*: read the JSON, fold letter forms, split into words, on one core;
- marsad end to end (read -> every document and collection stage) with 1 job and with N jobs,
  each in a fresh child process, and its ratio to the floor (the bar: <= 60);
- per-stage articles/s (from the 1-job run, so every rate is on one core);
- the peak memory of the whole process tree (the run and its worker processes), sampled from
  /proc every 0.2 s: PSS from /proc/PID/smaps_rollup, which counts a page shared by several
  processes (a mapped model file) once in total, and RSS summed for comparison;
- how long commands that do not tag take to start (`marsad settings`, `marsad report --help`)
  and whether they import numpy or the NER model;
- a cProfile top-20 of one more 1-job pass (over `--profile-limit` articles) written beside the
  JSON, so the figures come with where the time goes.

    .venv/bin/python benchmarks/throughput.py [--data DIR] [--limit N] [--jobs N]

Writes benchmarks/results/throughput.json and throughput_profile.txt. Timings on a shared
machine are noisy: compare the ratios of one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "saudinewsnet-sample"


# -- the floor ----------------------------------------------------------------------------

def bare_floor(inputs: list[Path], limit: int) -> tuple[int, float]:
    """(articles, seconds) to read the JSON, fold letter forms and split into words."""
    from marsad.arabic.normalize import fold
    started = time.perf_counter()
    n = words = 0
    for path in inputs:
        for record in json.loads(path.read_text(encoding="utf-8")):
            if limit and n >= limit:
                break
            text = record.get("title", "") + "\n" + (record.get("content") or record.get("text")
                                                     or "")
            words += len(fold(text).split())
            n += 1
    return n, time.perf_counter() - started


# -- one end-to-end run (in a child process) ----------------------------------------------

def run_once(inputs: list[Path], limit: int, jobs: int) -> dict:
    """Analyse the first `limit` articles (0: all) as `marsad analyze` does; times and counts."""
    from itertools import islice

    from marsad.ingest import read_inputs
    from marsad.pipeline import StageTimes, analyze_collection, analyze_records
    from marsad.settings import Settings
    from marsad.types import DocumentAnalysis, Rejection

    settings = Settings()
    times = StageTimes()
    started = time.perf_counter()
    records = read_inputs(inputs, settings)
    if limit:
        records = islice(records, limit)
    analyses, rejected = [], []
    for item in analyze_records(records, settings, times, jobs=jobs):
        if isinstance(item, Rejection):
            rejected.append(item)
        elif isinstance(item, DocumentAnalysis):
            analyses.append(item)
    documents_done = time.perf_counter()
    analysis = analyze_collection(analyses, settings, rejected, times)
    total = time.perf_counter() - started
    return {
        "jobs": jobs, "total_seconds": total,
        "document_stages_seconds": documents_done - started,
        "collection_stages_seconds": total - (documents_done - started),
        "articles_read": len(analyses) + len(rejected), "articles_analysed": len(analyses),
        "rejected": len(rejected),
        "entities": len(analysis.entities), "quotes": len(analysis.quotes),
        "quantities": len(analysis.quantities), "events": len(analysis.events),
        "stories": len(analysis.stories), "summaries": len(analysis.summaries),
        "stage_seconds": dict(times.seconds),
    }


def profile_once(inputs: list[Path], limit: int, out: Path) -> None:
    """cProfile of a 1-job run over `limit` articles; the top 20 functions by own time."""
    import cProfile
    import io
    import pstats
    profiler = cProfile.Profile()
    profiler.enable()
    run_once(inputs, limit, 1)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(20)
    out.write_text(f"cProfile, 1 job, first {limit} articles (own time, then cumulative)\n"
                   + text.getvalue(), encoding="utf-8")


# -- memory of a process tree -------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB of one process, 0 when it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


class TreeSampler(threading.Thread):
    """Peak PSS and RSS of a process and all its descendants, sampled every `interval` s."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss_kb = self.peak_rss_kb = self.peak_processes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = _tree(self.pid)
            sizes = [_memory_kb(p) for p in pids]
            self.peak_pss_kb = max(self.peak_pss_kb, sum(s[0] for s in sizes))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(s[1] for s in sizes))
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measured_child(args: list[str]) -> tuple[dict, dict]:
    """Run this script as a child with `args`; (its JSON result, its tree's peak memory)."""
    child = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    sampler = TreeSampler(child.pid)
    sampler.start()
    output, _ = child.communicate()
    sampler.stop()
    if child.returncode:
        raise SystemExit(f"throughput: child {args} failed with exit code {child.returncode}")
    memory = {"peak_pss_mb": round(sampler.peak_pss_kb / 1024, 1),
              "peak_rss_sum_mb": round(sampler.peak_rss_kb / 1024, 1),
              "processes": sampler.peak_processes}
    return json.loads(output.strip().splitlines()[-1]), memory


# -- start-up of commands that do not tag -------------------------------------------------

def startup(command: list[str]) -> dict:
    """Wall time of `marsad COMMAND` in a fresh interpreter, and the heavy modules it imports."""
    probe = ("import sys; sys.argv = ['marsad', *sys.argv[1:]]\n"
             "import marsad.cli as cli\n"
             "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
             "heavy = ('numpy', 'marsad.extract.ner', 'marsad.pipeline', 'datasketch')\n"
             "print('\\nIMPORTED', sorted(m for m in sys.modules if m in heavy))")
    best, imported = float("inf"), ""
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                              text=True, cwd=ROOT, check=False)
        best = min(best, time.perf_counter() - started)
        imported = done.stdout.rsplit("IMPORTED", 1)[-1].strip()
    return {"command": "marsad " + " ".join(command), "seconds": round(best, 3),
            "imports": imported}


# -- the report ---------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--jobs", type=int, default=2, help="jobs of the parallel run")
    parser.add_argument("--profile-limit", type=int, default=1000,
                        help="articles of the profiled pass (0: no profile)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "throughput.json")
    parser.add_argument("--child", choices=("run", "profile"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"throughput: {args.data} not found (the shared data beside the project)",
              file=sys.stderr)
        return 2
    inputs = sorted(args.data.glob("*.json"))
    if args.child == "run":
        print(json.dumps(run_once(inputs, args.limit, args.jobs)))
        return 0
    if args.child == "profile":
        profile_once(inputs, args.limit, args.out.with_name("throughput_profile.txt"))
        print(json.dumps({}))
        return 0

    n_floor, floor_seconds = bare_floor(inputs, args.limit)
    runs, memory = {}, {}
    for jobs in (1, args.jobs):
        runs[jobs], memory[jobs] = measured_child(["--child", "run", "--jobs", str(jobs),
                                                   "--limit", str(args.limit)])
    floor_rate = n_floor / floor_seconds
    one, many = runs[1], runs[args.jobs]
    stages = [{"stage": stage, "seconds": round(seconds, 2),
               "articles_per_s": round((one["articles_read"] if stage == "clean"
                                        else one["articles_analysed"]) / seconds, 1)}
              for stage, seconds in one["stage_seconds"].items() if seconds > 0]
    result = {
        "benchmark": "throughput",
        "data": str(args.data), "files": [p.name for p in inputs], "limit": args.limit,
        "bare_floor": {"articles": n_floor, "seconds": round(floor_seconds, 3),
                       "articles_per_s": round(floor_rate, 1),
                       "what": "read the JSON, fold letter forms, split into words, one core"},
        "runs": [{**{k: (round(v, 2) if isinstance(v, float) else v)
                     for k, v in runs[jobs].items() if k != "stage_seconds"},
                  "articles_per_s": round(runs[jobs]["articles_read"]
                                          / runs[jobs]["total_seconds"], 1),
                  "ratio_to_floor": round(runs[jobs]["total_seconds"] / floor_seconds
                                          * n_floor / runs[jobs]["articles_read"], 1),
                  "memory": memory[jobs]}
                 for jobs in dict.fromkeys((1, args.jobs))],
        "scaling_1_to_jobs": round(one["total_seconds"] / many["total_seconds"], 2),
        "stages_one_process": stages,
        "startup": [startup(["settings"]), startup(["report", "--help"])],
        "machine": {"python": platform.python_version(), "cpus": _cpus(),
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
    }
    if args.profile_limit:
        measured_child(["--child", "profile", "--limit", str(args.profile_limit),
                        "--out", str(args.out)])
    _print(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}" + (f" and {args.out.with_name('throughput_profile.txt')}"
                                 if args.profile_limit else ""))
    return 0


def _print(result: dict) -> None:
    floor = result["bare_floor"]
    print(f"bare floor: {floor['articles']} articles in {floor['seconds']} s "
          f"({floor['articles_per_s']} articles/s)")
    print(f"{'run':<8}{'seconds':>10}{'articles/s':>12}{'x floor':>9}{'peak PSS MB':>13}"
          f"{'RSS sum MB':>12}")
    for run in result["runs"]:
        print(f"{str(run['jobs']) + ' job':<8}{run['total_seconds']:>10}"
              f"{run['articles_per_s']:>12}{run['ratio_to_floor']:>9}"
              f"{run['memory']['peak_pss_mb']:>13}{run['memory']['peak_rss_sum_mb']:>12}")
    print(f"scaling from 1 job: {result['scaling_1_to_jobs']}x")
    print(f"{'stage (1 process)':<20}{'seconds':>10}{'articles/s':>12}")
    for row in result["stages_one_process"]:
        print(f"{row['stage']:<20}{row['seconds']:>10}{row['articles_per_s']:>12}")
    for item in result["startup"]:
        print(f"start-up {item['command']}: {item['seconds']} s, imports {item['imports']}")
    run = result["runs"][0]
    print(f"articles read {run['articles_read']}, analysed {run['articles_analysed']}; entities "
          f"{run['entities']}, quotes {run['quotes']}, quantities {run['quantities']}, "
          f"events {run['events']}, stories {run['stories']}")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    sys.exit(main())

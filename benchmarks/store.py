"""The store at scale (issue 9): all 18 days of SaudiNewsNet (31,030 articles) through `marsad`.

What it measures, each `marsad` command a subprocess run with `--quiet`, its memory the peak of
the summed PSS of the command and all its worker processes (`benchmarks/_proc.py`):
1. ingest day by day (`marsad ingest DAY.json --db DB --jobs 2`), days in date order: seconds,
   peak memory and the store's article count after each day (read-only `SELECT COUNT(*)`);
2. `marsad report --db DB --json FILE` when the store first holds >= 5k, 10k and 20k articles
   and at the end: seconds and peak memory (the points of the growth fit);
3. re-ingest of the whole corpus in one command (every article is stored already): seconds;
4. reading one event page's data in process (`Store.event_ids()`, `Store.event_page(id)`: the
   event, its articles, summary, comparison and quotes) for 1,000 random events (seeded), at
   each checkpoint: p50/p95/max ms; null when this marsad's Store has no `event_page`;
5. batch `marsad analyze` of the same day files (`--jobs 2`): seconds and peak memory;
6. growth: `y = a * n^b` fitted by least squares on log-log, and a straight line, for cumulative
   ingest time, the ingest time per new article against the store size before the day (does a
   day get slower as the store grows?), ingest and report memory, report time and event page
   p95 against the store size; each extrapolated to 100k and 1M articles. A total growing with
   b > 1.1 (a per-article cost with b > 0.1) is flagged "grows faster than linearly".
Targets (issue 9): peak memory <= 1.5 GiB for ingest, report and analyze of the corpus;
re-ingest <= 10% of the first ingest; event page p95 <= 20 ms; report of the full store <= 60 s.

The days are copied/unzipped into a temporary folder (TMPDIR), never into the repository.

    .venv/bin/python benchmarks/store.py                   # the full run: ~40 min on 2 cores
    .venv/bin/python benchmarks/store.py --days 3 --per-day 150 --skip-analyze \\
        --checkpoints 150,300 --out /tmp/store.json         # a quick check of the benchmark

`--days N` keeps the first N days, `--per-day K` the first K articles of each day; `--db PATH`
keeps the store (it must not exist yet). Writes benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"    # 5 days, YYYY-MM-DD.json
MORE = SHARED / "data" / "saudinewsnet-more"        # 13 days, YYYY-MM-DD.zip
RESULTS = PROJECT / "benchmarks" / "results" / "store.json"
MIB = 1024 * 1024
TARGETS = {"peak_memory_mb": 1536, "reingest_fraction": 0.10, "event_page_p95_ms": 20.0,
           "report_seconds": 60.0}
EXTRAPOLATE_TO = (100_000, 1_000_000)
SUPERLINEAR_MARGIN = 0.1     # b above 1 (totals) or 0 (per-article costs) by more than this

from _proc import Measurement, measure  # noqa: E402


@dataclass(frozen=True)
class DayFile:
    day: str
    path: Path
    articles: int            # records in the (possibly cut) file


# ---------------------------------------------------------------- data
def day_sources() -> list[tuple[str, Path]]:
    """(day, .json or .zip) for every day of the corpus, in date order."""
    sources = [*SAMPLE.glob("*.json"), *MORE.glob("*.zip")]
    return sorted((path.stem, path) for path in sources)


def prepare_days(folder: Path, days: int, per_day: int) -> list[DayFile]:
    """Copy/unzip the days into folder (first `days` days, first `per_day` articles of each)."""
    folder.mkdir(parents=True, exist_ok=True)
    prepared = []
    for day, source in day_sources()[: days or None]:
        if source.suffix == ".zip":
            with zipfile.ZipFile(source) as archive:
                member = next(n for n in archive.namelist() if n.endswith(".json"))
                raw = archive.read(member)
        else:
            raw = source.read_bytes()
        records = json.loads(raw)
        target = folder / f"{day}.json"
        if per_day and per_day < len(records):
            records = records[:per_day]
            target.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            target.write_bytes(raw)              # unchanged bytes when not cut
        prepared.append(DayFile(day, target, len(records)))
    return prepared


# ---------------------------------------------------------------- running marsad
def marsad_command() -> list[str]:
    """The `marsad` entry point of the interpreter running this benchmark (the project's venv)."""
    for candidate in (Path(sys.executable).with_name("marsad"),
                      PROJECT / ".venv" / "bin" / "marsad"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("marsad")
    if found:
        return [found]
    raise SystemExit("store: no `marsad` command; install the project: "
                     ".venv/bin/pip install -e '.[dev]'")


class StepFailed(Exception):
    pass


def run_step(label: str, cmd: list[str], interval: float) -> dict:
    """Run one marsad command, measured; raise StepFailed (with its stderr) when it fails."""
    m: Measurement = measure(cmd, interval=interval)
    row = {"seconds": round(m.seconds, 3), "peak_mb": round(m.peak_bytes / MIB, 1),
           "memory_kind": m.memory_kind,
           "peak_rss_sum_mb": round(m.peak_rss_bytes / MIB, 1),
           "largest_process_mb": round(m.largest_process_bytes / MIB, 1),
           "peak_processes": m.peak_processes, "samples": m.samples,
           "returncode": m.returncode,
           "rejected": sum(line.startswith("marsad: rejected") for line in m.stderr_lines)}
    if m.returncode != 0:
        row["stderr_tail"] = m.stderr_tail
        raise StepFailed(f"{label}: exit {m.returncode}\n{m.stderr_tail}", row)
    return row


def stored_count(db: Path) -> int:
    """Articles in the store, read in read-only mode (never takes a write lock)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    finally:
        connection.close()


def store_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def event_page_reads(db: Path, reads: int, seed: int) -> dict | None:
    """Time Store.event_page over `reads` random events; None when this marsad has no such API."""
    from marsad.store import Store
    if not (hasattr(Store, "event_page") and hasattr(Store, "event_ids")):
        return None
    started = time.perf_counter()
    with Store(db) as store:
        open_ms = (time.perf_counter() - started) * 1000
        ids = list(store.event_ids())
        if not ids:
            return {"events": 0, "reads": 0}
        rng = random.Random(seed)
        chosen = rng.sample(ids, reads) if len(ids) >= reads else [rng.choice(ids)
                                                                     for _ in range(reads)]
        timings, articles = [], []
        for event_id in chosen:
            started = time.perf_counter()
            page = store.event_page(event_id)
            timings.append((time.perf_counter() - started) * 1000)
            if isinstance(page, dict) and isinstance(page.get("articles"), list):
                articles.append(len(page["articles"]))
    ms = np.array(timings)
    return {"events": len(ids), "reads": len(chosen), "distinct": len(set(chosen)),
            "open_ms": round(open_ms, 2), "first_ms": round(timings[0], 3),
            "p50_ms": round(float(np.percentile(ms, 50)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "max_ms": round(float(ms.max()), 3), "mean_ms": round(float(ms.mean()), 3),
            "mean_articles_per_page": round(float(np.mean(articles)), 2) if articles else None}


# ---------------------------------------------------------------- growth
def fit_growth(xs: list[float], ys: list[float], *, linear_b: float = 1.0) -> dict | None:
    """y = a*n^b (least squares on log-log) and y = c + k*n, extrapolated to 100k and 1M.

    linear_b is the exponent of linear growth for this measure: 1 for totals (time, memory),
    0 for a cost per article. Both extrapolations are given, and the larger: with a large
    constant (the models in memory) the power law bends flat and understates growth (the line
    is the honest one then); for a measure that does grow faster than linearly, the line
    understates it.
    """
    points = [(x, y) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    x, y = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
    b, log_a = np.polyfit(np.log(x), np.log(y), 1)
    slope, intercept = np.polyfit(x, y, 1)
    at = {}
    for n in EXTRAPOLATE_TO:
        power, line = float(np.exp(log_a) * n ** b), float(intercept + slope * n)
        at[str(n)] = {"power": power, "linear": line, "larger": max(power, line)}
    return {"points": len(points), "n_from": float(x.min()), "n_to": float(x.max()),
            "b": float(b), "a": float(np.exp(log_a)), "slope": float(slope),
            "intercept": float(intercept), "at": at, "linear_b": linear_b,
            "superlinear": bool(b > linear_b + SUPERLINEAR_MARGIN)}


def growth(result: dict) -> dict[str, dict | None]:
    days, checkpoints = result["ingest"]["days"], result["checkpoints"]
    cumulative, total = [], 0.0
    for row in days:
        total += row["seconds"]
        cumulative.append(total)
    later = [row for row in days if row["stored_before"] > 0 and row["added"] > 0]
    size = [c["stored"] for c in checkpoints]
    pages = [(c["stored"], c["event_page"]["p95_ms"]) for c in checkpoints
             if c.get("event_page") and c["event_page"].get("p95_ms")]
    return {
        "ingest_cumulative_seconds": fit_growth([r["stored_after"] for r in days], cumulative),
        "ingest_seconds_per_new_article": fit_growth(
            [r["stored_before"] for r in later], [r["seconds"] / r["added"] for r in later],
            linear_b=0.0),
        "ingest_peak_mb": fit_growth([r["stored_after"] for r in days],
                                     [r["peak_mb"] for r in days]),
        "store_file_mb": fit_growth([r["stored_after"] for r in days],
                                    [r["store_mb"] for r in days]),
        "report_seconds": fit_growth(size, [c["report"]["seconds"] for c in checkpoints]),
        "report_peak_mb": fit_growth(size, [c["report"]["peak_mb"] for c in checkpoints]),
        "event_page_p95_ms": fit_growth([p[0] for p in pages], [p[1] for p in pages]),
    }


# ---------------------------------------------------------------- output
def verdict(ok: bool | None) -> str:
    return "-" if ok is None else "pass" if ok else "FAIL"


def summary_rows(result: dict) -> list[tuple[str, str, str, str]]:
    """(measure, value, target, pass/fail) rows of the main table."""
    t, rows = TARGETS, []
    ingest = result["ingest"]
    if ingest["days"]:
        peak = max(r["peak_mb"] for r in ingest["days"])
        rows.append((f"ingest {len(ingest['days'])} days, {ingest['stored']:,} stored",
                     f"{ingest['seconds']:.1f} s ({ingest['articles_per_s']:.1f} art/s)", "", ""))
        rows.append(("ingest peak memory (largest day)", f"{peak:.0f} MB",
                     f"<= {t['peak_memory_mb']} MB", verdict(peak <= t["peak_memory_mb"])))
    if result["checkpoints"]:
        last = result["checkpoints"][-1]
        rows.append((f"report of the store ({last['stored']:,}) time",
                     f"{last['report']['seconds']:.1f} s", f"<= {t['report_seconds']:.0f} s",
                     verdict(last["report"]["seconds"] <= t["report_seconds"])))
        rows.append(("report peak memory", f"{last['report']['peak_mb']:.0f} MB",
                     f"<= {t['peak_memory_mb']} MB",
                     verdict(last["report"]["peak_mb"] <= t["peak_memory_mb"])))
    if result.get("reingest"):
        re = result["reingest"]
        rows.append(("re-ingest of the corpus", f"{re['seconds']:.1f} s "
                     f"({100 * re['fraction_of_first_ingest']:.1f}% of first)",
                     f"<= {100 * t['reingest_fraction']:.0f}%",
                     verdict(re["fraction_of_first_ingest"] <= t["reingest_fraction"])))
        rows.append(("re-ingest peak memory", f"{re['peak_mb']:.0f} MB", "", ""))
    if "event_page" in result:
        page = result["event_page"]
        if page is None:
            rows.append(("event page read", "not available in this marsad",
                         f"p95 <= {t['event_page_p95_ms']:.0f} ms", "-"))
        elif page.get("reads"):
            rows.append((f"event page read ({page['reads']} of {page['events']:,} events)",
                         f"p50 {page['p50_ms']:.2f} / p95 {page['p95_ms']:.2f} / max "
                         f"{page['max_ms']:.1f} ms", f"p95 <= {t['event_page_p95_ms']:.0f} ms",
                         verdict(page["p95_ms"] <= t["event_page_p95_ms"])))
    if result.get("analyze"):
        an = result["analyze"]
        rows.append(("batch analyze time", f"{an['seconds']:.1f} s", "", ""))
        rows.append(("batch analyze peak memory", f"{an['peak_mb']:.0f} MB",
                     f"<= {t['peak_memory_mb']} MB", verdict(an["peak_mb"] <= t["peak_memory_mb"])))
    for name, fit in result.get("growth", {}).items():
        if fit is not None:
            rows.append((f"growth of {name}", f"b = {fit['b']:.2f} ({fit['points']} points)",
                         f"b <= {fit['linear_b'] + SUPERLINEAR_MARGIN:.1f}",
                         "FAIL: grows faster than linearly" if fit["superlinear"] else "pass"))
    return rows


def print_report(result: dict) -> None:
    print("\nper day (ingest --jobs {}):".format(result["jobs"]))
    print(f"{'day':<12}{'articles':>9}{'stored':>9}{'seconds':>9}{'art/s':>8}"
          f"{'peak MB':>9}{'procs':>6}{'store MB':>9}")
    for r in result["ingest"]["days"]:
        print(f"{r['day']:<12}{r['articles']:>9}{r['stored_after']:>9}{r['seconds']:>9.1f}"
              f"{r['added'] / r['seconds']:>8.1f}{r['peak_mb']:>9.0f}{r['peak_processes']:>6}"
              f"{r['store_mb']:>9.1f}")
    if result["checkpoints"]:
        print("\ncheckpoints:")
        print(f"{'stored':>9}{'report s':>10}{'report MB':>11}{'page p95 ms':>13}")
        for c in result["checkpoints"]:
            page = c.get("event_page")
            p95 = f"{page['p95_ms']:.2f}" if page and page.get("p95_ms") is not None else "-"
            print(f"{c['stored']:>9}{c['report']['seconds']:>10.1f}{c['report']['peak_mb']:>11.0f}"
                  f"{p95:>13}")
    fits = {k: v for k, v in result.get("growth", {}).items() if v is not None}
    unfitted = [k for k, v in result.get("growth", {}).items() if v is None]
    if fits:
        print("\ngrowth with the store (y = a*n^b on log-log; and a straight line), extrapolated:")
        print(f"{'measure':<32}{'pts':>4}{'n from-to':>15}{'b':>6}"
              + "".join(f"{f'{n // 1000}k power / line':>26}" for n in EXTRAPOLATE_TO))
        for name, fit in fits.items():
            cells = "".join(f"{fit['at'][str(n)]['power']:>12.4g} / "
                            f"{fit['at'][str(n)]['linear']:<11.4g}" for n in EXTRAPOLATE_TO)
            flag = "  grows faster than linearly" if fit["superlinear"] else ""
            span = f"{fit['n_from']:.0f}-{fit['n_to']:.0f}"
            print(f"{name:<32}{fit['points']:>4}{span:>15}{fit['b']:>6.2f}  {cells}{flag}")
        print("(per-article cost: b is the exponent of the cost per new article, 0 = constant; "
              "memory has a large constant, so the line is the honest extrapolation there)")
    if unfitted:
        print(f"no fit (fewer than 2 store sizes measured): {', '.join(unfitted)}")
    print(f"\nmemory: {result['memory_method']}")
    rows = summary_rows(result)
    width = max(len(r[0]) for r in rows) + 2
    value_width = max(len(r[1]) for r in rows) + 2
    print()
    print(f"{'measure':<{width}}{'value':<{value_width}}{'target':<16}result")
    for measure_name, value, target, ok in rows:
        print(f"{measure_name:<{width}}{value:<{value_width}}{target:<16}{ok}")


def machine() -> dict:
    total_kb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                total_kb = int(line.split()[1])
    except OSError:
        pass
    return {"cpus": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else None,
            "memory_total_mb": round(total_kb / 1024) if total_kb else None,
            "python": platform.python_version(), "platform": platform.platform()}


def git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# ---------------------------------------------------------------- the run
def checkpoint(marsad: list[str], db: Path, work: Path, args: argparse.Namespace) -> dict:
    """Report of the whole store (time, memory) and event page reads, at its current size."""
    stored = stored_count(db)
    report_json = work / f"report-{stored}.json"
    report = run_step(f"report at {stored}", [*marsad, "report", "--db", str(db), "--json",
                                              str(report_json), "--quiet"], args.interval)
    report["json_mb"] = round(report_json.stat().st_size / MIB, 2)
    report_json.unlink()        # it can be large: keep only its size
    page = event_page_reads(db, args.reads, args.seed)
    print(f"  report at {stored}: {report['seconds']:.1f} s, peak {report['peak_mb']:.0f} MB; "
          + (f"event page p95 {page['p95_ms']:.2f} ms" if page and page.get("reads")
             else "event page: not available in this marsad" if page is None
             else "event page: no event"), flush=True)
    return {"stored": stored, "report": report, "event_page": page}


def run_benchmark(args: argparse.Namespace, days: list[DayFile], db: Path, work: Path,
                  result: dict) -> None:
    marsad = marsad_command()
    interval = args.interval
    jobs = ["--jobs", str(args.jobs)]
    thresholds = sorted(args.checkpoints)
    ingest = result["ingest"]
    stored = 0
    for index, day in enumerate(days):
        row = run_step(f"ingest {day.day}",
                       [*marsad, "ingest", str(day.path), "--db", str(db), *jobs, "--quiet"],
                       interval)
        before, stored = stored, stored_count(db)
        row.update(day=day.day, articles=day.articles, stored_before=before,
                   stored_after=stored, added=stored - before,
                   store_mb=round(store_bytes(db) / MIB, 2))
        ingest["days"].append(row)
        ingest["seconds"] = round(sum(r["seconds"] for r in ingest["days"]), 2)
        ingest["stored"] = stored
        ingest["articles_per_s"] = round(stored / ingest["seconds"], 2)
        print(f"ingest {day.day}: {day.articles} articles, {stored} stored, "
              f"{row['seconds']:.1f} s, peak {row['peak_mb']:.0f} MB ({row['memory_kind']}, "
              f"{row['peak_processes']} processes)", flush=True)
        crossed = [t for t in thresholds if before < t <= stored]
        if crossed or index == len(days) - 1:
            point = checkpoint(marsad, db, work, args)
            point.update(after_day=day.day, thresholds=crossed)
            result["checkpoints"].append(point)

    reingest = run_step("re-ingest", [*marsad, "ingest", *(str(d.path) for d in days),
                                      "--db", str(db), *jobs, "--quiet"], interval)
    reingest["stored_after"] = stored_count(db)
    reingest["fraction_of_first_ingest"] = round(reingest["seconds"] / ingest["seconds"], 4)
    result["reingest"] = reingest
    print(f"re-ingest: {reingest['seconds']:.1f} s "
          f"({100 * reingest['fraction_of_first_ingest']:.1f}% of the first ingest), "
          f"{reingest['stored_after']} stored", flush=True)

    last_page = result["checkpoints"][-1]["event_page"] if result["checkpoints"] else None
    result["event_page"] = last_page
    if last_page is None:
        print("event page: not available in this marsad")

    if not args.skip_analyze:
        analysis_json = work / "analysis.json"
        analyze = run_step("analyze", [*marsad, "analyze", *(str(d.path) for d in days),
                                       "--json", str(analysis_json), *jobs, "--quiet"], interval)
        analyze["json_mb"] = round(analysis_json.stat().st_size / MIB, 2)
        analysis_json.unlink()
        result["analyze"] = analyze
        print(f"analyze: {analyze['seconds']:.1f} s, peak {analyze['peak_mb']:.0f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path,
                        help="store file to create and keep (default: a temporary one)")
    parser.add_argument("--days", type=int, default=0, help="only the first N days (0: all 18)")
    parser.add_argument("--per-day", type=int, default=0, help="only the first K articles a day")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-analyze", action="store_true", help="no batch analyze step")
    parser.add_argument("--checkpoints", type=lambda s: [int(x) for x in s.split(",") if x],
                        default=[5000, 10000, 20000],
                        help="store sizes after which a report is measured (and at the end)")
    parser.add_argument("--reads", type=int, default=1000, help="event pages read per checkpoint")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--interval", type=float, default=0.2, help="memory sampling seconds")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not SAMPLE.is_dir() or not MORE.is_dir():
        print(f"SKIP: SaudiNewsNet is not at {SAMPLE} and {MORE} (set MARSAD_SHARED)")
        return 0
    if args.db is not None and args.db.exists():
        print(f"store: {args.db} exists; the benchmark measures a first ingest into a new store: "
              "remove it or pass another --db", file=sys.stderr)
        return 2
    started = time.time()
    result: dict = {
        "benchmark": "store", "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": [sys.executable, *sys.argv], "commit": git("rev-parse", "HEAD"),
        "marsad_code_modified": bool(git("status", "--porcelain", "--", "marsad")),
        "machine": machine(), "jobs": args.jobs, "targets": TARGETS,
        "memory_method": "peak over samples every {:.2f} s of the summed PSS of the marsad "
                         "process and all its descendants (/proc/PID/smaps_rollup; RSS for a "
                         "process whose PSS is unreadable: see memory_kind); MB = MiB".format(
                             args.interval),
        "ingest": {"days": []}, "checkpoints": []}
    with tempfile.TemporaryDirectory(prefix="marsad-store-bench-") as tmp:
        work = Path(tmp)
        days = prepare_days(work / "days", args.days, args.per_day)
        db = args.db or work / "store.sqlite"
        result["sizes"] = {"days": len(days), "per_day_cut": args.per_day or None,
                           "articles": sum(d.articles for d in days),
                           "per_day": {d.day: d.articles for d in days},
                           "checkpoints_at": args.checkpoints, "event_page_reads": args.reads,
                           "seed": args.seed}
        print(f"store benchmark: {len(days)} days, {result['sizes']['articles']:,} articles, "
              f"--jobs {args.jobs}, store {db}", flush=True)
        try:
            run_benchmark(args, days, db, work, result)
        except StepFailed as failure:
            result["failed"] = {"message": str(failure), "row": failure.args[1]}
            print(f"store: FAILED {failure}", file=sys.stderr)
    result["growth"] = growth(result)
    result["wall_seconds"] = round(time.time() - started, 1)
    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwall time {result['wall_seconds']:.0f} s; wrote {args.out}")
    return 1 if "failed" in result else 0


if __name__ == "__main__":
    sys.exit(main())

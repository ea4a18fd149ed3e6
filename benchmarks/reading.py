"""Reading speed and memory of big inputs (issue 11): streamed JSON Lines, one record at a time.

    .venv/bin/python benchmarks/reading.py

Builds, in a temporary folder (never in the repository): 100,000 tiny Arabic records in one
JSON Lines file, and every SaudiNewsNet article in ../shared (the `saudinewsnet-more` zips and
the `saudinewsnet-sample` days, 31k articles, ~105 MB) as one JSON Lines file; then reads each
with `read_inputs` in a fresh process and reports seconds and peak memory (max RSS of that
process, and its baseline after imports). Before issue 11 the 105 MB file was refused whole by
the 20 MB file limit. Writes benchmarks/results/reading.json.

With `--analyze`, also runs `marsad analyze` (every stage, into its temporary store, and the JSON
written) on the tiny records, 20,000 and 100,000 of them, and reports seconds, peak memory and
the cost per record of the large run over the small one (1.0: linear). Such a file is what an
undated flood looks like: no date to close events by, every word in every event.
"""

from __future__ import annotations

import argparse
import glob
import json
import resource
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"

_MEASURE = """
import json, resource, sys, time
from marsad.ingest import read_inputs
from marsad.settings import Settings
from marsad.types import RawRecord
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
kept = rejected = 0
for item in read_inputs([sys.argv[1]], Settings()):
    if isinstance(item, RawRecord):
        kept += 1
    else:
        rejected += 1
print(json.dumps({"kept": kept, "rejected": rejected,
                  "seconds": round(time.perf_counter() - started, 2),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "baseline_rss_mb": round(baseline, 1)}))
"""


def _tiny(path: Path, count: int = 100_000) -> None:
    words = ["الوزير", "العاصمة", "الاجتماع", "المجلس", "الحكومة", "الرئيس", "البرلمان"]
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"id": f"r{n}", "text": f"وصل {words[n % 7]} {n} إلى "
                                  f"{words[n // 7 % 7]} اليوم"}, ensure_ascii=False) + "\n")


def _news(path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for name in sorted(glob.glob(str(SHARED / "saudinewsnet-more" / "*.zip"))):
            with zipfile.ZipFile(name) as archive:
                for info in archive.infolist():
                    if info.filename.endswith(".json"):
                        for record in json.loads(archive.read(info)):
                            out.write(json.dumps(record, ensure_ascii=False) + "\n")
                            count += 1
        for name in sorted(glob.glob(str(SHARED / "saudinewsnet-sample" / "*.json"))):
            for record in json.loads(Path(name).read_text(encoding="utf-8")):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def _measure(path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True,
                            text=True, cwd=ROOT, check=True)
    figures = json.loads(result.stdout)
    figures["megabytes"] = round(path.stat().st_size / 1e6, 1)
    return figures


def _analyze(path: Path, out: Path) -> dict:
    """`marsad analyze` on one file in a fresh process: wall seconds and the child's peak RSS."""
    import time
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "marsad.cli", "analyze", str(path), "--json",
                             str(out), "--quiet"], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"marsad analyze failed on {path.name}: {result.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, encoding="utf-8") as handle:
        analysis = json.load(handle)
    return {"records": sum(1 for _ in open(path, encoding="utf-8")),
            "documents": len(analysis.get("documents", [])),
            "events": len(analysis.get("events", [])), "stories": len(analysis.get("stories", [])),
            "seconds": round(seconds, 1),
            "peak_rss_mb": round(max(peak, before) / 1024, 1) if peak > before else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyze", action="store_true",
                        help="also time `marsad analyze` on 20k and 100k tiny records")
    args = parser.parse_args()
    rows = {}
    analyzed = {}
    with tempfile.TemporaryDirectory(prefix="marsad-reading-") as tmp:
        tiny = Path(tmp) / "tiny-100k.jsonl"
        _tiny(tiny)
        rows["100k tiny records (JSON Lines)"] = _measure(tiny)
        if (SHARED / "saudinewsnet-more").exists():
            news = Path(tmp) / "saudinewsnet-all.jsonl"
            _news(news)
            rows["all SaudiNewsNet articles in one JSON Lines file"] = _measure(news)
            news.unlink()
        # after the reading runs: Linux keeps a parent's peak RSS in a child across exec, and
        # the analyses below are loaded here to be counted
        if args.analyze:
            small = Path(tmp) / "tiny-20k.jsonl"
            _tiny(small, 20_000)
            for name, path in (("20k", small), ("100k", tiny)):
                analyzed[name] = _analyze(path, Path(tmp) / f"{name}.json")
                print(f"analyze {name} tiny records: {analyzed[name]}", flush=True)
            per = {k: v["seconds"] / v["records"] for k, v in analyzed.items()}
            analyzed["cost_per_record_100k_over_20k"] = round(per["100k"] / per["20k"], 2)
    print(f"{'input':52} {'MB':>7} {'kept':>8} {'rejected':>8} {'s':>6} {'peak RSS MB':>11}")
    for name, row in rows.items():
        print(f"{name:52} {row['megabytes']:7.1f} {row['kept']:8,} {row['rejected']:8,} "
              f"{row['seconds']:6.2f} {row['peak_rss_mb']:11.1f}")
    if analyzed:
        print(f"\n{'marsad analyze':30} {'records':>8} {'events':>8} {'stories':>8} {'s':>7}"
              f" {'records/s':>9} {'peak RSS MB':>11}")
        for name in ("20k", "100k"):
            row = analyzed[name]
            print(f"{name + ' tiny records':30} {row['records']:8,} {row['events']:8,} "
                  f"{row['stories']:8,} {row['seconds']:7.1f} "
                  f"{row['records'] / row['seconds']:9.0f} {row['peak_rss_mb'] or 0:11.1f}")
        print(f"cost per record, 100k over 20k: {analyzed['cost_per_record_100k_over_20k']}"
              " (1.0 = linear)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {"benchmark": "reading", "rows": rows}
    if analyzed:
        results["analyze"] = analyzed
    elif (RESULTS / "reading.json").exists():     # keep the last --analyze figures
        old = json.loads((RESULTS / "reading.json").read_text(encoding="utf-8"))
        if "analyze" in old:
            results["analyze"] = old["analyze"]
    (RESULTS / "reading.json").write_text(json.dumps(results,
                                                     indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

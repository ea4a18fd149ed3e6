"""Reading speed and memory of big inputs (issue 11): streamed JSON Lines, one record at a time.

    .venv/bin/python benchmarks/reading.py

Builds, in a temporary folder (never in the repository): 100,000 tiny Arabic records in one
JSON Lines file, and every SaudiNewsNet article in ../shared (the `saudinewsnet-more` zips and
the `saudinewsnet-sample` days, 31k articles, ~105 MB) as one JSON Lines file; then reads each
with `read_inputs` in a fresh process and reports seconds and peak memory (max RSS of that
process, and its baseline after imports). Before issue 11 the 105 MB file was refused whole by
the 20 MB file limit. Writes benchmarks/results/reading.json.
"""

from __future__ import annotations

import glob
import json
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


def main() -> int:
    rows = {}
    with tempfile.TemporaryDirectory(prefix="marsad-reading-") as tmp:
        tiny = Path(tmp) / "tiny-100k.jsonl"
        _tiny(tiny)
        rows["100k tiny records (JSON Lines)"] = _measure(tiny)
        if (SHARED / "saudinewsnet-more").exists():
            news = Path(tmp) / "saudinewsnet-all.jsonl"
            _news(news)
            rows["all SaudiNewsNet articles in one JSON Lines file"] = _measure(news)
    print(f"{'input':52} {'MB':>7} {'kept':>8} {'rejected':>8} {'s':>6} {'peak RSS MB':>11}")
    for name, row in rows.items():
        print(f"{name:52} {row['megabytes']:7.1f} {row['kept']:8,} {row['rejected']:8,} "
              f"{row['seconds']:6.2f} {row['peak_rss_mb']:11.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reading.json").write_text(json.dumps({"benchmark": "reading", "rows": rows},
                                                     indent=1, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

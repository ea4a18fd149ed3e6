"""Opinion columns vs news (issue 10: the home page keeps opinion apart): marsad's cue baseline
`marsad.ingest.outlets.is_opinion` against hand labels.

Gold: `benchmarks/gold/opinion_2015-07-26.jsonl`, 160 articles drawn at random (seeded) from
SaudiNewsNet 2015-07-26 (`../shared/data/saudinewsnet-more`, read in place) and labelled
opinion / news / unsure by a reader who saw the articles only (url, outlet, title, author line
and text), never marsad's output; `unsure` is left out of the scores. Each article is read by
marsad's own reader and cleaner, and classified as the web app and the static report do: the
url, the author line (`place - byline` from cleaning, or the agency) and the title.

Floors in the same run: every article news (the majority), and the url cues alone.

    .venv/bin/python benchmarks/opinion.py      # table + benchmarks/results/opinion.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
DAY = "2015-07-26"
ARCHIVE = SHARED / "data" / "saudinewsnet-more" / f"{DAY}.zip"
GOLD = PROJECT / "benchmarks" / "gold" / f"opinion_{DAY}.jsonl"
RESULTS = PROJECT / "benchmarks" / "results" / "opinion.json"

from marsad.ingest import read_inputs  # noqa: E402
from marsad.ingest.clean import clean_record  # noqa: E402
from marsad.ingest.outlets import author_line, is_opinion  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.types import RawRecord  # noqa: E402


def score(pairs: list[tuple[bool, bool]]) -> dict:
    tp = sum(1 for gold, said in pairs if gold and said)
    fp = sum(1 for gold, said in pairs if not gold and said)
    fn = sum(1 for gold, said in pairs if gold and not said)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"articles": len(pairs), "opinion": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(100 * p, 1), "recall": round(100 * r, 1),
            "f1": round(200 * p * r / (p + r), 1) if p + r else 0.0,
            "accuracy": round(100 * sum(g == s for g, s in pairs) / len(pairs), 1)}


def main() -> int:
    if not GOLD.exists() or not ARCHIVE.exists():
        raise SystemExit(f"missing {GOLD if not GOLD.exists() else ARCHIVE}")
    gold = {row["url"]: row for row in map(json.loads, GOLD.read_text("utf-8").splitlines())}
    settings = Settings()
    systems: dict[str, list[tuple[bool, bool]]] = {"marsad": [], "url cues only": [],
                                                   "all news (floor)": []}
    errors: list[str] = []
    found = 0
    for record in read_inputs([ARCHIVE], settings):
        if not isinstance(record, RawRecord) or record.url not in gold:
            continue
        row = gold[record.url]
        if row["label"] not in ("opinion", "news"):
            continue
        found += 1
        truth = row["label"] == "opinion"
        try:
            doc = clean_record(record, settings)
            byline, place = doc.byline, doc.dateline or doc.metadata.get("agency")
        except Exception:                     # noqa: BLE001 - an article cleaning rejects
            byline, place = None, None
        said = is_opinion(record.url, author_line(byline, place), record.title)
        systems["marsad"].append((truth, said))
        systems["url cues only"].append((truth, is_opinion(record.url, None, None)))
        systems["all news (floor)"].append((truth, False))
        if said != truth:
            errors.append(f"{'FN' if truth else 'FP'} {record.url} | {record.title} | "
                          f"author {author_line(byline, place)!r} | {row.get('why', '')}")
    labelled = sum(1 for r in gold.values() if r["label"] in ("opinion", "news"))
    result = {"gold": str(GOLD.relative_to(PROJECT)), "day": DAY, "labelled": labelled,
              "found": found, "unsure": sum(1 for r in gold.values() if r["label"] == "unsure"),
              "systems": {name: score(pairs) for name, pairs in systems.items()},
              "errors": errors}
    print(f"{found} of {labelled} labelled articles found ({result['unsure']} unsure left out)")
    print(f"{'system':<18}{'P':>7}{'R':>7}{'F1':>7}{'acc':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for name, s in result["systems"].items():
        print(f"{name:<18}{s['precision']:>7}{s['recall']:>7}{s['f1']:>7}{s['accuracy']:>7}"
              f"{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")
    print("\n".join(errors))
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

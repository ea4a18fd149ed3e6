"""Events and stories of a whole day against labels nobody tuned on, in one ingest and in batches.

    .venv/bin/python benchmarks/events_day.py                   # dev half of 2015-07-23
    .venv/bin/python benchmarks/events_day.py --split test      # the frozen half: score ONCE

Gold: `benchmarks/gold/events_2015-07-23.jsonl` (all 1,318 articles of SaudiNewsNet 2015-07-23
labelled by a reader who never ran marsad; README there). Its `test` half is frozen: it is
scored once, at the end of the work on events and stories (issue 13); tune on `dev` only.

The whole day is ingested (every article, as a desk would) in two ways: one ingest, and in
batches of `--batch` articles, one ingest each (what `marsad watch` does with a folder filled file
by file); both are scored on the chosen half, pairwise first, with B-cubed and the all-singletons
floor beside them. Prints a table and writes benchmarks/results/events_day.json.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crash_watch import split_day  # noqa: E402
from grouping import bcubed, pairwise  # noqa: E402

from marsad.pipeline import ingest  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.store import Store  # noqa: E402

GOLD = ROOT / "benchmarks" / "gold" / "events_2015-07-23.jsonl"
RESULTS = ROOT / "benchmarks" / "results"


def partition(db: Path) -> tuple[dict[str, str], dict[str, str]]:
    """url -> event, url -> story of every stored article."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT d.url, d.event, e.story FROM documents d LEFT JOIN "
                                  "events e ON e.number = d.event").fetchall()
    return {u: f"e{e}" for u, e, _ in rows}, {u: f"s{s}" for u, _, s in rows}


def scores(pred: dict[str, str], gold: dict[str, str]) -> dict:
    found = {u: pred[u] for u in gold if u in pred}
    labels = {u: gold[u] for u in found}
    round4 = lambda d: {k: round(v, 4) for k, v in d.items()}  # noqa: E731
    return {"articles": len(found), "pairwise": round4(pairwise(found, labels)),
            "bcubed": round4(bcubed(found, labels))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    gold_rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    half = [r for r in gold_rows if r["split"] == args.split]
    gold = {"events": {r["url"]: r["event"] for r in half},
            "stories": {r["url"]: r["story"] for r in half}}
    result: dict = {"benchmark": "events_day", "gold": GOLD.name, "split": args.split,
                    "labelled": len(half), "batch": args.batch, "systems": {}}
    with tempfile.TemporaryDirectory(prefix="marsad-events-day-") as tmp:
        files = split_day("2015-07-23", Path(tmp) / "files", args.batch, None)
        one, many = Path(tmp) / "one.sqlite", Path(tmp) / "many.sqlite"
        started = time.perf_counter()
        with Store(one) as store:
            ingest(files, store, Settings(), search_index=False)
        one_s = time.perf_counter() - started
        started = time.perf_counter()
        with Store(many) as store:
            for path in files:
                ingest([path], store, Settings(), search_index=False)
        many_s = time.perf_counter() - started
        # how far the batches move the grouping: B-cubed of the batched run against one ingest,
        # over every article of the day
        result["batched_vs_one_ingest"] = {
            level: {k: round(v, 4) for k, v in bcubed(b, a).items()}
            for level, a, b in zip(("events", "stories"), partition(one), partition(many))}
        for name, db, seconds in (("one ingest", one, one_s),
                                  (f"{len(files)} ingests of {args.batch}", many, many_s)):
            events, stories = partition(db)
            result["systems"][name] = {"seconds": round(seconds, 1),
                                       "events": scores(events, gold["events"]),
                                       "stories": scores(stories, gold["stories"])}
    single = {u: u for u in gold["events"]}
    result["systems"]["all singletons (floor)"] = {
        "events": scores(single, gold["events"]), "stories": scores(single, gold["stories"])}
    print(f"2015-07-23, {args.split} half ({len(half)} labelled articles of the day's 1,318)")
    print(f"{'system':<26} {'ev pair P/R/F1':<22} {'ev B3 F1':>8}  {'st pair P/R/F1':<22} "
          f"{'st B3 F1':>8}")
    for name, row in result["systems"].items():
        e, s = row["events"], row["stories"]
        fmt = lambda m: f"{m['p']:.3f}/{m['r']:.3f}/{m['f1']:.3f}"  # noqa: E731
        print(f"{name:<26} {fmt(e['pairwise']):<22} {e['bcubed']['f1']:>8.3f}  "
              f"{fmt(s['pairwise']):<22} {s['bcubed']['f1']:>8.3f}")
    agreement = result["batched_vs_one_ingest"]
    print(f"batched against one ingest (all articles), B-cubed F1: events "
          f"{agreement['events']['f1']:.3f}, stories {agreement['stories']['f1']:.3f}")
    out = args.out or RESULTS / f"events_day_{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

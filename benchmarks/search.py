"""Search quality and speed (issue 10): marsad's search against BM25 baselines without its
analyser, in the same run.

Quality, on the judged query set of `benchmarks/gold/search_*.jsonl` (60 queries over the 3,942
articles of SaudiNewsNet 2015-08-01..03, written and judged without looking at any system's
output; grades 2/1/0): the three days are ingested into a store (real `marsad ingest`; the
articles it rejects as empty are missing for every system alike) and every system ranks the
same stored titles and texts (`search_systems.py`). Metrics per split (dev / test / all):
nDCG@10 (gain = grade, log2 discount, ideal from all judged articles), P@10 (grade >= 1),
Recall@100 (of the judged relevant articles), and how many top-10 hits are unjudged (counted
as not relevant). Variant recall (`search_variants.py`): for spelling groups fixed before any
run, query one spelling; recall in the first 100 of the articles that carry only the others.
Each system's top 10 per query go to `results/search_pool.jsonl` (query, system, rank, url) so
the unjudged ones can be judged later, blind.

Speed (`search_scale.py`): index build time and size and query latency p50/p95 at 31k articles
(a copy of the full store) and on a 1M-article synthetic index.

    .venv/bin/python benchmarks/search.py --split dev            # tuning: dev queries only
    .venv/bin/python benchmarks/search.py --split all --store31k /work/stores/full31k.sqlite
    .venv/bin/python benchmarks/search.py --quality-only --split dev --workdir /tmp/sb

Writes benchmarks/results/search.json (and search.txt, the printed table).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
MORE = SHARED / "data" / "saudinewsnet-more"
DAYS = ("2015-08-01", "2015-08-02", "2015-08-03")
GOLD = PROJECT / "benchmarks" / "gold"
RESULTS = PROJECT / "benchmarks" / "results"
K_PRECISION = 10
K_RECALL = 100

from search_systems import (Article, bm25s_ranker, fts5_ranker, light_ranker,  # noqa: E402
                            load_articles, marsad_ranker, tantivy_default_ranker)
from search_variants import targets  # noqa: E402


def build_eval_store(workdir: Path) -> Path:
    """The three judged days through the real `marsad ingest` (kept in workdir for re-runs)."""
    db = workdir / "3days.sqlite"
    if db.exists():
        return db
    days = workdir / "days"
    days.mkdir(parents=True, exist_ok=True)
    for day in DAYS:
        with zipfile.ZipFile(MORE / f"{day}.zip") as archive:
            archive.extractall(days)
    subprocess.run([sys.executable, "-m", "marsad.cli", "ingest",
                    *[str(days / f"{d}.json") for d in DAYS], "--db", str(db), "--quiet",
                    "--jobs", "2"], check=True, cwd=PROJECT)
    return db


def load_gold() -> tuple[list[dict], dict[str, dict[str, int]]]:
    queries = [json.loads(line) for line in
               (GOLD / "search_queries.jsonl").read_text(encoding="utf-8").splitlines() if line]
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (GOLD / "search_judgments.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            j = json.loads(line)
            grades[j["query_id"]][j["url"]] = int(j["grade"])
    return queries, grades


# --------------------------------------------------------------------------- metrics
def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum(grades.get(u, 0) / math.log2(i + 2) for i, u in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def scores(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    relevant = {u for u, g in grades.items() if g >= 1}
    top = ranked[:K_PRECISION]
    return {"ndcg@10": ndcg(ranked, grades),
            "p@10": sum(u in relevant for u in top) / K_PRECISION,
            "recall@100": (len(relevant & set(ranked[:K_RECALL])) / len(relevant)
                           if relevant else 0.0),
            "unjudged@10": float(sum(u not in grades for u in top))}


def evaluate(systems: dict, queries: list[dict], grades: dict[str, dict[str, int]],
             url_of: dict[str, str], splits: tuple[str, ...]) -> tuple[dict, list[dict], dict]:
    per_query: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    pool: list[dict] = []
    seconds: dict[str, list[float]] = defaultdict(list)
    chosen = [q for q in queries if q["split"] in splits]
    for name, rank in systems.items():
        for q in chosen:
            started = time.perf_counter()
            ids = rank(q["text"], K_RECALL)
            seconds[name].append(time.perf_counter() - started)
            urls = list(dict.fromkeys(url_of[i] for i in ids))
            per_query[name][q["id"]] = scores(urls, grades.get(q["id"], {}))
            pool += [{"query_id": q["id"], "system": name, "rank": r + 1, "url": u,
                      "judged": u in grades.get(q["id"], {})} for r, u in enumerate(urls[:10])]
    summary: dict = {}
    for name in systems:
        summary[name] = {}
        for split in splits + (("all",) if len(splits) > 1 else ()):
            ids = [q["id"] for q in chosen if split == "all" or q["split"] == split]
            summary[name][split] = {m: round(sum(per_query[name][i][m] for i in ids) / len(ids), 4)
                                    for m in ("ndcg@10", "p@10", "recall@100", "unjudged@10")}
            summary[name][split]["queries"] = len(ids)
        summary[name]["seconds_per_query_3days"] = round(
            sum(seconds[name]) / max(1, len(seconds[name])), 4)
    return summary, pool, per_query


def variant_recall(systems: dict, articles: list[Article]) -> dict:
    sets = [t for t in targets(articles) if t["only_others"]]
    out: dict = {"targets": [{"query": t["query"], "group": t["group"],
                              "with_query": t["with_query"], "only_others": len(t["only_others"])}
                             for t in sets], "systems": {}}
    for name, rank in systems.items():
        recalls = []
        for t in sets:
            found = set(rank(t["query"], K_RECALL))
            recalls.append(len(found & set(t["only_others"])) / len(t["only_others"]))
        out["systems"][name] = {"macro_recall": round(sum(recalls) / len(recalls), 4),
                                "per_query": [round(r, 3) for r in recalls]}
    return out


def table(summary: dict, variants: dict | None, splits: tuple[str, ...]) -> str:
    columns = list(splits) + (["all"] if len(splits) > 1 else [])
    lines = ["| system | " + " | ".join(f"{s} nDCG@10 | {s} P@10 | {s} R@100 | {s} unjudged@10"
                                         for s in columns) + " | variant recall |",
             "|---|" + "---|" * (4 * len(columns) + 1)]
    for name, row in summary.items():
        cells = []
        for s in columns:
            r = row[s]
            cells += [f"{r['ndcg@10']:.3f}", f"{r['p@10']:.3f}", f"{r['recall@100']:.3f}",
                      f"{r['unjudged@10']:.2f}"]
        vr = variants["systems"].get(name, {}).get("macro_recall") if variants else None
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {vr if vr is not None else '-'} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--workdir", type=Path, help="keeps the 3-day store and indexes")
    parser.add_argument("--store31k", type=Path, help="the 31k store (copied, never written)")
    parser.add_argument("--million", action="store_true", help="also the 1M synthetic index")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS / "search.json")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="marsad-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    splits = ("dev", "test") if args.split == "all" else (args.split,)

    db = build_eval_store(workdir)
    articles = load_articles(db)
    url_of = {a.id: a.url for a in articles}
    queries, grades = load_gold()
    build: dict[str, float] = {}

    def timed(name: str, make):
        started = time.perf_counter()
        ranker = make()
        build[name] = round(time.perf_counter() - started, 2)
        return ranker

    systems = {
        "marsad": timed("marsad", lambda: marsad_ranker(db)),
        "marsad-novariants": marsad_ranker(db, variants=False),
        "marsad-collapsed": marsad_ranker(db, collapse=True),
        "light-norm": timed("light-norm", lambda: _warm(light_ranker(db, workdir))),
        "tantivy-default": timed("tantivy-default",
                                 lambda: tantivy_default_ranker(articles, workdir)),
        "fts5-unicode61": timed("fts5-unicode61", lambda: fts5_ranker(articles, workdir)),
        "bm25s-default": timed("bm25s-default", lambda: bm25s_ranker(articles)),
    }
    summary, pool, per_query = evaluate(systems, queries, grades, url_of, splits)
    variants = variant_recall(systems, articles)
    result: dict = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "corpus": {"days": DAYS, "articles_stored": len(articles),
                   "queries": sum(q["split"] in splits for q in queries), "splits": splits},
        "quality": summary, "variant_recall": variants, "build_seconds_3days": build,
        "per_query": per_query,
    }
    printed = table(summary, variants, splits)
    if not args.quality_only:
        from search_scale import scale
        result["scale"] = scale(args.store31k, workdir, [q["text"] for q in queries],
                                million=args.million)
        printed += "\n\n" + scale_table(result["scale"])
    print(printed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".txt").write_text(printed + "\n", encoding="utf-8")
    with open(args.out.parent / "search_pool.jsonl", "w", encoding="utf-8") as handle:
        for row in pool:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def _warm(rank):
    rank("اختبار", 1)          # builds the light index (timed with the system)
    return rank


def scale_table(scale: dict) -> str:
    lines = ["| index | articles | build s | size MB | system | p50 ms | p95 ms | p95 / floor |",
             "|---|---|---|---|---|---|---|---|"]
    for point in scale.get("points", []):
        for name, lat in point["latency"].items():
            lines.append(f"| {point['name']} | {point['articles']:,} | {point.get('build_seconds', '-')}"
                         f" | {point.get('size_mb', '-')} | {name} | {lat['p50_ms']} |"
                         f" {lat['p95_ms']} | {lat.get('p95_ratio', '-')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

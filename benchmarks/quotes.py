"""Quotation benchmark: marsad's quotes and speakers against hand-annotated real articles.

Gold: `benchmarks/gold/quotes.jsonl`, one line per article of the SaudiNewsNet sample
(`../shared/data/saudinewsnet-sample`, CC BY-NC-SA: the articles are not copied here). Each line
names the article by `url` and the sha1 of its text *as marsad cleans it* (drift check), and lists
its quotations as character offsets into that text with kind, construction, cue, speaker words and
canonical speaker. Annotation guidelines: `benchmarks/gold/README.md` (section "Quotations").
About 20% of the articles (chosen by a hash of the url, not by content) are `heldout`: they were
not looked at while improving the extractor and are reported separately.

The pipeline is marsad's own: read -> clean -> sentences -> NER mentions -> find_quotes ->
link_entities (`pipeline.analyze_record` then `link_entities`), so NER misses count against us.

Scoring
- detection: a predicted quote matches a gold quote of the same article when their spans overlap
  by at least 50% of the longer span (one-to-one, best overlap first). 50% of the longer span is
  strict enough that a quote running two sentences past its end does not match, and loose enough
  that an annotator's choice of including "أنه" or a trailing aside does not decide the score.
- boundaries: among matches, exact (same start and end) and mean overlap ratio.
- kind: direct/indirect agreement among matches.
- speaker: among matches, the predicted speaker entity's name or aliases contain the gold
  speaker's key name (folded, spaces ignored); an anonymous gold speaker needs a null speaker; an
  unnamed but identified gold speaker ("والد الشهيد") accepts null or an entity with that key.
- end-to-end: a quote found AND attributed right; P over predictions, R over gold.
Baseline (same run): text inside quotation marks (three words or more), the nearest preceding
PER mention as speaker. Published anchor for finding quotations in Arabic: about 93% precision
and 88% recall (different data; for orientation only).

    .venv/bin/python benchmarks/quotes.py            # table + benchmarks/results/quotes.json
    .venv/bin/python benchmarks/quotes.py --errors   # also list misses and false alarms (dev)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
GOLD = PROJECT / "benchmarks" / "gold" / "quotes.jsonl"
RESULTS = PROJECT / "benchmarks" / "results" / "quotes.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"
ANCHOR = {"precision": 93.0, "recall": 88.0}
MIN_OVERLAP = 0.5

from marsad.arabic.normalize import fold
from marsad.errors import ModelError
from marsad.extract.linking import link_entities
from marsad.ingest import read_inputs
from marsad.pipeline import analyze_record
from marsad.settings import Settings
from marsad.types import DocumentAnalysis, Entity, Quote, RawRecord, Span


def _key(text: str) -> str:
    return fold(text).replace("\u0640", "").replace(" ", "")


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def analyse(gold: list[dict]) -> tuple[list[DocumentAnalysis], list[str]]:
    """Clean and analyse the gold articles with marsad's document stages (in gold order)."""
    wanted = {g["url"]: g for g in gold}
    records: dict[str, dict] = {}
    for day in sorted({g["date"] for g in gold}):
        for obj in json.loads((SAMPLE / f"{day}.json").read_text(encoding="utf-8")):
            if obj.get("url") in wanted:
                records[obj["url"]] = obj
    settings = Settings()
    analyses: dict[str, DocumentAnalysis] = {}
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold-articles.json"
        path.write_text(json.dumps([records[u] for u in wanted if u in records],
                                   ensure_ascii=False), encoding="utf-8")
        for record in read_inputs([path], settings):
            if not isinstance(record, RawRecord):
                problems.append(f"rejected: {record}")
                continue
            analysis = analyze_record(record, settings)
            analyses[record.url or ""] = analysis
    ordered = []
    for g in gold:
        analysis = analyses.get(g["url"])
        if analysis is None:
            problems.append(f"missing from the sample: {g['url']}")
        elif hashlib.sha1(analysis.document.text.encode()).hexdigest() != g["text_sha1"]:
            problems.append(f"cleaned text drifted (offsets invalid, skipped): {g['url']}")
        else:
            ordered.append(analysis)
    return ordered, problems


def baseline_quotes(analysis: DocumentAnalysis) -> tuple[Quote, ...]:
    """Naive: marked text of three words or more; the nearest preceding PER mention speaks."""
    text = analysis.document.text
    people = sorted((m for m in analysis.mentions if m.type == "PER"), key=lambda m: m.start)
    found = []
    for match in re.finditer(r"«([^«»\n]+)»|“([^“”\n]+)”|\"([^\"\n]+)\"", text):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        start, end = match.start(group), match.end(group)
        if len(text[start:end].split()) < 3:
            continue
        before = [m for m in people if m.end <= start]
        speaker = before[-1] if before else None
        found.append(Quote(f"{analysis.document.id}:B{len(found) + 1}", analysis.document.id,
                           start, end, text[start:end], "direct",
                           speaker.text if speaker else None, None, None,
                           Span(speaker.start, speaker.end) if speaker else None))
    return tuple(found)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(a[1] - a[0], b[1] - b[0], 1)


def _speaker_right(gold: dict, entity: Entity | None) -> bool:
    if gold["speaker"] is None:
        return entity is None
    if entity is None:
        return not gold["speaker_named"]
    key = _key(gold["speaker_key"])
    return any(key in _key(name) for name in (entity.name, *entity.aliases))


def score(gold: list[dict], predicted: dict[str, list[Quote]], entities: dict[str, Entity],
          errors: list[str] | None = None) -> dict:
    """Detection, boundary, kind, speaker and end-to-end figures over the given articles."""
    n_gold = n_pred = matched = exact = kind_ok = speaker_ok = 0
    overlaps: list[float] = []
    by_construction: dict[str, Counter] = defaultdict(Counter)
    for article in gold:
        quotes = predicted.get(article["url"], [])
        n_gold += len(article["quotes"])
        n_pred += len(quotes)
        pairs = sorted(((_overlap((g["start"], g["end"]), (q.start, q.end)), gi, qi)
                        for gi, g in enumerate(article["quotes"])
                        for qi, q in enumerate(quotes)), reverse=True)
        used_g: dict[int, int] = {}
        used_q: set[int] = set()
        for ratio, gi, qi in pairs:
            if ratio < MIN_OVERLAP:
                break
            if gi in used_g or qi in used_q:
                continue
            used_g[gi] = qi
            used_q.add(qi)
            overlaps.append(ratio)
        for gi, g in enumerate(article["quotes"]):
            row = by_construction[g["construction"]]
            row["gold"] += 1
            if gi not in used_g:
                if errors is not None:
                    errors.append(f"MISS {article['url'][-30:]} [{g['construction']}] "
                                  f"{g['cue']} … {g['head']} … {g['tail']}")
                continue
            q = quotes[used_g[gi]]
            matched += 1
            row["found"] += 1
            exact += (q.start, q.end) == (g["start"], g["end"])
            kind_ok += q.kind == g["kind"]
            entity = entities.get(q.speaker) if q.speaker else None
            right = _speaker_right(g, entity)
            speaker_ok += right
            row["attributed"] += right
            if errors is not None and not right:
                errors.append(f"SPKR {article['url'][-30:]} [{g['construction']}] {g['cue']} "
                              f"gold={g['speaker']} got={entity.name if entity else None} "
                              f"(text={q.speaker_text})")
        if errors is not None:
            for qi, q in enumerate(quotes):
                if qi not in used_q:
                    words = q.text.split()
                    errors.append(f"FALSE {article['url'][-30:]} {q.cue} … "
                                  f"{' '.join(words[:4])} … {' '.join(words[-3:])}")
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    ep = speaker_ok / n_pred if n_pred else 0.0
    er = speaker_ok / n_gold if n_gold else 0.0

    def pct(x: float) -> float:
        return round(100 * x, 1)

    return {
        "gold": n_gold, "predicted": n_pred, "matched": matched,
        "precision": pct(p), "recall": pct(r), "f1": pct(2 * p * r / (p + r) if p + r else 0),
        "exact_boundaries": pct(exact / matched if matched else 0),
        "mean_overlap": pct(sum(overlaps) / len(overlaps) if overlaps else 0),
        "kind_accuracy": pct(kind_ok / matched if matched else 0),
        "speaker_accuracy": pct(speaker_ok / matched if matched else 0),
        "e2e_precision": pct(ep), "e2e_recall": pct(er),
        "e2e_f1": pct(2 * ep * er / (ep + er) if ep + er else 0),
        "by_construction": {c: {"gold": v["gold"], "recall": pct(v["found"] / v["gold"]),
                                "attributed": pct(v["attributed"] / v["gold"])}
                            for c, v in sorted(by_construction.items())},
    }


def _link(analyses: list[DocumentAnalysis]) -> tuple[dict[str, list[Quote]], dict[str, Entity]]:
    entities, quotes = link_entities(analyses)
    by_doc: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_doc[quote.doc].append(quote)
    urls = {a.document.id: a.document.path or "" for a in analyses}
    return ({urls[d]: q for d, q in by_doc.items()}, {e.id: e for e in entities})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list dev-set errors of marsad")
    args = parser.parse_args()
    if not SAMPLE.is_dir():
        print(f"SKIPPED: {SAMPLE} is absent (set MARSAD_SHARED to the shared folder); "
              "the quotation gold points into that sample and cannot be scored without it.")
        return 0
    started = time.perf_counter()
    gold = load_gold()
    try:
        analyses, problems = analyse(gold)
    except ModelError as exc:   # the NER model is part of the measured pipeline: no fallback
        print(f"CANNOT RUN: {exc}")
        return 2
    for problem in problems:
        print("WARNING:", problem)
    kept = {a.document.path for a in analyses}
    gold = [g for g in gold if g["url"] in kept]
    ours, entities = _link(analyses)
    base_analyses = [replace(a, quotes=baseline_quotes(a)) for a in analyses]
    theirs, base_entities = _link(base_analyses)
    errors: list[str] = []
    results: dict = {"gold_file": str(GOLD.relative_to(PROJECT)), "anchor_published": ANCHOR,
                     "min_overlap": MIN_OVERLAP, "articles": {}, "marsad": {}, "baseline": {},
                     "problems": problems}
    for split in ("dev", "heldout", "all"):
        part = [g for g in gold if split == "all" or g["split"] == split]
        results["articles"][split] = len(part)
        results["marsad"][split] = score(part, ours, entities,
                                         errors if split == "dev" and args.errors else None)
        results["baseline"][split] = score(part, theirs, base_entities)
    results["seconds"] = round(time.perf_counter() - started, 1)

    columns = [("precision", "P"), ("recall", "R"), ("f1", "F1"), ("exact_boundaries", "exact"),
               ("mean_overlap", "ovl"), ("kind_accuracy", "kind"),
               ("speaker_accuracy", "spkr"), ("e2e_f1", "e2e F1")]
    print(f"{'system':<10}{'split':<9}{'gold':>5}{'pred':>5}"
          + "".join(f"{label:>8}" for _, label in columns))
    for system in ("marsad", "baseline"):
        for split in ("dev", "heldout", "all"):
            row = results[system][split]
            print(f"{system:<10}{split:<9}{row['gold']:>5}{row['predicted']:>5}"
                  + "".join(f"{row[key]:>8.1f}" for key, _ in columns))
    print(f"anchor (published, other data): P {ANCHOR['precision']} R {ANCHOR['recall']}")
    print("\nmarsad, all articles, by construction: recall / attributed right")
    for construction, row in results["marsad"]["all"]["by_construction"].items():
        base = results["baseline"]["all"]["by_construction"][construction]
        print(f"  {construction:<11}{row['gold']:>4}  marsad {row['recall']:>5.1f} / "
              f"{row['attributed']:>5.1f}   baseline {base['recall']:>5.1f} / "
              f"{base['attributed']:>5.1f}")
    for line in errors:
        print(line)
    print(f"\n{len(gold)} articles in {results['seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

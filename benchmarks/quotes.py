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
MORE = SHARED / "data" / "saudinewsnet-more"
ANCHOR = {"precision": 93.0, "recall": 88.0}
MIN_OVERLAP = 0.5

from _quotes_more import MORE_GOLD, load_more_gold, map_article, raw_records  # noqa: E402

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


def _analyse_records(records: list[dict], settings: Settings
                     ) -> tuple[dict[str, DocumentAnalysis], list[str]]:
    """url -> marsad's document analysis of each day-file record (through a temporary file:
    the reader, cleaner and stages are exactly those of `marsad analyze`)."""
    analyses: dict[str, DocumentAnalysis] = {}
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold-articles.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        for record in read_inputs([path], settings):
            if not isinstance(record, RawRecord):
                problems.append(f"rejected: {record}")
                continue
            analyses[record.url or ""] = analyze_record(record, settings)
    return analyses, problems


def analyse(gold: list[dict]) -> tuple[list[DocumentAnalysis], list[str]]:
    """Clean and analyse the old gold's articles with marsad's document stages (gold order)."""
    wanted = {g["url"]: g for g in gold}
    records: dict[str, dict] = {}
    for day in sorted({g["date"] for g in gold}):
        for obj in json.loads((SAMPLE / f"{day}.json").read_text(encoding="utf-8")):
            if obj.get("url") in wanted:
                records[obj["url"]] = obj
    analyses, problems = _analyse_records([records[u] for u in wanted if u in records],
                                          Settings())
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


def analyse_more(gold: list[dict]) -> tuple[list[DocumentAnalysis], list[dict], list[str],
                                             Counter]:
    """The independent gold's articles analysed, its spans mapped into the cleaned text
    (`_quotes_more`), and how each span was mapped (or why not)."""
    records, problems = raw_records(gold, MORE)
    analyses, rejected = _analyse_records(list(records.values()), Settings())
    problems += rejected
    outcomes: Counter = Counter()
    kept_analyses, kept_gold = [], []
    for g in gold:
        analysis = analyses.get(g["url"])
        if analysis is None:
            outcomes["article not analysed"] += len(g["quotes"])
            continue
        kept_gold.append(map_article(g, records[g["url"]]["content"], analysis.document.text,
                                     outcomes))
        kept_analyses.append(analysis)
    return kept_analyses, kept_gold, problems, outcomes


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


def _floor_quotes(analysis: DocumentAnalysis) -> tuple[Quote, ...]:
    """marsad's own quotes with a trivial speaker: the nearest person mention before the quote
    (the speaker floor: what any speaker rule must beat on the same detections)."""
    people = sorted((m for m in analysis.mentions if m.type == "PER"), key=lambda m: m.start)
    out = []
    for quote in analysis.quotes:
        before = [m for m in people if m.end <= quote.start]
        near = before[-1] if before else None
        out.append(replace(quote, speaker_text=near.text if near else None,
                           speaker_mention=Span(near.start, near.end) if near else None))
    return tuple(out)


def _match(article: dict, quotes: list[Quote]) -> tuple[dict[int, int], list[float]]:
    """Gold index -> predicted index, one-to-one, best overlap first (>= MIN_OVERLAP)."""
    pairs = sorted(((_overlap((g["start"], g["end"]), (q.start, q.end)), gi, qi)
                    for gi, g in enumerate(article["quotes"])
                    for qi, q in enumerate(quotes)), reverse=True)
    used_g: dict[int, int] = {}
    used_q: set[int] = set()
    overlaps = []
    for ratio, gi, qi in pairs:
        if ratio < MIN_OVERLAP:
            break
        if gi in used_g or qi in used_q:
            continue
        used_g[gi] = qi
        used_q.add(qi)
        overlaps.append(ratio)
    return used_g, overlaps


def score(gold: list[dict], predicted: dict[str, list[Quote]], entities: dict[str, Entity],
          errors: list[str] | None = None) -> dict:
    """Detection, boundary, kind, speaker and end-to-end figures over the given articles.

    `speaker_right` is issue 12's measure: of all gold statements with a named or titled
    speaker (gold `speaker` not null: a named person or body, or an identified unnamed one such
    as "السلطات التركية"), the share that is found AND attributed right (`_speaker_right`).
    `speaker_right_named` is the same over named speakers only (`speaker_named`), and
    `anonymous_right` the share of anonymous statements found with no speaker."""
    n_gold = n_pred = matched = exact = kind_ok = speaker_ok = 0
    voiced = voiced_ok = named = named_ok = anonymous = anonymous_ok = 0
    overlaps: list[float] = []
    by_construction: dict[str, Counter] = defaultdict(Counter)
    for article in gold:
        quotes = predicted.get(article["url"], [])
        n_gold += len(article["quotes"])
        n_pred += len(quotes)
        used_g, ratios = _match(article, quotes)
        overlaps += ratios
        for gi, g in enumerate(article["quotes"]):
            row = by_construction[g["construction"]]
            row["gold"] += 1
            has_speaker = g["speaker"] is not None
            voiced += has_speaker
            named += bool(g["speaker_named"])
            anonymous += not has_speaker
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
            voiced_ok += right and has_speaker
            named_ok += right and bool(g["speaker_named"])
            anonymous_ok += right and not has_speaker
            if errors is not None and not right:
                errors.append(f"SPKR {article['url'][-30:]} [{g['construction']}] {g['cue']} "
                              f"gold={g['speaker']} got={entity.name if entity else None} "
                              f"(text={q.speaker_text})")
        if errors is not None:
            for qi, q in enumerate(quotes):
                if qi not in used_g.values():
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
        "with_speaker": voiced, "speaker_right_count": voiced_ok,
        "speaker_right": pct(voiced_ok / voiced if voiced else 0),
        "speaker_right_named": pct(named_ok / named if named else 0),
        "anonymous_right": pct(anonymous_ok / anonymous if anonymous else 0),
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


_COLUMNS = [("precision", "P"), ("recall", "R"), ("f1", "F1"), ("exact_boundaries", "exact"),
            ("mean_overlap", "ovl"), ("kind_accuracy", "kind"), ("speaker_accuracy", "spk|fnd"),
            ("speaker_right", "spkRight"), ("speaker_right_named", "named"),
            ("anonymous_right", "anon"), ("e2e_f1", "e2eF1")]


def _systems(analyses: list[DocumentAnalysis]) -> dict[str, tuple[dict, dict]]:
    """marsad, the marks baseline, and marsad's quotes with the nearest-person speaker floor."""
    return {"marsad": _link(analyses),
            "baseline": _link([replace(a, quotes=baseline_quotes(a)) for a in analyses]),
            "floor_nearest_per": _link([replace(a, quotes=_floor_quotes(a)) for a in analyses])}


def _print_rows(title: str, results: dict, splits: list[str]) -> None:
    print(f"\n{title}")
    print(f"{'system':<18}{'split':<9}{'gold':>5}{'pred':>5}"
          + "".join(f"{label:>9}" for _, label in _COLUMNS))
    for system in ("marsad", "baseline", "floor_nearest_per"):
        for split in splits:
            row = results[system][split]
            print(f"{system:<18}{split:<9}{row['gold']:>5}{row['predicted']:>5}"
                  + "".join(f"{row[key]:>9.1f}" for key, _ in _COLUMNS))


def _print_constructions(title: str, results: dict, split: str) -> None:
    print(f"\n{title}: found / attributed right (%), marsad | speaker floor | marks baseline")
    ours = results["marsad"][split]["by_construction"]
    for construction, row in ours.items():
        floor = results["floor_nearest_per"][split]["by_construction"][construction]
        base = results["baseline"][split]["by_construction"][construction]
        print(f"  {construction:<11}{row['gold']:>4}  {row['recall']:>5.1f} / "
              f"{row['attributed']:>5.1f}  | {floor['attributed']:>5.1f}  | "
              f"{base['recall']:>5.1f} / {base['attributed']:>5.1f}")


def _score_set(gold: list[dict], systems: dict[str, tuple[dict, dict]], splits: list[str],
               errors: list[str] | None) -> dict:
    results: dict = {"articles": {}, "marsad": {}, "baseline": {}, "floor_nearest_per": {}}
    for split in splits:
        part = [g for g in gold if split == "all" or g["split"] == split]
        results["articles"][split] = len(part)
        for name, (quotes, entities) in systems.items():
            results[name][split] = score(part, quotes, entities,
                                         errors if split == "dev" and name == "marsad" else None)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true",
                        help="list marsad's errors on the dev halves (never the test halves)")
    parser.add_argument("--score-test", action="store_true",
                        help="also score the frozen test half of quotes_more (once, at the end)")
    args = parser.parse_args()
    if not SAMPLE.is_dir() or not MORE.is_dir():
        print(f"SKIPPED: {SAMPLE} or {MORE} is absent (set MARSAD_SHARED to the shared folder); "
              "the quotation gold points into those articles and cannot be scored without them.")
        return 0
    started = time.perf_counter()
    try:
        old_analyses, problems = analyse(load_gold())
        more_analyses, more_gold, more_problems, mapped = analyse_more(load_more_gold())
    except ModelError as exc:   # the NER model is part of the measured pipeline: no fallback
        print(f"CANNOT RUN: {exc}")
        return 2
    problems += more_problems
    for problem in problems:
        print("WARNING:", problem)
    kept = {a.document.path for a in old_analyses}
    old_gold = [g for g in load_gold() if g["url"] in kept]
    old_errors: list[str] = []
    more_errors: list[str] = []
    more_splits = ["dev", "test"] if args.score_test else ["dev"]
    results: dict = {
        "gold_files": [str(GOLD.relative_to(PROJECT)), str(MORE_GOLD.relative_to(PROJECT))],
        "anchor_published": ANCHOR, "min_overlap": MIN_OVERLAP, "problems": problems,
        "speaker_right_rule": score.__doc__.split("\n\n")[1].strip() if score.__doc__ else "",
        "old": _score_set(old_gold, _systems(old_analyses), ["dev", "heldout", "all"],
                          old_errors if args.errors else None),
        "more_mapping": dict(mapped),
        "more": _score_set(more_gold, _systems(more_analyses), more_splits,
                           more_errors if args.errors else None),
        "test_scored": args.score_test,
    }
    results["seconds"] = round(time.perf_counter() - started, 1)

    _print_rows("old gold (quotes.jsonl: dev tuned on, heldout not looked at)", results["old"],
                ["dev", "heldout", "all"])
    _print_rows("independent gold (quotes_more.jsonl)"
                + ("" if args.score_test else ": dev only; the frozen test half needs "
                   "--score-test"), results["more"], more_splits)
    print(f"anchor (published, other data): P {ANCHOR['precision']} R {ANCHOR['recall']}")
    print("spkRight = of gold statements with a named or titled speaker, found and attributed "
          "right (issue 12); spk|fnd = right among found quotes")
    print("quotes_more spans mapped into the cleaned text: "
          + ", ".join(f"{k} {v}" for k, v in mapped.most_common()))
    _print_constructions("old gold, all articles, by construction", results["old"], "all")
    for split in more_splits:
        _print_constructions(f"quotes_more {split}, by construction", results["more"], split)
    for line in old_errors:
        print("old", line)
    for line in more_errors:
        print("more", line)
    print(f"\n{len(old_gold)} + {len(more_gold)} articles in {results['seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Multi-document summaries: a leave-one-outlet-out proxy on SaudiNewsNet, and speed.

There is no public Arabic multi-document gold, so this is a proxy, stated plainly:

- Articles: SaudiNewsNet sample days (shared/data/saudinewsnet-sample), cleaned and split by
  marsad, quantities found (no NER: the proxy must not depend on the entity model), grouped by
  marsad's own near-duplicate index and event grouping.
- Events with >= 3 independent outlets. For each such event and each of its outlets in turn
  (at most `--per-event` of them), the *held-out* outlet's earliest article is removed together
  with every copy of it (and every article it copies), and the rest is summarised.
- Reference: the held-out article's lead (its first 2 sentences): what another newsroom judged
  to be the news. A summary that recovers it from the other outlets' reporting is on target.
- Systems, all with 2 sentences from the same pooled sentences: marsad's event summary, Lead of
  the earliest remaining article, sumy LexRank over the pooled sentences (our tokens and stems),
  Random. ROUGE-1/2/L F1 with the Arabic tokenisation of summaries.py.
- Also: redundancy (max pairwise stem tf-idf cosine between a summary's sentences; lower is
  better) and independent outlets cited per summary (marsad cites every article that says the
  same thing; a baseline "cites" the outlets its sentences come from).

marsad's event knob, `CONSENSUS` (how much agreement with the other outlets' leads counts), is
chosen by 5-fold cross-validation over events: each fold takes the weight with the best mean R-2
on the other folds' held-out articles (all held-out articles of an event stay in one fold) and
is scored with it; the "marsad (CV)" row is that figure, averaged over 10 fold shuffles. For
comparison, "marsad (before: earliness, CV)" cross-validates the knob it replaced, `earliness`
(how much an earlier article's lead is preferred), the same way with consensus 0, and
"marsad (neither)" is the scoring with both at 0. `--skip 2 --days 3` runs the proxy on the
three sample days not used when the knob was designed (a fresh check). "marsad - Lead" is the
mean paired difference in R-2 per held-out article with its standard error: with a few dozen
held-out articles, a point or two is noise.

Limits: the held-out lead is one outlet's view, so absolute scores are low and only the
comparison between systems means something; grouping errors add noise for every system alike.

Speed: a 50-article event (the largest events of the sample, topped up with other articles of
the same day) summarised by marsad and by sumy LexRank on the same sentences, one core.

    .venv/bin/python benchmarks/summaries_multidoc.py [--days N] [--skip N] [--per-event N]

Prints tables and writes benchmarks/results/summaries_multidoc.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from summaries import SHARED, rouge, sumy_ranker  # noqa: E402

from marsad.arabic.sentences import split_sentences  # noqa: E402
from marsad.explain.summaries import summarize_event  # noqa: E402
from marsad.extract.quantities import find_quantities  # noqa: E402
from marsad.group import features  # noqa: E402
from marsad.group.duplicates import DuplicateIndex  # noqa: E402
from marsad.group.events import document_outlet, group_events  # noqa: E402
from marsad.ingest import read_inputs  # noqa: E402
from marsad.ingest.clean import clean_record  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.types import DocumentAnalysis, Event, RawRecord, Span  # noqa: E402

RESULTS = HERE / "results" / "summaries_multidoc.json"
N_SENTENCES = 2
CONSENSUS_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
EARLINESS_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)        # the knob consensus replaced
NEW = tuple((0.0, c) for c in CONSENSUS_GRID)            # (earliness, consensus)
BEFORE = tuple((e, 0.0) for e in EARLINESS_GRID)
WEIGHTS = tuple(dict.fromkeys(NEW + BEFORE))
FOLDS, SHUFFLES = 5, 10


def load(days: int, settings: Settings, skip: int = 0) -> list[DocumentAnalysis]:
    files = sorted((SHARED / "data" / "saudinewsnet-sample").glob("*.json"))[skip:skip + days]
    out: list[DocumentAnalysis] = []
    index = DuplicateIndex(settings.duplicate_threshold)
    for record in read_inputs(files, settings):
        if not isinstance(record, RawRecord):
            continue
        try:
            document = clean_record(record, settings)
        except Exception:  # noqa: BLE001 - a rejected article is simply not in the proxy
            continue
        document = replace(document, sentences=tuple(split_sentences(document.text)))
        document = replace(document, duplicate_of=index.add(document.id, document.text))
        out.append(DocumentAnalysis(document, quantities=tuple(find_quantities(document))))
    return out


def _text(analysis: DocumentAnalysis, spans: Sequence[Span]) -> str:
    return " ".join(analysis.document.text[s.start:s.end] for s in spans)


def redundancy(texts: Sequence[str], idf: features.Idf) -> float:
    vectors = [features.tfidf(features.term_counts(t), idf) for t in texts]
    pairs = [features.dot(a, b) for i, a in enumerate(vectors) for b in vectors[i + 1:]]
    return max(pairs) if pairs else 0.0


def pooled(analyses: Sequence[DocumentAnalysis]) -> tuple[str, list[Span], list[str]]:
    """All sentences of the articles as one text (for sumy), with each sentence's outlet."""
    parts, spans, outlets, position = [], [], [], 0
    for a in analyses:
        for s in a.document.sentences:
            piece = a.document.text[s.start:s.end]
            parts.append(piece)
            spans.append(Span(position, position + len(piece)))
            outlets.append(document_outlet(a) or a.document.id)
            position += len(piece) + 1
    return "\n".join(parts), spans, outlets


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=2, help="sample days to read (1-5)")
    parser.add_argument("--skip", type=int, default=0, help="sample days to skip first")
    parser.add_argument("--per-event", type=int, default=3, help="held-out outlets per event")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    settings = Settings(summary_sentences=N_SENTENCES, summary_words=0)
    started = time.perf_counter()
    analyses = load(args.days, settings, args.skip)
    by_id = {a.document.id: a for a in analyses}
    duplicate_of = {a.document.id: a.document.duplicate_of for a in analyses}
    events, _ = group_events(analyses, duplicate_of, settings)
    print(f"{len(analyses)} articles, {len(events)} events in {time.perf_counter() - started:.1f} s")
    lexrank = sumy_ranker("LexRank")
    rng = random.Random(0)
    totals = {name: Counter() for name in ("marsad", "Lead (earliest)", "LexRank", "Random")}
    cases = 0
    by_weight: dict[tuple[float, float], list[dict[str, float]]] = {w: [] for w in WEIGHTS}
    differences: list[float] = []        # marsad - Lead (earliest), R-2 per held-out article
    case_events: list[str] = []
    multi = [e for e in events if len(e.sources) >= 3]
    for event in multi:
        members = [by_id[d] for d in event.documents]
        originals = [a for a in members if a.document.duplicate_of is None]
        firsts: dict[str, DocumentAnalysis] = {}
        for a in sorted(originals, key=lambda a: a.document.published or ""):
            firsts.setdefault(document_outlet(a) or a.document.id, a)
        for outlet, held in list(firsts.items())[:args.per_event]:
            if len(held.document.sentences) < 3:
                continue
            gone = {held.document.id, held.document.duplicate_of}
            rest = [a for a in members if a.document.id not in gone
                    and a.document.duplicate_of not in gone]
            if len({document_outlet(a) for a in rest}) < 2:
                continue
            reference = _text(held, held.document.sentences[:N_SENTENCES])
            rest_by_id = {a.document.id: a for a in rest}
            sub = Event(event.id, event.title, tuple(rest_by_id), (), None)
            for earliness, consensus in WEIGHTS:
                other = summarize_event(sub, rest_by_id, settings, earliness=earliness,
                                        consensus=consensus)
                by_weight[earliness, consensus].append(
                    rouge(" ".join(s.text for s in other.sentences), [reference]))
            case_events.append(event.id)
            summary = summarize_event(sub, rest_by_id, settings)
            texts = {"marsad": [s.text for s in summary.sentences]}
            cited = {"marsad": len({document_outlet(rest_by_id[c.doc]) or c.doc
                                    for s in summary.sentences for c in s.citations})}
            earliest = min(rest, key=lambda a: (a.document.published or "~"))
            texts["Lead (earliest)"] = [earliest.document.text[s.start:s.end]
                                        for s in earliest.document.sentences[:N_SENTENCES]]
            cited["Lead (earliest)"] = 1
            text, spans, outlets = pooled(rest)
            order = sorted(lexrank(text, spans)[:N_SENTENCES])
            texts["LexRank"] = [text[spans[i].start:spans[i].end] for i in order]
            cited["LexRank"] = len({outlets[i] for i in order})
            chosen = rng.sample(range(len(spans)), min(N_SENTENCES, len(spans)))
            texts["Random"] = [text[spans[i].start:spans[i].end] for i in chosen]
            cited["Random"] = len({outlets[i] for i in chosen})
            idf = features.Idf.fit(features.terms(text[s.start:s.end]) for s in spans)
            r2 = {}
            for name, sentences in texts.items():
                scores = rouge(" ".join(sentences), [reference])
                r2[name] = scores["R2_F"]
                totals[name].update({k: scores[k] for k in ("R1_F", "R2_F", "RL_F")})
                totals[name]["redundancy"] += redundancy(sentences, idf)
                totals[name]["outlets_cited"] += cited[name]
            differences.append(r2["marsad"] - r2["Lead (earliest)"])
            cases += 1
    results = {name: {k: round(v / max(cases, 1), 3 if k == "outlets_cited" else 2)
                      for k, v in sorted(total.items())} for name, total in totals.items()}
    cv, picks = cross_validate(by_weight, case_events, NEW)
    results["marsad (CV)"] = cv
    results["marsad (before: earliness, CV)"], _ = cross_validate(by_weight, case_events, BEFORE)
    results["marsad (neither)"] = mean_scores(by_weight[0.0, 0.0])
    gap = {"mean": round(statistics.fmean(differences), 2) if differences else 0.0,
           "standard_error": round(statistics.stdev(differences) / len(differences) ** 0.5, 2)
           if len(differences) > 1 else 0.0}
    print(f"Leave-one-outlet-out proxy: {len(multi)} events with >= 3 outlets, {cases} held-out "
          f"articles; reference = held-out lead ({N_SENTENCES} sentences)")
    print(f"{'system':<31}{'R-1 F':>7}{'R-2 F':>7}{'R-L F':>7}{'redund.':>9}{'outlets':>9}")
    for name, r in results.items():
        extra = (f"{r['redundancy']:>9.3f}{r['outlets_cited']:>9.2f}" if "redundancy" in r
                 else "")
        print(f"{name:<31}{r['R1_F']:>7.1f}{r['R2_F']:>7.1f}{r['RL_F']:>7.1f}{extra}")
    print(f"marsad - Lead (earliest), R-2 per held-out article: {gap['mean']:+.2f} "
          f"(standard error {gap['standard_error']:.2f})")
    print(f"consensus chosen per fold (first shuffle): {[c for _, c in picks[0]]}; R-2 on all "
          f"(for reading, not for choosing): by consensus "
          f"{ {c: mean_scores(by_weight[e, c])['R2_F'] for e, c in NEW} }; before, by "
          f"earliness { {e: mean_scores(by_weight[e, c])['R2_F'] for e, c in BEFORE} }")
    speed = speed_test(analyses, events, settings)
    print(f"\nSpeed, {speed['articles']} articles / {speed['sentences']} sentences, one core "
          f"(median of {speed['runs']} runs): marsad {speed['marsad_ms']:.0f} ms, "
          f"sumy LexRank {speed['lexrank_ms']:.0f} ms")
    payload = {"benchmark": "saudinewsnet-leave-one-outlet-out", "days": args.days,
               "skip_days": args.skip, "consensus_grid": list(CONSENSUS_GRID),
               "consensus_cv_picks": [[c for _, c in fold] for fold in picks],
               "r2_by_consensus": {str(c): mean_scores(by_weight[e, c])["R2_F"] for e, c in NEW},
               "before_earliness_grid": list(EARLINESS_GRID),
               "before_r2_by_earliness": {str(e): mean_scores(by_weight[e, c])["R2_F"]
                                          for e, c in BEFORE},
               "marsad_minus_lead_r2": gap,
               "events_with_3_outlets": len(multi), "held_out_articles": cases,
               "summary_sentences": N_SENTENCES, "systems": results, "speed_50_articles": speed}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return payload


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(r[k] for r in rows) / max(len(rows), 1), 2)
            for k in ("R1_F", "R2_F", "RL_F")}


def cross_validate(by_weight: dict[tuple[float, float], list[dict[str, float]]],
                   case_events: Sequence[str], grid: Sequence[tuple[float, float]]
                   ) -> tuple[dict[str, float], list[list[tuple[float, float]]]]:
    """Held-out-fold scores of the (earliness, consensus) weights in `grid` picked on the other
    folds (by mean R-2; ties go to the smaller weights), folds over events, averaged over
    `SHUFFLES` seeded fold assignments."""
    totals: Counter = Counter()
    picks: list[list[tuple[float, float]]] = []
    events = sorted(set(case_events))
    for seed in range(SHUFFLES):
        shuffled = list(events)
        random.Random(seed).shuffle(shuffled)
        fold = {e: i % FOLDS for i, e in enumerate(shuffled)}
        chosen = []
        for f in range(FOLDS):
            train = [i for i, e in enumerate(case_events) if fold[e] != f]
            test = [i for i, e in enumerate(case_events) if fold[e] == f]
            if not test:
                continue
            best = max(grid, key=lambda w: (
                sum(by_weight[w][i]["R2_F"] for i in train), -sum(w)))
            chosen.append(best)
            for i in test:
                totals.update({k: by_weight[best][i][k] for k in ("R1_F", "R2_F", "RL_F")})
        picks.append(chosen)
    n = max(len(case_events) * SHUFFLES, 1)
    return {k: round(v / n, 2) for k, v in sorted(totals.items())}, picks


def speed_test(analyses: Sequence[DocumentAnalysis], events: Sequence[Event],
               settings: Settings, size: int = 50, runs: int = 5) -> dict:
    ordered = sorted(events, key=lambda e: -len(e.documents))
    docs: list[str] = []
    for event in ordered:
        docs += [d for d in event.documents if d not in docs][:size - len(docs)]
        if len(docs) >= size:
            break
    by_id = {a.document.id: a for a in analyses}
    event = Event("SPEED", "speed", tuple(docs), (), None)
    marsad_times, lexrank_times = [], []
    text, spans, _ = pooled([by_id[d] for d in docs])
    lexrank = sumy_ranker("LexRank")
    for _ in range(runs):
        begun = time.perf_counter()
        summarize_event(event, by_id, Settings(summary_sentences=5))
        marsad_times.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        lexrank(text, spans)[:5]
        lexrank_times.append(time.perf_counter() - begun)
    return {"articles": len(docs), "sentences": len(spans), "runs": runs,
            "marsad_ms": round(1000 * statistics.median(marsad_times), 1),
            "lexrank_ms": round(1000 * statistics.median(lexrank_times), 1)}


if __name__ == "__main__":
    main()

"""Grouping benchmark: events and stories against hand labels, speed, order dependence, copies.

Gold: `benchmarks/gold/events_2015-08-08.jsonl` (guidelines in `benchmarks/gold/README.md`,
section "Events and stories"): 652 articles of SaudiNewsNet 2015-08-08 (two random quarters chosen
by a hash of the url, not by marsad's output), each with an event and a story label and a
`dev`/`heldout` split.

What it measures
1. Quality: marsad's `DuplicateIndex` + `group_events` run over the *whole day* (all articles, so
   the setting is realistic) and scored on the labelled articles only: B-cubed and pairwise
   precision/recall/F1 for events and for stories, on dev, held-out and all labels. Side by side:
   a plain TF-IDF single-link clustering (word unigrams of the folded title + text, cosine,
   connected components at a threshold) whose two thresholds (events, stories) are tuned on the
   *dev* labels only; the "tuned on all" row repeats the issue's anchor (tuned on the test day).
2. Speed on all 7,483 articles of the 5-day sample: the grouping stages (copies, events,
   stories) in batch mode and incremental mode (a real store fed day by day, as `marsad ingest`
   does: only the day's new articles are compared with the stored copies and open events),
   articles/s and peak RSS above the loaded analyses, each in a fresh process; and the quality
   of both modes on the labelled day when it is one of the five days fed.
   The per-article document stages (cleaning, NER...) are not grouping: their time is reported
   only when the analyses were computed in this run.
3. Order dependence: the day's input order shuffled with 3 seeds; B-cubed F1 between the
   resulting partitions (all articles of the day) and each one's F1 against the labels.
4. Near-duplicates: marsad's DuplicateIndex vs datasketch MinHashLSH used directly (same folded
   word 5-shingles, same 128 permutations, same threshold 0.7 on estimated Jaccard): time, pairs,
   agreement of the resulting copy clusters.

    .venv/bin/python benchmarks/grouping.py                 # from scratch (document stages too)
    .venv/bin/python benchmarks/grouping.py --cache /tmp/x  # reuse/keep per-day analyses pickles
    .venv/bin/python benchmarks/grouping.py --errors        # also list dev errors
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import pickle
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
GOLD = PROJECT / "benchmarks" / "gold" / "events_2015-08-08.jsonl"
RESULTS = PROJECT / "benchmarks" / "results" / "grouping.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"
DAYS = ("2015-08-07", "2015-08-08", "2015-08-09", "2015-08-10", "2015-08-11")
LABELLED_DAY = "2015-08-08"
ANCHOR = {"tfidf_single_link_events_b3_f1": 0.91, "tfidf_single_link_stories_b3_f1": 0.69,
          "goal_events": 0.96, "goal_stories": 0.85}

from marsad.arabic.normalize import fold  # noqa: E402
from marsad.group.duplicates import DuplicateIndex  # noqa: E402
from marsad.group.events import group_events, place_articles, tracked_events  # noqa: E402
from marsad.group.stories import group_stories  # noqa: E402
from marsad.group.story_tracker import StoryTracker, story_to_json, update_stories  # noqa: E402
from marsad.group.tracker import EventTracker  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.types import DocumentAnalysis  # noqa: E402

Partition = Mapping[str, str]     # item -> cluster label


# ---------------------------------------------------------------- metrics
def bcubed(pred: Partition, gold: Partition) -> dict[str, float]:
    """B-cubed precision/recall/F1 over the items both partitions label."""
    items = [i for i in gold if i in pred]
    if not items:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    by_pred: dict[str, list[str]] = defaultdict(list)
    by_gold: dict[str, list[str]] = defaultdict(list)
    for i in items:
        by_pred[pred[i]].append(i)
        by_gold[gold[i]].append(i)
    pair = Counter((pred[i], gold[i]) for i in items)
    p = sum(pair[(pred[i], gold[i])] / len(by_pred[pred[i]]) for i in items) / len(items)
    r = sum(pair[(pred[i], gold[i])] / len(by_gold[gold[i]]) for i in items) / len(items)
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def pairwise(pred: Partition, gold: Partition) -> dict[str, float]:
    """Precision/recall/F1 over unordered pairs put together (1.0 when there are none)."""
    items = [i for i in gold if i in pred]
    same = lambda part: sum(c * (c - 1) // 2 for c in Counter(part[i] for i in items).values())
    both = sum(c * (c - 1) // 2 for c in Counter((pred[i], gold[i]) for i in items).values())
    predicted, true = same(pred), same(gold)
    p = both / predicted if predicted else 1.0
    r = both / true if true else 1.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# ---------------------------------------------------------------- data
def day_file(day: str) -> Path:
    return SAMPLE / f"{day}.json"


def analyse_day(day: str) -> list[DocumentAnalysis]:
    from marsad.ingest import read_inputs
    from marsad.pipeline import analyze_records
    settings = Settings()
    return [a for a in analyze_records(read_inputs([day_file(day)], settings), settings)
            if isinstance(a, DocumentAnalysis)]


def load_days(days: Sequence[str], cache: Path | None) -> tuple[dict[str, list], float | None]:
    """Analyses per day (from the cache when given and present); seconds spent analysing."""
    out: dict[str, list[DocumentAnalysis]] = {}
    spent = 0.0
    computed = False
    for day in days:
        path = cache / f"{day}.pkl" if cache else None
        if path is not None and path.exists():
            out[day] = pickle.loads(path.read_bytes())
            continue
        started = time.perf_counter()
        out[day] = analyse_day(day)
        spent += time.perf_counter() - started
        computed = True
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pickle.dumps(out[day]))
    return out, (spent if computed else None)


def read_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


# ---------------------------------------------------------------- systems
def marsad_grouping(analyses: Sequence[DocumentAnalysis], settings: Settings
                    ) -> tuple[dict[str, str], dict[str, str], dict[str, str | None]]:
    """(url -> event id, url -> story id, doc id -> original) for articles in arrival order."""
    index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
    duplicate_of = {a.document.id: index.add(a.document.id, a.document.text,
                                             a.document.metadata.get("agency"))
                    for a in analyses}
    events, _stories = group_events(analyses, duplicate_of, settings)
    event_of, story_of = partitions(analyses, events)
    return event_of, story_of, duplicate_of


def partitions(analyses: Sequence[DocumentAnalysis], events, story_of_event=None
               ) -> tuple[dict[str, str], dict[str, str]]:
    """url -> event id and url -> story id (`story_of_event` overrides the events' stories)."""
    url = {a.document.id: a.document.path or a.document.id for a in analyses}
    event_of, story_of = {}, {}
    for event in events:
        story = story_of_event[event.id] if story_of_event is not None else event.story
        for doc in event.documents:
            event_of[url[doc]] = event.id
            story_of[url[doc]] = story or event.id
    return event_of, story_of


def event_centres(tracker, events) -> list[dict[str, float]]:
    """Each event's centroid (the tracker's cluster sum) in the order of `events`."""
    return [tracker.clusters[tracker.event_of[e.documents[0]]].total for e in events]


def average_link_stories(tracker, events, settings: Settings) -> dict[str, str]:
    """event id -> story id by the batch average link over all pairs (before StoryTracker)."""
    return group_stories(events, event_centres(tracker, events), settings.story_threshold)[1]


def tracker_stories(tracker, events, settings: Settings) -> dict[str, str]:
    """event id -> story id by a fresh StoryTracker fed the final event centroids in the order
    `tracked_events` uses (first day, then cluster number): the story step alone, for timing."""
    keys = [tracker.event_of[e.documents[0]] for e in events]
    order = sorted(range(len(events)), key=lambda i: (
        tracker.clusters[keys[i]].first_day is None,
        tracker.clusters[keys[i]].first_day or date.min, keys[i]))
    stories = StoryTracker(settings)
    for i in order:
        stories.place(keys[i], tracker.clusters[keys[i]].total, tracker.clusters[keys[i]].first_day)
    return {e.id: stories.story_id(stories.story_of[k]) for e, k in zip(events, keys)}


def grouped(analyses: Sequence[DocumentAnalysis], settings: Settings):
    """Copies, event tracker and events (with tracker stories) of a collection in one batch."""
    index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
    duplicate_of = {a.document.id: index.add(a.document.id, a.document.text,
                                             a.document.metadata.get("agency"))
                    for a in analyses}
    tracker = EventTracker(settings)
    place_articles(tracker, analyses, duplicate_of)
    events, _stories = tracked_events(tracker, analyses, settings)
    return tracker, events


def tfidf_similarities(analyses: Sequence[DocumentAnalysis]):
    """Cosine matrix of word-unigram tf-idf over folded title + text (the plain baseline)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = [fold((a.document.title or "") + "\n" + a.document.text) for a in analyses]
    matrix = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b").fit_transform(texts)
    return (matrix @ matrix.T).tocsr()


def single_link(similarity, urls: Sequence[str], threshold: float) -> dict[str, str]:
    from scipy.sparse.csgraph import connected_components
    graph = similarity.multiply(similarity >= threshold)
    _, labels = connected_components(graph, directed=False)
    return {u: f"C{label}" for u, label in zip(urls, labels.tolist())}


def tune(similarity, urls, gold: Partition, grid: Sequence[float]) -> tuple[float, float]:
    scores = [(bcubed(single_link(similarity, urls, t), gold)["f1"], t) for t in grid]
    best = max(scores)
    return best[1], best[0]


# ---------------------------------------------------------------- sections
def subsets(gold_rows: list[dict]) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    out = {}
    for name, keep in (("dev", lambda r: r["split"] == "dev"),
                       ("heldout", lambda r: r["split"] == "heldout"), ("all", lambda r: True)):
        rows = [r for r in gold_rows if keep(r)]
        out[name] = ({r["url"]: r["event"] for r in rows}, {r["url"]: r["story"] for r in rows})
    return out


def score_block(event_of, story_of, parts) -> dict:
    return {name: {"events": {"bcubed": bcubed(event_of, ge), "pairwise": pairwise(event_of, ge)},
                   "stories": {"bcubed": bcubed(story_of, gs), "pairwise": pairwise(story_of, gs)},
                   "scored": sum(1 for u in ge if u in event_of), "labelled": len(ge)}
            for name, (ge, gs) in parts.items()}


def quality(day_analyses: list[DocumentAnalysis], gold_rows: list[dict], settings: Settings,
            show_errors: bool) -> dict:
    parts = subsets(gold_rows)
    started = time.perf_counter()
    event_of, story_of, _ = marsad_grouping(day_analyses, settings)
    seconds = time.perf_counter() - started
    result = {"marsad": score_block(event_of, story_of, parts), "marsad_seconds": seconds}
    tracker, events = grouped(day_analyses, settings)
    result["marsad_average_link"] = score_block(
        *partitions(day_analyses, events, average_link_stories(tracker, events, settings)), parts)

    urls = [a.document.path or a.document.id for a in day_analyses]
    similarity = tfidf_similarities(day_analyses)
    grid = [round(0.05 + 0.025 * k, 3) for k in range(35)]
    dev_events, dev_stories = parts["dev"]
    t_event, _ = tune(similarity, urls, dev_events, grid)
    t_story, _ = tune(similarity, urls, dev_stories, [t for t in grid if t <= t_event])
    result["baseline_dev_tuned"] = score_block(single_link(similarity, urls, t_event),
                                               single_link(similarity, urls, t_story), parts)
    result["baseline_dev_tuned"]["thresholds"] = {"events": t_event, "stories": t_story}
    all_events, all_stories = parts["all"]
    o_event, _ = tune(similarity, urls, all_events, grid)
    o_story, _ = tune(similarity, urls, all_stories, [t for t in grid if t <= o_event])
    result["baseline_tuned_on_all"] = score_block(single_link(similarity, urls, o_event),
                                                  single_link(similarity, urls, o_story), parts)
    result["baseline_tuned_on_all"]["thresholds"] = {"events": o_event, "stories": o_story}
    if show_errors:
        print_errors(event_of, story_of, day_analyses, [r for r in gold_rows if r["split"] == "dev"])
    return result


def five_days(days: Mapping[str, list[DocumentAnalysis]], gold_rows: list[dict],
              settings: Settings) -> dict:
    """The labelled day inside all five sample days, stories by StoryTracker and by the average
    link over all pairs it replaced: in one batch, and with the days fed one by one as a store
    does (copies and events continued, the open stories restored from their JSON rows each day,
    `update_stories` after each day's articles); and the time of the story step alone over all
    the events of the five days, both methods in this run."""
    parts = subsets(gold_rows)
    everything = [a for day in DAYS for a in days[day]]
    labelled = {a.document.path for a in days[LABELLED_DAY]}

    def scored(event_of: dict[str, str], story_of: dict[str, str]) -> dict:
        return score_block({u: e for u, e in event_of.items() if u in labelled},
                           {u: st for u, st in story_of.items() if u in labelled}, parts)

    out: dict = {}
    tracker, events = grouped(everything, settings)
    started = time.perf_counter()
    old = average_link_stories(tracker, events, settings)
    old_seconds = time.perf_counter() - started
    started = time.perf_counter()
    new = tracker_stories(tracker, events, settings)
    new_seconds = time.perf_counter() - started
    assert new == {e.id: e.story for e in events}, "tracked_events and StoryTracker disagree"
    out["batch_tracker"] = scored(*partitions(everything, events))
    out["batch_average_link"] = scored(*partitions(everything, events, old))
    out["story_step_seconds"] = {"events": len(events), "average_link": round(old_seconds, 2),
                                 "story_tracker": round(new_seconds, 2)}

    index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
    duplicate_of: dict[str, str | None] = {}
    tracker = EventTracker(settings)
    stories = StoryTracker(settings)
    per_day = []
    merges = 0
    for day in DAYS:
        for a in days[day]:
            duplicate_of[a.document.id] = index.add(a.document.id, a.document.text,
                                                    a.document.metadata.get("agency"))
        place_articles(tracker, days[day], duplicate_of)
        begun = time.perf_counter()
        rows = {n: json.loads(json.dumps(story_to_json(st))) for n, st in stories.stories.items()
                if st.open}
        stories = StoryTracker.restore(
            settings, newest_day=stories.newest_day.isoformat() if stories.newest_day else None,
            stories=rows, next_number=stories.next_number, story_of=stories.story_of,
            arrivals=stories.arrivals)
        update_stories(stories, tracker, tracker.changed)
        merges += len(stories.merged)
        per_day.append({"day": day, "events_changed": len(tracker.changed),
                        "open_stories": len(stories.open_stories()),
                        "stories": stories.next_number, "merges": len(stories.merged),
                        "story_seconds": round(time.perf_counter() - begun, 2)})
        tracker.changed.clear()
    events, _ = tracked_events(tracker, everything, settings, stories)
    out["day_by_day_tracker"] = scored(*partitions(everything, events))
    out["day_by_day_average_link"] = scored(
        *partitions(everything, events, average_link_stories(tracker, events, settings)))
    out["day_by_day"] = per_day
    out["day_by_day_merges"] = merges
    return out


def print_five_days(f: dict) -> None:
    print("\nstories of the labelled day inside all 5 days (same labels):")
    print(f"{'mode':<30} {'split':<8} {'ev B3 F1':>8} {'ev pair':>8} {'st B3 P/R/F1':<17} "
          f"{'st pair P/R/F1':<17}")
    for name in ("batch_tracker", "batch_average_link", "day_by_day_tracker",
                 "day_by_day_average_link"):
        for split in ("dev", "heldout", "all"):
            e, st = f[name][split]["events"], f[name][split]["stories"]
            b, pw = st["bcubed"], st["pairwise"]
            print(f"{name:<30} {split:<8} {e['bcubed']['f1']:>8.3f} {e['pairwise']['f1']:>8.3f} "
                  f"{b['p']:.2f}/{b['r']:.2f}/{b['f1']:.3f}  {pw['p']:.2f}/{pw['r']:.2f}/{pw['f1']:.3f}")
    t = f["story_step_seconds"]
    print(f"story step over all {t['events']} events of the 5 days: average link "
          f"{t['average_link']} s, StoryTracker {t['story_tracker']} s")
    for row in f["day_by_day"]:
        print(f"    {row}")


def print_errors(event_of, story_of, analyses, rows) -> None:
    title = {a.document.path: (a.document.source or "") + " | " + (a.document.title or "")[:70]
             for a in analyses}
    for level, pred in (("event", event_of), ("story", story_of)):
        gold = {r["url"]: r[level] for r in rows if r["url"] in pred}
        by_gold = defaultdict(list)
        for u, g in gold.items():
            by_gold[g].append(u)
        print(f"\n--- dev {level} splits (gold cluster -> predicted ids)")
        for g, us in sorted(by_gold.items()):
            if len({pred[u] for u in us}) > 1:
                print(f"{g}: " + "; ".join(f"{pred[u]} {title.get(u, u)}" for u in us))
        by_pred = defaultdict(list)
        for u in gold:
            by_pred[pred[u]].append(u)
        print(f"--- dev {level} merges (predicted id -> gold labels)")
        for p, us in sorted(by_pred.items()):
            if len({gold[u] for u in us}) > 1:
                print(f"{p}: " + "; ".join(f"{gold[u]} {title.get(u, u)}" for u in us))


def order_dependence(day_analyses, gold_rows, settings, seeds=(1, 2, 3)) -> dict:
    parts = subsets(gold_rows)
    runs = []
    for seed in seeds:
        shuffled = list(day_analyses)
        random.Random(seed).shuffle(shuffled)
        runs.append(marsad_grouping(shuffled, settings)[:2])
    between = {"events": [], "stories": []}
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            between["events"].append(bcubed(runs[i][0], runs[j][0])["f1"])
            between["stories"].append(bcubed(runs[i][1], runs[j][1])["f1"])
    gold_f1 = [{"events": bcubed(e, parts["all"][0])["f1"], "stories": bcubed(s, parts["all"][1])["f1"]}
               for e, s in runs]
    return {"seeds": list(seeds), "bcubed_f1_between_runs": between, "vs_gold_all": gold_f1}


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _speed_child(mode: str, cache: str, queue) -> None:
    """Runs in a fresh process: load analyses, then time the grouping stages only.

    batch: copies + events + stories over all days at once. incremental: a real store fed day by
    day, as `marsad ingest` does (store writes, copy check and event placement of the day's new
    articles against the stored state), then the events and stories a report would show.
    Returns the timings and the labelled day's partition (url -> event / story id).
    """
    days = {day: pickle.loads((Path(cache) / f"{day}.pkl").read_bytes()) for day in DAYS}
    settings = Settings()
    before = _rss_mb()
    started = time.perf_counter()
    per_day = []
    if mode == "batch":
        everything = [a for day in DAYS for a in days[day]]
        event_of, story_of, _ = marsad_grouping(everything, settings)
    else:
        import tempfile

        from marsad.group.events import tracked_events
        from marsad.pipeline import update_grouping
        from marsad.store import Store
        folder = tempfile.TemporaryDirectory(prefix="marsad-grouping-store-")
        with Store(Path(folder.name) / "store.sqlite") as store:
            for day in DAYS:
                begun = time.perf_counter()
                for analysis in days[day]:
                    store.add(analysis)
                stored = time.perf_counter()
                update_grouping(store, settings, complete=False)    # what `ingest` does
                per_day.append({"day": day, "articles": len(days[day]),
                                "store_seconds": round(stored - begun, 2),
                                "grouping_seconds": round(time.perf_counter() - stored, 2)})
            begun = time.perf_counter()
            tracker, duplicate_of = update_grouping(store, settings)   # what `report` does
            everything = [a for day in DAYS for a in days[day]]
            events, _stories = tracked_events(tracker, everything, settings)
            per_day.append({"report_events_and_stories_seconds":
                            round(time.perf_counter() - begun, 2)})
        folder.cleanup()
        url = {a.document.id: a.document.path or a.document.id for a in everything}
        event_of = {url[d]: e.id for e in events for d in e.documents}
        story_of = {url[d]: e.story or e.id for e in events for d in e.documents}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    labelled = {a.document.path for a in days[LABELLED_DAY]}
    queue.put({"seconds": seconds, "peak_rss_above_loaded_mb": round(peak - before, 1),
               "per_day": per_day,
               "partition": ({u: e for u, e in event_of.items() if u in labelled},
                             {u: st for u, st in story_of.items() if u in labelled})})


def speed(cache: Path, n_articles: int) -> dict:
    context = multiprocessing.get_context("spawn")
    out = {}
    for mode in ("batch", "incremental"):
        queue = context.Queue()
        child = context.Process(target=_speed_child, args=(mode, str(cache), queue))
        child.start()
        result = queue.get()
        child.join()
        result["partition"] = result.pop("partition")
        result["articles_per_s"] = round(n_articles / result["seconds"], 1)
        result["seconds"] = round(result["seconds"], 2)
        out[mode] = result
    return out


def near_duplicates(analyses: Sequence[DocumentAnalysis], threshold: float) -> dict:
    from datasketch import MinHash, MinHashLSH

    from marsad.group import duplicates
    started = time.perf_counter()
    index = DuplicateIndex(threshold)
    ours = {a.document.id: index.add(a.document.id, a.document.text) for a in analyses}
    ours_seconds = time.perf_counter() - started

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=duplicates.NUM_PERM)
    signatures = {}
    for a in analyses:
        shingles = duplicates._shingles(a.document.text)
        if not shingles:
            continue
        signature = MinHash(num_perm=duplicates.NUM_PERM, seed=duplicates._SEED)
        signature.update_batch(list(shingles))
        signatures[a.document.id] = signature
        lsh.insert(a.document.id, signature)
    theirs = set()
    for doc, signature in signatures.items():
        for other in lsh.query(signature):
            if other != doc and signature.jaccard(signatures[other]) >= threshold:
                theirs.add(tuple(sorted((doc, other))))
    theirs_seconds = time.perf_counter() - started

    def clusters(edges):
        parent = {}
        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x
        for a, b in edges:
            parent[find(a)] = find(b)
        return {x: find(x) for x in [a.document.id for a in analyses]}

    our_edges = {tuple(sorted((d, o))) for d, o in ours.items() if o}
    ours_part, theirs_part = clusters(our_edges), clusters(theirs)
    agreement = pairwise(ours_part, theirs_part)
    return {"articles": len(analyses), "threshold": threshold,
            "marsad": {"seconds": round(ours_seconds, 2), "copies_found": len(our_edges),
                       "pairs_in_copy_clusters": _pairs(ours_part)},
            "datasketch_lsh": {"seconds": round(theirs_seconds, 2), "pairs_found": len(theirs),
                               "pairs_in_copy_clusters": _pairs(theirs_part)},
            "agreement_pairs_in_clusters": {"marsad_also_in_datasketch": agreement["p"],
                                            "datasketch_also_in_marsad": agreement["r"],
                                            "f1": agreement["f1"]}}


def _pairs(partition: Mapping[str, str]) -> int:
    return sum(c * (c - 1) // 2 for c in Counter(partition.values()).values())


# ---------------------------------------------------------------- report
def print_quality(q: dict) -> None:
    rows = [("marsad (stories: StoryTracker)", q["marsad"]),
            ("marsad, stories by average link over all pairs (before)", q["marsad_average_link"]),
            (f"tfidf single-link (dev-tuned {q['baseline_dev_tuned']['thresholds']})",
             q["baseline_dev_tuned"]),
            (f"tfidf single-link (tuned on all {q['baseline_tuned_on_all']['thresholds']})",
             q["baseline_tuned_on_all"])]
    print(f"\n{'system':<58} {'split':<8} {'ev B3 P/R/F1':<17} {'ev pair F1':>10} "
          f"{'st B3 P/R/F1':<17} {'st pair F1':>10}")
    for name, block in rows:
        for split in ("dev", "heldout", "all"):
            s = block[split]
            e, st = s["events"], s["stories"]
            print(f"{name[:58]:<58} {split:<8} "
                  f"{e['bcubed']['p']:.2f}/{e['bcubed']['r']:.2f}/{e['bcubed']['f1']:.3f}  "
                  f"{e['pairwise']['f1']:>9.3f}  "
                  f"{st['bcubed']['p']:.2f}/{st['bcubed']['r']:.2f}/{st['bcubed']['f1']:.3f}  "
                  f"{st['pairwise']['f1']:>9.3f}")


def print_modes(q: dict) -> None:
    print("\nthe labelled day inside all 5 days (same labels):")
    for name in ("marsad", "marsad_5_days_batch", "marsad_5_days_incremental"):
        for split in ("dev", "heldout", "all"):
            e, st = q[name][split]["events"], q[name][split]["stories"]
            print(f"{name:<30} {split:<8} events B3 F1 {e['bcubed']['f1']:.3f} pair F1 "
                  f"{e['pairwise']['f1']:.3f} | stories B3 F1 {st['bcubed']['f1']:.3f} pair F1 "
                  f"{st['pairwise']['f1']:.3f}")


def rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="directory for per-day analyses pickles")
    parser.add_argument("--errors", action="store_true", help="list dev errors")
    parser.add_argument("--quality-only", action="store_true", help="skip speed/order/copies")
    args = parser.parse_args()
    if not all(day_file(day).exists() for day in DAYS):
        print(f"SKIP: the SaudiNewsNet sample is not at {SAMPLE} (set MARSAD_SHARED)")
        return 0
    cache = args.cache
    temporary = None
    if cache is None:
        import tempfile
        temporary = tempfile.TemporaryDirectory(prefix="marsad-grouping-")
        cache = Path(temporary.name)
    days = DAYS
    analyses, analysis_seconds = load_days(days, cache)
    settings = Settings()
    gold_rows = read_gold()
    result: dict = {"benchmark": "grouping", "data": str(SAMPLE), "gold": GOLD.name,
                    "labelled": len(gold_rows),
                    "gold_events": len({r["event"] for r in gold_rows}),
                    "gold_stories": len({r["story"] for r in gold_rows}),
                    "day_articles_analysed": len(analyses[LABELLED_DAY]),
                    "settings": {k: getattr(settings, k) for k in
                                 ("duplicate_threshold", "event_threshold", "story_threshold",
                                  "event_window_days", "background_idf")},
                    "anchor": ANCHOR}
    result["quality"] = quality(analyses[LABELLED_DAY], gold_rows, settings, args.errors)
    print_quality(result["quality"])
    result["five_days"] = five_days(analyses, gold_rows, settings)
    print_five_days(result["five_days"])
    if not args.quality_only:
        everything = [a for day in DAYS for a in analyses[day]]
        result["order_dependence"] = order_dependence(analyses[LABELLED_DAY], gold_rows, settings)
        print("\norder dependence (3 shuffles of 2015-08-08):",
              json.dumps(rounded(result["order_dependence"]["bcubed_f1_between_runs"])))
        result["speed"] = speed(cache, len(everything))
        result["speed"]["articles"] = len(everything)
        parts = subsets(gold_rows)
        for mode, label in (("batch", "marsad_5_days_batch"),
                            ("incremental", "marsad_5_days_incremental")):
            event_of, story_of = result["speed"][mode].pop("partition")
            result["quality"][label] = score_block(event_of, story_of, parts)
        print_modes(result["quality"])
        if analysis_seconds is not None:
            result["speed"]["document_stages_seconds"] = round(analysis_seconds, 1)
        for mode in ("batch", "incremental"):
            s = result["speed"][mode]
            print(f"speed {mode:<12} {s['seconds']:>7.1f} s  {s['articles_per_s']:>7.1f} articles/s"
                  f"  peak RSS +{s['peak_rss_above_loaded_mb']} MB")
            for row in s["per_day"]:
                print(f"    {row}")
        result["near_duplicates"] = near_duplicates(everything, settings.duplicate_threshold)
        nd = result["near_duplicates"]
        print(f"copies: marsad {nd['marsad']['seconds']} s, {nd['marsad']['copies_found']} copies, "
              f"{nd['marsad']['pairs_in_copy_clusters']} pairs in clusters | datasketch LSH "
              f"{nd['datasketch_lsh']['seconds']} s, {nd['datasketch_lsh']['pairs_found']} pairs, "
              f"{nd['datasketch_lsh']['pairs_in_copy_clusters']} in clusters | agreement "
              f"{json.dumps(rounded(nd['agreement_pairs_in_clusters']))}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS.with_name("grouping_quality.json") if args.quality_only else RESULTS
    out.write_text(json.dumps(rounded(result), ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    print(f"\nwrote {out}")
    if temporary is not None:
        temporary.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The only module that knows the order of marsad's stages.

Two halves, so a distributed engine can run the first one without change:
- the *document* stages (`analyze_record`): clean -> sentences -> mentions -> quotes ->
  quantities, a pure function of one article;
- the *collection* stages (`analyze_collection`): near-duplicates -> events and stories ->
  entity linking -> timeline -> summaries -> cross-outlet comparisons, over all documents in
  arrival order. With a store (`ingest`, `analyze_store`), copies and events are kept and
  updated incrementally (`update_grouping`); the later stages are recomputed for a report.

A failure of any stage on one article becomes a `Rejection` naming the input and the stage, and
the run goes on with the other articles.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from marsad.arabic.sentences import split_sentences
from marsad.errors import E_DUPLICATE_ID, E_STAGE, InputError, MarsadError, ModelError
from marsad.explain.compare import compare_event, compare_events
from marsad.explain.guard import per_item, whole_or_each
from marsad.explain.summaries import quote_speakers, summarize_event, summarize_story
from marsad.extract.linking import link_entities
from marsad.extract.ner import find_mentions
from marsad.extract.quantities import find_quantities
from marsad.extract.quotes import find_quotes
from marsad.group.duplicates import DuplicateIndex
from marsad.group.events import group_events, place_articles, tracked_events
from marsad.group.tracker import EventTracker, cluster_to_json
from marsad.group.timeline import events_timeline
from marsad.ingest import read_inputs
from marsad.ingest.clean import clean_record
from marsad.settings import Settings
from marsad.store import Store, text_digest
from marsad.types import (Analysis, Document, DocumentAnalysis, Event, Quote, RawRecord,
                          Rejection, Story)

DOCUMENT_STAGES = ("clean", "sentences", "entities", "quotes", "quantities")
COLLECTION_STAGES = ("duplicates", "events", "linking", "summaries", "comparisons")


@dataclass
class StageTimes:
    """Seconds spent per stage, accumulated over a run (for the throughput benchmark)."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] += time.perf_counter() - started


@dataclass(frozen=True)
class Repeat:
    """An article already seen (same id, same text): skipped, not an error."""

    id: str
    input: str


class _StageFailed(Exception):
    def __init__(self, stage: str, cause: Exception) -> None:
        super().__init__(f"stage '{stage}' failed: {type(cause).__name__}: {cause}")
        self.stage = stage


def analyze_record(record: RawRecord, settings: Settings,
                   times: StageTimes | None = None) -> DocumentAnalysis:
    """Run the document stages on one article (raises InputError for a bad article)."""
    times = times if times is not None else StageTimes()
    started = time.perf_counter()
    document = clean_record(record, settings)  # InputError propagates: it is the input's fault
    times.add("clean", started)

    def stage(name: str, fn: Callable[[], object]) -> object:
        begun = time.perf_counter()
        try:
            return fn()
        except ModelError:
            raise  # a broken install, not a bad article: stop with the fix in the message
        except Exception as exc:  # noqa: BLE001 - any bug in a stage must not stop the batch
            raise _StageFailed(name, exc) from exc
        finally:
            times.add(name, begun)

    sentences = stage("sentences", lambda: tuple(split_sentences(document.text)))
    document = replace(document, sentences=sentences)
    mentions = stage("entities", lambda: tuple(find_mentions(document)))
    quotes = stage("quotes", lambda: tuple(find_quotes(document, mentions)))
    quantities = stage("quantities", lambda: tuple(find_quantities(document)))
    return DocumentAnalysis(document, mentions, quotes, quantities)


def _outcome(record: RawRecord, settings: Settings
             ) -> tuple[DocumentAnalysis | Rejection, dict[str, float]]:
    """`analyze_record` with a bad article turned into a Rejection, and the stage times (a
    module-level function of picklable values, so worker processes can run it)."""
    times = StageTimes()
    name = record.path or record.id or "<record>"
    try:
        return analyze_record(record, settings, times), dict(times.seconds)
    except InputError as exc:
        return Rejection(name, exc.code, exc.reason if exc.reason else str(exc)), \
            dict(times.seconds)
    except _StageFailed as exc:
        return Rejection(name, E_STAGE, f"{exc} (a marsad bug: please report it)"), \
            dict(times.seconds)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in cleaning must not stop the batch either
        return Rejection(name, E_STAGE, f"stage 'clean' failed: {type(exc).__name__}: {exc} "
                         "(a marsad bug: please report it)"), dict(times.seconds)


_BATCH_PER_JOB = 32
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _outcomes(records: Iterable[RawRecord | Rejection], settings: Settings, jobs: int
              ) -> Iterator[tuple[RawRecord | Rejection, DocumentAnalysis | Rejection | None,
                                  dict[str, float]]]:
    """(record, outcome, stage times) in input order; `jobs` > 1 analyses in that many worker
    processes, a bounded batch at a time (memory stays flat on a huge input)."""
    if jobs <= 1:
        for record in records:
            if isinstance(record, Rejection):
                yield record, None, {}
            else:
                yield (record, *_outcome(record, settings))
        return
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from itertools import islice
    # Fresh (spawned) workers that start with one BLAS thread each: N workers x N BLAS threads
    # on N cores made the tagger 4x slower per article. The variables are read when a worker
    # starts, so they stay set while the pool lives (the parent's own BLAS is already running).
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(dict.fromkeys(_ONE_THREAD, "1"))
    try:
        iterator = iter(records)
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            while batch := list(islice(iterator, _BATCH_PER_JOB * jobs)):
                work = [r for r in batch if not isinstance(r, Rejection)]
                done = iter(pool.map(_outcome, work, [settings] * len(work), chunksize=4))
                for record in batch:
                    if isinstance(record, Rejection):
                        yield record, None, {}
                    else:
                        yield (record, *next(done))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def analyze_records(records: Iterable[RawRecord | Rejection], settings: Settings,
                    times: StageTimes | None = None,
                    seen: dict[str, str] | None = None, jobs: int = 1,
                    ) -> Iterator[DocumentAnalysis | Rejection | Repeat]:
    """Map `analyze_record` over records, turning every failure into a Rejection.

    `seen` maps document ids already taken to their text digest (the store passes its own), so
    a repeated article is skipped and a clash of different articles on one id is reported.
    `jobs` > 1 runs the per-article stages in that many processes (same results, same order).
    """
    seen = seen if seen is not None else {}
    for record, outcome, seconds in _outcomes(records, settings, jobs):
        if times is not None:
            for stage, spent in seconds.items():
                times.seconds[stage] += spent
        if isinstance(record, Rejection):
            yield record
            continue
        if isinstance(outcome, Rejection):
            yield outcome
            continue
        assert outcome is not None
        analysis = outcome
        name = record.path or record.id or "<record>"
        document = analysis.document
        unique = _unique_id(document, record, seen)
        if unique is None:
            yield Repeat(document.id, name)  # the very same article again: nothing to do
            continue
        if isinstance(unique, Rejection):
            yield unique
            continue
        if unique != document.id:
            analysis = _rename(analysis, unique)
        seen[unique] = text_digest(analysis.document.text)
        yield analysis


def _unique_id(document: Document, record: RawRecord,
               seen: dict[str, str]) -> str | Rejection | None:
    """The id this document gets: its own, a disambiguated file id, None for a repeat."""
    taken = seen.get(document.id)
    if taken is None:
        return document.id
    if taken == text_digest(document.text):
        return None
    file_derived = record.path is not None and Path(record.path).stem == document.id
    if not file_derived:
        return Rejection(record.path or document.id, E_DUPLICATE_ID,
                         f"id '{document.id}' is already used by a different article; "
                         "give each record a unique id")
    for n in range(2, 10_000):
        candidate = f"{document.id}-{n}"
        if candidate not in seen:
            return candidate
    return Rejection(record.path or document.id, E_DUPLICATE_ID, "too many files share this name")


def _rename(analysis: DocumentAnalysis, new_id: str) -> DocumentAnalysis:
    """The same analysis under another document id (all records that name the doc)."""
    return DocumentAnalysis(
        replace(analysis.document, id=new_id),
        tuple(replace(m, doc=new_id) for m in analysis.mentions),
        tuple(replace(q, doc=new_id, id=q.id.replace(analysis.document.id, new_id, 1))
              for q in analysis.quotes),
        tuple(replace(q, doc=new_id) for q in analysis.quantities),
    )


def analyze_collection(analyses: Sequence[DocumentAnalysis], settings: Settings,
                       rejected: Sequence[Rejection] = (),
                       times: StageTimes | None = None,
                       progress: ProgressFactory | None = None) -> Analysis:
    """Run the collection stages over documents in arrival order and assemble the Analysis."""
    times = times if times is not None else StageTimes()
    progress = progress or _no_progress

    started = time.perf_counter()
    index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
    duplicate_of: dict[str, str | None] = {}
    for analysis in progress(analyses, "copies"):
        doc = analysis.document
        duplicate_of[doc.id] = index.add(doc.id, doc.text, doc.metadata.get("agency"))
    analyses = _with_copies(analyses, duplicate_of)
    times.add("duplicates", started)

    started = time.perf_counter()
    for _ in progress([0], "events"):
        events, stories = group_events(analyses, duplicate_of, settings)
    times.add("events", started)
    return _explain(analyses, events, stories, rejected, settings, times, progress)


def _with_copies(analyses: Sequence[DocumentAnalysis],
                 duplicate_of: Mapping[str, str | None]) -> list[DocumentAnalysis]:
    return [DocumentAnalysis(replace(a.document, duplicate_of=duplicate_of.get(a.document.id)),
                             a.mentions, a.quotes, a.quantities) for a in analyses]


def _explain(analyses: Sequence[DocumentAnalysis], events: Sequence[Event],
             stories: Sequence[Story], rejected: Sequence[Rejection], settings: Settings,
             times: StageTimes, progress: ProgressFactory) -> Analysis:
    """The stages after grouping: linking, timeline, summaries, comparisons; the Analysis."""
    # Linking is a single pass with no per-item hook: a one-step bar still tells the user which
    # stage is running and for how long.
    started = time.perf_counter()
    for _ in progress([0], "entities"):
        entities, linked_quotes = link_entities(analyses)
    times.add("linking", started)

    started = time.perf_counter()
    by_id = {a.document.id: a for a in analyses}
    events, timeline = events_timeline(tuple(events), tuple(stories), by_id)  # dates from text
    times.add("events", started)

    started = time.perf_counter()
    quotes = _number_quotes(linked_quotes)
    entities = tuple(entities)
    speakers = quote_speakers(quotes, entities)  # once: per event it made summaries quadratic
    failed: list[Rejection] = []  # an event or story whose summary/comparison raised
    summaries = tuple(per_item(lambda event: summarize_event(event, by_id, settings,
                                                             speakers=speakers),
                               progress(events, "summaries"), "summaries",
                               lambda event: f"event {event.id}", failed))
    if settings.story_summary_sentences > 0:
        summaries += tuple(per_item(lambda story: summarize_story(story, events, by_id, settings,
                                                                  speakers=speakers),
                                    stories, "summaries", lambda story: f"story {story.id}",
                                    failed))
    times.add("summaries", started)

    started = time.perf_counter()
    comparisons = whole_or_each(lambda: compare_events(events, stories, by_id, entities, quotes),
                                lambda event: compare_event(event, by_id, entities, quotes),
                                events, "comparisons", lambda event: f"event {event.id}",
                                failed)
    times.add("comparisons", started)

    quantities = tuple(q for a in analyses for q in a.quantities)
    return Analysis(
        documents=tuple(a.document for a in analyses),
        entities=entities,
        quotes=quotes,
        quantities=quantities,
        events=tuple(events),
        stories=tuple(stories),
        summaries=summaries,
        rejected=tuple(rejected) + tuple(failed),
        comparisons=comparisons,
        timeline=timeline,
    )


def _number_quotes(quotes: Iterable[Quote]) -> tuple[Quote, ...]:
    """Quote ids Q1, Q2... in document order, unique in the file."""
    return tuple(replace(q, id=f"Q{n}") for n, q in enumerate(quotes, start=1))


ProgressFactory = Callable[[Iterable, str], Iterable]


def _no_progress(items: Iterable, _label: str) -> Iterable:
    return items


def run(inputs: Sequence[str | Path], settings: Settings | None = None,
        progress: ProgressFactory = _no_progress,
        times: StageTimes | None = None, jobs: int = 1) -> Analysis:
    """Read every input, analyse every article and the collection: the whole batch job."""
    settings = settings or Settings()
    analyses: list[DocumentAnalysis] = []
    rejected: list[Rejection] = []
    records = read_inputs(inputs, settings)
    for item in progress(analyze_records(records, settings, times, jobs=jobs), "articles"):
        if isinstance(item, Rejection):
            rejected.append(item)
        elif isinstance(item, DocumentAnalysis):
            analyses.append(item)
    return analyze_collection(analyses, settings, rejected, times, progress)


@dataclass(frozen=True)
class IngestResult:
    """What one `ingest` call did to a store."""

    added: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    total: int


def ingest(inputs: Sequence[str | Path], store: Store, settings: Settings | None = None,
           progress: ProgressFactory = _no_progress,
           times: StageTimes | None = None, jobs: int = 1) -> IngestResult:
    """Analyse new articles, keep them in the store and place them in its events.

    Placing is incremental: the new articles are compared with the stored copy signatures and
    the open events only (see `update_grouping`); nothing stored before is regrouped.
    """
    settings = settings or Settings()
    seen = store.known_texts()
    added = unchanged = 0
    rejected: list[Rejection] = []
    for item in progress(analyze_records(read_inputs(inputs, settings), settings, times, seen,
                                         jobs=jobs), "articles"):
        if isinstance(item, Repeat):
            unchanged += 1
            continue
        if isinstance(item, Rejection):
            rejected.append(item)
            store.add_rejection(item)
            continue
        try:
            if store.add(item):
                added += 1
        except MarsadError as exc:
            rejection = Rejection(item.document.path or item.document.id, exc.code, str(exc))
            rejected.append(rejection)
            store.add_rejection(rejection)
    update_grouping(store, settings, times, complete=False)
    return IngestResult(added, unchanged, tuple(rejected), store.count())


def _grouping_settings(settings: Settings) -> dict[str, float | bool]:
    return {"duplicate_threshold": settings.duplicate_threshold,
            "agency_copy_threshold": settings.agency_copy_threshold,
            "event_threshold": settings.event_threshold,
            "event_window_days": settings.event_window_days,
            "event_span_days": settings.event_span_days,
            "background_idf": settings.background_idf,
            "event_name_conflict_margin": settings.event_name_conflict_margin}


def update_grouping(store: Store, settings: Settings, times: StageTimes | None = None, *,
                    complete: bool = True) -> tuple[EventTracker, dict[str, str | None]]:
    """Bring the store's copies and events up to date; return the tracker and the copy links.

    Only articles not yet compared / placed are processed (the ones just ingested, or ones an
    interrupted run stored but did not place), and only against what can still take them: the
    open events, and near-copy signatures of the last `copy_window_days` (every article's exact
    key is kept). With `complete=False` (ingest) closed events are not even loaded, so the cost
    of an ingest follows the news of the last days, not the size of the store; a report needs
    `complete`. When the grouping settings differ from the ones the stored state was built
    with, the state is dropped and everything is regrouped once.
    """
    times = times if times is not None else StageTimes()
    wanted = _grouping_settings(settings)
    state = store.grouping_state(open_only=not complete)
    if state.get("settings", wanted) != wanted:
        copy_settings = ("duplicate_threshold", "agency_copy_threshold")
        store.reset_grouping(copies=any(state["settings"].get(k) != wanted[k]
                                        for k in copy_settings))
        state = store.grouping_state(open_only=not complete)

    started = time.perf_counter()
    index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
    duplicate_of: dict[str, str | None] = {}
    unchecked: list[str] = []
    newest = state.get("newest_day")
    horizon = (date.fromisoformat(newest) - timedelta(days=settings.copy_window_days)
               ).isoformat() if newest else None
    for record in store.copy_records():
        doc_id, checked, original, key, signature, shingles, agency, published = record
        if checked:
            recent = horizon is None or not published or published[:10] >= horizon
            index.restore(doc_id, key, signature, shingles, agency, near=recent)
            duplicate_of[doc_id] = original
        else:
            unchecked.append(doc_id)
    tracker = EventTracker.restore(settings, n_documents=state.get("n_documents", 0),
                                   df=state["df"], newest_day=newest,
                                   event_of=state["event_of"], clusters=state["clusters"])
    unplaced = {doc_id for doc_id in duplicate_of if doc_id not in tracker.event_of}
    unplaced.update(unchecked)
    if not unplaced:
        return tracker, duplicate_of
    fresh = list(store.analyses_of(unplaced))
    for analysis in fresh:
        doc_id = analysis.document.id
        if doc_id in duplicate_of:
            continue
        duplicate_of[doc_id] = index.add(doc_id, analysis.document.text,
                                         analysis.document.metadata.get("agency"))
        store.set_copy(doc_id, duplicate_of[doc_id], *index.export(doc_id))
    times.add("duplicates", started)

    started = time.perf_counter()
    place_articles(tracker, _with_copies(fresh, duplicate_of), duplicate_of)
    store.save_grouping(
        {"settings": wanted, "n_documents": tracker.n_documents,
         "newest_day": tracker.newest_day.isoformat() if tracker.newest_day else None},
        dict(tracker.df_delta),
        {n: cluster_to_json(tracker.clusters[n]) for n in sorted(tracker.changed)},
        tracker.placed)
    times.add("events", started)
    return tracker, duplicate_of


def analyze_store(store: Store, settings: Settings | None = None,
                  times: StageTimes | None = None,
                  progress: ProgressFactory = _no_progress) -> Analysis:
    """The analysis of everything stored: stored events, recomputed linking and summaries."""
    settings = settings or Settings()
    times = times if times is not None else StageTimes()
    tracker, duplicate_of = update_grouping(store, settings, times)
    analyses = _with_copies(list(store.analyses()), duplicate_of)
    started = time.perf_counter()
    events, stories = tracked_events(tracker, analyses, settings)
    times.add("events", started)
    return _explain(analyses, events, stories, store.rejections(), settings, times, progress)

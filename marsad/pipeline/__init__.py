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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from marsad.arabic.sentences import split_sentences
from marsad.errors import E_DUPLICATE_ID, E_STAGE, InputError, ModelError
from marsad.explain.compare import compare_event, compare_events
from marsad.explain.guard import per_item, whole_or_each
from marsad.explain.summaries import quote_speakers, summarize_event, summarize_story
from marsad.extract.linking import link_entities
from marsad.extract.ner import find_mentions, find_mentions_in
from marsad.extract.quantities import find_quantities
from marsad.extract.quotes import find_quotes
from marsad.group.duplicates import DuplicateIndex
from marsad.group.events import group_events
from marsad.group.tracker import EventTracker
from marsad.group.timeline import events_timeline
from marsad.ingest.clean import clean_record
from marsad.settings import Settings
from marsad.refresh import Grouping, needs_refresh, refresh, with_copies
from marsad.search import ensure_index
from marsad.store import Store, text_digest
from marsad.store.reads import Selection
from marsad.store.sqlite import KnownTexts
from marsad.types import (Analysis, Document, DocumentAnalysis, Event, Mention, Quote,
                          RawRecord, Rejection, Story)

# ids taken so far -> text digest: a dict, or the store's own (looked up as asked)
Seen = dict[str, str] | KnownTexts

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
    outcome, seconds = _analyze_batch([record], settings)[0]
    if times is not None:
        for stage, spent in seconds.seconds.items():
            times.seconds[stage] += spent
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _stage(times: StageTimes, name: str, fn: Callable[[], object]) -> object:
    begun = time.perf_counter()
    try:
        return fn()
    except ModelError:
        raise  # a broken install, not a bad article: stop with the fix in the message
    except Exception as exc:  # noqa: BLE001 - any bug in a stage must not stop the batch
        raise _StageFailed(name, exc) from exc
    finally:
        times.add(name, begun)


def _analyze_batch(records: Sequence[RawRecord], settings: Settings
                   ) -> list[tuple[DocumentAnalysis | InputError | _StageFailed, StageTimes]]:
    """The document stages of several articles, each article's result or failure and times.

    The same results as one article at a time, but the entity tagger reads all the batch's
    sentences in one pass: many sentences share each step of its network, which is where the
    tagging time goes (its time is shared out evenly among the batch's articles).
    """
    times = [StageTimes() for _ in records]
    results: list[DocumentAnalysis | InputError | _StageFailed | None] = [None] * len(records)
    documents: dict[int, Document] = {}
    for k, record in enumerate(records):
        started = time.perf_counter()
        try:
            document = clean_record(record, settings)  # InputError: it is the input's fault
        except InputError as exc:
            results[k] = exc
            continue
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in cleaning must not stop the batch
            results[k] = _StageFailed("clean", exc)
            continue
        times[k].add("clean", started)
        try:
            sentences = _stage(times[k], "sentences",
                               lambda: tuple(split_sentences(document.text)))
        except _StageFailed as exc:
            results[k] = exc
            continue
        documents[k] = replace(document, sentences=sentences)
    mentions: dict[int, tuple[Mention, ...]] = {}
    started = time.perf_counter()
    try:
        found = find_mentions_in(list(documents.values())) if documents else []
    except ModelError:
        raise
    except Exception:  # noqa: BLE001 - again article by article, to name the one that fails
        for k, document in documents.items():
            try:
                mentions[k] = _stage(times[k], "entities",
                                     lambda: tuple(find_mentions(document)))  # noqa: B023
            except _StageFailed as exc:
                results[k] = exc
    else:
        share = (time.perf_counter() - started) / max(1, len(documents))
        for k, found_mentions in zip(documents, found):
            mentions[k] = tuple(found_mentions)
            times[k].seconds["entities"] += share
    for k, document in documents.items():
        if k not in mentions:
            continue
        try:
            quotes = _stage(times[k], "quotes",
                            lambda: tuple(find_quotes(document, mentions[k])))  # noqa: B023
            quantities = _stage(times[k], "quantities",
                                lambda: tuple(find_quantities(document)))  # noqa: B023
        except _StageFailed as exc:
            results[k] = exc
            continue
        results[k] = DocumentAnalysis(document, mentions[k], quotes, quantities)
    return [(result, spent) for result, spent in zip(results, times)]  # type: ignore[misc]


def analyze_batch(records: Sequence[RawRecord], settings: Settings
                  ) -> list[tuple[DocumentAnalysis | Rejection, dict[str, float]]]:
    """`analyze_record` of several articles with a bad article turned into a Rejection, and
    the stage times (a module-level function of picklable values, so worker processes can
    run it)."""
    outcomes: list[tuple[DocumentAnalysis | Rejection, dict[str, float]]] = []
    for record, (result, times) in zip(records, _analyze_batch(records, settings)):
        name = record.path or record.id or "<record>"
        if isinstance(result, InputError):
            outcome: DocumentAnalysis | Rejection = Rejection(
                name, result.code, result.reason if result.reason else str(result))
        elif isinstance(result, _StageFailed):
            outcome = Rejection(name, E_STAGE, f"{result} (a marsad bug: please report it)")
        else:
            outcome = result
        outcomes.append((outcome, dict(times.seconds)))
    return outcomes


# Articles analysed together (one pass of the entity tagger); a worker process takes a batch.
_BATCH = 64
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _batches(records: Iterable[RawRecord | Rejection]) -> Iterator[list[RawRecord | Rejection]]:
    iterator = iter(records)
    while batch := list(islice(iterator, _BATCH)):
        yield batch


def _outcomes(records: Iterable[RawRecord | Rejection], settings: Settings, jobs: int
              ) -> Iterator[tuple[RawRecord | Rejection, DocumentAnalysis | Rejection | None,
                                  dict[str, float]]]:
    """(record, outcome, stage times) in input order; `jobs` > 1 analyses in that many worker
    processes, a bounded number of batches at a time (memory stays flat on a huge input)."""
    if jobs <= 1:
        for batch in _batches(records):
            done = iter(analyze_batch([r for r in batch if not isinstance(r, Rejection)],
                                      settings))
            for record in batch:
                yield (record, None, {}) if isinstance(record, Rejection) else \
                    (record, *next(done))
        return
    import multiprocessing
    import os
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    # Fresh (spawned) workers that start with one BLAS thread each: N workers x N BLAS threads
    # on N cores made the tagger 4x slower per article. The variables are read when a worker
    # starts, so they stay set while the pool lives (the parent's own BLAS is already running).
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(dict.fromkeys(_ONE_THREAD, "1"))
    try:
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_exit_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            # A sliding window of batches in flight: workers never wait for the slowest batch
            # of a round, and results still come back in input order.
            pending: deque[tuple[list[RawRecord | Rejection], Future | None]] = deque()
            for batch in _batches(records):
                work = [r for r in batch if not isinstance(r, Rejection)]
                pending.append((batch, pool.submit(analyze_batch, work, settings)
                                if work else None))
                while len(pending) > 3 * jobs or (pending and pending[0][1] is None):
                    yield from _finished(*pending.popleft())
            while pending:
                yield from _finished(*pending.popleft())
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the process that started it is gone.

    A parent killed with SIGKILL (kill -9, the OOM killer) cannot stop its pool, and the
    workers would otherwise wait for work forever, each holding a loaded tagger (found by
    benchmarks/crash.py: every killed `ingest --jobs 2` left two such processes behind).
    """
    import os
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="marsad-parent-watch", daemon=True).start()


def _finished(batch: list[RawRecord | Rejection], future: Future | None
              ) -> Iterator[tuple[RawRecord | Rejection, DocumentAnalysis | Rejection | None,
                                  dict[str, float]]]:
    done = iter(future.result() if future is not None else [])
    for record in batch:
        yield (record, None, {}) if isinstance(record, Rejection) else (record, *next(done))


def analyze_records(records: Iterable[RawRecord | Rejection], settings: Settings,
                    times: StageTimes | None = None,
                    seen: Seen | None = None, jobs: int = 1,
                    ) -> Iterator[DocumentAnalysis | Rejection | Repeat]:
    """Map `analyze_record` over records, turning every failure into a Rejection.

    `seen` maps document ids already taken to their text digest (the store passes its own), so
    a repeated article is skipped and a clash of different articles on one id is reported.
    `jobs` > 1 runs the per-article stages in that many processes (same results, same order).
    """
    def outcomes() -> Iterator[RawRecord | Rejection | DocumentAnalysis]:
        for record, outcome, seconds in _outcomes(records, settings, jobs):
            if times is not None:
                for stage, spent in seconds.items():
                    times.seconds[stage] += spent
            yield record if isinstance(record, Rejection) else outcome  # type: ignore[misc]
    return unique_analyses(outcomes(), seen if seen is not None else {})


def unique_analyses(outcomes: Iterable[DocumentAnalysis | Rejection], seen: Seen
                    ) -> Iterator[DocumentAnalysis | Rejection | Repeat]:
    """Each analysis under the id it gets in the store (`seen`: id -> text digest of the
    articles taken so far, updated): a repeat becomes a Repeat, an id clash a Rejection or a
    disambiguated file id."""
    for outcome in outcomes:
        if isinstance(outcome, Rejection):
            yield outcome
            continue
        analysis = outcome
        document = analysis.document
        unique = _unique_id(document, seen)
        if unique is None:
            yield Repeat(document.id, document.path or document.id)  # the same article again
            continue
        if isinstance(unique, Rejection):
            yield unique
            continue
        if unique != document.id:
            analysis = _rename(analysis, unique)
        seen[unique] = text_digest(analysis.document.text)
        yield analysis


def _unique_id(document: Document, seen: Seen) -> str | Rejection | None:
    """The id this document gets: its own, a disambiguated file id, None for a repeat."""
    taken = seen.get(document.id)
    if taken is None:
        return document.id
    if taken == text_digest(document.text):
        return None
    file_derived = document.path is not None and Path(document.path).stem == document.id
    if not file_derived:
        return Rejection(document.path or document.id, E_DUPLICATE_ID,
                         f"id '{document.id}' is already used by a different article; "
                         "give each record a unique id")
    for n in range(2, 10_000):
        candidate = f"{document.id}-{n}"
        if candidate not in seen:
            return candidate
    return Rejection(document.path or document.id, E_DUPLICATE_ID,
                     "too many files share this name")


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
    analyses = with_copies(analyses, duplicate_of)
    times.add("duplicates", started)

    started = time.perf_counter()
    for _ in progress([0], "events"):
        events, stories = group_events(analyses, duplicate_of, settings)
    times.add("events", started)
    return _explain(analyses, events, stories, rejected, settings, times, progress)


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
    """Read every input, analyse every article and the collection: the whole batch job.

    The articles go through a temporary store exactly as `ingest` does (so memory does not grow
    with the input, and a batch gives the same result as ingesting the same articles); the
    Analysis is then read back from it. For large inputs use `run_to_store` and stream the
    output from the store instead of holding an Analysis.
    """
    import tempfile
    settings = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="marsad-") as folder:
        with Store(Path(folder) / "analysis.sqlite") as store:
            run_to_store(inputs, store, settings, progress, times, jobs)
            return store_analysis(store)


def run_to_store(inputs: Sequence[str | Path], store: Store, settings: Settings | None = None,
                 progress: ProgressFactory = _no_progress,
                 times: StageTimes | None = None, jobs: int = 1) -> IngestResult:
    """`ingest` into a store of the caller's (a temporary one for `analyze`: no search index,
    nobody searches it)."""
    return ingest(inputs, store, settings, progress, times, jobs, search_index=False)


def store_analysis(store: Store, selection: Selection | None = None) -> Analysis:
    """The Analysis of what a store holds (or of a selection of its events), read from its
    tables: nothing is recomputed."""
    from marsad.export.store_json import store_dict
    from marsad.export.json_contract import analysis_from_dict
    return analysis_from_dict(store_dict(store, selection))


def update_grouping(store: Store, settings: Settings, times: StageTimes | None = None, *,
                    complete: bool = True) -> tuple[EventTracker, dict[str, str | None]]:
    """Bring the store's copies and events (only) up to date; return the tracker and the copy
    links (for benchmarks and tests of the grouping alone; `refresh` does every layer)."""
    times = times if times is not None else StageTimes()
    grouping = Grouping(store, settings, complete=complete)
    unplaced = grouping.unplaced()
    if unplaced:
        started = time.perf_counter()
        grouping.place(list(store.analyses_of(unplaced)))
        with store.transaction():
            grouping.write(store)
        times.add("events", started)
    return grouping.tracker, grouping.duplicate_of


def analyze_store(store: Store, settings: Settings | None = None,
                  times: StageTimes | None = None,
                  progress: ProgressFactory = _no_progress,
                  selection: Selection | None = None) -> Analysis:
    """The analysis of what is stored: every layer brought up to date (only what is new is
    computed), then read from the store's tables."""
    settings = settings or Settings()
    if needs_refresh(store, settings):
        with store.writer_lock():
            refresh(store, settings, progress=progress, times=times)
            ensure_index(store)
    return store_analysis(store, selection)


# The store side (ingest, import of articles analysed elsewhere) is in keep.py; imported last,
# as it builds on the stages above.
from marsad.pipeline.keep import (IngestResult, ingest, record_digest,  # noqa: E402
                                  store_outcomes)

__all__ = ["IngestResult", "ingest", "record_digest", "store_outcomes"]

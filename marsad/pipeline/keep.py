"""The store side of the pipeline: `ingest` (read, analyse and keep) and `store_outcomes`
(keep articles analysed elsewhere, by `marsad spark`), one loop for both so they give the same
store."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.errors import MarsadError
from marsad.ingest import read_inputs
from marsad.pipeline import (ProgressFactory, Repeat, StageTimes, _no_progress, analyze_records,
                             unique_analyses)
from marsad.refresh import Refresher
from marsad.search import ensure_index
from marsad.settings import Settings
from marsad.store import Store, text_digest
from marsad.types import DocumentAnalysis, RawRecord, Rejection


@dataclass(frozen=True)
class IngestResult:
    """What one `ingest` call did to a store."""

    added: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    total: int


def record_digest(record: RawRecord) -> str:
    """Digest of a record as read (its id and raw text): the same record read again is
    recognised before any analysis."""
    return text_digest(f"{record.id or ''}\x00{record.path or ''}\x00{record.text}")


def ingest(inputs: Sequence[str | Path], store: Store, settings: Settings | None = None,
           progress: ProgressFactory = _no_progress,
           times: StageTimes | None = None, jobs: int = 1,
           on_wait: Callable[[str], None] | None = None,
           search_index: bool = True) -> IngestResult:
    """Analyse new articles, keep them in the store and bring every layer up to date (and,
    with `search_index`, its search index: `marsad.search`).

    A record already stored (same id and raw text) is skipped before it is analysed. The store's
    writer lock is held for the whole call, so two ingests at once run one after the other.
    Placing is incremental (see `marsad.refresh`): nothing stored before is regrouped.
    """
    settings = settings or Settings()
    with store.writer_lock(on_wait):
        run_number = store.start_run("ingest")
        unseen = _Unseen(store.known_records())
        records = ((None if isinstance(r, Rejection) else record_digest(r), r)
                   for r in read_inputs(inputs, settings))
        items = analyze_records(unseen(records), settings, times, store.known_texts(),
                                jobs=jobs)
        return _keep(zip(items, unseen.digests()), store, settings, progress, times,
                     run_number, unchanged_before=lambda: unseen.skipped,
                     search_index=search_index)


class _Unseen:
    """The items whose record digest the store does not hold yet (a repeat is skipped before
    any analysis and counted), their digests queued in order for the store."""

    def __init__(self, known: Any) -> None:
        self.known, self.skipped = known, 0
        self._queue: deque[str | None] = deque()

    def __call__(self, pairs: Iterable[tuple[str | None, Any]]) -> Iterator[Any]:
        for digest, item in pairs:
            if digest is not None:
                if digest in self.known:
                    self.skipped += 1           # the very same record: not even analysed
                    continue
                self.known.add(digest)
            self._queue.append(digest)
            yield item

    def digests(self) -> Iterator[str | None]:
        """The digest of each item let through, in order (queued as the reading goes)."""
        while True:
            yield self._queue.popleft() if self._queue else None


def store_outcomes(outcomes: Iterable[tuple[str | None, DocumentAnalysis | Rejection]],
                   store: Store, settings: Settings | None = None,
                   progress: ProgressFactory = _no_progress, times: StageTimes | None = None,
                   *, search_index: bool = True) -> IngestResult:
    """Keep articles analysed elsewhere (`marsad spark`: (record digest, analysis or
    rejection) in input order) exactly as `ingest` keeps its own: the same unique ids, repeats
    skipped by digest, and every layer brought up to date."""
    settings = settings or Settings()
    with store.writer_lock():
        run_number = store.start_run("import")
        unseen = _Unseen(store.known_records())
        items = unique_analyses(unseen(outcomes), store.known_texts())
        return _keep(zip(items, unseen.digests()), store, settings, progress, times,
                     run_number, unchanged_before=lambda: unseen.skipped,
                     search_index=search_index)


def _keep(items: Iterable[tuple[DocumentAnalysis | Rejection | Repeat, str | None]],
          store: Store, settings: Settings, progress: ProgressFactory,
          times: StageTimes | None, run_number: int, *, unchanged_before: Callable[[], int],
          search_index: bool) -> IngestResult:
    """Store analysed items in order and place them (the writer lock is held by the caller)."""
    added = unchanged = 0
    rejected: list[Rejection] = []
    # Each full chunk of stored articles is placed at once: readers (`serve`, `report`)
    # see a long ingest's articles placed a chunk at a time, not all at its end; the store
    # ends as a refresh after the last article leaves it (tested).
    refresher = Refresher(store, settings, progress=progress, times=times)
    for item, digest in progress(items, "articles"):
        if isinstance(item, Repeat):
            unchanged += 1
            continue
        if isinstance(item, Rejection):
            rejected.append(item)
            store.add_rejection(item)
            continue
        try:
            if store.add(item, digest):
                added += 1
                refresher.added(item.document.id)
        except MarsadError as exc:
            rejection = Rejection(item.document.path or item.document.id, exc.code, str(exc))
            rejected.append(rejection)
            store.add_rejection(rejection)
    refresher.finish()
    if search_index:
        started = time.perf_counter()
        ensure_index(store)              # under the writer lock, after the articles are placed
        if times is not None:
            times.add("search index", started)
    unchanged += unchanged_before()
    store.finish_run(run_number, added, unchanged, len(rejected))
    return IngestResult(added, unchanged, tuple(rejected), store.count())

"""The copies and events of a store during a refresh: the copy index and event tracker restored
from the store, fed chunks, written back (see `marsad.refresh`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from marsad.group.duplicates import DuplicateIndex
from marsad.group.events import place_articles
from marsad.group.tracker import EventTracker, cluster_to_json
from marsad.settings import Settings
from marsad.store import Store
from marsad.types import DocumentAnalysis

UNDATED_NEAR = 5_000        # undated articles kept as near-copy candidates (see Grouping)


def grouping_settings(settings: Settings) -> dict[str, float | bool]:
    return {"duplicate_threshold": settings.duplicate_threshold,
            "agency_copy_threshold": settings.agency_copy_threshold,
            "event_threshold": settings.event_threshold,
            "event_window_days": settings.event_window_days,
            "event_span_days": settings.event_span_days,
            "background_idf": settings.background_idf,
            "event_name_conflict_margin": settings.event_name_conflict_margin,
            "story_threshold": settings.story_threshold}


class Grouping:
    """Copies and events of a store: the tracker and copy index, restored once, fed chunks.

    Between chunks `compact` leaves in memory what a new restore from the store would load, and
    nothing more (closed events as stubs, near-copy candidates within their windows): memory
    stays that of a day's ingest on a huge batch, and a chunk does not read the whole archive
    again (tested: a refresh in chunks equals ingests of those chunks).
    """

    def __init__(self, store: Store, settings: Settings, *, complete: bool = False) -> None:
        wanted = grouping_settings(settings)
        state = store.grouping_state(open_only=not complete)
        stored = state.get("settings")
        if stored is not None and {k: stored.get(k, wanted[k]) for k in wanted} != wanted:
            copy_settings = ("duplicate_threshold", "agency_copy_threshold")
            store.reset_grouping(copies=any(stored.get(k) != wanted[k] for k in copy_settings))
            state = store.grouping_state(open_only=not complete)
        self.wanted = wanted
        self.index = DuplicateIndex(settings.duplicate_threshold, settings.agency_copy_threshold)
        self.duplicate_of: dict[str, str | None] = {}
        newest = state.get("newest_day")
        self.copy_window_days = settings.copy_window_days
        horizon = self._horizon(date.fromisoformat(newest) if newest else None)
        self.unchecked: set[str] = set()
        self.published: dict[str, str | None] = {}   # near-copy candidates -> published
        # Undated articles have no copy window in time: the newest UNDATED_NEAR of them (in
        # arrival order) stay near-copy candidates, so an undated archive does not put every
        # article it ever stored back into the LSH index at each chunk (older ones are still
        # matched by their exact key). 5,000 is about four days of the ten SaudiNewsNet outlets
        # (a dated article stays a candidate for `copy_window_days`, 7); restoring them is the
        # part of a chunk's cost that an undated flood repeats at every chunk.
        self.undated: dict[str, None] = {doc_id: None for (doc_id,) in reversed(store.db.execute(
            "SELECT id FROM documents WHERE published IS NULL AND copy_checked = 1"
            " ORDER BY seq DESC LIMIT ?", (UNDATED_NEAR,)).fetchall())}    # oldest first
        for doc_id, checked, original, key, signature, shingles, agency, published in \
                store.copy_records_since(horizon):
            if checked:
                near = signature is not None and self._near(doc_id, published, horizon)
                self.index.restore(doc_id, key, signature, shingles, agency, near=near)
                if near:
                    self.published[doc_id] = published
                self.duplicate_of[doc_id] = original
            else:
                self.unchecked.add(doc_id)
        self.tracker = EventTracker.restore(settings, n_documents=state.get("n_documents", 0),
                                            df=state["df"], newest_day=newest,
                                            event_of=state["event_of"], clusters=state["clusters"],
                                            arrivals=state.get("arrivals"))
        self.copies: list[tuple] = []

    def unplaced(self) -> set[str]:
        return {d for d in self.duplicate_of if d not in self.tracker.event_of} | self.unchecked

    def place(self, analyses: Sequence[DocumentAnalysis]) -> list[DocumentAnalysis]:
        """Compare and place the articles not yet placed; the chunk with copies marked."""
        fresh = [a for a in analyses if a.document.id not in self.tracker.event_of]
        for analysis in fresh:
            doc_id = analysis.document.id
            if doc_id in self.duplicate_of and doc_id not in self.unchecked:
                continue
            self.duplicate_of[doc_id] = self.index.add(doc_id, analysis.document.text,
                                                       analysis.document.metadata.get("agency"))
            self.unchecked.discard(doc_id)
            if self.index.is_candidate(doc_id):
                self.published[doc_id] = analysis.document.published
            if not analysis.document.published:
                self.undated[doc_id] = None
            self.copies.append((doc_id, self.duplicate_of[doc_id], *self.index.export(doc_id)))
        marked = with_copies(fresh, self.duplicate_of)
        place_articles(self.tracker, marked, self.duplicate_of)
        return with_copies(analyses, self.duplicate_of)

    def write(self, store: Store) -> set[int]:
        """Write what changed (inside the caller's transaction); the numbers of the events
        whose articles changed (the ones to explain again: `EventTracker.grown`)."""
        tracker = self.tracker
        for row in self.copies:
            store.write_copy(*row)
        changed, grown = set(tracker.changed), set(tracker.grown)
        store.write_grouping(
            {"settings": self.wanted, "n_documents": tracker.n_documents,
             "arrivals": tracker.arrivals,
             "newest_day": tracker.newest_day.isoformat() if tracker.newest_day else None},
            dict(tracker.df_delta), {n: cluster_to_json(tracker.clusters[n]) for n in sorted(changed)},
            tracker.placed)
        self.copies.clear()
        tracker.changed.clear()
        tracker.grown.clear()
        tracker.df_delta.clear()
        tracker.placed.clear()
        return grown

    def _horizon(self, newest: date | None) -> str | None:
        """The first day whose articles are still near-copy candidates (None: every day)."""
        return (newest - timedelta(days=self.copy_window_days)).isoformat() if newest else None

    def _near(self, doc_id: str, published: str | None, horizon: str | None) -> bool:
        """Whether an article stays a near-copy candidate: a dated one within the copy window,
        an undated one among the newest UNDATED_NEAR undated."""
        if not published:
            return doc_id in self.undated
        return horizon is None or published[:10] >= horizon

    def compact(self) -> None:
        """After a chunk is written: forget what a restore would not load (see the class doc)."""
        self.tracker.compact()
        while len(self.undated) > UNDATED_NEAR:
            del self.undated[next(iter(self.undated))]
        horizon = self._horizon(self.tracker.newest_day)
        stale = [doc_id for doc_id, published in self.published.items()
                 if not self._near(doc_id, published, horizon)]
        for doc_id in stale:
            del self.published[doc_id]
        self.index.forget_near(stale)


def with_copies(analyses: Sequence[DocumentAnalysis],
                duplicate_of: Mapping[str, str | None]) -> list[DocumentAnalysis]:
    return [a if a.document.duplicate_of == duplicate_of.get(a.document.id) else
            DocumentAnalysis(replace(a.document, duplicate_of=duplicate_of.get(a.document.id)),
                             a.mentions, a.quotes, a.quantities) for a in analyses]

"""Keeping every collection layer of a store up to date, incrementally.

After new articles are stored (their per-article layers are rows already), `refresh` takes the
articles not yet linked, a chunk at a time in arrival order, and for each chunk, in one
transaction:
1. copies and events: each new article is compared with the recent copy signatures and placed
   in an open event (`group.tracker.EventTracker`, restored once per refresh);
2. entities: the chunk's mentions are linked (`extract.linking`) and tied to the stored
   entities by name keys (`extract.entity_index`): new entities get new numbers, a later merge
   is recorded;
3. stories: the events the chunk created or changed are placed in, or updated in, their stories
   (`group.story_tracker`);
4. explanations: only those events and their stories get their title, date (timeline),
   summary with citations and outlet comparison recomputed.
A chunk is written whole or not at all: a killed run leaves the store as it was before the
chunk, and the next run redoes it. The cost of a refresh follows the new articles and the events
they touch, never the size of the archive (closed events and stories are not even loaded).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from marsad.errors import E_STAGE, MarsadError
from marsad.explain.compare import compare_event, compare_events
from marsad.explain.summaries import quote_speakers, summarize_event, summarize_story
from marsad.extract.entity_index import canonical_name, entity_type, folded_name, link_to_index
from marsad.group import features
from marsad.group.duplicates import DuplicateIndex
from marsad.group.events import article_terms, document_outlet, place_articles, published_day, time_order
from marsad.group.events import _event_title  # noqa: PLC2701 (one title rule for batch and store)
from marsad.group.story_tracker import StoryTracker, story_to_json, update_stories
from marsad.group.timeline import date_events
from marsad.group.tracker import EventTracker, cluster_from_json, cluster_to_json
from marsad.settings import Settings
from marsad.store import Store
from marsad.store.layers import entity_id, event_id, number_of, quote_id, story_id
from marsad.types import (Comparison, DocumentAnalysis, Entity, Event, Mention, Quote, Span,
                          StoredEntity, Story, Summary)

CHUNK_ARTICLES = 2000       # articles per refresh transaction (memory stays flat)
STORY_DOCUMENTS = 300       # a story's summary/comparison reads at most its newest articles
# An event's summary and comparison read at most its first EVENT_HEAD articles (the first
# reports) and its newest EVENT_TAIL: a flood of one template (10,000 articles in one event)
# would otherwise be summarised whole again at every chunk that touches it.
EVENT_HEAD, EVENT_TAIL = 100, 200
UNDATED_NEAR = 5_000        # undated articles kept as near-copy candidates (see Grouping)

Progress = Callable[[Iterable, str], Iterable]


def grouping_settings(settings: Settings) -> dict[str, float | bool]:
    return {"duplicate_threshold": settings.duplicate_threshold,
            "agency_copy_threshold": settings.agency_copy_threshold,
            "event_threshold": settings.event_threshold,
            "event_window_days": settings.event_window_days,
            "event_span_days": settings.event_span_days,
            "background_idf": settings.background_idf,
            "event_name_conflict_margin": settings.event_name_conflict_margin,
            "story_threshold": settings.story_threshold}


@dataclass
class RefreshStats:
    articles: int = 0
    events: int = 0
    stories: int = 0
    entities: int = 0


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
        horizon = (date.fromisoformat(newest) - timedelta(days=settings.copy_window_days)
                   ).isoformat() if newest else None
        self.unchecked: set[str] = set()
        self.copy_window_days = settings.copy_window_days
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
                recent = (doc_id in self.undated) if not published else \
                    (horizon is None or published[:10] >= horizon)
                near = recent and signature is not None
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

    def compact(self) -> None:
        """After a chunk is written: forget what a restore would not load (see the class doc)."""
        self.tracker.compact()
        while len(self.undated) > UNDATED_NEAR:
            del self.undated[next(iter(self.undated))]
        newest = self.tracker.newest_day
        horizon = (newest - timedelta(days=self.copy_window_days)).isoformat() if newest else None
        stale = []
        for doc_id, published in self.published.items():
            if not published:
                if doc_id not in self.undated:
                    stale.append(doc_id)
            elif horizon is not None and published[:10] < horizon:
                stale.append(doc_id)
        for doc_id in stale:
            del self.published[doc_id]
        self.index.forget_near(stale)


def with_copies(analyses: Sequence[DocumentAnalysis],
                duplicate_of: Mapping[str, str | None]) -> list[DocumentAnalysis]:
    return [a if a.document.duplicate_of == duplicate_of.get(a.document.id) else
            DocumentAnalysis(replace(a.document, duplicate_of=duplicate_of.get(a.document.id)),
                             a.mentions, a.quotes, a.quantities) for a in analyses]


def _stories(store: Store, settings: Settings) -> StoryTracker:
    """The story tracker with the stories that can still take an event: open, and with an
    event in the last `story_window_days` (memory follows the recent news, not the archive)."""
    meta = store.meta("stories") or {}
    newest = meta.get("newest_day")
    horizon = (date.fromisoformat(newest) - timedelta(days=settings.story_window_days + 1)
               ).isoformat() if newest else None
    rows = store.db.execute(
        "SELECT number, state FROM stories WHERE open = 1 AND (? IS NULL OR last_date IS NULL"
        " OR last_date >= ?)", (horizon, horizon)).fetchall()
    return StoryTracker.restore(settings, newest_day=meta.get("newest_day"),
                                stories={n: json.loads(s) for n, s in rows},
                                next_number=meta.get("next_number"),
                                arrivals=meta.get("arrivals", 0))


def refresh(store: Store, settings: Settings, *, progress: Progress | None = None,
            times: Any = None, chunk_articles: int = CHUNK_ARTICLES) -> RefreshStats:
    """Bring every collection layer of the store up to date (see the module docstring)."""
    stats = RefreshStats()
    if store.backfill_pending():
        store.backfill()
    if not needs_refresh(store, settings):
        return stats                          # a repeat: nothing to load, nothing to do
    grouping = Grouping(store, settings)
    stories = _stories(store, settings)
    pending = [row for row in store.db.execute(
        "SELECT seq, id FROM documents WHERE linked = 0 OR event IS NULL ORDER BY seq")]
    chunks = [pending[i:i + chunk_articles] for i in range(0, len(pending), chunk_articles)]
    for index, chunk in enumerate(progress(chunks, "placing") if progress and len(chunks) > 1
                                  else chunks):
        if index > 0:
            # Only open events, recent copy signatures and open stories are kept (the stories
            # restored from the store again), so a huge batch (`analyze` of an archive) keeps
            # memory at what a day's ingest needs instead of growing with the input
            # (restored = live: tested).
            grouping.compact()
            stories = _stories(store, settings)
        started = time.perf_counter()
        analyses = grouping.place(list(store.analyses_of(doc_id for _, doc_id in chunk)))
        _add_time(times, "events", started)
        started = time.perf_counter()
        linked = link_to_index(analyses, store, store.next_entity_number())
        _add_time(times, "linking", started)
        with store.transaction():
            changed = grouping.write(store)
            stats.entities += _write_links(store, linked, {d: s for s, d in chunk})
            update_stories(stories, grouping.tracker, changed)
            stats.events += len(changed)
            stats.stories += _write_stories(store, stories, grouping.tracker, changed, settings,
                                            times)
        stats.articles += len(chunk)
    # Events never explained (a store upgraded from schema 2, a regroup after new settings).
    missing = [n for (n,) in store.db.execute(
        "SELECT number FROM clusters WHERE number NOT IN (SELECT number FROM events)"
        " ORDER BY number")]
    for start in range(0, len(missing), 500):
        part = set(missing[start:start + 500])
        for number in part:
            if number < len(grouping.tracker.clusters) and number not in stories.story_of:
                cluster = _full_cluster(store, grouping.tracker, number)
                if cluster.members:
                    stories.place(number, cluster.total, cluster.first_day)
        with store.transaction():
            stats.stories += _write_stories(store, stories, grouping.tracker, part, settings,
                                            times)
        stats.events += len(part)
    return stats


def needs_refresh(store: Store, settings: Settings) -> bool:
    """Whether some layer is behind: an article not yet linked or placed (an interrupted
    ingest, a store upgraded from an older schema), or grouping settings that changed."""
    if store.backfill_pending():
        return True
    if store.db.execute("SELECT 1 FROM documents WHERE linked = 0 OR event IS NULL LIMIT 1"
                        ).fetchone():
        return True
    stored = (store.meta("grouping") or {}).get("settings")
    wanted = grouping_settings(settings)
    return stored is not None and {k: stored.get(k, wanted[k]) for k in wanted} != wanted


def _add_time(times: Any, stage: str, started: float) -> None:
    if times is not None:
        times.add(stage, started)


# ------------------------------------------------------------------------------- entities
def _write_links(store: Store, linked: Any, seq_of: Mapping[str, int]) -> int:
    """Apply a linked batch: entity rows updated or created, merges recorded, mentions and
    quotes pointed at their entities. Returns the number of new entities."""
    created = 0
    first_doc = {d: seq_of.get(doc, 0) for d, doc in enumerate(sorted(seq_of, key=seq_of.get))}
    for merge in linked.merges:
        old = store.stored_entity(merge.old)
        new = store.stored_entity(merge.new)
        if old is not None and new is not None:
            store.merge_entities(merge.old, merge.new, merge.reason)
            _fold_into(store, new, old)
    records: list[StoredEntity] = []
    for number, update in linked.updates.items():
        stored = None if update.new else store.stored_entity(number)
        surfaces = Counter(stored.surfaces if stored else {}) + update.surfaces
        votes = Counter(stored.type_votes if stored else {}) + update.type_votes
        words = update.words if len(update.words) > len(stored.words if stored else ()) else \
            (stored.words if stored else ())
        etype = entity_type(votes)
        name = canonical_name(surfaces, etype)
        records.append(StoredEntity(
            number=number, type=etype, name=name, name_folded=folded_name(name),
            surfaces=surfaces, words=words, mention_count=sum(surfaces.values()),
            type_votes=votes,
            first_seq=stored.first_seq if stored else (
                first_doc.get(update.first[0]) if update.first else None),
            keys=set(update.keys) | (stored.keys if stored else set())))
        created += int(update.new)
    store.write_entities(records)
    store.link_mentions(seq_of, linked.mention_entity, linked.mention_surface, linked.quote_speaker)
    return created


def _fold_into(store: Store, new: StoredEntity, old: StoredEntity) -> None:
    """The surviving entity of a merge gains the merged one's forms and counts."""
    surfaces = Counter(new.surfaces) + Counter(old.surfaces)
    votes = Counter(new.type_votes) + Counter(old.type_votes)
    etype = entity_type(votes)
    name = canonical_name(surfaces, etype)
    store.write_entities([replace(new, type=etype, name=name, name_folded=folded_name(name),
                                  surfaces=surfaces, type_votes=votes,
                                  mention_count=sum(surfaces.values()),
                                  keys=set(new.keys) | set(old.keys),
                                  words=max(new.words, old.words, key=len))])


# ------------------------------------------------------------------------ events, stories
def _full_cluster(store: Store, tracker: EventTracker, number: int):
    """An event cluster with its whole state (a closed one is a stub in the tracker)."""
    cluster = tracker.clusters[number]
    if cluster.members:
        return cluster
    state = store.cluster_states([number]).get(number)
    return cluster_from_json(state) if state else cluster


def _write_stories(store: Store, stories: StoryTracker, tracker: EventTracker,
                   changed_events: Iterable[int], settings: Settings, times: Any) -> int:
    """Explain the changed events and the stories they are in; write the story states."""
    started = time.perf_counter()
    changed_events = set(changed_events)
    for old, new in stories.merged.items():
        store.record_story_merge(old, new)
    touched_stories = {stories.current(stories.story_of[n]) for n in changed_events
                       if n in stories.story_of} | {stories.current(n) for n in stories.changed}
    touched_stories = {n for n in touched_stories if n in stories.stories
                       and stories.stories[n].merged_into is None}
    _explain_events(store, tracker, sorted(changed_events), stories, settings)
    for number in sorted(touched_stories):
        # an event that moved into this story (a merge) keeps its explanation, not its story
        store.set_event_story((m for m in stories.stories[number].members
                               if isinstance(m, int) and m not in changed_events), number)
        _explain_story(store, stories, number, tracker, settings)
    store.set_meta("stories", {"newest_day": stories.newest_day.isoformat()
                               if stories.newest_day else None,
                               "next_number": stories.next_number,
                               "arrivals": stories.arrivals})
    stories.changed.clear()
    stories.merged.clear()
    _add_time(times, "summaries", started)
    return len(touched_stories)


def _event_documents(store: Store, numbers: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {n: [] for n in numbers}
    for start in range(0, len(numbers), 500):
        part = list(numbers[start:start + 500])
        for doc_id, event in store.db.execute(
                f"SELECT id, event FROM documents WHERE event IN ({','.join('?' * len(part))})"
                " ORDER BY seq", part):
            out[event].append(doc_id)
    return out


def _explain_events(store: Store, tracker: EventTracker, numbers: Sequence[int],
                    stories: StoryTracker, settings: Settings) -> None:
    docs_of = _event_documents(store, numbers)
    context = _Context(store, [d for ds in docs_of.values() for d in ds])
    idf = tracker.idf()
    events: list[Event] = []
    for number in numbers:
        analyses = [context.analyses[d] for d in docs_of[number] if d in context.analyses]
        if not analyses:
            continue
        event = _event_record(number, _full_cluster(store, tracker, number), analyses, idf)
        story = stories.current(stories.story_of[number]) if number in stories.story_of else None
        event = replace(event, story=story_id(story) if story is not None else None)
        dated, basis = date_events([event], context.analyses)
        event = dated[0]
        published = sorted(a.document.published for a in analyses if a.document.published)
        store.write_event(number, event, basis.get(event.id), story,
                          published[0] if published else None,
                          published[-1] if published else None)
        events.append(event)
    context.explain_events(events, settings)


def _event_record(number: int, cluster: Any, analyses: Sequence[DocumentAnalysis],
                  idf: features.Idf) -> Event:
    order = time_order(analyses)
    ordered = [analyses[i] for i in order]
    core_ids = set(cluster.members)
    core = [i for i, a in enumerate(ordered) if a.document.id in core_ids]
    outlets: list[str] = []
    for index in core or range(len(ordered)):
        outlet = document_outlet(ordered[index])
        if outlet and outlet not in outlets:
            outlets.append(outlet)
    days = [d for d in (published_day(a.document.published) for a in ordered) if d is not None]
    total = cluster.total or features.tfidf(article_terms(ordered[0]), idf)
    return Event(id=event_id(number),
                 title=_event_title(ordered, core or list(range(len(ordered))), total,
                                    idf if len(core) > 1 else None),
                 documents=tuple(a.document.id for a in ordered), sources=tuple(outlets),
                 date=min(days).isoformat() if days else None)


def _explain_story(store: Store, stories: StoryTracker, number: int, tracker: EventTracker,
                   settings: Settings) -> None:
    state = stories.stories[number]
    members = [m for m in state.members if isinstance(m, int)]
    rows = {n: (title, date_, sources, n_docs) for n, title, date_, sources, n_docs in
            store.db.execute(
                f"SELECT number, title, date, sources, n_documents FROM events WHERE number IN"
                f" ({','.join('?' * len(members))})", members)} if members else {}
    sources = {s for r in rows.values() for s in json.loads(r[2])}
    dates = sorted(r[1] for r in rows.values() if r[1])
    central = max(rows, key=lambda n: (len(json.loads(rows[n][2])), rows[n][3], -n)) \
        if rows else None
    title = rows[central][0] if central is not None else ""
    store.write_story(number, title=title, n_events=len(rows),
                      n_documents=sum(r[3] for r in rows.values()), n_sources=len(sources),
                      first_date=dates[0] if dates else None, last_date=dates[-1] if dates else None,
                      open_=state.open, state=story_to_json(state))
    target = story_id(number)
    if len(rows) < 2:
        store.write_summary(target, None, None, {})
        store.write_comparison(target, None, None, [])
        return
    docs_of = _event_documents(store, sorted(rows))
    every = [d for n in sorted(rows) for d in docs_of[n]]
    context = _Context(store, every[-STORY_DOCUMENTS:])
    events = [Event(id=event_id(n), title=rows[n][0],
                    documents=tuple(d for d in docs_of[n] if d in context.analyses),
                    sources=tuple(json.loads(rows[n][2])), date=rows[n][1], story=target)
              for n in sorted(rows)]
    story = Story(id=target, title=title, events=tuple(e.id for e in events))
    context.explain_story(story, events, settings)


class _Context:
    """The analyses, linked quotes and entities of some articles, read from the store, with
    the contract writers for what is explained over them."""

    def __init__(self, store: Store, doc_ids: Sequence[str]) -> None:
        self.store = store
        self.seq_of = store.seqs_of(doc_ids)
        originals = dict(store.db.execute(
            "SELECT id, duplicate_of FROM documents WHERE seq IN (SELECT value FROM json_each(?))",
            (_json_list(self.seq_of.values()),)).fetchall()) if self.seq_of else {}
        self.analyses = {a.document.id: a for a in with_copies(
            list(store.analyses_of(doc_ids)), originals)}
        self.quotes, self.entities = _linked(store, self.seq_of)
        self.speakers = quote_speakers(self.quotes, self.entities)

    def _failed(self, what: str, stage: str, exc: Exception) -> None:
        """Record that one event's or story's summary or comparison failed (inside the refresh
        transaction): that output is left out, the rest of the store is kept up to date."""
        self.store.db.execute(
            "INSERT OR IGNORE INTO rejections (input, code, reason, at) VALUES (?,?,?,?)",
            (what, E_STAGE, f"stage '{stage}' failed: {type(exc).__name__}: {exc} "
                            "(a marsad bug: please report it)", time.time()))

    def _guarded(self, what: str, stage: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except MarsadError:
            raise
        except Exception as exc:  # noqa: BLE001 - one event's explanation must not stop the store
            self._failed(what, stage, exc)
            return None

    def explain_events(self, events: Sequence[Event], settings: Settings) -> None:
        """Summaries and comparisons of these events (one lookup index for all of them); an
        event whose summary or comparison fails loses only that output."""
        from marsad.export.json_contract import comparison_to_dict, summary_to_dict
        try:
            compared: dict | None = {c.event: c for c in compare_events(
                [_capped(e) for e in events], [], self.analyses, self.entities, self.quotes)}
        except MarsadError:
            raise
        except Exception:  # noqa: BLE001 - retried one event at a time below
            compared = None
        for event in events:
            summary = self._guarded(f"event {event.id}", "summaries", lambda: summarize_event(
                _capped(event), self.analyses, settings, speakers=self.speakers))
            comparison = compared.get(event.id) if compared is not None else self._guarded(
                f"event {event.id}", "comparisons",
                lambda: compare_event(_capped(event), self.analyses, self.entities,
                                      self.quotes))
            self.store.write_summary(event.id, summary,
                                     summary_to_dict(summary) if summary else None, self.seq_of)
            self.store.write_comparison(event.id, comparison,
                                        comparison_to_dict(comparison) if comparison else None,
                                        _findings(comparison))

    def explain_story(self, story: Story, events: Sequence[Event], settings: Settings) -> None:
        from marsad.export.json_contract import comparison_to_dict, summary_to_dict
        summary: Summary | None = None
        if settings.story_summary_sentences > 0:
            summary = self._guarded(f"story {story.id}", "summaries", lambda: summarize_story(
                story, events, self.analyses, settings, speakers=self.speakers))
        found = self._guarded(f"story {story.id}", "comparisons", lambda: compare_events(
            events, [story], self.analyses, self.entities, self.quotes)) or ()
        comparison: Comparison | None = next((c for c in found if c.story == story.id), None)
        self.store.write_summary(story.id, summary, summary_to_dict(summary) if summary else None,
                                 self.seq_of)
        self.store.write_comparison(story.id, comparison,
                                    comparison_to_dict(comparison) if comparison else None,
                                    _findings(comparison))


def _capped(event: Event) -> Event:
    """The event with only the articles its summary and comparison read (see EVENT_HEAD)."""
    if len(event.documents) <= EVENT_HEAD + EVENT_TAIL:
        return event
    return replace(event, documents=event.documents[:EVENT_HEAD] + event.documents[-EVENT_TAIL:])


def _json_list(values: Iterable[int]) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"


def _linked(store: Store, seq_of: Mapping[str, int]) -> tuple[list[Quote], list[Entity]]:
    """Quotes (ids Q<seq>, speakers E<n>) and entities (with the mentions in these articles),
    in a total order: rows that tie on their start (nested spans) would otherwise come in the
    order of the file's pages, which differs between stores with the same content (a store
    rebuilt after kills), and a summary naming the first speaker of a sentence would differ."""
    if not seq_of:
        return [], []
    doc_of = {seq: doc for doc, seq in seq_of.items()}
    seqs = _json_list(seq_of.values())
    quotes = [Quote(id=quote_id(r[0]), doc=doc_of[r[1]], start=r[2], end=r[3], text=r[4],
                    kind=r[5], speaker_text=r[6], cue=r[7], speaker=entity_id(r[8]),
                    speaker_mention=Span(r[9], r[10]) if r[9] is not None else None)
              for r in store.db.execute(
                  'SELECT seq, doc_seq, start, "end", text, kind, speaker_text, cue, speaker,'
                  " speaker_start, speaker_end FROM quotes WHERE doc_seq IN"
                  " (SELECT value FROM json_each(?)) ORDER BY doc_seq, start, seq", (seqs,))]
    mentions: dict[int, list[Mention]] = {}
    for doc_seq, start, end, text, mtype, entity in store.db.execute(
            'SELECT doc_seq, start, "end", text, type, entity FROM mentions WHERE doc_seq IN'
            " (SELECT value FROM json_each(?)) AND entity IS NOT NULL"
            ' ORDER BY doc_seq, start, "end", seq',
            (seqs,)):
        mentions.setdefault(entity, []).append(Mention(doc_of[doc_seq], start, end, text, mtype))
    speakers = {number_of(q.speaker, "E") for q in quotes if q.speaker}
    numbers = sorted(set(mentions) | {n for n in speakers if n is not None})
    entities: list[Entity] = []
    if numbers:
        for number, etype, name, aliases in store.db.execute(
                "SELECT number, type, name, aliases FROM entities WHERE number IN"
                " (SELECT value FROM json_each(?)) ORDER BY number", (_json_list(numbers),)):
            entities.append(Entity(id=f"E{number}", type=etype, name=name,
                                   aliases=tuple(json.loads(aliases)),
                                   mentions=tuple(mentions.get(number, ()))))
    return quotes, entities


def _findings(comparison: Comparison | None) -> list[tuple[str, str, bool, int, dict[str, Any]]]:
    if comparison is None:
        return []
    from marsad.export.json_contract import finding_to_dict
    out = []
    for differ, findings in ((False, comparison.agreements), (True, comparison.disagreements)):
        for finding in findings:
            outlets = len({e.source for e in finding.evidence})
            out.append((finding.kind, finding.subject, differ, outlets, finding_to_dict(finding)))
    return out

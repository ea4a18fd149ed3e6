"""Explaining what a refresh chunk changed: event rows (title, date), summaries with citations,
outlet comparisons and story rows, read from and written to the store (see `marsad.refresh`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from marsad.errors import E_STAGE, MarsadError
from marsad.explain.compare import compare_event, compare_events
from marsad.explain.summaries import quote_speakers, summarize_event, summarize_story
from marsad.group import features
from marsad.group.events import article_terms, document_outlet, published_day, time_order
from marsad.group.events import _event_title  # noqa: PLC2701 (one title rule for batch and store)
from marsad.group.story_tracker import StoryTracker, story_to_json
from marsad.group.timeline import date_events
from marsad.group.tracker import EventTracker, cluster_from_json
from marsad.refresh.grouping import with_copies
from marsad.settings import Settings
from marsad.store import Store
from marsad.store.layers import entity_id, event_id, number_of, quote_id, story_id
from marsad.types import (Comparison, DocumentAnalysis, Entity, Event, Mention, Quote, Span, Story,
                          Summary)

STORY_DOCUMENTS = 300       # a story's summary/comparison reads at most its newest articles
# An event's summary and comparison read at most its first EVENT_HEAD articles (the first
# reports) and its newest EVENT_TAIL: a flood of one template (10,000 articles in one event)
# would otherwise be summarised whole again at every chunk that touches it.
EVENT_HEAD, EVENT_TAIL = 100, 200


def _add_time(times: Any, stage: str, started: float) -> None:
    if times is not None:
        times.add(stage, started)


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

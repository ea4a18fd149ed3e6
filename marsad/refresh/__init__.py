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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from marsad.extract.entity_index import canonical_name, entity_type, folded_name, link_to_index
from marsad.group.story_tracker import StoryTracker, update_stories
from marsad.settings import Settings
from marsad.store import Store
from marsad.types import StoredEntity
from marsad.refresh.explain import _add_time, _full_cluster, _write_stories
from marsad.refresh.grouping import UNDATED_NEAR, Grouping, grouping_settings, with_copies

__all__ = ["CHUNK_ARTICLES", "UNDATED_NEAR", "Grouping", "RefreshStats", "Refresher",
           "grouping_settings", "needs_refresh", "refresh", "with_copies"]

CHUNK_ARTICLES = 2000       # articles per refresh transaction (memory stays flat)

Progress = Callable[[Iterable, str], Iterable]


@dataclass
class RefreshStats:
    articles: int = 0
    events: int = 0
    stories: int = 0
    entities: int = 0


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
    return Refresher(store, settings, progress=progress, times=times,
                     chunk_articles=chunk_articles).finish()


class Refresher:
    """`refresh`, a chunk as soon as it is full while articles are still being stored.

    `ingest` tells it of every article it stores (`added`); once `chunk_articles` are waiting,
    that chunk is placed, linked and explained, and `finish` does the rest: a long ingest's
    articles become events and stories a chunk at a time (readers see them while it runs). The
    chunks are the ones a refresh after the last article makes (the first `chunk_articles`
    unplaced articles in arrival order, then the next...), so the store ends the same (tested).
    On 2 cores it is no faster (the 5-day sample, `--jobs 2`: 159.9 s, 161.3 s placing at the
    end): the worker processes only finish the batches in flight while a chunk is placed.
    """

    def __init__(self, store: Store, settings: Settings, *, progress: Progress | None = None,
                 times: Any = None, chunk_articles: int | None = None) -> None:
        self.store, self.settings, self.times = store, settings, times
        self.progress = progress
        self.chunk_articles = chunk_articles or CHUNK_ARTICLES
        self.stats = RefreshStats()
        self._waiting = 0                            # articles added before the first chunk
        self._pending: list[str] | None = None       # unplaced article ids, in arrival order
        self._grouping: Grouping | None = None
        self._stories: StoryTracker | None = None
        self._chunks = 0

    def added(self, doc_id: str) -> None:
        """An article was stored: place a chunk when one is full."""
        if self._pending is None:
            self._waiting += 1
            if self._waiting < self.chunk_articles or not self._start():
                return
        else:
            self._pending.append(doc_id)
        while self._pending is not None and len(self._pending) >= self.chunk_articles:
            self._place(self._take())

    def finish(self) -> RefreshStats:
        """Place what is left, explain the events never explained; the figures of the run."""
        if self._pending is None and not self._start():
            return self.stats                 # a repeat: nothing to load, nothing to do
        assert self._pending is not None
        chunks = []
        while self._pending:
            chunks.append(self._take())
        for chunk in (self.progress(chunks, "placing") if self.progress and len(chunks) > 1
                      else chunks):
            self._place(chunk)
        self._explain_missing()
        return self.stats

    def _start(self) -> bool:
        store = self.store
        if store.backfill_pending():
            store.backfill()
        if not needs_refresh(store, self.settings):
            return False
        # Restoring may regroup the store from scratch (new grouping settings): the pending
        # articles are read after it.
        self._grouping = Grouping(store, self.settings)
        self._pending = [doc_id for (doc_id,) in store.db.execute(
            "SELECT id FROM documents WHERE linked = 0 OR event IS NULL ORDER BY seq")]
        return True

    def _take(self) -> list[tuple[int, str]]:
        assert self._pending is not None
        ids, self._pending = (self._pending[:self.chunk_articles],
                              self._pending[self.chunk_articles:])
        seqs = self.store.seqs_of(ids)
        return sorted((seqs[d], d) for d in ids if d in seqs)

    def _place(self, chunk: list[tuple[int, str]]) -> None:
        store, settings, times, grouping = self.store, self.settings, self.times, self._grouping
        assert grouping is not None
        if self._chunks:
            # Only open events, recent copy signatures and open stories are kept (the stories
            # restored from the store again), so a huge batch (`analyze` of an archive) keeps
            # memory at what a day's ingest needs instead of growing with the input
            # (restored = live: tested).
            grouping.compact()
        self._stories = stories = _stories(store, settings)
        self._chunks += 1
        started = time.perf_counter()
        analyses = grouping.place(list(store.analyses_of(doc_id for _, doc_id in chunk)))
        _add_time(times, "events", started)
        started = time.perf_counter()
        linked = link_to_index(analyses, store, store.next_entity_number())
        _add_time(times, "linking", started)
        with store.transaction():
            changed = grouping.write(store)
            self.stats.entities += _write_links(store, linked, {d: s for s, d in chunk})
            update_stories(stories, grouping.tracker, changed)
            self.stats.events += len(changed)
            self.stats.stories += _write_stories(store, stories, grouping.tracker, changed,
                                                 settings, times)
        self.stats.articles += len(chunk)

    def _explain_missing(self) -> None:
        """Events never explained (a store upgraded from schema 2, a regroup after new
        settings)."""
        store, settings, grouping = self.store, self.settings, self._grouping
        assert grouping is not None
        stories = self._stories if self._stories is not None else _stories(store, settings)
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
                self.stats.stories += _write_stories(store, stories, grouping.tracker, part,
                                                     settings, self.times)
            self.stats.events += len(part)


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



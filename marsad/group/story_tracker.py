"""Incremental story tracking: a new event joins an open story or starts one.

The counterpart of `tracker.EventTracker` one level up. The state a stream keeps:
- every story's sum of its member events' *unit* centroids, so the average link (mean cosine
  over all pairs) between one event e and a story G is exactly dot(unit(e), sum_G) / |G|;
  its members (event keys: the event tracker's cluster numbers), first and last day, whether it
  is still open, and the story it was merged into, if any;
- the unit vectors of the events that may still change or link strongly (`recent`: events
  touched in the last `event_window_days`); older members are known by the sum only;
- which story each event belongs to (`story_of`).

`StoryTracker.place` puts a new event in O(candidate stories): candidates are the *open* stories
whose strongest terms the event shares (an inverted index over open stories only); the event
joins the best one if the average link reaches `story_threshold`, or else a story with a member
event of the same day at cosine `stories.STRONG_LINK` or more (the single strong link
of `stories.average_link`, see there why), or else starts a story. Then, as average-link
clustering would, its story absorbs every other candidate story that now links to it (average
link between the two stories' sums, or a strong link from the event): an event that bridges two
stories merges them, the older keeping its number. Without this step a story could only grow
one event at a time, and two halves of a topic begun apart stayed apart (stories pairwise F1
on the dev half of the 2015-08-08 labels, the day alone / inside the five sample days: 0.325 /
0.182 without, 0.627 / 0.403 with strong-link merges only, 0.662 / 0.564 with both; a margin
of 0.04 on the story-to-story link: 0.627 / 0.421; average link over all pairs: 0.551 / 0.644).
A story closes when `story_window_days` have passed since its newest event; it leaves the index
and never changes.

Undated events have no clock: the placed events are counted instead (`arrivals`). A story of
undated events only closes once `tracker.UNDATED_WINDOW` events have been placed since its
newest one, and an undated event's vector is dropped once as many events have been placed
since it was last touched (the event itself closed by then: each new event needs an article).
As in the event tracker, a term is looked up in the newest `tracker.POSTINGS_VISIT` open
stories having it (`POSTINGS_VISIT_DATED` for a dated event), and a term of more than
`POSTINGS_VISIT` recent undated events (`POSTINGS_VISIT_DATED` of one day) is not looked up
for strong links (it says nothing about which event is the same happening): a flood of one
template stays linear.

Story numbers are given in creation order and never change; a merge retires a number and is
recorded (`merged`: old -> new, and `merged_into` in the retired story's row) so a saved link to
the old story can be redirected. When an event alone in its story changes (`update`) and now
belongs to another story, its story is merged into that one; an event of a story of several
events stays where it is when it changes (stable stories).

Batch mode (`events.tracked_events`) feeds the final event vectors in time order through this
same class, so a collection grouped at once and the same events fed day by day with their final
vectors give the same stories. `update_stories` is what a store calls after placing articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import itemgetter, mul

from marsad.group import features
from marsad.group.stories import STRONG_LINK
from marsad.group.tracker import (POSTINGS_VISIT, POSTINGS_VISIT_DATED, UNDATED_WINDOW,
                                  EventTracker, post, unpost)
from marsad.settings import Settings

EventKey = int | str       # the event tracker's cluster number (a string for an unplaced article)

# An event's strongest terms: looked up to find its candidate stories and same-day events, and
# what its story and (while recent) the event itself are indexed under. A story is indexed under
# the union of its members' strongest terms while it is open: cheaper than re-ranking a growing
# sum at every join, and a term strong in one member is what a later event of the topic shares.
_TOP_TERMS = 30
# Chosen on the dev half of the 2015-08-08 labels (stories pairwise F1 of the day alone: 6 and 4
# candidates 0.645, 8 and 8 0.662, no better with 12 and 8 or 8 and 16; slower).
_SHORTLIST = 8             # candidate stories whose exact average link is computed
_LINK_SHORTLIST = 8        # same-day events whose exact cosine is computed


@dataclass
class RecentEvent:
    """A member event that may still change or take a strong link: its unit vector and days."""

    vector: dict[str, float]
    day: date | None          # the event's first day (a strong link needs the same day)
    touched: date | None      # the tracker's newest day when the event was last placed/updated
    top: list[str] = field(default_factory=list, compare=False, repr=False)   # _top_terms
    touched_arrival: int = 0  # the tracker's `arrivals` then

    def __post_init__(self) -> None:
        if not self.top:
            self.top = _top_terms(self.vector)


@dataclass
class StoryState:
    """A story being built: the sum of its member events' unit vectors and its time span."""

    members: list[EventKey] = field(default_factory=list)     # arrival order
    total: dict[str, float] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None
    open: bool = True
    merged_into: int | None = None
    recent: dict[EventKey, RecentEvent] = field(default_factory=dict)
    terms: set[str] = field(default_factory=set)     # indexed under, while open
    last_arrival: int = 0                            # `arrivals` when an event last joined

    def average_link(self, unit: Mapping[str, float]) -> float:
        """Mean cosine between a unit vector and the story's member events."""
        return _dot(unit, self.total) / (len(self.members) or 1)

    def _add_days(self, day: date | None) -> None:
        if day is not None and (self.last_day is None or day > self.last_day):
            self.last_day = day
        if day is not None and (self.first_day is None or day < self.first_day):
            self.first_day = day


def _top_terms(vector: Mapping[str, float], limit: int = _TOP_TERMS) -> list[str]:
    """The `limit` terms of highest weight (ties: the order of the vector, deterministic)."""
    if len(vector) <= limit:
        return list(vector)
    return [term for term, _ in features.largest(limit, vector.items(), key=itemgetter(1))]


def _dot(small: Mapping[str, float], large: Mapping[str, float]) -> float:
    """features.dot without the generator (the inner loop of placing an event)."""
    if len(small) > len(large):
        small, large = large, small
    return sum(map(mul, small.values(), map(large.get, small.keys(), repeat(0.0))))


def _add_into(total: dict[str, float], vector: Mapping[str, float], sign: float = 1.0) -> None:
    for term, weight in vector.items():
        value = total.get(term, 0.0) + sign * weight
        if sign < 0 and abs(value) < 1e-12:
            total.pop(term, None)
        else:
            total[term] = value


class StoryTracker:
    """Single-pass story clustering of events, with state that survives between runs."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = settings.story_threshold
        self.strong = max(settings.story_threshold, STRONG_LINK)
        self.window_days = settings.story_window_days
        self.recent_days = settings.event_window_days     # an event can change while it is open
        self.stories: dict[int, StoryState] = {}           # number -> story (loaded ones)
        self.next_number = 0
        self.story_of: dict[EventKey, int] = {}
        self.newest_day: date | None = None
        self._open: set[int] = set()
        self.arrivals = 0                                  # events placed, ever
        self._undated: dict[int, None] = {}                # open, no day: oldest arrival first
        self._postings: dict[str, list[int]] = {}          # term -> open stories under it, sorted
        # day -> term -> recent events indexed under it, with its weight in them
        self._recent_postings: dict[date | None, dict[str, dict[EventKey, float]]] = {}
        self._recent_story: dict[EventKey, int] = {}       # recent event -> its story
        self._undated_recent: dict[EventKey, None] = {}    # touched with no day: oldest first
        # What changed since the tracker was built or restored (what a store must write back).
        self.changed: set[int] = set()
        self.merged: dict[int, int] = {}

    # ------------------------------------------------------------ placement
    def place(self, event_key: EventKey, vector: Mapping[str, float], day: date | None) -> int:
        """Put a new event (its centroid, any length) in a story; return the story number."""
        if event_key in self.story_of:
            raise ValueError(f"event {event_key!r} was already placed in a story")
        self._advance(day)
        unit = features.normalized(vector)
        top = _top_terms(unit)
        averages, strong = self._links(unit, top, day, exclude=None)
        number = self._best_story(averages, strong)
        if number < 0:
            number = self.next_number
            self.next_number += 1
            self.stories[number] = StoryState()
            self._open.add(number)
        self.arrivals += 1
        self._join(number, event_key, RecentEvent(unit, day, self.newest_day, top, self.arrivals))
        number = self._merge_around(number, averages, strong)
        self._close_undated()
        return number

    def update(self, event_key: EventKey, vector: Mapping[str, float], day: date | None) -> int:
        """An event's centroid changed: replace its part of its story's sum; return its story.

        An event alone in its story is placed again, and when it now belongs to another story
        its story is merged into that one (recorded in `merged`).
        """
        number = self.story_of.get(event_key)
        if number is None:
            raise ValueError(f"event {event_key!r} was never placed in a story")
        self._advance(day)
        story = self.stories[number]
        old = story.recent.get(event_key)
        if old is None:
            raise ValueError(f"event {event_key!r} changed after story {number} stopped keeping "
                             f"its vector (more than {self.recent_days} days after it was last "
                             "placed); regroup the stories")
        unit = features.normalized(vector)
        old.touched = self.newest_day
        old.touched_arrival = self.arrivals
        if unit == old.vector:
            self._queue_undated(event_key, old)
            return number
        self._forget_recent(event_key)
        _add_into(story.total, old.vector, -1.0)
        _add_into(story.total, unit)
        story._add_days(day)
        self._mark_dated(number)
        recent = story.recent[event_key] = RecentEvent(unit, day, self.newest_day,
                                                       touched_arrival=self.arrivals)
        self._remember_recent(event_key, number)
        self.changed.add(number)
        if len(story.members) == 1:
            averages, strong = self._links(unit, recent.top, day, exclude=number)
            target = self._best_story(averages, strong)
            if target >= 0:
                self._merge(number, target)
                return self._merge_around(target, averages, strong)
        if story.open:
            self._index(number, recent.top)
        return number

    def story_id(self, number: int) -> str:
        """The id a report shows for a story number (after following merges)."""
        return f"S{self.current(number) + 1}"

    def current(self, number: int) -> int:
        """The story a (possibly merged) story number now lives in."""
        seen = set()
        while number in self.merged and number not in seen:
            seen.add(number)
            number = self.merged[number]
        story = self.stories.get(number)
        while story is not None and story.merged_into is not None and number not in seen:
            seen.add(number)
            number = story.merged_into
            story = self.stories.get(number)
        return number

    def open_stories(self) -> set[int]:
        return set(self._open)

    def candidates(self, vector: Mapping[str, float]) -> set[int]:
        """The stories a new event with this centroid would be compared with (open ones only)."""
        unit = features.normalized(vector)
        return set(self._partial_scores(unit, _top_terms(unit), POSTINGS_VISIT_DATED))

    def advance(self, day: date | None) -> None:
        """Move the tracker's clock to `day` (the newest publication day seen): stories silent
        for more than `story_window_days` close, vectors of events that can no longer change
        are dropped."""
        self._advance(day)

    # ------------------------------------------------------------ internals
    def _advance(self, day: date | None) -> None:
        if day is None or (self.newest_day is not None and day <= self.newest_day):
            return
        self.newest_day = day
        for number in sorted(self._open):
            story = self.stories[number]
            if story.last_day is not None and (day - story.last_day).days > self.window_days:
                self._close(number)
        for key in [k for k, n in self._recent_story.items()
                    if self._is_stale(self.stories[n].recent[k])]:
            self._drop_recent(key)

    def _is_stale(self, recent: RecentEvent) -> bool:
        if recent.touched is None:
            return self.arrivals - recent.touched_arrival > UNDATED_WINDOW
        return (self.newest_day is not None
                and (self.newest_day - recent.touched).days > self.recent_days)

    def _mark_dated(self, number: int) -> None:
        """Keep `_undated` (open stories without a day, by last arrival) up to date."""
        story = self.stories[number]
        self._undated.pop(number, None)
        if story.open and story.last_day is None:
            self._undated[number] = None

    def _close_undated(self) -> None:
        """Close the undated stories and drop the undated vectors that `arrivals` made stale."""
        while self._undated:
            number = next(iter(self._undated))
            if self.arrivals - self.stories[number].last_arrival <= UNDATED_WINDOW:
                break
            self._close(number)
        while self._undated_recent:
            key = next(iter(self._undated_recent))
            number = self._recent_story.get(key)
            recent = self.stories[number].recent.get(key) if number is not None else None
            if recent is not None and not self._is_stale(recent):
                break
            self._undated_recent.pop(key)
            if recent is not None:
                self._drop_recent(key)

    def _partial_scores(self, unit: Mapping[str, float], top: list[str],
                        visit: int) -> dict[int, float]:
        partial: dict[int, float] = {}
        for term in top:
            weight = unit[term]
            for number in self._postings.get(term, ())[-visit:]:
                story = self.stories[number]
                partial[number] = partial.get(number, 0.0) + weight * story.total.get(term, 0.0)
        return partial

    def _links(self, unit: Mapping[str, float], top: list[str], day: date | None,
               exclude: int | None) -> tuple[dict[int, float], dict[int, float]]:
        """An event's candidate stories with their exact average link, and the stories with a
        strong link to it."""
        shortlist = self._shortlist(unit, top, exclude,
                                    POSTINGS_VISIT if day is None else POSTINGS_VISIT_DATED)
        averages = {n: self.stories[n].average_link(unit) for n in shortlist}
        return averages, self._strong_links(unit, top, day, exclude)

    def _best_story(self, averages: Mapping[int, float], strong: Mapping[int, float]) -> int:
        """The story an event joins: the best average link, else the best strong link; -1: none."""
        passing = {n: a for n, a in averages.items() if a >= self.threshold}
        for links in (passing, strong):
            if links:
                return max(links, key=lambda n: (links[n], -n))
        return -1

    def _shortlist(self, unit: Mapping[str, float], top: list[str],
                   exclude: int | None, visit: int) -> list[int]:
        # Candidates: open stories sharing the event's strongest terms, ranked by the part of the
        # average link those terms give; the exact link is computed for the best few only.
        partial = self._partial_scores(unit, top, visit)
        if exclude is not None:
            partial.pop(exclude, None)
        return sorted(features.largest(
            _SHORTLIST, partial, key=lambda n: (partial[n] / len(self.stories[n].members), -n)))

    def _strong_links(self, unit: Mapping[str, float], top: list[str], day: date | None,
                      exclude: int | None) -> dict[int, float]:
        """Open stories with a member event of the same day at the strong link or more, with the
        best such cosine (an undated event links with any day, as in `stories.average_link`)."""
        buckets = list(self._recent_postings) if day is None else [day, None]
        partial: dict[EventKey, float] = {}
        for term in top:
            weight = unit[term]
            for bucket in buckets:
                keys = self._recent_postings.get(bucket, {}).get(term, {})
                if len(keys) > (POSTINGS_VISIT if bucket is None else POSTINGS_VISIT_DATED):
                    continue
                for key, other in keys.items():
                    partial[key] = partial.get(key, 0.0) + weight * other
        links: dict[int, float] = {}
        for key in features.largest(_LINK_SHORTLIST, partial, key=lambda k: (partial[k], str(k))):
            number = self._recent_story[key]
            if number == exclude or number not in self._open:
                continue
            score = _dot(unit, self.stories[number].recent[key].vector)
            if score >= self.strong and score > links.get(number, 0.0):
                links[number] = score
        return links

    def _merge_around(self, number: int, averages: Mapping[int, float],
                      strong: Mapping[int, float]) -> int:
        """After an event joined story `number`: merge in every candidate story of the event
        that now links to it (average link between the two stories, or a strong link from the
        event), as average-link clustering would; the older story keeps its number. Returns the
        number the event's story ends with."""
        if len(self.stories[number].members) == 1 and not strong:
            # A new story of this one event: its link to a candidate is the event's own average
            # link, which did not reach the threshold (or the event would have joined).
            return number
        for other in sorted(set(averages) | set(strong)):
            if other == number or other not in self._open or number not in self._open:
                continue
            story, candidate = self.stories[number], self.stories[other]
            link = _dot(story.total, candidate.total) / (len(story.members) * len(candidate.members))
            if link >= self.threshold or other in strong:
                self._merge(max(number, other), min(number, other))
                number = min(number, other)
        return number

    def _join(self, number: int, event_key: EventKey, recent: RecentEvent) -> None:
        story = self.stories[number]
        story.members.append(event_key)
        _add_into(story.total, recent.vector)
        story._add_days(recent.day)
        story.last_arrival = self.arrivals
        self._mark_dated(number)
        story.recent[event_key] = recent
        self.story_of[event_key] = number
        self._remember_recent(event_key, number)
        self.changed.add(number)
        if story.open:
            self._index(number, recent.top)

    def _merge(self, old: int, new: int) -> None:
        """Move every member of story `old` into story `new`; record the merge."""
        source, target = self.stories[old], self.stories[new]
        for key in source.members:
            target.members.append(key)
            self.story_of[key] = new
        _add_into(target.total, source.total)
        target._add_days(source.first_day)
        target._add_days(source.last_day)
        target.last_arrival = max(target.last_arrival, source.last_arrival)
        moved, source.recent = source.recent, {}    # _close must not drop them
        terms = list(source.terms)
        if source.open:
            self._close(old)
        for key, recent in moved.items():
            target.recent[key] = recent
            self._recent_story[key] = new
        source.members, source.total, source.terms = [], {}, set()
        source.merged_into = new
        self.merged[old] = new
        self.changed.update((old, new))
        if target.open:
            self._index(new, terms)
            self._mark_dated(new)

    def _index(self, number: int, terms: Iterable[str]) -> None:
        """Index an open story under more terms (see `_TOP_TERMS`)."""
        indexed = self.stories[number].terms
        for term in terms:
            if term not in indexed:
                indexed.add(term)
                post(self._postings, term, number)

    def _close(self, number: int) -> None:
        story = self.stories[number]
        story.open = False
        self._open.discard(number)
        self._undated.pop(number, None)
        self.changed.add(number)
        for term in story.terms:
            unpost(self._postings, term, number)
        story.terms = set()
        for key in list(story.recent):
            self._drop_recent(key)

    def _remember_recent(self, key: EventKey, number: int) -> None:
        recent = self.stories[number].recent[key]
        self._recent_story[key] = number
        self._queue_undated(key, recent)
        bucket = self._recent_postings.setdefault(recent.day, {})
        for term in recent.top:
            bucket.setdefault(term, {})[key] = recent.vector[term]

    def _queue_undated(self, key: EventKey, recent: RecentEvent) -> None:
        """An event touched with no day goes to the end of `_undated_recent` (by last touch)."""
        if recent.touched is None:
            self._undated_recent.pop(key, None)
            self._undated_recent[key] = None

    def _forget_recent(self, key: EventKey) -> None:
        self._undated_recent.pop(key, None)
        number = self._recent_story.pop(key, None)
        if number is None:
            return
        recent = self.stories[number].recent[key]
        bucket = self._recent_postings.get(recent.day, {})
        for term in recent.top:
            keys = bucket.get(term)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del bucket[term]
        if not bucket:
            self._recent_postings.pop(recent.day, None)

    def _drop_recent(self, key: EventKey) -> None:
        # Not a change to write back: a restored tracker drops stale vectors itself, so a day
        # passing does not rewrite every story row.
        number = self._recent_story.get(key)
        self._forget_recent(key)
        if number is not None:
            self.stories[number].recent.pop(key, None)

    # ---------------------------------------------------------- persistence
    @classmethod
    def restore(cls, settings: Settings, *, newest_day: str | None,
                stories: Mapping[int, Mapping], next_number: int | None = None,
                story_of: Mapping[EventKey, int] | None = None,
                arrivals: int = 0) -> StoryTracker:
        """A tracker from stored state: `story_to_json` records by story number (a store may
        pass the open ones only: placing needs no closed story), `next_number` the number the
        next new story gets (default: one past the highest given), `story_of` every event's
        story (default: from the given stories' members), `arrivals` the events placed so far."""
        tracker = cls(settings)
        tracker.arrivals = int(arrivals)
        tracker.newest_day = date.fromisoformat(newest_day) if newest_day else None
        tracker.stories = {int(n): story_from_json(s) for n, s in stories.items()}
        tracker.next_number = (int(next_number) if next_number is not None
                               else max(tracker.stories, default=-1) + 1)
        for number, story in sorted(tracker.stories.items()):
            if story.merged_into is not None:
                tracker.merged[number] = story.merged_into
            for key in story.members:
                tracker.story_of[key] = number
        if story_of is not None:
            tracker.story_of.update({_key(k): int(n) for k, n in story_of.items()})
        for number, story in sorted(tracker.stories.items()):
            if not story.open:
                story.recent.clear()
                story.terms = set()
                continue
            tracker._open.add(number)
            terms, story.terms = story.terms, set()
            tracker._index(number, sorted(terms))
            for key, recent in list(story.recent.items()):
                if tracker._is_stale(recent):
                    del story.recent[key]
                else:
                    tracker._remember_recent(key, number)
        # the live tracker's order: by last arrival (ties are stale together)
        tracker._undated = {n: None for n in sorted(
            (n for n in tracker._open if tracker.stories[n].last_day is None),
            key=lambda n: (tracker.stories[n].last_arrival, n))}
        tracker._undated_recent = {k: None for k in sorted(
            tracker._undated_recent,
            key=lambda k: tracker.stories[tracker._recent_story[k]].recent[k].touched_arrival)}
        tracker.merged = {}        # `merged` lists the merges made since the restore
        return tracker


def _key(key: object) -> EventKey:
    """An event key back from JSON, where a mapping key is always a string."""
    if isinstance(key, int):
        return key
    text = str(key)
    return int(text) if text.lstrip("-").isdigit() else text


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def story_to_json(story: StoryState) -> dict:
    """A story as plain JSON-able data (one row of a store)."""
    return {"members": list(story.members), "total": dict(story.total),
            "first_day": story.first_day.isoformat() if story.first_day else None,
            "last_day": story.last_day.isoformat() if story.last_day else None,
            "open": story.open, "merged_into": story.merged_into, "terms": sorted(story.terms),
            "last_arrival": story.last_arrival,
            "recent": [[key, r.day.isoformat() if r.day else None,
                        r.touched.isoformat() if r.touched else None, dict(r.vector),
                        r.touched_arrival]
                       for key, r in story.recent.items()]}


def story_from_json(data: Mapping) -> StoryState:
    merged = data.get("merged_into")
    return StoryState(
        members=[_key(m) for m in data.get("members", [])],
        total={str(t): float(w) for t, w in data.get("total", {}).items()},
        first_day=_day(data.get("first_day")), last_day=_day(data.get("last_day")),
        open=bool(data.get("open", True)),
        merged_into=int(merged) if merged is not None else None,
        terms={str(t) for t in data.get("terms", ())},
        last_arrival=int(data.get("last_arrival", 0)),
        recent={_key(entry[0]): RecentEvent({str(t): float(w) for t, w in entry[3].items()},
                                            _day(entry[1]), _day(entry[2]),
                                            touched_arrival=int(entry[4]) if len(entry) > 4 else 0)
                for entry in data.get("recent", [])})


def update_stories(stories: StoryTracker, events: EventTracker,
                   changed_clusters: Iterable[int]) -> None:
    """Bring the stories up to date with events that changed (what a store calls after placing
    a batch of articles): events already in a story are updated first, then new events are
    placed in the order of their first day, then cluster number."""
    stories.advance(events.newest_day)
    known: list[int] = []
    new: list[int] = []
    for number in sorted(set(changed_clusters)):
        (known if number in stories.story_of else new).append(number)
    for number in known:
        cluster = events.clusters[number]
        if cluster.members and number in stories.stories.get(stories.story_of[number],
                                                             StoryState()).recent:
            stories.update(number, cluster.total, cluster.first_day)
    new.sort(key=lambda n: (events.clusters[n].first_day is None,
                            events.clusters[n].first_day or date.min, n))
    for number in new:
        cluster = events.clusters[number]
        if cluster.members:
            stories.place(number, cluster.total, cluster.first_day)

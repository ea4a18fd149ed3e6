"""Incremental stories: placement, updates, merges, stable numbers, restore, closing."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from test_group_events import collection

from marsad.group.events import group_events, place_articles, tracked_events
from marsad.group.story_tracker import StoryTracker, story_to_json, update_stories
from marsad.group.tracker import EventTracker
from marsad.settings import Settings

DAY = date(2024, 3, 10)


def vector(**weights: float) -> dict[str, float]:
    return dict(weights)


def restored(tracker: StoryTracker, settings: Settings, open_only: bool = False) -> StoryTracker:
    """A tracker rebuilt from what a store keeps (through JSON), optionally the open stories only."""
    rows = {n: json.loads(json.dumps(story_to_json(s))) for n, s in tracker.stories.items()
            if s.open or not open_only}
    return StoryTracker.restore(
        settings, newest_day=tracker.newest_day.isoformat() if tracker.newest_day else None,
        stories=rows, next_number=tracker.next_number, arrivals=tracker.arrivals,
        story_of=json.loads(json.dumps({str(k): n for k, n in tracker.story_of.items()})))


def test_an_event_joins_the_story_it_is_close_to_on_average() -> None:
    stories = StoryTracker(Settings())
    assert stories.place(0, vector(bridge=1.0, river=1.0), DAY) == 0
    assert stories.place(1, vector(hospital=1.0, beds=1.0), DAY) == 1
    # cosine 0.5 with event 0: average link 0.5 >= 0.18
    assert stories.place(2, vector(bridge=1.0, minister=1.0), DAY + timedelta(days=2)) == 0
    assert stories.story_of == {0: 0, 1: 1, 2: 0}
    assert stories.stories[0].members == [0, 2]
    # Exactly the mean cosine over the members: (cos(e, 0) + cos(e, 2)) / 2
    story = stories.stories[0]
    assert abs(story.average_link({"bridge": 1.0}) - (2 ** -0.5 + 2 ** -0.5) / 2) < 1e-9


def test_a_strong_link_of_the_same_day_joins_where_the_average_does_not() -> None:
    settings = Settings.from_overrides(story_threshold=0.25)
    for day, expected in ((DAY, 0), (DAY + timedelta(days=1), 1)):
        stories = StoryTracker(settings)
        stories.place(0, vector(a=1.0, b=1.0, c=1.0), DAY)
        stories.place(1, vector(a=1.0, b=1.0, x=1.0), DAY)          # cosine 2/3: joins
        assert stories.story_of[1] == 0
        # cosine 0.41 with event 0 and 0 with event 1: average 0.20 < 0.25, but 0.41 >= 0.3
        assert stories.place(2, vector(c=1.0, y=1.0), day) == expected


def test_numbers_never_change_as_more_events_arrive() -> None:
    stories = StoryTracker(Settings())
    first = {key: stories.place(key, vector(**{f"t{key}": 1.0, "shared": 0.1}), DAY)
             for key in range(5)}
    for key in range(5, 40):
        stories.place(key, vector(**{f"t{key % 5}": 1.0, f"u{key}": 0.5}), DAY + timedelta(days=key // 5))
    assert {key: stories.story_of[key] for key in range(5)} == first
    assert sorted(set(stories.story_of.values())) == list(range(5))
    assert stories.merged == {}


def test_update_replaces_the_event_part_of_the_sum_and_keeps_a_story_of_several() -> None:
    stories = StoryTracker(Settings())
    stories.place(0, vector(bridge=1.0), DAY)
    stories.place(1, vector(bridge=1.0, river=1.0), DAY)
    stories.place(2, vector(hospital=1.0), DAY)
    assert stories.story_of[1] == 0
    stories.update(1, vector(hospital=1.0, beds=0.1), DAY)     # now about the hospital
    assert stories.story_of[1] == 0                            # a story of two stays as it is
    total = stories.stories[0].total
    assert set(k for k, w in total.items() if abs(w) > 1e-9) == {"bridge", "hospital", "beds"}
    assert abs(total["bridge"] - 1.0) < 1e-9
    assert stories.merged == {}


def test_a_lone_event_that_changes_may_move_and_the_merge_is_recorded() -> None:
    stories = StoryTracker(Settings())
    stories.place(0, vector(bridge=1.0, river=1.0), DAY)
    stories.place(1, vector(hospital=1.0, beds=1.0), DAY)
    assert stories.story_of[1] == 1
    stories.changed.clear()
    assert stories.update(1, vector(bridge=1.0, river=0.8, beds=0.2), DAY) == 0
    assert stories.merged == {1: 0}
    assert stories.story_of[1] == 0 and stories.current(1) == 0 and stories.story_id(1) == "S1"
    assert stories.stories[1].members == [] and not stories.stories[1].open
    assert stories.stories[1].merged_into == 0
    assert stories.changed == {0, 1}
    # The merged number is never given again, and the moved event can still change.
    assert stories.place(2, vector(school=1.0), DAY) == 2
    assert stories.update(1, vector(bridge=1.0, river=1.0), DAY) == 0


def test_an_event_that_bridges_two_stories_merges_them_into_the_older() -> None:
    settings = Settings.from_overrides(story_threshold=0.3)
    stories = StoryTracker(settings)
    stories.place(0, vector(a=1.0, b=1.0), DAY)
    stories.place(1, vector(c=1.0, d=1.0), DAY + timedelta(days=2))
    assert stories.story_of == {0: 0, 1: 1}
    stories.changed.clear()
    # Cosine 0.74 with event 0, 0.67 with event 1 (other days: no strong link): joins story 0;
    # stories {0, 2} and {1} then link at (0 + 0.67) / 2 = 0.33 >= 0.3: one story, number 0.
    assert stories.place(2, vector(a=1.0, b=1.0, c=0.9, d=0.9), DAY + timedelta(days=1)) == 0
    assert stories.merged == {1: 0} and stories.story_of == {0: 0, 1: 0, 2: 0}
    assert stories.changed == {0, 1} and stories.stories[1].merged_into == 0


def test_an_unchanged_vector_changes_nothing() -> None:
    stories = StoryTracker(Settings())
    stories.place(0, vector(bridge=1.0), DAY)
    stories.place(1, vector(bridge=0.5, river=1.0, x=1.0), DAY)
    before = story_to_json(stories.stories[stories.story_of[1]])
    stories.changed.clear()
    stories.update(1, vector(bridge=0.5, river=1.0, x=1.0), DAY)
    assert story_to_json(stories.stories[stories.story_of[1]]) == before and not stories.changed


def test_a_restored_tracker_places_like_the_live_one() -> None:
    settings = Settings()
    live = StoryTracker(settings)
    for key in range(12):
        live.place(key, vector(**{f"t{key % 4}": 1.0, f"u{key}": 0.7}), DAY + timedelta(days=key // 4))
    live.place(12, vector(lonely=1.0), DAY + timedelta(days=3))
    saved = restored(live, settings)
    assert saved.story_of == live.story_of
    for tracker in (live, saved):
        tracker.update(12, vector(t1=1.0, lonely=0.2), DAY + timedelta(days=3))
        for key in range(13, 20):
            tracker.place(key, vector(**{f"t{key % 4}": 1.0, f"v{key}": 0.5}), DAY + timedelta(days=4))
    assert saved.story_of == live.story_of
    assert saved.merged == live.merged == {4: 1}
    assert {n: story_to_json(s) for n, s in saved.stories.items()} == \
        {n: story_to_json(s) for n, s in live.stories.items()}


def test_stories_close_after_the_window_and_leave_the_index() -> None:
    settings = Settings.from_overrides(story_window_days=5)
    stories = StoryTracker(settings)
    stories.place(0, vector(bridge=1.0, river=1.0), DAY)
    stories.place(1, vector(bridge=1.0, river=1.0), DAY + timedelta(days=5))   # still open: joins
    assert stories.story_of[1] == 0
    stories.place(2, vector(other=1.0), DAY + timedelta(days=11))
    assert not stories.stories[0].open and stories.open_stories() == {1}
    assert stories.place(3, vector(bridge=1.0, river=1.0), DAY + timedelta(days=11)) == 2
    # A closed story keeps no event vectors (memory stays bounded on a long archive).
    assert stories.stories[0].recent == {}


def test_the_candidates_of_an_event_are_open_stories_only() -> None:
    """Many closed stories about the same words: none is a candidate, so the cost of placing an
    event follows the open stories, not the archive."""
    settings = Settings.from_overrides(story_window_days=2)
    stories = StoryTracker(settings)
    for key in range(300):
        stories.place(key, vector(election=1.0, **{f"town{key}": 3.0}), DAY + timedelta(days=3 * key))
    today = DAY + timedelta(days=3 * 299)
    assert stories.open_stories() == {299} and len(stories.stories) == 300
    assert stories.candidates(vector(election=1.0, town5=1.0)) <= {299}
    assert all(set(posted) <= {299} for posted in stories._postings.values())
    assert set(stories._recent_story) <= {299} and stories.newest_day == today


def test_batch_is_the_same_events_fed_day_by_day_with_final_vectors() -> None:
    settings = Settings()
    analyses = collection()
    events, batch_stories = group_events(analyses, {"bridge_copy": "bridge"}, settings)
    tracker = EventTracker(settings)
    place_articles(tracker, analyses, {"bridge_copy": "bridge"})
    stories = StoryTracker(settings)
    by_day: dict[date | None, list[int]] = {}
    for number, cluster in enumerate(tracker.clusters):
        by_day.setdefault(cluster.first_day, []).append(number)
    for day in sorted(by_day):             # each day a store restores its open stories
        stories = restored(stories, settings, open_only=True)
        update_stories(stories, tracker, by_day[day])
    again, again_stories = tracked_events(tracker, analyses, settings, stories)
    assert again == events and again_stories == batch_stories


def test_a_store_fed_day_by_day_places_new_events_and_updates_changed_ones() -> None:
    settings = Settings()
    analyses = collection()
    first, later = analyses[:2], analyses[2:]       # bridge2 joins the bridge event the next run
    tracker = EventTracker(settings)
    stories = StoryTracker(settings)
    place_articles(tracker, first, {})
    update_stories(stories, tracker, tracker.changed)
    assert set(stories.story_of) == {0, 1}
    tracker.changed.clear()
    place_articles(tracker, later, {"bridge_copy": "bridge"})
    before = dict(stories.story_of)
    update_stories(stories, tracker, tracker.changed)
    assert {k: stories.story_of[k] for k in before} == before      # numbers kept
    assert set(stories.story_of) == set(range(len(tracker.clusters)))
    events, story_records = tracked_events(tracker, analyses, settings, stories)
    assert {e.story for e in events} == {s.id for s in story_records}


def test_undated_stories_close_and_drop_vectors_after_the_window_in_events(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Undated events have no clock: a story of them closes once UNDATED_WINDOW events were
    placed since its newest one, its event vectors go, and a restored tracker agrees."""
    from marsad.group import story_tracker as module
    monkeypatch.setattr(module, "UNDATED_WINDOW", 3)
    settings = Settings()
    live = StoryTracker(settings)
    live.place(0, vector(bridge=1.0, river=1.0), None)
    live.place(1, vector(bridge=1.0, river=1.0), None)            # joins story 0
    for key in range(2, 5):
        live.place(key, vector(**{f"town{key}": 1.0}), None)
    # event 0 was touched 4 placements ago: its vector goes; the story, joined 3 ago, stays open
    assert live.stories[0].open and set(live.stories[0].recent) == {1}
    saved = restored(live, settings)
    for tracker in (live, saved):
        tracker.place(5, vector(town5=1.0), None)
        assert not tracker.stories[0].open and tracker.stories[0].recent == {}
        assert 0 not in tracker._recent_story and 2 in tracker._recent_story
        assert tracker.place(6, vector(bridge=1.0, river=1.0), None) not in (0, 1)
    assert {n: story_to_json(s) for n, s in saved.stories.items()} == \
        {n: story_to_json(s) for n, s in live.stories.items()}

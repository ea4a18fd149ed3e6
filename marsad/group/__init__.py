"""Grouping: near-duplicate wire copies, events (one happening) and stories (a longer topic).

- `duplicates.DuplicateIndex`: exact and near copies, one article at a time.
- `events.group_events`: articles -> events -> stories.
- `tracker.EventTracker`, `story_tracker.StoryTracker`: the incremental state of events and of
  stories (what a store keeps), one article / one event at a time.
- `features`: the shared stem tf-idf vectors (also used by `marsad.explain`).
- `timeline`: event dates (publication, else the text) and each story's events in time order.
"""

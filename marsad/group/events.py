"""Articles into events (one real-world happening), and events into stories.

Incremental single-pass clustering, the classic topic-detection-and-tracking scheme (the state
and the placement of one article live in `tracker.EventTracker`; this module feeds it and turns
its clusters into `Event` and `Story` records).

1. Each independent article (not a duplicate) gets a tf-idf vector of stems: body terms, headline
   terms weighted up, entity mention names weighted up; idf is learnt from the collection itself
   (smoothed, so a collection of five articles still works: see `features.Idf`).
2. Articles are taken in time order (published date, then input order; undated articles last,
   in input order). Each joins the most similar *open* event if cosine(article, event centroid)
   >= `settings.event_threshold`, else starts a new event. An event closes once
   `settings.event_window_days` have passed since its newest article, so a yearly ceremony
   does not join last year's event (it may still join its story).
3. A duplicate (wire copy) joins the event of its original and never moves a centroid: copies
   must not make a story look bigger than the number of outlets that wrote it.

Events are then grouped into stories by average-link agglomerative clustering of event centroids
(no time window: a story spans days). See `stories.py`.

`Event.sources` counts independent outlets: the distinct sources of the event's non-duplicate
articles (a copy's outlet is not counted, even when it differs, because the copy adds no
independent reporting). When every article of an event is a copy of an article outside the
collection, the copies' sources are used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from marsad.arabic.tokens import word_tokens
from marsad.group import features
from marsad.group.stories import story_records
from marsad.group.story_tracker import StoryTracker
from marsad.arabic.normalize import fold
from marsad.group.tracker import ArticleNames, EventTracker
from marsad.ingest.outlets import outlet_name
from marsad.settings import Settings
from marsad.types import Document, DocumentAnalysis, Event, Story

_TITLE_WORDS = 15
_TITLE_MIN_WORDS = 3


def published_day(published: str | None) -> date | None:
    """The calendar day of an ISO date or timestamp, or None."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def document_outlet(analysis: DocumentAnalysis) -> str | None:
    """The outlet an article counts for: one name per outlet however its record or byline spells
    it (`aawsat`, «الشرق الاوسط» and «الشرق الأوسط» are one outlet, counted once: the registry
    in `ingest.outlets`); an unknown source as it is."""
    doc = analysis.document
    outlet = doc.source or doc.metadata.get("outlet")
    return outlet_name(str(outlet)) if outlet and str(outlet).strip() else None


def article_terms(analysis: DocumentAnalysis) -> Counter[str]:
    """Term counts of one article: body, headline and entity names (see features.term_counts)."""
    return features.term_counts(analysis.document.text, title=analysis.document.title,
                                names=[m.text for m in analysis.mentions])


_LEAD_SENTENCES = 2
_NAME_TYPES = ("PER", "ORG")


def article_names(analysis: DocumentAnalysis) -> ArticleNames:
    """The people and organisations an article names (see tracker.names_conflict)."""
    doc = analysis.document
    lead_end = doc.sentences[min(_LEAD_SENTENCES, len(doc.sentences)) - 1].end \
        if doc.sentences else 300
    lead: set[str] = set()
    every: set[str] = set()
    for mention in analysis.mentions:
        if mention.type not in _NAME_TYPES:
            continue
        name = " ".join(fold(mention.text).split())
        if not name:
            continue
        every.add(name)
        if mention.start < lead_end and " " in name:
            lead.add(name)
    return ArticleNames(frozenset(lead), frozenset(every))


def time_order(analyses: Sequence[DocumentAnalysis]) -> list[int]:
    """Dated articles by timestamp then input order; undated ones after, in input order."""
    days = [published_day(a.document.published) for a in analyses]
    stamps = [a.document.published or "" for a in analyses]
    return sorted(range(len(analyses)),
                  key=lambda i: (days[i] is None, stamps[i] if days[i] else "", i))


def _root(doc_id: str, duplicate_of: Mapping[str, str | None], known: set[str]) -> str | None:
    """The original at the end of a copy chain, if it is in the collection."""
    seen = {doc_id}
    current = duplicate_of.get(doc_id)
    root = None
    while current is not None and current in known and current not in seen:
        root = current
        seen.add(current)
        current = duplicate_of.get(current)
    return root


def place_articles(tracker: EventTracker, analyses: Sequence[DocumentAnalysis],
                   duplicate_of: Mapping[str, str | None]) -> None:
    """Add new articles to the tracker: independent ones in time order, then their copies.

    The articles' own terms are counted in the document frequencies before any is placed, so a
    batch (a whole collection, or one day fed to a store) sees the idf of everything so far.
    A copy whose original is neither placed nor in `analyses` is placed as an independent article.
    """
    known = set(tracker.event_of) | {a.document.id for a in analyses}
    roots = [_root(a.document.id, duplicate_of, known) for a in analyses]
    counts = [article_terms(a) if root is None else None for a, root in zip(analyses, roots)]
    for c in counts:
        if c is not None:
            tracker.observe(c)
    idf = tracker.idf()
    order = time_order(analyses)
    for index in order:
        if counts[index] is not None:
            doc = analyses[index].document
            tracker.add(doc.id, features.tfidf(counts[index], idf), published_day(doc.published),
                        article_names(analyses[index]))
    for index in order:
        root = roots[index]
        if root is not None:
            tracker.add_copy(analyses[index].document.id, root)


def group_events(analyses: Sequence[DocumentAnalysis], duplicate_of: Mapping[str, str | None],
                 settings: Settings) -> tuple[tuple[Event, ...], tuple[Story, ...]]:
    """Group articles into events and events into stories (batch; deterministic)."""
    if not analyses:
        return (), ()
    tracker = EventTracker(settings)
    place_articles(tracker, analyses, duplicate_of)
    return tracked_events(tracker, analyses, settings)


def tracked_events(tracker: EventTracker, analyses: Sequence[DocumentAnalysis],
                   settings: Settings, stories: StoryTracker | None = None
                   ) -> tuple[tuple[Event, ...], tuple[Story, ...]]:
    """Event and Story records for the tracker's clusters, over the given (placed) articles.

    Event ids V1.. follow the time order of each event's first article; an article the tracker
    never placed is an event of its own. Stories come from `stories` (a store's story tracker,
    kept up to date with `story_tracker.update_stories`; an event it does not hold yet is placed
    in it), else from a new `StoryTracker` fed every event's final centroid in the order of its
    first day, then cluster number (batch: the same as a store fed day by day when no event
    changes after its day). Story ids are `S{number + 1}` of the story numbers.
    """
    if not analyses:
        return (), ()
    order = time_order(analyses)
    members_by_cluster: dict[object, list[int]] = {}
    for index in order:
        doc_id = analyses[index].document.id
        key = tracker.event_of.get(doc_id, ("unplaced", doc_id))
        members_by_cluster.setdefault(key, []).append(index)
    core_ids = {doc_id for cluster in tracker.clusters for doc_id in cluster.members}
    idf: features.Idf | None = None
    events: list[Event] = []
    centres: list[dict[str, float]] = []
    for number, (key, members) in enumerate(members_by_cluster.items(), start=1):
        core = [i for i in members if analyses[i].document.id in core_ids]
        if isinstance(key, int):
            total = tracker.clusters[key].total
        else:
            idf = idf or tracker.idf()
            total = features.tfidf(article_terms(analyses[members[0]]), idf)
        if len(core) > 1:
            idf = idf or tracker.idf()
        outlets: list[str] = []
        for index in core or members:
            outlet = document_outlet(analyses[index])
            if outlet and outlet not in outlets:
                outlets.append(outlet)
        event_days = [d for d in (published_day(analyses[i].document.published) for i in members)
                      if d is not None]
        events.append(Event(
            id=f"V{number}",
            title=_event_title(analyses, core or members, total, idf),
            documents=tuple(analyses[i].document.id for i in members),
            sources=tuple(outlets),
            date=min(event_days).isoformat() if event_days else None,
        ))
        centres.append(total)
    keys = list(members_by_cluster)
    story_tracker = stories if stories is not None else StoryTracker(settings)
    _place_events(story_tracker, tracker, keys, events, centres)
    groups: dict[int, list[int]] = {}
    for index, key in enumerate(keys):
        number = story_tracker.story_of[_story_key(key)]
        groups.setdefault(story_tracker.current(number), []).append(index)
    story_records_, story_of = story_records(
        events, centres, [(f"S{number + 1}", group) for number, group in sorted(groups.items())])
    events = [replace(event, story=story_of[event.id]) for event in events]
    return tuple(events), story_records_


def _story_key(key: object) -> int | str:
    """An event's key in the story tracker: its cluster number, or for an article the event
    tracker never placed, "unplaced:" and the article id."""
    if isinstance(key, int):
        return key
    return f"unplaced:{key[1]}"     # type: ignore[index]


def _place_events(stories: StoryTracker, tracker: EventTracker, keys: Sequence[object],
                  events: Sequence[Event], centres: Sequence[Mapping[str, float]]) -> None:
    """Place the events a story tracker does not hold yet: tracked clusters by first day then
    cluster number, then articles the event tracker never placed (keyed by document id)."""
    def order(index: int) -> tuple:
        key = keys[index]
        if isinstance(key, int):
            day = tracker.clusters[key].first_day
            return (0, day is None, day or date.min, key, "")
        return (1, events[index].date is None, events[index].date or "", 0, events[index].id)

    for index in sorted(range(len(keys)), key=order):
        key = keys[index]
        story_key = _story_key(key)
        if story_key in stories.story_of:
            continue
        day = (tracker.clusters[key].first_day if isinstance(key, int)
               else published_day(events[index].date))
        stories.place(story_key, centres[index], day)


def _event_title(analyses: Sequence[DocumentAnalysis], members: Sequence[int],
                 centre: Mapping[str, float], idf: features.Idf | None) -> str:
    """The headline of the most central article that says something (three words or more:
    a column's "شجب واستنكار" does not name the event), else the most central headline at all,
    else the first sentence trimmed. Tatweel and runs of spaces are removed for display."""
    ranked = list(members)
    if len(members) > 1 and idf is not None:
        closeness = {i: features.dot(features.tfidf(article_terms(analyses[i]), idf), centre)
                     for i in members}
        ranked.sort(key=lambda i: -closeness[i])
    titles = [display_title(analyses[i].document.title) for i in ranked]
    for title in titles:
        if len(word_tokens(title)) >= _TITLE_MIN_WORDS:
            return title
    for title in titles:
        if title:
            return title
    return first_words(analyses[ranked[0]].document, _TITLE_WORDS)


def display_title(title: str | None) -> str:
    """A headline for display: no tatweel (سهلــة -> سهلة), single spaces."""
    return " ".join((title or "").replace("\u0640", "").split())


def first_words(document: Document, limit: int) -> str:
    """The first sentence of a document (or its first line), cut to `limit` words."""
    text = document.text
    if document.sentences:
        first = document.sentences[0]
        start, end = first.start, first.end
    else:
        start = len(text) - len(text.lstrip())
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
    words = word_tokens(text[start:end])
    if len(words) <= limit:
        return text[start:end].strip()
    return text[start:start + words[limit - 1].end].strip() + "…"

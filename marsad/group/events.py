"""Articles into events (one real-world happening), and events into stories.

Baseline: incremental single-pass clustering, the classic topic-detection-and-tracking scheme.

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

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from marsad.arabic.tokens import word_tokens
from marsad.group import features
from marsad.group.stories import group_stories
from marsad.settings import Settings
from marsad.types import Document, DocumentAnalysis, Event, Story

_TITLE_WORDS = 15
_CANDIDATE_TERMS = 30     # an article's strongest terms, used to find candidate events
_SHORTLIST = 8            # candidate events whose exact cosine is computed


@dataclass
class _Cluster:
    """An event being built: the sum of its members' unit vectors and its time span."""

    members: list[int] = field(default_factory=list)     # indexes into the processing order
    total: dict[str, float] = field(default_factory=dict)
    norm_sq: float = 0.0
    last_day: date | None = None
    open: bool = True

    def add(self, index: int, vector: Mapping[str, float], day: date | None) -> None:
        self.members.append(index)
        for term, weight in vector.items():
            old = self.total.get(term, 0.0)
            self.total[term] = old + weight
            self.norm_sq += (old + weight) ** 2 - old * old
        if day is not None and (self.last_day is None or day > self.last_day):
            self.last_day = day


def published_day(published: str | None) -> date | None:
    """The calendar day of an ISO date or timestamp, or None."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def document_outlet(analysis: DocumentAnalysis) -> str | None:
    doc = analysis.document
    outlet = doc.source or doc.metadata.get("outlet")
    return str(outlet) if outlet else None


def document_vectors(analyses: Sequence[DocumentAnalysis],
                     independent: Sequence[bool]) -> list[dict[str, float]]:
    """tf-idf vector of every document; idf is learnt on independent documents only."""
    counts = [features.term_counts(a.document.text, title=a.document.title,
                                   names=[m.text for m in a.mentions]) for a in analyses]
    idf = features.Idf.fit(c.keys() for c, keep in zip(counts, independent) if keep)
    return [features.tfidf(c, idf) for c in counts]


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


def _cluster(order: Sequence[int], vectors: Sequence[Mapping[str, float]],
             days: Sequence[date | None], settings: Settings) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    postings: dict[str, dict[int, None]] = {}   # term -> open clusters having it (ordered)
    current_day: date | None = None
    for index in order:
        vector, day = vectors[index], days[index]
        if day is not None and day != current_day:
            current_day = day
            for number, cluster in enumerate(clusters):
                if (cluster.open and cluster.last_day is not None
                        and (day - cluster.last_day).days > settings.event_window_days):
                    cluster.open = False
                    for term in cluster.total:
                        postings[term].pop(number, None)
        # Candidates: open events sharing the article's strongest terms, ranked by the part of
        # the cosine those terms give; the exact cosine is computed for the best few only
        # (visiting every shared term of every open event is quadratic on a busy news day).
        partial: dict[int, float] = {}
        for term in heapq.nlargest(_CANDIDATE_TERMS, vector, key=vector.__getitem__):
            weight = vector[term]
            for number in postings.get(term, ()):
                partial[number] = partial.get(number, 0.0) + weight * clusters[number].total[term]
        shortlist = heapq.nlargest(
            _SHORTLIST, partial,
            key=lambda n: (partial[n] / (clusters[n].norm_sq ** 0.5 or 1.0), -n))
        best, best_score = -1, settings.event_threshold
        for number in sorted(shortlist):
            cluster = clusters[number]
            score = features.dot(vector, cluster.total) / (cluster.norm_sq ** 0.5 or 1.0)
            if score >= best_score and (best < 0 or score > best_score):
                best, best_score = number, score
        if best < 0:
            best = len(clusters)
            clusters.append(_Cluster())
        for term in vector:
            postings.setdefault(term, {})[best] = None
        clusters[best].add(index, vector, day)
    return clusters


def _event_title(analyses: Sequence[DocumentAnalysis], members: Sequence[int],
                 vectors: Sequence[Mapping[str, float]], centre: Mapping[str, float]) -> str:
    """Headline of the most central article; else its first sentence, trimmed."""
    ranked = sorted(members, key=lambda i: -features.dot(vectors[i], centre))
    for index in ranked:
        title = analyses[index].document.title
        if title and title.strip():
            return title.strip()
    return first_words(analyses[ranked[0]].document, _TITLE_WORDS)


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


def group_events(analyses: Sequence[DocumentAnalysis], duplicate_of: Mapping[str, str | None],
                 settings: Settings) -> tuple[tuple[Event, ...], tuple[Story, ...]]:
    """Group articles into events and events into stories (deterministic)."""
    if not analyses:
        return (), ()
    ids = [a.document.id for a in analyses]
    known = set(ids)
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    roots = [_root(doc_id, duplicate_of, known) for doc_id in ids]
    independent = [root is None for root in roots]
    vectors = document_vectors(analyses, independent)
    days = [published_day(a.document.published) for a in analyses]
    stamps = [a.document.published or "" for a in analyses]
    # Time order: dated articles by timestamp then input order; undated ones after, in input order.
    order = sorted(range(len(ids)), key=lambda i: (days[i] is None, stamps[i] if days[i] else "", i))
    rank = {index: r for r, index in enumerate(order)}

    clusters = _cluster([i for i in order if independent[i]], vectors, days, settings)
    cluster_of: dict[int, int] = {}
    for number, cluster in enumerate(clusters):
        for index in cluster.members:
            cluster_of[index] = number
    for index in order:
        if not independent[index]:
            cluster_of[index] = cluster_of[position[roots[index]]]

    members_by_cluster: dict[int, list[int]] = {}
    for index in order:
        members_by_cluster.setdefault(cluster_of[index], []).append(index)
    # Event ids follow the time order of each event's first article.
    numbered = sorted(members_by_cluster.items(), key=lambda item: rank[item[1][0]])
    events: list[Event] = []
    centres: list[dict[str, float]] = []
    for number, (cluster_number, members) in enumerate(numbered, start=1):
        cluster = clusters[cluster_number]
        centre = features.normalized(cluster.total)
        core = [i for i in members if independent[i]]
        outlets: list[str] = []
        for index in core or members:
            outlet = document_outlet(analyses[index])
            if outlet and outlet not in outlets:
                outlets.append(outlet)
        event_days = [days[i] for i in members if days[i] is not None]
        events.append(Event(
            id=f"V{number}",
            title=_event_title(analyses, core or members, vectors, centre),
            documents=tuple(ids[i] for i in members),
            sources=tuple(outlets),
            date=min(event_days).isoformat() if event_days else None,
        ))
        centres.append(cluster.total)
    stories, story_of = group_stories(events, centres, settings.story_threshold)
    events = [replace(event, story=story_of[event.id]) for event in events]
    return tuple(events), stories

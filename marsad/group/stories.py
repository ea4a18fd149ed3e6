"""Events into stories: average-link agglomerative clustering of event centroids.

Average link (not single link) because news vocabulary chains: with single link, "Saudi
ministry announces X" would pull every Saudi story into one. Two groups of events merge while
the mean cosine over all their cross pairs is >= the threshold; pairs whose cosine is below
`_FLOOR` (or that share none of their top terms) count as 0, which keeps the similarity graph
sparse and the clustering fast on thousands of events.

Every event ends in exactly one story (a singleton story is fine). Story ids S1.. follow the
order of their first event; the title is the title of the most central event.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from marsad.group import features
from marsad.types import Event, Story

_FLOOR = 0.05
_CANDIDATE_TERMS = 30


def _pair_similarities(vectors: Sequence[Mapping[str, float]]) -> dict[tuple[int, int], float]:
    """Cosine of every pair of (unit) vectors that share one of their top terms, above _FLOOR."""
    postings: dict[str, list[int]] = {}
    for i, vector in enumerate(vectors):
        for term in heapq.nlargest(_CANDIDATE_TERMS, vector, key=vector.__getitem__):
            postings.setdefault(term, []).append(i)
    pairs: dict[tuple[int, int], float] = {}
    for i, vector in enumerate(vectors):
        candidates: set[int] = set()
        for term in heapq.nlargest(_CANDIDATE_TERMS, vector, key=vector.__getitem__):
            candidates.update(j for j in postings[term] if j > i)
        for j in sorted(candidates):
            similarity = features.dot(vector, vectors[j])
            if similarity >= _FLOOR:
                pairs[(i, j)] = similarity
    return pairs


def average_link(vectors: Sequence[Mapping[str, float]], threshold: float) -> list[list[int]]:
    """Clusters (lists of indexes, ascending) of unit vectors by average-link clustering."""
    size = {i: 1 for i in range(len(vectors))}
    members = {i: [i] for i in range(len(vectors))}
    links: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}  # sum of cosines
    for (i, j), similarity in _pair_similarities(vectors).items():
        links[i][j] = links[j][i] = similarity
    heap = [(-s, i, j) for i in links for j, s in links[i].items() if i < j and s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = links[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + negative) > 1e-12:      # stale entry: the pair changed since pushed
            continue
        # Merge b into a (a < b, so the surviving id is the smaller: deterministic).
        members[a].extend(members.pop(b))
        size[a] += size.pop(b)
        for c, total in links.pop(b).items():
            if c == a:
                continue
            links[c].pop(b, None)
            links[a][c] = links[a].get(c, 0.0) + total
            links[c][a] = links[a][c]
        links[a].pop(b, None)
        for c, total in links[a].items():
            average = total / (size[a] * size[c])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(a, c), max(a, c)))
    return [sorted(group) for _, group in sorted(members.items())]


def group_stories(events: Sequence[Event], centres: Sequence[Mapping[str, float]],
                  threshold: float) -> tuple[tuple[Story, ...], dict[str, str]]:
    """Stories over events (given in id order) and a map event id -> story id.

    `centres[i]` is the (not necessarily unit) term vector of `events[i]`.
    """
    unit = [features.normalized(c) for c in centres]
    groups = sorted(average_link(unit, threshold), key=lambda g: g[0])
    stories: list[Story] = []
    story_of: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        story_id = f"S{number}"
        total: dict[str, float] = {}
        for i in group:
            for term, weight in centres[i].items():
                total[term] = total.get(term, 0.0) + weight
        centre = features.normalized(total)
        central = max(group, key=lambda i: (features.dot(unit[i], centre), -i))
        stories.append(Story(id=story_id, title=events[central].title,
                             events=tuple(events[i].id for i in group)))
        for i in group:
            story_of[events[i].id] = story_id
    return tuple(stories), story_of

"""Events into stories by average link: the batch reference, and Story records.

Reports group stories with `story_tracker.StoryTracker` (incremental, stable numbers), which
applies the same two rules one event at a time; `average_link` below is the batch
agglomerative clustering over all pairs it replaced, kept for comparison (benchmarks, tests).

Average link (not single link) because news vocabulary chains: with single link, "Saudi
ministry announces X" would pull every Saudi story into one. Two groups of events merge while
the mean cosine over all their cross pairs is >= the threshold; pairs whose cosine is below
`_FLOOR` count as 0, which keeps the similarity graph sparse and the clustering fast on
thousands of events.

Every event ends in exactly one story (a singleton story is fine); the title is the title of
the most central event.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import date

from marsad.group import features
from marsad.types import Event, Story

_FLOOR = 0.05
# Two events whose centroids are this similar are one story even when the rest of their groups
# is not: a big story (a bombing with its condolences, funerals, sermons and investigation) is
# too varied for average link alone, which splits it into many small stories, while single link
# at the average-link threshold chains unrelated news. Such a strong link only counts between
# events reported on the same day: over a week of news, some pair of events of two unrelated
# topics always reaches it (a condolence cable and a soldier's death, two clubs' transfer news)
# and single links then chain whole sections into one story; a story's later days join it by
# average link. Chosen on the dev half of the 2015-08-08 labels, scored both on that day alone
# and inside the five sample days (benchmarks/grouping.py): stories B-cubed F1 with a 0.25 link
# on any days 0.889 alone / 0.774 in five days; 0.3 on the same day 0.876 / 0.884.
STRONG_LINK = 0.3
STRONG_LINK_DAYS = 0
_BLOCK_ROWS = 1000


def _pair_similarities(vectors: Sequence[Mapping[str, float]]) -> dict[tuple[int, int], float]:
    """Cosine of every pair of (unit) vectors, i < j, that reaches _FLOOR.

    A sparse matrix product (scipy, already needed by datasketch) done in row blocks, so time
    and memory stay bounded on thousands of events; pure-Python dot products over candidate
    pairs took most of the grouping time.
    """
    if len(vectors) < 2:
        return {}
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for vector in vectors:
        for term, weight in vector.items():
            columns.append(vocabulary.setdefault(term, len(vocabulary)))
            data.append(weight)
        pointers.append(len(data))
    matrix = csr_matrix((data, columns, pointers), shape=(len(vectors), len(vocabulary) or 1))
    transposed = matrix.T.tocsc()
    pairs: dict[tuple[int, int], float] = {}
    for first in range(0, len(vectors), _BLOCK_ROWS):
        block = (matrix[first:first + _BLOCK_ROWS] @ transposed).tocoo()
        for i, j, similarity in zip(block.row.tolist(), block.col.tolist(), block.data.tolist()):
            i += first
            if j > i and similarity >= _FLOOR:
                pairs[(i, j)] = similarity
    return dict(sorted(pairs.items()))


def _near(a: date | None, b: date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= STRONG_LINK_DAYS


def average_link(vectors: Sequence[Mapping[str, float]], threshold: float,
                 strong: float | None = None,
                 days: Sequence[date | None] | None = None) -> list[list[int]]:
    """Clusters (lists of indexes, ascending) of unit vectors by average-link clustering.

    With `strong`, two groups also merge when their most similar pair of members reaches it
    (a single strong link), at the priority of `threshold`, i.e. after every merge that average
    link alone would make; with `days`, only a pair dated at most `STRONG_LINK_DAYS` apart
    (or undated) is a strong link. See `STRONG_LINK` for why.
    """
    size = {i: 1 for i in range(len(vectors))}
    members = {i: [i] for i in range(len(vectors))}
    links: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}  # sum of cosines
    best: dict[int, dict[int, float]] = {i: {} for i in range(len(vectors))}   # max cosine
    for (i, j), similarity in _pair_similarities(vectors).items():
        links[i][j] = links[j][i] = similarity
        if days is None or _near(days[i], days[j]):
            best[i][j] = best[j][i] = similarity

    def score(a: int, c: int) -> float | None:
        average = links[a].get(c, 0.0) / (size[a] * size[c])
        if average >= threshold:
            return average
        if strong is not None and best[a].get(c, 0.0) >= strong:
            return threshold
        return None

    heap = [(-s, i, j) for i in links for j in links[i] if i < j
            for s in [score(i, j)] if s is not None]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = score(a, b)
        if current is None or abs(current + negative) > 1e-12:   # stale: the pair changed
            continue
        # Merge b into a (a < b, so the surviving id is the smaller: deterministic).
        members[a].extend(members.pop(b))
        size[a] += size.pop(b)
        best_b = best.pop(b)
        for c, total in links.pop(b).items():
            if c == a:
                continue
            links[c].pop(b, None)
            best[c].pop(b, None)
            links[a][c] = links[a].get(c, 0.0) + total
            links[c][a] = links[a][c]
            best[a][c] = best[c][a] = max(best[a].get(c, 0.0), best_b.get(c, 0.0))
        links[a].pop(b, None)
        best[a].pop(b, None)
        for c in links[a]:
            merged = score(a, c)
            if merged is not None:
                heapq.heappush(heap, (-merged, min(a, c), max(a, c)))
    return [sorted(group) for _, group in sorted(members.items())]


def group_stories(events: Sequence[Event], centres: Sequence[Mapping[str, float]],
                  threshold: float) -> tuple[tuple[Story, ...], dict[str, str]]:
    """Stories over events (given in id order) by average link over all pairs, and a map
    event id -> story id (S1.. in the order of their first event).

    The batch method reports used before stories were tracked incrementally
    (`story_tracker.StoryTracker`); kept as the reference the benchmark compares with.
    `centres[i]` is the (not necessarily unit) term vector of `events[i]`.
    """
    unit = [features.normalized(c) for c in centres]
    days = [date.fromisoformat(e.date[:10]) if e.date else None for e in events]
    groups = sorted(average_link(unit, threshold, max(threshold, STRONG_LINK), days),
                    key=lambda g: g[0])
    return story_records(events, centres, [(f"S{n}", g) for n, g in enumerate(groups, start=1)])


def story_records(events: Sequence[Event], centres: Sequence[Mapping[str, float]],
                  groups: Sequence[tuple[str, Sequence[int]]]
                  ) -> tuple[tuple[Story, ...], dict[str, str]]:
    """Story records for groups of events (story id, indexes into `events` in id order) and a
    map event id -> story id; a story's title is the title of its most central event."""
    unit = [features.normalized(c) for c in centres]
    stories: list[Story] = []
    story_of: dict[str, str] = {}
    for story_id, group in groups:
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

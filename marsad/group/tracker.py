"""Incremental event tracking: a new article joins an open event or starts one.

The state a stream needs to keep, and nothing more:
- document frequencies of terms (`df`, `n_documents`) so idf follows the collection as it grows;
- every event's *cluster*: the sum of its members' unit tf-idf vectors (its centroid direction),
  its members, the newest day it was reported, and whether it is still open;
- which event each article (copies included) belongs to.

`EventTracker.add` places one article in O(candidate events), never revisiting earlier articles:
candidates are the *open* events sharing the article's strongest terms (an inverted index over
open events only), and the article joins the best one if cosine(article, centroid) >=
`event_threshold`. An event closes when `event_window_days` have passed since its newest article,
measured on the newest publication day the tracker has seen; a closed event leaves the index and
never changes again, so a long-running store keeps only the open events "hot". An article
without a date has no such clock: an event of undated articles only closes once
`UNDATED_WINDOW` articles have arrived since its newest one (an undated archive would otherwise
keep every event it ever made open, and each article would be compared with all of them).

A term shared by many open events (اليوم, المملكة) is looked up in the newest of them only (by
event number, so a restored tracker visits the same ones as the one that never stopped):
`POSTINGS_VISIT` for an undated article, `POSTINGS_VISIT_DATED` for a dated one. The exact
cosine still uses every term, and the event an article belongs to shares its rarer terms too. A
flood of one template, where every term is in every open event, stays linear. The dated limit
is above what real news reaches: on the five sample days fed day by day, a term is in at most
1,554 open events, and a limit of 200 changed one event (and, through it, the stories of
2015-08-08: heldout stories pairwise F1 0.779 -> 0.744).

A copy (near-duplicate) joins its original's event and never moves a centroid (copies must not
make an event look bigger than the number of outlets that wrote it).

Batch mode (`events.group_events`) and the store's incremental mode use this same class; batch
mode only learns df from the whole collection before placing the first article (two passes),
the store learns it from everything ingested so far plus the batch being ingested.

What changed since the tracker was built or restored (`changed` clusters, `df_delta`, `placed`
articles) is what a store writes back; `restore` rebuilds a tracker from stored state. `grown`
are the events whose articles changed (a new article or a copy), the ones whose explanation
(title, summary, comparison) must be redone: an event that only closed is not one of them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from marsad.group import features
from marsad.settings import Settings

_CANDIDATE_TERMS = 30     # an article's strongest terms, used to find candidate events
_SHORTLIST = 8            # candidate events whose exact cosine is computed
POSTINGS_VISIT = 50           # open events visited per term: the newest (see the module doc)
POSTINGS_VISIT_DATED = 2_000
UNDATED_WINDOW = 5_000    # arrivals after which an event of undated articles closes
# An event of 3+ articles is compared through its 75 strongest terms: as an event grows its full
# centroid spreads over every side story its articles mention (a condolence round-up names ten
# countries) and pulls in unrelated articles; its core stays on the happening. On the dev half of
# the 2015-08-08 labels: events pairwise F1 0.800 -> 0.810 on the day alone, 0.714 -> 0.793 with
# the day inside all five sample days (100 terms: 0.810 / 0.789; 50: 0.787 / 0.774).
_CORE_TERMS = 75
_CORE_MIN_MEMBERS = 3


@dataclass
class Cluster:
    """An event being built: the sum of its members' unit vectors and its time span."""

    members: list[str] = field(default_factory=list)     # independent articles, arrival order
    total: dict[str, float] = field(default_factory=dict)
    norm_sq: float = 0.0
    last_day: date | None = None
    first_day: date | None = None
    open: bool = True
    last_arrival: int = 0                                # arrival number of the newest member
    lead_names: set[str] = field(default_factory=set)    # who the members' leads are about
    names: set[str] = field(default_factory=set)         # every name the members mention
    _core: tuple[int, dict[str, float], float] | None = field(default=None, repr=False,
                                                              compare=False)

    def add(self, doc_id: str, vector: Mapping[str, float], day: date | None,
            names: ArticleNames | None = None) -> None:
        self.members.append(doc_id)
        if names is not None:
            self.lead_names.update(names.lead)
            self.names.update(names.all)
        for term, weight in vector.items():
            old = self.total.get(term, 0.0)
            self.total[term] = old + weight
            self.norm_sq += (old + weight) ** 2 - old * old
        if day is not None and (self.last_day is None or day > self.last_day):
            self.last_day = day
        if day is not None and (self.first_day is None or day < self.first_day):
            self.first_day = day

    def cosine(self, vector: Mapping[str, float]) -> float:
        """Cosine of an article to the event: to its centroid, or, once the event has
        `_CORE_MIN_MEMBERS` articles, to its core (the `_CORE_TERMS` strongest terms)."""
        if len(self.members) < _CORE_MIN_MEMBERS:
            return features.dot(vector, self.total) / (math.sqrt(self.norm_sq) or 1.0)
        if self._core is None or self._core[0] != len(self.members):
            core = dict(features.largest(_CORE_TERMS, self.total.items(), key=itemgetter(1)))
            norm = math.sqrt(sum(w * w for w in core.values())) or 1.0
            self._core = (len(self.members), core, norm)
        return features.dot(vector, self._core[1]) / self._core[2]


@dataclass(frozen=True)
class ArticleNames:
    """Names of people and organisations in an article, as space-joined folded tokens:
    `lead` the multi-word ones in its first sentences (who the news is about), `all` every one."""

    lead: frozenset[str] = frozenset()
    all: frozenset[str] = frozenset()


def _matches(name: str, others: Iterable[str]) -> bool:
    """Whether a name is one of `others`, or either is the other shortened (العمري ~ سليم العمري)."""
    tokens = set(name.split())
    for other in others:
        theirs = set(other.split())
        if tokens <= theirs or theirs <= tokens:
            return True
    return False


def names_conflict(article: ArticleNames, cluster: Cluster) -> bool:
    """The article's lead is about someone else than the event's leads are.

    Both leads name people or organisations, none of the article's lead names occurs anywhere in
    the event, and none of the event's lead names anywhere in the article: two wedding notices,
    two emirs' condolences, two ministers' talks with different counterparts.
    """
    if not article.lead or not cluster.lead_names:
        return False
    if any(_matches(name, cluster.names) for name in article.lead):
        return False
    return not any(_matches(name, article.all) for name in cluster.lead_names)


class EventTracker:
    """Single-pass event clustering with state that survives between runs."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = settings.event_threshold
        self.window_days = settings.event_window_days
        self.background = settings.background_idf
        self.conflict_margin = settings.event_name_conflict_margin
        self.span_days = settings.event_span_days
        self.clusters: list[Cluster] = []
        self.event_of: dict[str, int] = {}        # every placed article (copies too) -> cluster
        self.df: Counter[str] = Counter()
        self.n_documents = 0
        self.newest_day: date | None = None
        self.arrivals = 0                         # independent articles placed, ever
        self._postings: dict[str, list[int]] = {}   # term -> open clusters having it, sorted
        self._open: dict[int, None] = {}
        self._undated: dict[int, None] = {}       # open, no day yet: oldest last arrival first
        # What changed since the tracker was built or restored (what a store must write back).
        self.changed: set[int] = set()
        self.grown: set[int] = set()
        self._closed: list[int] = []              # closed since the last `compact`
        self.df_delta: Counter[str] = Counter()
        self.placed: dict[str, int] = {}

    # ------------------------------------------------------------------ idf
    def observe(self, counts: Iterable[str]) -> None:
        """Count one independent article's terms in the document frequencies."""
        self.n_documents += 1
        unique = set(counts)
        self.df.update(unique)
        self.df_delta.update(unique)

    def idf(self) -> features.Idf:
        return features.Idf(self.df, self.n_documents, background=self.background)

    # ------------------------------------------------------------ placement
    def add(self, doc_id: str, vector: Mapping[str, float], day: date | None,
            names: ArticleNames | None = None) -> int:
        """Place an independent article (its unit tf-idf vector); return its cluster number.

        With `names`, an event whose leads are about other people than the article's needs a
        cosine of `event_threshold + event_name_conflict_margin` to take it.
        """
        if doc_id in self.event_of:
            raise ValueError(f"document id {doc_id!r} was already placed")
        if day is not None and (self.newest_day is None or day > self.newest_day):
            self.newest_day = day
            self._close_stale(day)
        best = self._best_cluster(vector, names, day)
        if best < 0:
            best = len(self.clusters)
            self.clusters.append(Cluster())
            self._open[best] = None
        cluster = self.clusters[best]
        for term in vector:           # the best cluster is open (only open ones are candidates)
            if term not in cluster.total:
                post(self._postings, term, best)
        cluster.add(doc_id, vector, day, names)
        self.arrivals += 1
        cluster.last_arrival = self.arrivals
        self._undated.pop(best, None)
        if cluster.last_day is None:
            self._undated[best] = None
        self.event_of[doc_id] = best
        self.placed[doc_id] = best
        self.changed.add(best)
        self.grown.add(best)
        self._close_undated()
        return best

    def add_copy(self, doc_id: str, original: str) -> int | None:
        """Place a copy in its original's event; None when the original was never placed."""
        number = self.event_of.get(original)
        if number is not None:
            self.event_of[doc_id] = number
            self.placed[doc_id] = number
            self.grown.add(number)
        return number

    def _best_cluster(self, vector: Mapping[str, float], names: ArticleNames | None,
                      day: date | None) -> int:
        # Candidates: open events sharing the article's strongest terms, ranked by the part of
        # the cosine those terms give; the exact cosine is computed for the best few only
        # (visiting every shared term of every open event is quadratic on a busy news day).
        partial: dict[int, float] = {}
        visit = POSTINGS_VISIT if day is None else POSTINGS_VISIT_DATED
        for term in features.largest(_CANDIDATE_TERMS, vector, key=vector.__getitem__):
            weight = vector[term]
            for number in self._postings.get(term, ())[-visit:]:
                partial[number] = partial.get(number, 0.0) + weight * self.clusters[number].total[term]
        shortlist = features.largest(
            _SHORTLIST, partial,
            key=lambda n: (partial[n] / (self.clusters[n].norm_sq ** 0.5 or 1.0), -n))
        best, best_score = -1, self.threshold
        for number in sorted(shortlist):
            cluster = self.clusters[number]
            if (day is not None and cluster.first_day is not None
                    and (day - cluster.first_day).days > self.span_days):
                continue          # a later happening of the same kind: tomorrow's session
            score = cluster.cosine(vector)
            if names is not None and names_conflict(names, cluster):
                score -= self.conflict_margin
            if score >= best_score and (best < 0 or score > best_score):
                best, best_score = number, score
        return best

    def _close_stale(self, today: date) -> None:
        for number in list(self._open):
            cluster = self.clusters[number]
            if cluster.last_day is not None and (today - cluster.last_day).days > self.window_days:
                self._close(number)

    def _close_undated(self) -> None:
        while self._undated:
            number = next(iter(self._undated))
            if self.arrivals - self.clusters[number].last_arrival <= UNDATED_WINDOW:
                return
            self._close(number)

    def _close(self, number: int) -> None:
        cluster = self.clusters[number]
        cluster.open = False
        self.changed.add(number)
        self._closed.append(number)
        self._open.pop(number, None)
        self._undated.pop(number, None)
        for term in cluster.total:
            unpost(self._postings, term, number)

    def compact(self) -> None:
        """Keep closed events as the stubs a restore makes of them (their state is stored;
        call after writing it)."""
        for number in self._closed:
            self.clusters[number] = Cluster(open=False)
        self._closed.clear()

    # ---------------------------------------------------------- persistence
    @classmethod
    def restore(cls, settings: Settings, *, n_documents: int, df: Mapping[str, int],
                newest_day: str | None, event_of: Mapping[str, int],
                clusters: Iterable[Mapping], arrivals: int | None = None) -> EventTracker:
        """A tracker from stored state (`cluster_to_json` records, in cluster-number order;
        `arrivals` the articles placed so far, default `n_documents` for a store written
        before it was kept)."""
        tracker = cls(settings)
        tracker.n_documents = int(n_documents)
        tracker.arrivals = int(arrivals if arrivals is not None else n_documents)
        tracker.df = Counter({str(t): int(n) for t, n in df.items()})
        tracker.newest_day = date.fromisoformat(newest_day) if newest_day else None
        tracker.event_of = {str(d): int(n) for d, n in event_of.items()}
        tracker.clusters = [cluster_from_json(c) for c in clusters]
        undated = []
        for number, cluster in enumerate(tracker.clusters):
            if cluster.open:
                tracker._open[number] = None
                for term in cluster.total:
                    tracker._postings.setdefault(term, []).append(number)   # numbers ascend
                if cluster.last_day is None:
                    undated.append((cluster.last_arrival, number))
        tracker._undated = {number: None for _, number in sorted(undated)}
        return tracker


def post(postings: dict[str, list[int]], term: str, number: int) -> None:
    """Index `number` under `term` (each term's numbers kept sorted: the newest are last)."""
    insort(postings.setdefault(term, []), number)


def unpost(postings: dict[str, list[int]], term: str, number: int) -> None:
    """Take `number` out of `term`'s numbers (and the term out when none is left)."""
    numbers = postings.get(term)
    if numbers is not None:
        at = bisect_left(numbers, number)
        if at < len(numbers) and numbers[at] == number:
            del numbers[at]
        if not numbers:
            del postings[term]


def cluster_to_json(cluster: Cluster) -> dict:
    return {"members": list(cluster.members), "total": dict(cluster.total),
            "norm_sq": cluster.norm_sq, "open": cluster.open,
            "last_day": cluster.last_day.isoformat() if cluster.last_day else None,
            "first_day": cluster.first_day.isoformat() if cluster.first_day else None,
            "last_arrival": cluster.last_arrival,
            "lead_names": sorted(cluster.lead_names), "names": sorted(cluster.names)}


def cluster_from_json(data: Mapping) -> Cluster:
    last, first = data.get("last_day"), data.get("first_day")
    return Cluster(members=[str(m) for m in data.get("members", [])],
                   total={str(t): float(w) for t, w in data.get("total", {}).items()},
                   norm_sq=float(data.get("norm_sq", 0.0)), open=bool(data.get("open", True)),
                   last_day=date.fromisoformat(last) if last else None,
                   first_day=date.fromisoformat(first) if first else None,
                   last_arrival=int(data.get("last_arrival", 0)),
                   lead_names=set(data.get("lead_names", ())), names=set(data.get("names", ())))

"""Shared text features for grouping and summaries: sparse tf-idf vectors over Arabic stems.

A vector is a plain `dict[str, float]` (term -> weight). Terms are stems of folded words
(`marsad.arabic.stem.stem`) with function words removed, so `والإرهاب` and `الإرهابي` meet and
`في`/`التي` do not make two unrelated articles look alike.

Why dicts and not a matrix library: events are built one article at a time (incremental), and a
news article has a few hundred distinct terms, so sparse dicts with an inverted index are both
simple and fast enough (thousands of articles per second), with no dependency beyond the stdlib.
"""

from __future__ import annotations

import gzip
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from marsad.arabic.normalize import fold
from marsad.errors import ModelError

Vector = dict[str, float]

# Function words (folded forms: ا for أإآ, ي for ى, ه for ة). Kept short on purpose: idf
# down-weights the rest; this list only removes words that are frequent in *every* small set of
# news articles, where idf cannot learn that they are empty.
STOPWORDS: frozenset[str] = frozenset(fold(w) for w in """
في من على الى إلى عن مع ان أن إن انه أنه انها أنها هذا هذه ذلك تلك هو هي هم هن نحن انت
التي الذي الذين اللذين اللتين اللواتي ما ماذا لا لم لن قد كان كانت يكون تكون كانوا وكان
او أو ثم حتى بين بعد قبل عند عندما خلال منذ حيث كل بعض غير اي أي اذا إذا لكن كما ايضا
أيضا وقد فقد لقد كذلك هناك هنا به بها له لها لهم فيه فيها منه منها عليه عليها اليه إليه
الا إلا وهو وهي ولا وما ومن وفي وعلى وان وأن مما ممن فيما بما كما وكما اما أما اذ إذ
يوم اليوم امس أمس عام سنة حول ضمن دون لدى لدي نحو عبر وذلك ذات ذو الى تم يتم وتم
قال وقال وقالت قالت اكد أكد وأكد اضاف أضاف وأضاف واضاف اشار أشار وأشار
""".split())

_TITLE_WEIGHT = 3.0       # headline words: a reader names the event with them
_MENTION_WEIGHT = 1.0     # extra weight per entity mention (names carry who/where)


@lru_cache(maxsize=200_000)
def _stem_of(folded_word: str) -> str | None:
    """Stem of one folded word, or None for a function word or a lone letter/digit."""
    if len(folded_word) < 2 or folded_word in STOPWORDS:
        return None
    if folded_word[0] in "وف" and folded_word[1:] in STOPWORDS:
        return None
    from marsad.arabic.stem import stem   # imported late: arabic.stem is owned elsewhere
    stemmed = fold(stem(folded_word))
    return stemmed if len(stemmed) >= 2 else folded_word


_FOLDED_WORD = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """Content stems of `text` in reading order (function words dropped).

    Words are read off the folded text with a plain regex: offsets are not needed here, and
    building Token records for every word was most of the cost of grouping.
    """
    out: list[str] = []
    for word in _FOLDED_WORD.findall(fold(text)):
        term = _stem_of(word)
        if term is not None:
            out.append(term)
    return out


def term_counts(text: str, *, title: str | None = None,
                names: Iterable[str] = ()) -> Counter[str]:
    """Term frequencies of a document: body, plus the headline and entity names weighted up."""
    counts: Counter[str] = Counter(terms(text))
    if title:
        for term in terms(title):
            counts[term] += _TITLE_WEIGHT
    for name in names:
        for term in terms(name):
            counts[term] += _MENTION_WEIGHT
    return counts


_BACKGROUND = Path(__file__).resolve().parents[1] / "models" / "background_df.tsv.gz"


@lru_cache(maxsize=1)
def background_df() -> tuple[dict[str, int], int]:
    """Document frequencies of terms in 22.5k unlabelled news articles, and that count.

    Built by scripts/build_idf.py (SaudiNewsNet days outside the evaluation sample); only
    term -> count is shipped. A missing file means a broken install: ModelError.
    """
    try:
        with gzip.open(_BACKGROUND, "rt", encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split("\t")
            table = {}
            for line in handle:
                term, _, count = line.rstrip("\n").partition("\t")
                table[term] = int(count)
    except OSError as exc:
        raise ModelError(f"cannot read the background term frequencies {_BACKGROUND}: {exc}",
                         "reinstall marsad (pip install -e .)") from exc
    return table, int(header[1])


class Idf:
    """Smoothed inverse document frequency: a background table plus the collection itself.

    idf(t) = ln((1 + N_bg + N) / (1 + df_bg(t) + df(t))) + 1, as in scikit-learn with the
    background articles counted in: every term keeps a weight of at least 1, and a small
    collection (a demo folder, the first minutes of a stream) gets sensible weights from the
    background instead of near-uniform ones, so two articles look as alike on day one as they
    will on day ten. Terms never seen get the maximum weight. With `background=False` (the default)
    the weights are learnt from the collection only.
    """

    def __init__(self, document_frequency: Mapping[str, int], n_documents: int, *,
                 background: bool = False) -> None:
        bg_df, bg_n = background_df() if background else ({}, 0)
        self._bg = bg_df
        self.n_documents = n_documents + bg_n
        self._df = dict(document_frequency)
        self._unseen = math.log((1 + self.n_documents) / 1) + 1.0

    @classmethod
    def fit(cls, documents: Iterable[Iterable[str]], *, background: bool = False) -> Idf:
        """Learn df from documents given as iterables of terms (each document counted once)."""
        df: Counter[str] = Counter()
        n = 0
        for doc_terms in documents:
            n += 1
            df.update(set(doc_terms))
        return cls(df, n, background=background)

    def __call__(self, term: str) -> float:
        df = self._df.get(term, 0) + self._bg.get(term, 0)
        if df == 0:
            return self._unseen
        return math.log((1 + self.n_documents) / (1 + df)) + 1.0


def tfidf(counts: Mapping[str, float], idf: Idf) -> Vector:
    """Unit-length tf-idf vector with sublinear tf (1 + ln tf): repetition helps, but slowly."""
    vector = {t: (1.0 + math.log(c)) * idf(t) for t, c in counts.items() if c > 0}
    return normalized(vector)


def normalized(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in vector.values()))
    if norm == 0.0:
        return {}
    return {t: w / norm for t, w in vector.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two sparse vectors (0.0 when either is empty)."""
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return dot(a, b) / (na * nb)


def centroid(vectors: Iterable[Mapping[str, float]]) -> Vector:
    """Unit-length mean of vectors (the direction they share)."""
    total: dict[str, float] = {}
    for vector in vectors:
        for t, w in vector.items():
            total[t] = total.get(t, 0.0) + w
    return normalized(total)


def largest(n: int, items: Collection, key: Callable) -> list:
    """`heapq.nlargest(n, items, key=key)`, which is `sorted(items, key=key, reverse=True)[:n]`
    (ties in input order): sorting, in C, is several times faster for the short inputs of
    placing one article or event; heapq for long ones."""
    if len(items) <= 512:
        return sorted(items, key=key, reverse=True)[:n]
    return heapq.nlargest(n, items, key=key)

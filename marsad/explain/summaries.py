"""Extractive summaries: one article (`summarize_document`) or one event (`summarize_event`).

Both pick whole sentences as written, so every summary sentence can be cited to the exact span
of the articles it comes from.

Scoring. News is written lead first (the "inverted pyramid"), so position is the strongest
signal; on EASC, Lead beats every centrality-only method (see benchmarks/summaries.py). We use a
position prior re-ranked by centrality (cosine of the sentence's stem tf-idf vector to the
centroid of the article or event); for an event, also by support: how many other articles say
the same thing (independent confirmation is what a desk wants in a summary).

Sentences that read badly out of context are avoided, and taken only when nothing else is left:
- too short (fewer than `MIN_WORDS` words: datelines, captions, "للمزيد ..." links);
- page furniture (links, "اضف تعليق", "اقرأ أيضا", copyright lines);
- starting with an unresolved reference: a continuation verb whose subject is in the previous
  sentence (`وأضاف أن`, `وتابع`, `كما أشار إلى`). Such a sentence is fine right after the
  sentence it continues, so it is allowed when that sentence is already in the summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_tokens
from marsad.group import features
from marsad.settings import Settings
from marsad.types import Citation, DocumentAnalysis, Event, Span, Summary, SummarySentence

MIN_WORDS = 5
DEFAULT_SENTENCES = 3
POSITION_WEIGHT = 0.75       # single document: share of the position prior in the score
REDUNDANT = 0.5              # cosine at or above which two sentences say the same thing
_SHORTLIST = 60
SAME_THING = 0.5             # ... and at which an article is cited for a summary sentence

_CUE = (r"(?:اضاف|تابع|اشار|اوضح|استطرد|مضي|ختم|اردف|لفت|بين|شدد|اكد|قال|ذكر|نوه|زاد"
        r"|استدرك|لاحظ|اعتبر|راي|راى|اعرب|كشف)(?:ت)?")
_UNRESOLVED = re.compile(
    rf"^\W*(?:(?:[وف](?:كما\s+)?|كما\s+)(?:(?:تابع|استطرد|اردف|مضي|ختم)(?:ت)?(?!\w)"
    rf"|{_CUE}\s*(?:ان|انه|انها|انهم|بان|بانه|الي|قاءلا|قاءله|في|ايضا|[:،,\"«“(-])))"
    rf"|^\W*(?:و|ف)?(?:هو|هي|هم|هذا|هذه|ذلك)\s"
)
_FURNITURE = re.compile(
    r"https?://|www\.|@\w+\.\w|اضف تعليق|اقرا ايضا|اقرا المزيد|للمزيد|جميع الحقوق|حقوق النشر"
    r"|تابعونا|شارك هذا|طباعه|ارسل لصديق|^\W*المصدر\s*[:：]")


@dataclass(frozen=True)
class _Sentence:
    doc: str
    index: int                  # position in its article (0 = lead)
    span: Span
    words: int
    vector: dict[str, float]
    readable: bool              # not too short, not furniture
    continuation: bool          # starts with an unresolved reference


def _read(doc_id: str, text: str, sentences: Sequence[Span]) -> list[tuple[str, Span, int, bool, bool]]:
    out = []
    for index, span in enumerate(sentences):
        piece = text[span.start:span.end]
        folded = fold(piece).strip()
        words = len(word_tokens(piece))
        readable = words >= MIN_WORDS and not _FURNITURE.search(folded)
        out.append((doc_id, span, words, readable, bool(_UNRESOLVED.search(folded))))
    return out


def _vectorize(rows: Sequence[tuple[str, Span, int, bool, bool]],
               texts: Mapping[str, str]) -> list[_Sentence]:
    """Sentence records with tf-idf vectors; idf learnt over these sentences."""
    counts = [features.term_counts(texts[doc][span.start:span.end]) for doc, span, *_ in rows]
    idf = features.Idf.fit(c.keys() for c in counts)
    out: list[_Sentence] = []
    position: dict[str, int] = {}
    for (doc, span, words, readable, continuation), count in zip(rows, counts):
        index = position.get(doc, 0)
        position[doc] = index + 1
        out.append(_Sentence(doc, index, span, words, features.tfidf(count, idf), readable,
                             continuation))
    return out


def position_prior(index: int) -> float:
    """1 for the lead sentence, decaying slowly (1/sqrt(1+i))."""
    return 1.0 / math.sqrt(1.0 + index)


def _select(ranked: Sequence[_Sentence], n_sentences: int | None, n_words: int | None,
            redundant: float | None = None) -> list[_Sentence]:
    """Greedy choice in rank order until the budget is reached (the last sentence may cross a
    word budget, as in the EASC procedure); awkward sentences only when nothing else is left."""
    chosen: list[_Sentence] = []
    total_words = 0

    def full() -> bool:
        if n_sentences is not None and len(chosen) >= n_sentences:
            return True
        return n_words is not None and total_words >= n_words

    def fits(sentence: _Sentence) -> bool:
        return redundant is None or all(
            features.dot(sentence.vector, other.vector) < redundant for other in chosen)

    deferred: list[_Sentence] = []
    for sentence in ranked:
        if full():
            break
        follows = any(c.doc == sentence.doc and c.index == sentence.index - 1 for c in chosen)
        if not sentence.readable or (sentence.continuation and not follows):
            deferred.append(sentence)
            continue
        if fits(sentence):
            chosen.append(sentence)
            total_words += sentence.words
    rank = {id(s): r for r, s in enumerate(ranked)}
    for sentence in sorted(deferred, key=lambda s: (not s.readable, rank[id(s)])):
        if full():
            break
        if sentence.words and fits(sentence):
            chosen.append(sentence)
            total_words += sentence.words
    return chosen


def summarize_document(text: str, sentences: Sequence[Span], *, n_sentences: int | None = None,
                       n_words: int | None = None) -> list[Span]:
    """Extractive summary of one article: sentence spans in reading order.

    Budget: `n_words` (sentences are added until at least that many words are taken) and/or
    `n_sentences`; with neither, 3 sentences.
    """
    if n_sentences is None and n_words is None:
        n_sentences = DEFAULT_SENTENCES
    if not sentences or n_sentences == 0 or n_words == 0:
        return []
    records = _vectorize(_read("doc", text, sentences), {"doc": text})
    centre = features.centroid(s.vector for s in records)

    def score(s: _Sentence) -> float:
        return (POSITION_WEIGHT * position_prior(s.index)
                + (1 - POSITION_WEIGHT) * features.dot(s.vector, centre))

    ranked = sorted(records, key=lambda s: (-score(s), s.index))
    chosen = _select(ranked, n_sentences, n_words)
    return [s.span for s in sorted(chosen, key=lambda s: s.index)]


def summarize_event(event: Event, analyses: Mapping[str, DocumentAnalysis],
                    settings: Settings) -> Summary:
    """Multi-document summary of an event, every sentence cited to all articles that say it."""
    documents = [analyses[d].document for d in event.documents if d in analyses]
    members = {d.id for d in documents}
    texts = {d.id: d.text for d in documents}
    rows = [row for d in documents for row in _read(d.id, d.text, d.sentences)]
    if not rows:
        return Summary(event.id, ())
    records = _vectorize(rows, texts)
    copies = {d.id for d in documents if d.duplicate_of is not None and d.duplicate_of in members}
    candidates = [s for s in records if s.doc not in copies]
    chronology = {d.id: (d.published or "", i) for i, d in enumerate(documents)}

    # Centroid of article centroids: a long article must not outvote three short ones.
    by_doc: dict[str, list[_Sentence]] = {}
    for s in candidates:
        by_doc.setdefault(s.doc, []).append(s)
    centre = features.centroid(features.centroid(s.vector for s in group)
                               for group in by_doc.values())
    independent_docs = max(len(by_doc) - 1, 1)

    def support(s: _Sentence) -> int:
        return len({o.doc for o in candidates
                    if o.doc != s.doc and features.dot(s.vector, o.vector) >= SAME_THING})

    def base(s: _Sentence) -> float:
        return 0.5 * position_prior(s.index) + 0.3 * features.dot(s.vector, centre)

    # Support costs a pass over all candidates, so it only re-ranks the best _SHORTLIST.
    scores = {id(s): base(s) for s in candidates}
    shortlist = sorted(candidates, key=lambda s: -scores[id(s)])[:_SHORTLIST]
    for s in shortlist:
        scores[id(s)] += 0.2 * math.log1p(support(s)) / math.log1p(independent_docs)
    ranked = sorted(candidates, key=lambda s: (-scores[id(s)], chronology[s.doc], s.index))
    if settings.summary_words > 0:
        chosen = _select(ranked, None, settings.summary_words, REDUNDANT)
    else:
        chosen = _select(ranked, settings.summary_sentences, None, REDUNDANT)
    # Lead sentences first (they carry the news), then by the articles' time order.
    chosen.sort(key=lambda s: (s.index, chronology[s.doc]))
    return Summary(event.id, tuple(_cited(s, records, texts, chronology) for s in chosen))


def _cited(sentence: _Sentence, records: Sequence[_Sentence], texts: Mapping[str, str],
           chronology: Mapping[str, tuple[str, int]]) -> SummarySentence:
    """The sentence as written, citing itself first, then the best match in every other article."""
    best: dict[str, tuple[float, _Sentence]] = {}
    for other in records:
        if other.doc == sentence.doc:
            continue
        similarity = features.dot(sentence.vector, other.vector)
        if similarity >= SAME_THING and (other.doc not in best or similarity > best[other.doc][0]):
            best[other.doc] = (similarity, other)
    citations = [Citation(sentence.doc, sentence.span.start, sentence.span.end)]
    for doc in sorted(best, key=chronology.__getitem__):
        match = best[doc][1]
        citations.append(Citation(doc, match.span.start, match.span.end))
    text = texts[sentence.doc][sentence.span.start:sentence.span.end]
    return SummarySentence(text=text, citations=tuple(citations))

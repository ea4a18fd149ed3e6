"""Cross-outlet comparison: which outlet reported what about an event, where they agree, where
they differ.

For every event covered by at least two outlets (and every story of several events covered by at
least two), `compare_events` lists each outlet's coverage (articles, first report, quantities,
quotes, key entities) and two kinds of findings:

- agreements: a fact reported by two or more independent outlets: the same number for the same
  thing, the same quotation (the same words, from a compatible speaker), the same entity among
  the outlets' key entities;
- disagreements: different numbers for the same thing (e.g. 12 dead against 14 dead), a
  quotation reported by one outlet only, a person or organisation among one outlet's key
  entities that no other outlet names (a different responsible party).

Outlets. An article's outlet is its `source` (the agency in its dateline, else the publishing
outlet), as for `Event.sources`. A copy of another article of the event counts for the outlet of
its original (it adds no independent reporting) and its facts are not counted twice. Every
article naming no outlet is an outlet of its own with `source` None: it is independent
reporting, we just do not know by whom.

"The same thing" for numbers is the counted noun, with death and injury tolls recognised
whatever noun carries them (`12 شخصا مصرعهم`, `14 قتيلا`, `12 حالة وفاة` are all the death
toll). Values within 5% are the same figure (`خمسة مليارات` against `5.2 مليار`); values more
than 1.5 times apart are different facts (100 ألف جنيه per family, 300 مليون جنيه in total), not a
disagreement. Percentages and durations are too ambiguous to compare and are left out. Any other
counted noun is compared by its singular (`unit_key`): طابق, طابقين, طوابق and 3 طوابق against
طابقا are one unit, as are مليون/مليونين/ملايين and دولار/دولارا/دولارات.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_tokens
from marsad.group import features
from marsad.group.events import document_outlet
from marsad.types import (
    Comparison,
    DocumentAnalysis,
    Entity,
    Event,
    Evidence,
    Finding,
    Mention,
    OutletCoverage,
    Quantity,
    Quote,
    Story,
)

KEY_ENTITIES = 8            # per outlet, most mentioned first
PARTY_RANK = 5              # an exclusive PER/ORG this high in an outlet's list is a disagreement
SAME_VALUE = 0.05           # relative difference under which two figures are the same figure
COMPARABLE = 1.5            # figures further apart than this ratio count different things
QUOTE_OVERLAP = 0.6         # share of the shorter quotation's terms found in the other one
MIN_SHARED_TERMS = 4        # ... and at least this many terms in common

_DEATH = {"قتيل", "قتلي", "ضحيه", "ضحايا", "شهيد", "شهداء", "وفاه", "وفيات", "جثه", "جثث",
          "جثمان", "جثامين"}
_INJURY = {"مصاب", "مصابين", "مصابا", "جريح", "جرحي", "اصابه", "اصابات"}
_PEOPLE = {"شخص", "اشخاص", "حاله", "حالات", "مواطن", "مواطنين", "فرد", "افراد", "شخصا"}
_DEATH_CUE = re.compile(r"مصرع|حتف|قتل|لقي|توفي|وفا|ضحاي|حصيله|جثث|جثام|موت|ماتو|وفيات|اودت|بحياه")
_INJURY_CUE = re.compile(r"اصيب|اصاب|مصاب|جرح|جريح")
# Broken plurals of nouns that news counts (folded): a regular plural or dual (ات, ين, ان) and
# the accusative ا are stripped by rule in `unit_key`; these cannot be.
_BROKEN_PLURALS = {
    "طوابق": "طابق", "قتلي": "قتيل", "جرحي": "جريح", "اسري": "اسير", "شهداء": "شهيد",
    "ضحايا": "ضحيه", "جثث": "جثه", "جثامين": "جثمان", "اشخاص": "شخص", "افراد": "فرد",
    "ملايين": "مليون", "الاف": "الف", "اطنان": "طن", "براميل": "برميل", "دنانير": "دينار",
    "منازل": "منزل", "مباني": "مبني", "مساكن": "مسكن", "بيوت": "بيت", "مدارس": "مدرسه",
    "مساجد": "مسجد", "قري": "قريه", "مدن": "مدينه", "دول": "دوله",
    "اطفال": "طفل", "نساء": "امراه", "رجال": "رجل", "جنود": "جندي", "عناصر": "عنصر",
    "صواريخ": "صاروخ", "سفن": "سفينه", "امتار": "متر", "اميال": "ميل",
}
_PLURAL_ENDINGS = ("تين", "تان", "ات", "ين", "ان", "ا")     # dual (f.), plural, dual, accusative
_VAGUE_UNITS = {"%", "ساعه", "ساعات", "يوم", "ايام", "عام", "اعوام", "سنه", "سنوات", "شهر",
                "اشهر", "اسبوع", "اسابيع", "دقيقه", "دقاءق", "لكل"}


@dataclass
class _Outlet:
    source: str | None
    documents: list[str]
    reporting: list[DocumentAnalysis]       # articles whose facts count (copies excluded)


def unit_key(unit: str) -> str:
    """The counted noun's singular, folded and without the article or a final ة, so that its
    singular, dual and plural meet: طابق/طابقين/طوابق -> طابق, قتيلين/قتلى -> قتيل,
    حالة/حالات -> حال, شخصا/أشخاص -> شخص (`_BROKEN_PLURALS` for the forms no rule reaches)."""
    word = fold(unit).removeprefix("ال")
    word = _BROKEN_PLURALS.get(word, word)
    for ending in _PLURAL_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= (2 if ending == "ا" else 3):
            word = word[:-len(ending)]
            break
    return word[:-1] if word.endswith("ه") and len(word) > 3 else word


def quantity_subject(quantity: Quantity, text: str) -> str | None:
    """What a quantity counts, comparable across outlets ("قتيل", "مصاب", "جنيه"...), or None.

    `text` is the quantity's document text (the words around the number decide what a
    `12 شخصا` counts).
    """
    if quantity.unit is None or " من " in f" {quantity.text} ":
        return None                          # no noun, or a part ("خمسة من الضحايا")
    unit = fold(quantity.unit).removeprefix("ال")
    key = unit_key(unit)
    if unit in _VAGUE_UNITS or key in _VAGUE_KEYS:
        return None
    if unit in _DEATH or key in _DEATH_KEYS:
        return "قتيل"
    if unit in _INJURY or key in _INJURY_KEYS:
        return "مصاب"
    if unit in _PEOPLE or key in _PEOPLE_KEYS:
        after = [fold(t.text) for t in word_tokens(text[quantity.end:quantity.end + 40])][:2]
        before = [fold(t.text) for t in word_tokens(text[max(0, quantity.start - 140):
                                                         quantity.start])][-16:]
        # "لقي 12 شخصا مصرعهم" (cue after) but "مصرع 12 شخصا وإصابة 37" (cue before: a word
        # opening with و starts the next clause, which is about the next number); the nearest
        # cue before wins ("حصيلة ضحايا العاصفة ... إلى 12 شخصا").
        clause = []
        for word in after:
            if word.startswith("و") and word not in _DEATH:
                break
            clause.append(word)
        for word in clause + before[::-1]:
            if word in _DEATH or _DEATH_CUE.search(word):
                return "قتيل"
            if _INJURY_CUE.search(word):
                return "مصاب"
    return key


_VAGUE_KEYS = {unit_key(u) for u in _VAGUE_UNITS}
_DEATH_KEYS = {unit_key(u) for u in _DEATH}
_INJURY_KEYS = {unit_key(u) for u in _INJURY}
_PEOPLE_KEYS = {unit_key(u) for u in _PEOPLE}


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_VALUE * max(abs(a), abs(b))


def _evidence(outlet: _Outlet, doc: str, start: int, end: int, text: str, *,
              value: float | None = None, quote: str | None = None) -> Evidence:
    return Evidence(outlet.source, doc, start, end, text, value, quote)


class _Index:
    """Lookups by document shared by every comparison of a run."""

    def __init__(self, analyses: Mapping[str, DocumentAnalysis], entities: Sequence[Entity],
                 quotes: Sequence[Quote]) -> None:
        self.analyses = analyses
        self.entities = {entity.id: entity for entity in entities}
        self.by_folded_name: dict[str, list[str]] = defaultdict(list)
        for entity in entities:
            self.by_folded_name[fold(entity.name)].append(entity.id)
        self.mentions: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
        for entity in entities:
            for mention in entity.mentions:
                self.mentions[mention.doc].append((entity.id, mention))
        self.quotes: dict[str, list[Quote]] = defaultdict(list)
        for quote in quotes:
            self.quotes[quote.doc].append(quote)

    def outlets(self, doc_ids: Iterable[str]) -> list[_Outlet]:
        members = [d for d in dict.fromkeys(doc_ids) if d in self.analyses]
        member_set = set(members)
        by_key: dict[tuple[str, str], _Outlet] = {}
        copies: list[tuple[str, str]] = []
        for doc_id in members:
            analysis = self.analyses[doc_id]
            original = analysis.document.duplicate_of
            if original is not None and original in member_set:
                copies.append((doc_id, original))
                continue
            source = document_outlet(analysis)
            key = ("source", source) if source else ("doc", doc_id)
            outlet = by_key.setdefault(key, _Outlet(source, [], []))
            outlet.documents.append(doc_id)
            outlet.reporting.append(analysis)
        home = {doc: outlet for outlet in by_key.values() for doc in outlet.documents}
        for doc_id, original in copies:
            while original in member_set and original not in home:  # a copy of a copy
                original = self.analyses[original].document.duplicate_of or ""
            if original in home:
                home[original].documents.append(doc_id)
                home[doc_id] = home[original]
        return list(by_key.values())


def _first_report(outlet: _Outlet, analyses: Mapping[str, DocumentAnalysis]) -> str | None:
    dates = [analyses[d].document.published for d in outlet.documents
             if analyses[d].document.published]
    return min(dates) if dates else None


def _key_entities(outlet: _Outlet, index: _Index) -> list[str]:
    counts: Counter[str] = Counter()
    for analysis in outlet.reporting:
        counts.update(entity_id for entity_id, _ in index.mentions.get(analysis.document.id, ()))
    return [entity_id for entity_id, _ in counts.most_common(KEY_ENTITIES)]


def _quantity_findings(outlets: Sequence[_Outlet]) -> tuple[list[Finding], list[Finding]]:
    by_subject: dict[str, list[tuple[_Outlet, Quantity]]] = defaultdict(list)
    written: dict[str, Counter[str]] = defaultdict(Counter)    # key -> units as written
    for outlet in outlets:
        for analysis in outlet.reporting:
            for quantity in analysis.quantities:
                subject = quantity_subject(quantity, analysis.document.text)
                if subject is not None and quantity.value == quantity.value:  # not NaN
                    by_subject[subject].append((outlet, quantity))
                    written[subject][quantity.unit or subject] += 1
    agreements: list[Finding] = []
    disagreements: list[Finding] = []
    for key, reported in by_subject.items():
        # Matching uses the key (جني for جنيه/جنيهات); the reader sees a word as written.
        subject = key if key in ("قتيل", "مصاب") else \
            min(written[key].items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        reported.sort(key=lambda item: item[1].value)
        # Figures of one magnitude (each within COMPARABLE of the next) may describe one thing.
        clusters: list[list[tuple[_Outlet, Quantity]]] = []
        for item in reported:
            if clusters and item[1].value <= COMPARABLE * clusters[-1][-1][1].value:
                clusters[-1].append(item)
            else:
                clusters.append([item])
        for cluster in clusters:
            figures: list[list[tuple[_Outlet, Quantity]]] = []   # same figure within SAME_VALUE
            for item in cluster:
                if figures and _same_value(figures[-1][0][1].value, item[1].value):
                    figures[-1].append(item)
                else:
                    figures.append([item])
            for figure in figures:
                first: dict[int, tuple[_Outlet, Quantity]] = {}
                for outlet, quantity in figure:
                    first.setdefault(id(outlet), (outlet, quantity))
                if len(first) >= 2:
                    agreements.append(Finding("quantity", subject, tuple(
                        _evidence(o, q.doc, q.start, q.end, q.text, value=q.value)
                        for o, q in first.values())))
            reporters = {id(o) for o, _ in cluster}
            said = [frozenset(i for i, figure in enumerate(figures)
                              if any(o is outlet for o, _ in figure))
                    for outlet in outlets if id(outlet) in reporters]
            if len(figures) >= 2 and len(said) >= 2 and len(set(said)) >= 2:
                disagreements.append(Finding("quantity", subject, tuple(
                    _evidence(o, q.doc, q.start, q.end, q.text, value=q.value)
                    for o, q in cluster)))
    return agreements, disagreements


def _quote_terms(quote: Quote) -> set[str]:
    return set(features.terms(quote.text))


def _quote_findings(outlets: Sequence[_Outlet], index: _Index
                    ) -> tuple[list[Finding], list[Finding]]:
    items = [(outlet, quote, _quote_terms(quote)) for outlet in outlets
             for analysis in outlet.reporting for quote in index.quotes.get(analysis.document.id, ())]
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (outlet_a, quote_a, terms_a) in enumerate(items):
        for j in range(i + 1, len(items)):
            outlet_b, quote_b, terms_b = items[j]
            if outlet_a is outlet_b:
                continue
            if quote_a.speaker and quote_b.speaker and quote_a.speaker != quote_b.speaker:
                continue
            shared = len(terms_a & terms_b)
            if shared >= MIN_SHARED_TERMS \
                    and shared >= QUOTE_OVERLAP * min(len(terms_a), len(terms_b)):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[root(i)].append(i)
    agreements: list[Finding] = []
    disagreements: list[Finding] = []
    for members in groups.values():
        quotes = [items[i] for i in members]
        subject = next((q.speaker for _, q, _ in quotes if q.speaker), None) \
            or next((q.speaker_text for _, q, _ in quotes if q.speaker_text), "")
        evidence = tuple(_evidence(o, q.doc, q.start, q.end, q.text, quote=q.id)
                         for o, q, _ in quotes)
        if len({id(o) for o, _, _ in quotes}) >= 2:
            agreements.append(Finding("quote", subject, evidence))
        else:
            disagreements.append(Finding("quote", subject, evidence[:1]))
    return agreements, disagreements


def _entity_findings(outlets: Sequence[_Outlet], keys: Sequence[list[str]], index: _Index
                     ) -> tuple[list[Finding], list[Finding]]:
    named: list[dict[str, Mention]] = []          # per outlet: entity id -> first mention
    for outlet in outlets:
        first: dict[str, Mention] = {}
        for analysis in outlet.reporting:
            for entity_id, mention in index.mentions.get(analysis.document.id, ()):
                first.setdefault(entity_id, mention)
        named.append(first)
    agreements: list[Finding] = []
    disagreements: list[Finding] = []
    # An outlet named in its own copy ("قال لسبوتنيك") is not a party to the event.
    seen = {entity_id for outlet in outlets if outlet.source
            for entity_id in index.by_folded_name.get(fold(outlet.source), ())}
    for key_ids in keys:
        for rank, entity_id in enumerate(key_ids):
            if entity_id in seen:
                continue
            seen.add(entity_id)
            naming = [i for i, names in enumerate(named) if entity_id in names]
            evidence = tuple(_evidence(outlets[i], m.doc, m.start, m.end, m.text)
                             for i in naming for m in [named[i][entity_id]])
            entity = index.entities.get(entity_id)
            if len(naming) >= 2:
                agreements.append(Finding("entity", entity_id, evidence))
            elif rank < PARTY_RANK and entity is not None and entity.type in ("PER", "ORG"):
                disagreements.append(Finding("entity", entity_id, evidence))
    return agreements, disagreements


def _compare(doc_ids: Sequence[str], index: _Index, *, event: str | None = None,
             story: str | None = None) -> Comparison | None:
    """The comparison of the outlets covering these articles (None with fewer than two)."""
    outlets = index.outlets(doc_ids)
    if len(outlets) < 2:
        return None
    outlets.sort(key=lambda o: (_first_report(o, index.analyses) is None,
                                _first_report(o, index.analyses) or ""))
    keys = [_key_entities(outlet, index) for outlet in outlets]
    coverage = tuple(
        OutletCoverage(source=outlet.source, documents=tuple(outlet.documents),
                       first_report=_first_report(outlet, index.analyses),
                       quantities=tuple(q for a in outlet.reporting for q in a.quantities),
                       quotes=tuple(q.id for a in outlet.reporting
                                    for q in index.quotes.get(a.document.id, ())),
                       entities=tuple(key_ids))
        for outlet, key_ids in zip(outlets, keys))
    agreements: list[Finding] = []
    disagreements: list[Finding] = []
    for agreed, differ in (_quantity_findings(outlets), _quote_findings(outlets, index),
                           _entity_findings(outlets, keys, index)):
        agreements += agreed
        disagreements += differ
    return Comparison(event=event, outlets=coverage, agreements=tuple(agreements),
                      disagreements=tuple(disagreements), story=story)


def compare_events(events: Sequence[Event], stories: Sequence[Story],
                   analyses: Mapping[str, DocumentAnalysis], entities: Sequence[Entity] = (),
                   quotes: Sequence[Quote] = ()) -> tuple[Comparison, ...]:
    """Comparisons of every event with two or more outlets, then of every story of several
    events with two or more outlets (numbered quotes and linked entities give the ids)."""
    index = _Index(analyses, entities, quotes)
    out = [c for event in events
           if (c := _compare(event.documents, index, event=event.id)) is not None]
    by_id = {event.id: event for event in events}
    for story in stories:
        members = [by_id[e] for e in story.events if e in by_id]
        if len(members) >= 2:
            docs = [d for event in members for d in event.documents]
            comparison = _compare(docs, index, story=story.id)
            if comparison is not None:
                out.append(comparison)
    return tuple(out)


def compare_event(event: Event, analyses: Mapping[str, DocumentAnalysis],
                  entities: Sequence[Entity] = (), quotes: Sequence[Quote] = ()
                  ) -> Comparison | None:
    """The comparison of one event's outlets, or None when fewer than two outlets cover it."""
    return _compare(event.documents, _Index(analyses, entities, quotes), event=event.id)

"""Cross-document entity linking (baseline) and quote speakers resolved to entities.

Baseline rules, chosen to merge spelling variants and never two different people:
- keys are built on folded text (`fold`) with proclitics and, for places and organisations, the
  article removed; person names are compared word by word through a consonant skeleton that
  maps ج/غ/ق/ك to one letter and drops inner long vowels, so سيرجى شويجو = سيرغي شويغو and
  فلادمير = فلاديمير;
- two multi-word person names merge when their first and last words match (or one is a suffix of
  the other: جاويش أوغلو in مولود جاويش أوغلو); people who share only a first name never merge;
- a one-word person mention (بوتين) joins the full name in the same document whose last (else
  first) word matches, if exactly one does; else the only such full name across documents;
- places and organisations merge on their key, plus a short explicit alias table
  (`titles.ALIAS_GROUPS`: داعش = الدولة الإسلامية); a city never merges with its country;
  عمّان written with its shadda is Amman, not Oman; a place name in «» (لـ«الرياض») is a paper or
  a title, not the place; a one-word organisation joins the one multi-word organisation of its
  article that ends with it (يونايتد / مانشستر يونايتد);
Name keys (`marsad.arabic.names`): letter classes learnt from Wikidata transliterations
(ج/غ/ق/ك, س/ز, ت/ط), عبد الله = عبدالله, آل سعود optional at the end of a chain, and lineage
chains (محمد بن سلمان بن عبدالعزيز) that merge with their own start but never with their tail
(the father). Currency and unit words the NER tags as MISC (ريال، دولار) are not entities.
Measured on hand-annotated pairs by benchmarks/entities.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from marsad.arabic.names import (
    CLITIC_LETTER_NAMES,
    FEMININE_TITLE,
    gender_of_name,
    is_patronymic,
    person_key,
    same_person_name,
    skeleton,
)
from marsad.arabic.normalize import fold
from marsad.extract import titles as lex
from marsad.types import DocumentAnalysis, Entity, EntityType, Mention, Quote

_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_NOT_NAME_CHARS = re.compile(r"[^\w\s]|[\d_]")
_DESCRIPTORS = frozenset(fold(w) for w in "تنظيم حركة جماعة وكالة صحيفة قناة منظمة نادي".split())
# Units and currencies the NER sometimes tags (MISC): quantities, not entities.
_NOT_ENTITIES = frozenset(fold(w) for w in (
    "ريال ريالا ريالات دولار دولارا دولارات يورو جنيه جنيها جنيهات درهم دراهم دينار دنانير "
    "ليرة ليرات روبل يوان روبية برميل براميل طن أطنان كيلومتر كيلومترات متر أمتار").split())
# God in formulae (رحمه الله، إن شاء الله), function words and common nouns the NER tags as a
# name of any type: never an entity.
_NEVER_ENTITIES = frozenset(fold(w) for w in (
    "الله اللهم لله بالله والله سبحانه تعالى إليه إليها عليه عليها لديه لديها آلية الآلية "
    "آليه اليا").split())
# Trailing words the NER glues to a name ("محمد بن نايف ولي ولي العهد").
_TRAILING_TITLE = frozenset(fold(w) for w in "ولي العهد".split())
# Names and abbreviations of one entity, beside titles.ALIAS_GROUPS (folded when built).
_MORE_ALIASES: tuple[frozenset[str], ...] = tuple(frozenset(fold(w) for w in group) for group in (
    ("أوبك", "منظمة أوبك", "منظمة البلدان المصدرة للبترول", "منظمة الدول المصدرة للنفط"),
    ("سوريا", "سورية", "الجمهورية العربية السورية"),
    ("مصر", "جمهورية مصر العربية"),
    ("واس", "وكالة الأنباء السعودية"),
    ("سانا", "الوكالة العربية السورية للأنباء"),
    ("إرنا", "وكالة الأنباء الإيرانية", "وكالة الجمهورية الإسلامية للأنباء"),
    ("الناتو", "حلف شمال الأطلسي"),
    ("اليونسكو", "منظمة الأمم المتحدة للتربية والعلم والثقافة"),
    ("أرامكو", "أرامكو السعودية", "شركة الزيت العربية السعودية"),
    ("حزب الاتحاد الديمقراطي", "الاتحاد الديمقراطي الكردي", "حزب الاتحاد الديمقراطي الكردي"),
    ("حزب العمال الكردستاني", "العمال الكردستاني"),
    ("الحوثيون", "الحوثيين", "جماعة الحوثي", "جماعة الحوثيين", "الحوثي", "أنصار الله",
     "جماعة أنصار الله"),
    ("الفيفا", "فيفا", "الاتحاد الدولي لكرة القدم"),
    ("اليويفا", "الاتحاد الأوروبي لكرة القدم"),
    ("الأردن", "المملكة الأردنية الهاشمية", "المملكة الأردنية"),
    ("المغرب", "المملكة المغربية"),
    ("البحرين", "مملكة البحرين"),
    ("الكويت", "دولة الكويت"),
    ("قطر", "دولة قطر"),
    ("عمان", "سلطنة عمان"),
))
_ALIAS_GROUPS = lex.ALIAS_GROUPS + _MORE_ALIASES
_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك")


@dataclass(eq=False)                     # identity semantics: clusters are hashed and compared by id
class _Cluster:
    type_votes: Counter[str] = field(default_factory=Counter)
    mentions: list[tuple[int, Mention, str]] = field(default_factory=list)  # (doc index, m, surface)
    words: tuple[str, ...] = ()          # skeletons of the longest person name seen

    def first(self) -> tuple[int, int]:
        return min((d, m.start) for d, m, _ in self.mentions)


def _clean(text: str) -> str:
    """Display surface: no diacritics, tatweel or stray punctuation, single spaces."""
    return " ".join(_NOT_NAME_CHARS.sub(" ", _MARKS.sub("", text)).split())


def _strip_article(word: str) -> str:
    folded = fold(word)
    return folded[2:] if folded.startswith("ال") and len(folded) > 4 else folded


def _alias_key(surface: str) -> str | None:
    folded = fold(surface)
    for index, group in enumerate(_ALIAS_GROUPS):
        if folded in group or "ال" + folded in group:
            return f"alias:{index}"
    return None


def _place_key(surface: str, places: frozenset[str] = frozenset()) -> str:
    """Key of a place/organisation: alias group, else skeletons without ال and descriptors.

    A descriptor stays when the rest is a place named in the batch: قناة السويس (the canal)
    is not السويس (the city), while قناة الجزيرة is الجزيرة."""
    alias = _alias_key(surface)
    if alias:
        return alias
    words = surface.split()
    if len(words) > 1 and _strip_article(words[0]) in _DESCRIPTORS and \
            _strip_article(" ".join(words[1:])) not in places:
        words = words[1:]
        alias = _alias_key(" ".join(words))
        if alias:
            return alias
    return " ".join(skeleton(_strip_article(w)) for w in words)


def _strip_clitic(surface: str, known: set[str], name_words: frozenset[str] = frozenset()
                  ) -> str:
    """Drop a proclitic (و، ب، ل ...) only when the rest is itself a known surface form, a name
    of the alias table (بالمملكة الأردنية الهاشمية), or, for a rest of two letters, a word of a
    multi-word name of the batch (لشي of شي جينبينغ)."""
    folded = fold(surface)
    if folded.split(" ", 1)[0] in CLITIC_LETTER_NAMES:
        return surface                       # وليد الخريجي, ليلى: not و/ل + a name
    for clitic in _PROCLITICS:
        rest_length = len(folded) - len(clitic)
        if not folded.startswith(clitic) or rest_length < 2:
            continue
        if clitic == "لل":
            rest = "ال" + surface[2:]                  # للجيش -> الجيش
        elif clitic.endswith("ال"):
            rest = surface[len(clitic) - 2:]          # والجيش -> الجيش
        else:
            rest = surface[len(clitic):]
        folded_rest = fold(rest)
        if rest_length >= 3 and (folded_rest in known or _alias_key(rest) is not None):
            return rest
        if rest_length == 2 and folded_rest in name_words:
            return rest
    return surface


def _person_words(surface: str) -> list[str]:
    """Name words without a leading or trailing title ("الرئيس بوتين" -> ["بوتين"])."""
    words = surface.split()
    while len(words) > 1 and fold(words[0]) in lex.TITLE_HEADS:
        words = words[1:]
        while len(words) > 1 and fold(words[0]).startswith("ال"):
            words = words[1:]
    while len(words) > 2 and fold(words[-1]) in _TRAILING_TITLE:
        words = words[:-1]
    return words


def _person_key(surface: str) -> tuple[str, ...]:
    return person_key(_person_words(surface))


def name_keys(surface: str) -> set[str]:
    """The keys (`per:`, `per1:`, `place:`) under which the linker files a name written
    `surface`: a lookup in the store's `entity_keys` finds its entity in any spelling (search
    expands a query's names through them)."""
    keys = {"place:" + _place_key(surface)}
    words = _person_key(surface)
    if len(words) >= 2:
        keys.add("per:" + "|".join(words))
    elif len(words) == 1:
        keys.add("per1:" + words[0])
    return keys


def name_word_key(word: str) -> str:
    """The spelling-free key of one name word (شويجو, شويغو -> the same), as in the keys."""
    return skeleton(_strip_article(word))


class _Linker:
    """Clusters mentions into entities in a fixed order so the result is deterministic."""

    def __init__(self, analyses: Sequence[DocumentAnalysis]) -> None:
        self.analyses = analyses
        self.clusters: list[_Cluster] = []
        self.by_key: dict[str, _Cluster] = {}
        self.of_mention: dict[tuple[str, int, int], _Cluster] = {}
        self.by_first: dict[str, list[_Cluster]] = {}   # first word -> person clusters
        self.by_second: dict[str, list[_Cluster]] = {}  # second word -> person clusters
        # Indexes that keep every lookup proportional to its candidates, not to the collection
        # (a linear scan per mention made linking quadratic: 2 minutes for 3k articles).
        self.by_later_word: dict[str, dict[int, _Cluster]] = {}  # any word after the first
        self.full_in_doc: dict[int, dict[int, _Cluster]] = {}    # full names seen in a document
        self.spans_in_doc: dict[str, list[tuple[int, int, _Cluster]]] = {}
        self._people_in_doc: dict[int, list[Mention]] | None = None
        self._by_entity_id: dict[str, _Cluster] | None = None
        self._orgs_by_last_word: dict[tuple[int, str], dict[int, _Cluster]] | None = None
        items = [(d, m) for d, a in enumerate(analyses)
                 for m in sorted(a.mentions, key=lambda m: (m.start, m.end))
                 if not (m.type == "MISC" and fold(_clean(m.text)) in _NOT_ENTITIES)
                 and fold(_clean(m.text)) not in _NEVER_ENTITIES]
        alone = {fold(_clean(m.text)) for _, m in items}
        in_names = {word for name in alone if " " in name for word in name.split()}
        known = alone | in_names                             # بوتين of فلاديمير بوتين
        # كيري of جون كيري is a name, not ك + يري (an NER fragment elsewhere); but a place
        # بجدة of «جامعة الملك عبدالعزيز بجدة» is ب + جدة when جدة is a mention of its own
        self.items = [(d, m, _clean(m.text) if fold(_clean(m.text)) in in_names and
                       (m.type == "PER" or _strip_clitic(_clean(m.text), alone) == _clean(m.text))
                       else _strip_clitic(_clean(m.text), known, frozenset(in_names)))
                      for d, m in items]
        self.places = frozenset(_strip_article(s) for _, m, s in self.items if m.type == "LOC")

    def add(self, cluster: _Cluster, d: int, mention: Mention, surface: str) -> None:
        cluster.type_votes[mention.type] += 1
        cluster.mentions.append((d, mention, surface))
        self.of_mention[(mention.doc, mention.start, mention.end)] = cluster
        self.spans_in_doc.setdefault(mention.doc, []).append((mention.start, mention.end, cluster))
        if len(cluster.words) >= 2:
            self.full_in_doc.setdefault(d, {})[id(cluster)] = cluster

    def new(self, key: str) -> _Cluster:
        cluster = _Cluster()
        self.clusters.append(cluster)
        self.by_key.setdefault(key, cluster)
        return cluster

    def run(self) -> None:
        people = [(d, m, s) for d, m, s in self.items if m.type == "PER"]
        for d, m, s in people:                        # full names first: they anchor the rest
            words = _person_key(s)
            if len(words) >= 2:
                self.add(self.full_name_cluster(words), d, m, s)
        for d, m, s in people:
            words = _person_key(s)
            if len(words) == 1:
                cluster = self.single_name_cluster(d, words[0])
                self.add(cluster, d, m, s)
        short_forms: list[tuple[int, Mention, str]] = []
        for d, m, s in self.items:
            if m.type != "PER" and s:
                key = "place:" + self.place_key(d, m, s)
                if " " not in s and m.type == "ORG" and key not in self.by_key:
                    short_forms.append((d, m, s))       # يونايتد: after the full names
                    continue
                self.add(self.by_key.get(key) or self.new(key), d, m, s)
        for d, m, s in short_forms:
            key = "place:" + self.place_key(d, m, s)
            cluster = self.by_key.get(key) or self.org_of_last_word(d, s) or self.new(key)
            self.add(cluster, d, m, s)

    def place_key(self, d: int, mention: Mention, surface: str) -> str:
        """`_place_key`, with two readings the folded surface loses: عمّان (Amman, its shadda
        written) is not عمان (Oman), and a place name inside «» (لـ«الرياض») names a paper or a
        title, not the place."""
        text = self.analyses[d].document.text
        if "\u0651" in mention.text and _place_key(surface) == _place_key("عمان"):
            return "amman"
        key = _place_key(surface, self.places)
        before = text[max(0, mention.start - 1):mention.start]
        after = text[mention.end:mention.end + 1]
        if before in "«\"" and after in "»\"" and before and after and \
                _strip_article(surface) in self.places:
            return "quoted:" + key
        return key

    def org_of_last_word(self, d: int, word: str) -> _Cluster | None:
        """The one multi-word organisation of document d whose last word is `word`
        (يونايتد of مانشستر يونايتد), if exactly one."""
        if self._orgs_by_last_word is None:               # built once: lookups stay linear
            self._orgs_by_last_word = {}
            for doc_index, m, s in self.items:
                cluster = self.of_mention.get((m.doc, m.start, m.end))
                if m.type != "PER" and " " in s and cluster is not None:
                    last = (doc_index, _strip_article(s.split()[-1]))
                    self._orgs_by_last_word.setdefault(last, {})[id(cluster)] = cluster
        found = self._orgs_by_last_word.get((d, _strip_article(word)), {})
        return next(iter(found.values())) if len(found) == 1 else None

    def full_name_cluster(self, words: tuple[str, ...]) -> _Cluster:
        key = "per:" + "|".join(words)
        if key in self.by_key:
            return self.by_key[key]
        # candidates share the first word, or one has a word more in front (جاويش أوغلو in
        # مولود جاويش أوغلو): its second word is the other's first
        candidates = (self.by_first.get(words[0], []) + self.by_first.get(words[1], [])
                      + self.by_second.get(words[0], []))
        for cluster in dict.fromkeys(candidates):
            if same_person_name(cluster.words, words):
                if len(words) > len(cluster.words):
                    cluster.words = words
                    self._index(cluster)
                self.by_key[key] = cluster
                return cluster
        cluster = self.new(key)
        cluster.words = words
        self._index(cluster)
        return cluster

    def gender(self, entity_id: str, ids: dict[int, str]) -> str | None:
        """"f" when the entity's name is a female first name, else None (unknown)."""
        if self._by_entity_id is None:
            self._by_entity_id = {ids[id(c)]: c for c in self.clusters if id(c) in ids}
        cluster = self._by_entity_id.get(entity_id)
        if cluster is None:
            return None
        names = [s for _, m, s in cluster.mentions if m.type == "PER" and s]
        return gender_of_name(names[0].split()[0]) if names else None

    def find_person(self, words: tuple[str, ...]) -> _Cluster | None:
        """The existing person cluster whose name matches `words`, if any."""
        if "per:" + "|".join(words) in self.by_key:
            return self.by_key["per:" + "|".join(words)]
        return next((c for c in self.by_first.get(words[0], []) if same_person_name(c.words, words)),
                    None)

    def _index(self, cluster: _Cluster) -> None:
        for index, table in ((0, self.by_first), (1, self.by_second)):
            bucket = table.setdefault(cluster.words[index], [])
            if cluster not in bucket:
                bucket.append(cluster)
        for word in cluster.words[1:]:
            self.by_later_word.setdefault(word, {})[id(cluster)] = cluster

    def people_in_doc(self, d: int) -> list[Mention]:
        """PER mentions of document d, in cluster order (built once, after clustering)."""
        if self._people_in_doc is None:
            self._people_in_doc = {}
            for cluster in self.clusters:
                for doc_index, mention, _ in cluster.mentions:
                    if mention.type == "PER":
                        self._people_in_doc.setdefault(doc_index, []).append(mention)
        return self._people_in_doc.get(d, [])

    def cluster_at(self, doc: str, start: int, end: int) -> _Cluster | None:
        """The cluster of the first mention in `doc` that overlaps [start, end)."""
        return next((c for s, e, c in self.spans_in_doc.get(doc, ()) if s < end and start < e),
                    None)

    def single_name_cluster(self, d: int, word: str) -> _Cluster:
        here = list(self.full_in_doc.get(d, {}).values())
        with_word = list(self.by_later_word.get(word, {}).values())
        for pool in (here, with_word):
            # a surname, not a father's name after بن (سلمان is not محمد بن سلمان)
            by_last = [c for c in pool if any(w == word and not is_patronymic(c.words, i)
                                              for i, w in enumerate(c.words) if i > 0)]
            if len(by_last) == 1:
                return by_last[0]
            if pool is here and not by_last:
                by_first = [c for c in pool if c.words[0] == word]
                if len(by_first) == 1:
                    return by_first[0]
            if by_last:
                break                                 # ambiguous: do not guess
        key = f"per1:{word}"
        return self.by_key.get(key) or self.new(key)

    def entities(self) -> tuple[tuple[Entity, ...], dict[int, str]]:
        ordered = sorted(self.clusters, key=_Cluster.first)
        ids = {id(c): f"E{n}" for n, c in enumerate(ordered, start=1)}
        result = []
        for cluster in ordered:
            entity_type: EntityType = max(cluster.type_votes.items(),
                                          key=lambda kv: (kv[1], kv[0] == "PER"))[0]  # type: ignore[assignment]
            surfaces = [s for _, _, s in sorted(cluster.mentions, key=lambda t: (t[0], t[1].start))]
            result.append(Entity(ids[id(cluster)], entity_type, _canonical(surfaces, entity_type),
                                 tuple(dict.fromkeys(surfaces)),
                                 tuple(m for _, m, _ in sorted(cluster.mentions,
                                                               key=lambda t: (t[0], t[1].start)))))
        return tuple(result), ids


def _canonical(surfaces: list[str], entity_type: str) -> str:
    """Most frequent form; for people the fullest name among the forms seen twice or more
    (a form seen once may be an NER slip), else the fullest form seen."""
    counts = Counter(surfaces)
    first_seen = {s: i for i, s in reversed(list(enumerate(surfaces)))}
    if entity_type != "PER":
        return max(counts, key=lambda s: (counts[s], -first_seen[s]))
    pool = [s for s in counts if len(s.split()) >= 2] or list(counts)
    return max(pool, key=lambda s: (min(counts[s], 2), len(_person_words(s)), counts[s],
                                    len(s), -first_seen[s]))


def link_entities(analyses: Sequence[DocumentAnalysis]
                  ) -> tuple[tuple[Entity, ...], tuple[Quote, ...]]:
    """Merge mentions of all documents into entities; return them and the quotes with speakers."""
    linker, ids, quotes = link_batch_clusters(analyses)
    return linker.entities()[0], quotes


def link_batch_clusters(analyses: Sequence[DocumentAnalysis]
                        ) -> tuple[_Linker, dict[int, str], tuple[Quote, ...]]:
    """The linker after clustering a batch, the batch's entity ids (E1.. in order of first
    mention) by cluster, and the quotes with those ids as speakers (see entity_index)."""
    linker = _Linker(analyses)
    linker.run()
    _, ids = linker.entities()
    quotes: list[Quote] = []
    for d, analysis in enumerate(analyses):
        previous: str | None = None
        for quote in analysis.quotes:
            speaker = _speaker_entity(linker, ids, d, analysis, quote, previous)
            quotes.append(replace(quote, speaker=speaker))
            previous = speaker or previous
    return linker, ids, tuple(quotes)


def _speaker_entity(linker: _Linker, ids: dict[int, str], d: int, analysis: DocumentAnalysis,
                    quote: Quote, previous: str | None) -> str | None:
    """Entity id of a quote's speaker: its mention, its name, its title, or None (anonymous)."""
    span = quote.speaker_mention
    if span is None:
        return None                                   # anonymous or unknown speaker
    cluster = linker.cluster_at(quote.doc, span.start, span.end)
    if cluster is not None:
        return ids[id(cluster)]
    surface = _clean(quote.speaker_text or analysis.document.text[span.start:span.end])
    words = _person_key(surface)
    named = linker.find_person(words) if len(words) >= 2 else None
    if named is not None:
        return ids[id(named)]
    if surface and fold(surface.split()[0]) in lex.TITLE_HEADS:
        titled = _titled_person(linker, d, analysis, surface) or \
            _apposed_person(linker, d, analysis, surface)
        if titled is not None:
            return ids[id(titled)]
        # "المسؤول الأمني الروسي": the last speaker, unless the gender says otherwise
        # (a "وزيرة" or "قالت" is not the man quoted before)
        feminine = _feminine_quote(surface, quote.cue)
        if previous is not None and feminine != (linker.gender(previous, ids) == "f"):
            return None
        if previous is not None and not _title_fits(linker, ids, d, analysis, surface, previous):
            return None
        return previous
    if len(words) == 1:
        cluster = linker.by_key.get(f"per1:{words[0]}")
        if cluster is not None:
            return ids[id(cluster)]
    return None


def _title_fits(linker: _Linker, ids: dict[int, str], d: int, analysis: DocumentAnalysis,
                title: str, entity_id: str) -> bool:
    """True when the article introduces the entity with a word of `title` ("المحافظ" and
    "محافظ الإسكندرية طارق المنياوي"): a title never used for the previous speaker names
    someone else, so the quote is not given to him."""
    wanted = {w for w in _title_words(title) if len(w) > 2} - _GENERIC_TITLE_WORDS
    if not wanted:
        return True
    text = analysis.document.text
    for mention in linker.people_in_doc(d):
        cluster = linker.of_mention[(mention.doc, mention.start, mention.end)]
        if ids.get(id(cluster)) != entity_id:
            continue
        around = text[max(0, mention.start - 60):mention.start] + " " + \
            text[mention.end:mention.end + 60]
        if wanted & _title_words(fold(around)):
            return True
    return False


_GENERIC_TITLE_WORDS = frozenset({"مسءول", "مصدر", "متحدث", "ناطق"})


def _feminine_quote(title: str, cue: str | None) -> bool:
    """True when the title (وزيرة، المتحدثة) or the verb (قالت، أكدت) is feminine."""
    if FEMININE_TITLE.match(fold(title.split()[0])):
        return True
    verb = fold(cue or "").split()[-1] if cue else ""
    verb = verb[1:] if verb.startswith(("و", "ف")) and len(verb) > 4 else verb
    return verb.endswith("ت") and lex.SPEECH_FORMS.get(verb[:-1], ("", ""))[1] == "verb"


def _apposed_person(linker: _Linker, d: int, analysis: DocumentAnalysis,
                    title: str) -> _Cluster | None:
    """The person this document names with `title` in apposition: "نهى السباعي، وزيرة
    التضامن" makes "وزيرة التضامن" refer to her."""
    wanted = [fold(w) for w in title.split()[:2]]
    text = analysis.document.text
    for mention in linker.people_in_doc(d):
        after = re.match(r"\s*[،,]\s*([^\s،,.:]+)(?:\s+([^\s،,.:]+))?",
                         text[mention.end:mention.end + 80])
        if after and [fold(w) for w in after.groups() if w][:len(wanted)] == wanted:
            return linker.of_mention[(mention.doc, mention.start, mention.end)]
    return None


def _title_words(text: str) -> set[str]:
    return {_strip_article(w) for w in text.split()} - {"", "و"}


def _titled_person(linker: _Linker, d: int, analysis: DocumentAnalysis,
                   title: str) -> _Cluster | None:
    """The person this document names with `title` ("الرئيس الروسي فلاديمير بوتين")."""
    wanted = _title_words(title)
    head = _strip_article(title.split()[0])
    text = analysis.document.text
    best: tuple[float, int, _Cluster] | None = None
    for mention in linker.people_in_doc(d):
        before = text[max(0, mention.start - 60):mention.start].split()[-6:]
        head_at = [i for i, w in enumerate(before) if _strip_article(w) == head]
        # "مساعد الرئيس الروسي يوري أوشاكوف" is not "الرئيس الروسي"
        if not head_at or (head_at[-1] > 0 and fold(before[head_at[-1] - 1]) in lex.TITLE_HEADS):
            continue
        seen = _title_words(" ".join(before[head_at[-1]:]))
        score = len(wanted & seen) / len(wanted | seen)
        if score >= 0.5 and (best is None or (score, -mention.start) > (best[0], -best[1])):
            best = (score, mention.start, linker.of_mention[(mention.doc, mention.start,
                                                              mention.end)])
    return best[2] if best else None

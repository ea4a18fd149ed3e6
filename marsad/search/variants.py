"""Spelling variants of the names in a query, from what the store has learnt about its entities.

A query word is expanded only when a span of the query (one to three words) is the name of a
stored entity: the span's name keys (`linking.name_keys`: letter-class skeletons, so شويجو and
شويغو share `per1:شوج`) are looked up in `entity_keys`, or, for one word, the one stored person
whose later name word it is. The entity's aliases (the surface forms its mentions were written
in) then give, for each word of the span, the other spellings of that same name word (same
skeleton): `شويجو` -> `شويغو`, never the entity's other words or titles. Ordinary words are
never expanded, so a query does not flood with unrelated articles; the engine weights the
variants below the words typed, and the results report which expansions were used.

Orthographic variants (hamza forms, ى/ي, ة/ه, harakat, tatweel, عبد الله / عبدالله) need no
expansion: the analyser folds them on both sides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from marsad.arabic.names import letter_classes
from marsad.extract.linking import name_keys, name_word_key
from marsad.search.analyzer import Term, analyse
from marsad.search.query import Unit
from marsad.store import Store

MAX_SPAN = 3
MAX_VARIANTS = 6          # spellings added per query word
MAX_ALIASES = 200         # aliases of one entity looked at (most frequent first)
MAX_PEOPLE = 5            # persons sharing a surname whose spellings of it are collected
MIN_MENTIONS = 2          # an entity seen once may be a tagging accident
COMMON_DF, COMMON_RATIO = 50, 10   # see `expand`
MIN_WORD = 4              # shorter words are too often ordinary words


def _spelling_key(word: str) -> str:
    """The word with letters mapped to their transliteration class (غ/ج/ق/ك, س/ز, ت/ط ...) and
    a final ه read as ا, long vowels kept."""
    classes = letter_classes()
    key = "".join(classes.get(c, c) for c in word)
    return key[:-1] + "ا" if len(key) > 2 and key.endswith("ه") else key


def _close(a: str, b: str) -> bool:
    """Two spellings of one name word: the same letters up to transliteration classes, and at
    most one long vowel written or left out (نتانياهو / نتنياهو, شويغو / شويجو). Skeletons
    alone, which drop every inner vowel, equate ordinary words (مالي / مولي, باريس / بيريز)."""
    if len(b) < MIN_WORD:
        return False
    a, b = _spelling_key(a), _spelling_key(b)
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and any(
        longer[i] in "اوي" and longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


@dataclass(frozen=True)
class Variants:
    """The other spellings of one query word."""

    unit: int                          # index of the word unit in the query
    typed: str
    terms: tuple[Term, ...]            # analysed variant spellings
    entities: tuple[int, ...]          # the entities they come from


def expand(store: Store, units: Sequence[Unit],
           doc_freq: Callable[[str], int] | None = None) -> list[Variants]:
    """Variants for the word units of a query that name a stored entity. With `doc_freq`
    (articles with a surface term), a typed word far more common than a spelling is taken for
    an ordinary word that happens to share letters with a rare name (مركز / مورجس)."""
    found: list[Variants] = []
    taken: set[int] = set()
    words = [i for i, u in enumerate(units) if u.kind == "word" and not u.optional]
    # Longest spans first, over runs of consecutive word units.
    for size in range(MAX_SPAN, 0, -1):
        for k in range(len(words) - size + 1):
            span = words[k:k + size]
            if span[-1] - span[0] != size - 1 or taken & set(span):
                continue
            surface = " ".join(units[i].text for i in span)
            entities = entities_named(store, surface, people=MAX_PEOPLE)
            spellings = _alias_words(store, entities, surface)
            if not spellings:
                continue
            taken |= set(span)
            for i in span:
                variants = _same_name_word(units[i], spellings, doc_freq)
                if variants:
                    found.append(Variants(i, units[i].text, variants, tuple(entities)))
    return sorted(found, key=lambda v: v.unit)


def entities_named(store: Store, surface: str, people: int = 1) -> list[int]:
    """The stored entities a name written `surface` (any spelling) refers to: by its name keys,
    and, for one word, the stored persons whose later name word it is when there are at most
    `people` of them (1 to name an entity; a few to collect the spellings of a surname, which
    are the same whoever carries it)."""
    numbers = set(store.entities_for_keys(name_keys(surface)).values())
    if len(surface.split()) == 1 and (people > 1 or not numbers):
        if people > 1:               # any word of a full name (فلادمير: a first name too)
            found = {n for (n,) in store.db.execute(
                "SELECT DISTINCT w.entity FROM entity_words w JOIN entities e ON"
                " e.number = w.entity WHERE w.word = ? AND e.merged_into IS NULL LIMIT ?",
                (name_word_key(surface), people + 1))}
        else:
            later = store.persons_with_later_word([name_word_key(surface)])
            found = {p.number for ps in later.values() for p in ps}
        if len(found) <= people:
            numbers |= found
    return sorted(numbers)


def _alias_words(store: Store, entities: Sequence[int], surface: str) -> dict[str, str]:
    """Every word of the entities' aliases: surface term -> the word as written.

    Only trustworthy entities count: a person (its keys are name skeletons), or a place or
    organisation that the query names as one of its aliases (a place key alone also matches
    ordinary words the tagger once took for a place); and one seen at least twice."""
    typed = [t.word for t in analyse(surface)]
    out: dict[str, str] = {}
    for number in entities:
        row = store.db.execute("SELECT type, aliases, mention_count FROM entities WHERE number=?",
                               (number,)).fetchone()
        if row is None or row[2] < MIN_MENTIONS:
            continue
        try:
            aliases = json.loads(row[1])
        except ValueError:
            continue
        ranked = sorted(aliases.items(), key=lambda kv: -kv[1])[:MAX_ALIASES]
        if row[0] != "PER" and not any(_same_name(typed, a) for a, n in ranked
                                       if n >= MIN_MENTIONS):
            continue
        for alias, _count in ranked:
            # A spelling seen once counts too (a small archive has each once): a typo or a
            # tagging slip only adds a term that `_same_name_word` must still find close.
            for term in analyse(alias):
                out.setdefault(term.word, alias[term.start:term.end])
    return out


def _same_name(typed: list[str], alias: str) -> bool:
    """The query span is this alias, in the same or a close spelling (جينيف / جنيف)."""
    words = [t.word for t in analyse(alias)]
    return len(words) == len(typed) and all(a == b or _close(a, b) for a, b in zip(words, typed))


def _same_name_word(unit: Unit, spellings: dict[str, str],
                    doc_freq: Callable[[str], int] | None) -> tuple[Term, ...]:
    typed = unit.terms[0]
    typed_df = doc_freq(typed.word) if doc_freq else 0
    key = name_word_key(typed.word)
    if len(key) < 2:
        return ()
    out: list[Term] = []
    for word, written in spellings.items():
        if word == typed.word or name_word_key(word) != key or not _close(word, typed.word):
            continue
        term = analyse(written)
        if doc_freq and typed_df > max(COMMON_DF, COMMON_RATIO * doc_freq(word)):
            continue
        if term and term[0].word != typed.word:
            out.append(term[0])
        if len(out) >= MAX_VARIANTS:
            break
    return tuple(out)

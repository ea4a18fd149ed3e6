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
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.extract.linking import name_keys, name_word_key
from marsad.search.analyzer import Term, analyse
from marsad.search.query import Unit
from marsad.store import Store

MAX_SPAN = 3
MAX_VARIANTS = 6          # spellings added per query word
MAX_ALIASES = 200         # aliases of one entity looked at (most frequent first)


@dataclass(frozen=True)
class Variants:
    """The other spellings of one query word."""

    unit: int                          # index of the word unit in the query
    typed: str
    terms: tuple[Term, ...]            # analysed variant spellings
    entities: tuple[int, ...]          # the entities they come from


def expand(store: Store, units: Sequence[Unit]) -> list[Variants]:
    """Variants for the word units of a query that name a stored entity."""
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
            entities = entities_named(store, surface)
            if not entities:
                continue
            taken |= set(span)
            spellings = _alias_words(store, entities)
            for i in span:
                variants = _same_name_word(units[i], spellings)
                if variants:
                    found.append(Variants(i, units[i].text, variants, tuple(entities)))
    return sorted(found, key=lambda v: v.unit)


def entities_named(store: Store, surface: str) -> list[int]:
    """The stored entities a name written `surface` (any spelling) refers to: by its name keys,
    else, for one word, the one stored person whose later name word it is."""
    numbers = sorted(set(store.entities_for_keys(name_keys(surface)).values()))
    if not numbers and len(surface.split()) == 1:
        later = store.persons_with_later_word([name_word_key(surface)])
        people = {p.number for ps in later.values() for p in ps}
        if len(people) == 1:             # a surname that names one stored person only
            numbers = sorted(people)
    return numbers


def _alias_words(store: Store, entities: Sequence[int]) -> dict[str, str]:
    """Every word of the entities' aliases: surface term -> the word as written."""
    out: dict[str, str] = {}
    for number in entities:
        row = store.db.execute("SELECT aliases FROM entities WHERE number=?", (number,)).fetchone()
        if row is None:
            continue
        try:
            aliases = json.loads(row[0])
        except ValueError:
            continue
        ranked = sorted(aliases.items(), key=lambda kv: -kv[1])[:MAX_ALIASES]
        for alias, _count in ranked:
            for term in analyse(alias):
                out.setdefault(term.word, alias[term.start:term.end])
    return out


def _same_name_word(unit: Unit, spellings: dict[str, str]) -> tuple[Term, ...]:
    typed = unit.terms[0]
    key = name_word_key(typed.word)
    if len(key) < 2:
        return ()
    out: list[Term] = []
    for word, written in spellings.items():
        if word == typed.word or name_word_key(word) != key:
            continue
        term = analyse(written)
        if term and term[0].word != typed.word:
            out.append(term[0])
        if len(out) >= MAX_VARIANTS:
            break
    return tuple(out)

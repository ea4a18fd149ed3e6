"""Incremental entity linking: a batch of new articles joins the entities already known.

`linking.link_entities` links the mentions of one batch (its rules need the batch's context:
full names in the same article, the surfaces seen, the places named). This module ties the
batch's entities to the store's entities, which keep stable numbers (E<n>) forever:
- every batch entity has the keys the linker gave it (`per:` full names, `per1:` single names,
  `place:` places/organisations); a key already known names the stored entity;
- a person with a full name and no known key joins a stored person whose name matches it
  (`same_person_name`, candidates by their first and second words);
- a one-word person name with no known key joins the one stored person whose later name word it
  is (not a father's name after بن), when exactly one is;
- otherwise the batch entity is a new stored entity.
When one batch entity carries the keys of two stored entities (the batch's full name bridges a
surname-only entity and a full one), the newer stored entity is merged into the older: the merge
is recorded (`EntityMerge`), never renumbered silently.

Lookups go through an `EntityIndex` (the store implements it with indexed queries), so the
cost of a batch follows the batch's names, not the size of the archive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from marsad.arabic.names import is_patronymic, same_person_name
from marsad.arabic.normalize import fold
from marsad.extract.linking import _canonical, link_batch_clusters
from marsad.types import DocumentAnalysis, EntityType, StoredPerson


class EntityIndex(Protocol):
    """What incremental linking needs to know about the stored entities."""

    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """key -> stored entity number, for the keys that are known."""

    def persons_sharing(self, names: Iterable[tuple[str, ...]]
                        ) -> dict[tuple[str, ...], list[StoredPerson]]:
        """For each full name: the stored persons whose name has two or more of its words
        (blocking: a common first name such as محمد alone never makes a candidate)."""

    def persons_with_later_word(self, words: Iterable[str]) -> dict[str, list[StoredPerson]]:
        """For each word: stored persons (a few: two are enough to be ambiguous) in whose full
        name it is a later word."""


@dataclass
class EntityUpdate:
    """What one stored entity gains from a batch."""

    number: int
    new: bool
    type_votes: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    words: tuple[str, ...] = ()
    keys: set[str] = field(default_factory=set)
    first: tuple[int, int] | None = None


@dataclass(frozen=True)
class EntityMerge:
    old: int
    new: int
    reason: str


@dataclass
class LinkedBatch:
    """The batch's mentions and quotes tied to stored entity numbers."""

    mention_entity: dict[tuple[str, int, int], int]      # (doc, start, end) -> entity number
    mention_surface: dict[tuple[str, int, int], str]
    quote_speaker: dict[tuple[str, int, int], int]       # (doc, start, end) of a quote -> entity
    updates: dict[int, EntityUpdate]
    merges: list[EntityMerge]


class MemoryIndex:
    """An EntityIndex over plain dicts (tests, and batches linked without a store)."""

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        self.persons: dict[int, StoredPerson] = {}

    def entities_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        return {k: self.keys[k] for k in keys if k in self.keys}

    def persons_sharing(self, names: Iterable[tuple[str, ...]]
                        ) -> dict[tuple[str, ...], list[StoredPerson]]:
        return {name: [p for p in self.persons.values() if len(set(p.words) & set(name)) >= 2]
                for name in names}

    def persons_with_later_word(self, words: Iterable[str]) -> dict[str, list[StoredPerson]]:
        return {w: [p for p in self.persons.values() if w in p.words[1:]] for w in words}


def link_to_index(analyses: Sequence[DocumentAnalysis], index: EntityIndex,
                  next_number: int) -> LinkedBatch:
    """Link a batch and tie its entities to the stored ones; new entities get numbers from
    `next_number` on, in the order of their first mention in the batch."""
    linker, ids, quotes = link_batch_clusters(analyses)
    clusters = sorted(linker.clusters, key=lambda c: c.first())
    keys_of: dict[int, set[str]] = {}
    for key, cluster in linker.by_key.items():
        keys_of.setdefault(id(cluster), set()).add(key)
    known = index.entities_for_keys({k for ks in keys_of.values() for k in ks})
    full_names = {c.words for c in clusters if len(c.words) >= 2}
    sharing = index.persons_sharing(full_names)
    single_words = {k[5:] for ks in keys_of.values() for k in ks if k.startswith("per1:")}
    later = index.persons_with_later_word(single_words)
    batch_persons: list[StoredPerson] = []           # persons this batch creates

    updates: dict[int, EntityUpdate] = {}
    merges: list[EntityMerge] = []
    number_of: dict[int, int] = {}                    # id(cluster) -> stored number
    for cluster in clusters:
        keys = keys_of.get(id(cluster), set())
        hits = sorted({known[k] for k in keys if k in known})
        number: int | None = hits[0] if hits else None
        for other in hits[1:]:
            merges.append(EntityMerge(other, hits[0], "one name in a new article carries both"))
        if number is None and len(cluster.words) >= 2:
            pool = sharing.get(cluster.words, []) + [
                p for p in batch_persons if len(set(p.words) & set(cluster.words)) >= 2]
            number = _matching_person(cluster.words, pool)
        if number is None and len(cluster.words) < 2:
            single = next((k[5:] for k in keys if k.startswith("per1:")), None)
            if single is not None:
                pool = later.get(single, []) + [p for p in batch_persons
                                                if single in p.words[1:]]
                number = _unique_surname(single, pool)
        new = number is None
        if number is None:
            number = next_number
            next_number += 1
        number_of[id(cluster)] = number
        update = updates.setdefault(number, EntityUpdate(number, new))
        update.keys |= keys
        if len(cluster.words) > len(update.words):
            update.words = cluster.words
        for d, mention, surface in cluster.mentions:
            update.type_votes[mention.type] += 1
            update.surfaces[surface] += 1
            spot = (d, mention.start)
            if update.first is None or spot < update.first:
                update.first = spot
        for key in keys:                  # later clusters of the batch with the key see it
            known.setdefault(key, number)
        if new and len(cluster.words) >= 2:
            batch_persons.append(StoredPerson(number, cluster.words))

    merged = {m.old: m.new for m in merges}
    mention_entity: dict[tuple[str, int, int], int] = {}
    mention_surface: dict[tuple[str, int, int], str] = {}
    for cluster in clusters:
        number = number_of[id(cluster)]
        number = merged.get(number, number)
        for _, mention, surface in cluster.mentions:
            spot = (mention.doc, mention.start, mention.end)
            mention_entity[spot] = number
            mention_surface[spot] = surface
    by_batch_id = {ids[id(c)]: merged.get(number_of[id(c)], number_of[id(c)]) for c in clusters}
    quote_speaker = {(q.doc, q.start, q.end): by_batch_id[q.speaker]
                     for q in quotes if q.speaker in by_batch_id}
    return LinkedBatch(mention_entity, mention_surface, quote_speaker, updates, merges)


def _matching_person(words: tuple[str, ...], pool: Sequence[StoredPerson]) -> int | None:
    """The earliest stored person whose full name is this one."""
    for person in sorted({p.number: p for p in pool}.values(), key=lambda p: p.number):
        if len(person.words) >= 2 and same_person_name(person.words, words):
            return person.number
    return None


def _unique_surname(word: str, pool: Sequence[StoredPerson]) -> int | None:
    """The one stored full name in which `word` is a later name (not after بن), if exactly one."""
    matches = {p.number for p in pool
               if len(p.words) >= 2 and any(w == word and not is_patronymic(p.words, i)
                                            for i, w in enumerate(p.words) if i > 0)}
    return next(iter(matches)) if len(matches) == 1 else None


def canonical_name(surfaces: Mapping[str, int], entity_type: str) -> str:
    """The display name of an entity from the counts of its surface forms."""
    expanded = [s for s, n in sorted(surfaces.items(), key=lambda kv: -kv[1]) for _ in range(n)]
    return _canonical(expanded, entity_type)


def entity_type(type_votes: Mapping[str, int]) -> EntityType:
    return max(type_votes.items(), key=lambda kv: (kv[1], kv[0] == "PER"))[0]  # type: ignore[return-value]


def folded_name(name: str) -> str:
    return " ".join(fold(name).split())

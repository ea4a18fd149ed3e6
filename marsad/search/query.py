"""The query language: words, "phrases in quotes" and prefixes (`ارهاب*`), parsed into units.

A unit is what the engine scores as one requirement: a word, a phrase, or a prefix. Words are
analysed by the same analyser as the index (`analyzer.analyse`), so `والإرهاب` in a query is
the term `ارهاب`. A query that has nothing to search, an unbalanced quote or a prefix too short
to be useful is an `E_QUERY` error naming what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.arabic.normalize import fold
from marsad.errors import QueryError
from marsad.search.analyzer import Term, analyse, is_function_word, prefix_term

MAX_QUERY_CHARS = 1000
MAX_UNITS = 32
MIN_PREFIX = 2

# Typographic quotes are quotes too (Arabic keyboards and word processors produce them).
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "″": '"'})
_PREFIX = re.compile(r"(\S+?)\*+$")


@dataclass(frozen=True)
class Unit:
    """One requirement of a query."""

    kind: str                   # "word", "phrase" or "prefix"
    text: str                   # as typed
    terms: tuple[Term, ...]     # analysed terms (a phrase's words; one for a word)
    prefix: str = ""            # the folded, clitic-free prefix of a "prefix" unit
    optional: bool = False      # a function word: scores, never required


def parse(text: str) -> tuple[Unit, ...]:
    """The units of a query, in the order typed; QueryError for a query that cannot run."""
    if not isinstance(text, str) or not text.strip():
        raise QueryError("empty search query", 'type words, "a phrase" or a prefix such as ارهاب*')
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"search query of {len(text)} characters is too long",
                         f"at most {MAX_QUERY_CHARS}")
    normal = text.translate(_QUOTES)
    if normal.count('"') % 2:
        raise QueryError(f"unbalanced quote in search query {text!r}",
                         'close the phrase: "وزير الدفاع"')
    units: list[Unit] = []
    for i, piece in enumerate(normal.split('"')):
        if i % 2:                                   # inside quotes
            terms = tuple(analyse(piece))
            if terms:
                units.append(Unit("phrase" if len(terms) > 1 else "word", piece.strip(), terms))
            continue
        for raw in piece.split():
            units.extend(_plain(raw, text))
    if not units:
        raise QueryError(f"nothing to search in {text!r}",
                         "the query has no words (only punctuation or quotes)")
    if len(units) > MAX_UNITS:
        raise QueryError(f"search query of {len(units)} words is too long", f"at most {MAX_UNITS}")
    if all(u.optional for u in units):              # only function words: require them all
        units = [Unit(u.kind, u.text, u.terms, u.prefix) for u in units]
    return tuple(units)


def _plain(raw: str, query: str) -> list[Unit]:
    match = _PREFIX.match(raw)
    if match:
        stem_text = match.group(1)
        prefix = prefix_term(stem_text.strip("\"'.,،؛:!?؟()[]"))
        if len(prefix) < MIN_PREFIX or not any(ch.isalnum() for ch in prefix):
            raise QueryError(f"prefix {raw!r} in {query!r} is too short",
                             f"give at least {MIN_PREFIX} letters before the *")
        return [Unit("prefix", raw, (), prefix=prefix)]
    if "*" in raw and raw.strip("*"):
        raise QueryError(f"'*' inside {raw!r} in {query!r}",
                         "a * only ends a prefix: ارهاب* finds ارهاب, ارهابي, ارهابيين")
    return [Unit("word", token_text, (term,), optional=is_function_word(token_text, term))
            for term, token_text in ((t, raw[t.start:t.end]) for t in analyse(raw))]


def folded_query(text: str) -> str:
    """The query folded, for display and logs."""
    return " ".join(fold(text).split())

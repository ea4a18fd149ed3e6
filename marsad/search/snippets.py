"""Snippets: the passage of an article that best matches a query, as plain text plus the spans
to highlight (offsets into the snippet). Never markup: the web layer escapes and marks.

Matching uses the analyser, so a highlighted word is one the index matched: `والإرهاب` is
highlighted for the query `ارهاب`, `شويغو` for `شويجو` when the query was expanded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marsad.search.analyzer import Term, analyse

WINDOW_TERMS = 30          # words in a snippet
ELLIPSIS = "…"


@dataclass(frozen=True)
class Matcher:
    """What counts as a match of the query in a text."""

    words: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...]

    def key(self, term: Term) -> str | None:
        """The query term `term` matches (for counting distinct matches), or None."""
        if term.word in self.words:
            return term.word
        if term.stem in self.stems:
            return "~" + term.stem
        for prefix in self.prefixes:
            if term.word.startswith(prefix):
                return "*" + prefix
        return None


def matcher(words: Iterable[str], stems: Iterable[str], prefixes: Iterable[str]) -> Matcher:
    return Matcher(frozenset(words), frozenset(stems), tuple(prefixes))


def highlights(text: str, match: Matcher) -> tuple[tuple[int, int], ...]:
    """Spans of `text` that match (a title's highlights)."""
    return tuple((t.start, t.end) for t in analyse(text) if match.key(t) is not None)


def snippet(text: str, match: Matcher, width: int = WINDOW_TERMS
            ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(snippet, highlight spans in it): the window of `width` words with the most distinct
    query terms (then the most matches, then the earliest)."""
    terms = analyse(text)
    if not terms:
        return text[:200], ()
    keys = [match.key(t) for t in terms]
    best = (0, 0, 0)                     # (distinct, matches, -start)
    best_start = 0
    hits = [i for i, k in enumerate(keys) if k is not None]
    for first in hits:                   # a best window starts at a match
        window = [keys[i] for i in hits if first <= i < first + width]
        score = (len(set(window)), len(window), -first)
        if score > best:
            best, best_start = score, first
    start_term = max(0, best_start - 3) if hits else 0   # a little context before
    end_term = min(len(terms), start_term + width)
    start, end = terms[start_term].start, terms[end_term - 1].end
    lead = ELLIPSIS + " " if start_term > 0 else ""
    tail = " " + ELLIPSIS if end_term < len(terms) else ""
    body = " ".join(text[start:end].split())
    spans: list[tuple[int, int]] = []
    if hits:
        # Offsets are re-found in the whitespace-collapsed passage, in order.
        cursor = 0
        for i in range(start_term, end_term):
            if keys[i] is None:
                continue
            piece = text[terms[i].start:terms[i].end]
            at = body.find(piece, cursor)
            if at < 0:
                continue
            spans.append((len(lead) + at, len(lead) + at + len(piece)))
            cursor = at + len(piece)
    return lead + body + tail, tuple(spans)

"""Snippets: the passage of an article that best matches a query, as plain text plus the spans
to highlight (offsets into the snippet). Never markup: the web layer escapes and marks.

Matching uses the analyser, so a highlighted word is one the index matched: `والإرهاب` is
highlighted for the query `ارهاب`, `شويغو` for `شويجو` when the query was expanded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from marsad.arabic.normalize import fold
from marsad.search.analyzer import Term, analyse, needles_of

WINDOW_TERMS = 30          # words in a snippet
REGION_CHARS = 600         # characters analysed around the best cluster of query terms
CLUSTER_CHARS = 250
CONTEXT_CHARS = 150
ELLIPSIS = "…"


@dataclass(frozen=True)
class Matcher:
    """What counts as a match of the query in a text."""

    words: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...]

    @cached_property
    def needles(self) -> frozenset[str] | None:
        """What a matching word's folded form must contain (None: no cheap test applies,
        because a one-letter term would be in almost every word)."""
        needles = self.words | self.stems | frozenset(self.prefixes)
        if not needles or min(map(len, needles)) < 2:
            return None
        return needles_of(needles)

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
    return tuple((t.start, t.end) for t in analyse(text, match.needles)
                 if match.key(t) is not None)


def _region(text: str, match: Matcher) -> tuple[int, int]:
    """The part of `text` worth analysing for the snippet: around the densest cluster of query
    terms found as substrings of the folded text (a cheap pre-scan: analysing a whole long
    article for each hit shown would cost milliseconds per hit)."""
    haystack = fold(text)      # no offset map (costly on a long text): positions are scaled
    scale = len(text) / max(1, len(haystack))
    found: list[tuple[int, str]] = []
    for needle in set(match.words) | set(match.stems) | set(match.prefixes):
        if len(needle) < 2:
            continue
        at = haystack.find(needle)
        while at >= 0 and len(found) < 2000:
            found.append((at, needle))
            at = haystack.find(needle, at + len(needle))
    if not found:
        return 0, min(len(text), REGION_CHARS)
    found.sort()
    best, best_at, j = (0, 0), found[0][0], 0
    for i, (at, _) in enumerate(found):          # a window of CLUSTER_CHARS starting at a find
        while found[j][0] < at:
            j += 1
        window = [n for a, n in found[j:] if a < at + CLUSTER_CHARS]
        score = (len(set(window)), len(window))
        if score > best:
            best, best_at = score, at
    start = max(0, int((best_at - CONTEXT_CHARS) * scale))
    end = min(len(text), int((best_at + REGION_CHARS - CONTEXT_CHARS) * scale))
    # Whole words only: widen to the surrounding spaces.
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(text: str, match: Matcher, width: int = WINDOW_TERMS
            ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(snippet, highlight spans in it): the window of `width` words with the most distinct
    query terms (then the most matches, then the earliest), found in the region of the text
    where the query terms cluster."""
    region_start, region_end = _region(text, match)
    terms = [Term(t.start + region_start, t.end + region_start, t.word, t.stem)
             for t in analyse(text[region_start:region_end], match.needles)]
    if not terms:
        return " ".join(text[:200].split()), ()
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
    lead = ELLIPSIS + " " if start_term > 0 or region_start > 0 else ""
    tail = " " + ELLIPSIS if end_term < len(terms) or region_end < len(text) else ""
    body = " ".join(text[start:end].split())
    spans: list[tuple[int, int]] = []
    if hits:
        # Offsets are re-found in the whitespace-collapsed passage, in order.
        cursor = 0
        for i in range(start_term, end_term):
            if keys[i] is None:
                continue
            piece = " ".join(text[terms[i].start:terms[i].end].split())
            at = body.find(piece, cursor)
            if at < 0:
                continue
            spans.append((len(lead) + at, len(lead) + at + len(piece)))
            cursor = at + len(piece)
    return lead + body + tail, tuple(spans)

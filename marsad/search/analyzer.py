"""The search analyser: one function turns text into index terms, at index and at query time.

Every word of a text gives two terms at the same position:
- its *surface* term: folded (`normalize.fold`: hamza forms, alef maksura, teh marbuta, harakat,
  tatweel, Arabic-Indic digits) with conjunctions, prepositions, the article and pronoun
  suffixes removed (`tokens.base_form`): `والإرهاب` -> `ارهاب`, `لبوتين` -> `بوتين`;
- its *stem* (`stem.stem`): plural, dual, feminine and nisba endings removed as well
  (`الإرهابيين` -> `ارهاب`, `سورية` / `سوريا` -> `سور`).
A query scores an exact surface match above a stem-only match, so `إرهابي` ranks articles with
that word above those with only `إرهاب`, and still finds them.

`عبد` / `أبو` and the next word are one name word (`names.name_words`): `عبد الله` and
`عبدالله` give the same term on both sides. Nothing is dropped: a word that is not Arabic
(digits, Latin) keeps its folded form, and the analyser never removes Arabic letters (tested on
`والإرهاب`, `بوتين`, harakat, hamza forms, tatweel, Arabic-Indic digits).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from marsad.arabic.normalize import fold
from marsad.arabic.stem import stem
from marsad.arabic.tokens import base_form, word_tokens
from marsad.group.features import STOPWORDS

# Bumped whenever the terms an article gets change: an index built with another version is
# rebuilt (the terms of a query must be those of the index).
ANALYSER_VERSION = 1

# Words that join the next one into one name word, as `names.name_words` joins them.
_JOINING = frozenset(fold(w) for w in ("عبد", "أبو", "ابو", "أبي", "أبا"))
# A join only across plain spacing (`عبد الله`), never across punctuation (`عبد، الله`).
_SPACING = frozenset(" \u00a0\u200c\u200f\u200e")


@dataclass(frozen=True)
class Term:
    """One analysed word: its span in the original text, surface term and stem."""

    start: int
    end: int
    word: str
    stem: str


@lru_cache(maxsize=262_144)
def _terms_of(token: str) -> tuple[str, str]:
    word = base_form(token, strip_article=True) or fold(token)
    return word, stem(token) or word


def analyse(text: str, needles: frozenset[str] | None = None) -> list[Term]:
    """The terms of `text`, in reading order, with their offsets into `text`.

    With `needles` (folded strings of two letters or more: a query's words, stems and
    prefixes, see `needles_of`), only the words that contain one of them are analysed; every
    other word gets its folded form as both terms, which can never equal a needle nor start
    with one (a term is a part of its folded word, so a word without the needle has no term
    with it). Snippets use this: the same matches as a full analysis, at the cost of a
    substring test per word."""
    tokens = word_tokens(text)
    out: list[Term] = []
    folded_words, wanted = (_prefilter(tokens, needles) if needles is not None
                            else (None, None))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if wanted is not None and i not in wanted:
            folded = folded_words[i]
            if folded:                     # (a bare tatweel gives no term, as below)
                out.append(Term(token.start, token.end, folded, folded))
            i += 1
            continue
        word, stemmed = _terms_of(token.text)
        if word in _JOINING and i + 1 < len(tokens):
            following = tokens[i + 1]
            gap = text[token.end:following.start]
            if gap and all(ch in _SPACING for ch in gap):
                joined = word + fold(following.text)
                out.append(Term(token.start, following.end, joined, stem(joined) or joined))
                i += 2
                continue
        if word:
            out.append(Term(token.start, token.end, word, stemmed))
        i += 1
    return out


def _prefilter(tokens: list, needles: frozenset[str]) -> tuple[list[str], set[int]]:
    """The folded form of every token (one `fold` over them all) and the indexes of the tokens
    that contain a needle or a joining word (found with `str.find` over the joined text)."""
    joined = fold("\n".join(t.text for t in tokens))
    folded = joined.split("\n")
    if len(folded) != len(tokens):          # a token with a newline in it: fold one by one
        folded = [fold(t.text) for t in tokens]
        joined = "\n".join(folded)
    starts, at = [], 0
    for word in folded:
        starts.append(at)
        at += len(word) + 1
    wanted: set[int] = set()
    for needle in (*needles, *_JOINING):
        at = joined.find(needle)
        while at >= 0:
            wanted.add(bisect_right(starts, at) - 1)
            at = joined.find(needle, at + 1)
    return folded, wanted


def needles_of(terms: frozenset[str]) -> frozenset[str]:
    """What the folded form of a word with one of `terms` contains: the term itself, or, for
    a stem that ends in ه, the same with ت (the stem gives جهه for جهته: a feminine ending
    restored before a suffix)."""
    return terms | {t[:-1] + "ت" for t in terms if t.endswith("ه") and len(t) > 2}


def index_fields(text: str) -> tuple[str, str]:
    """(surface terms, stems) of `text`, each a space-separated string in reading order (the
    index splits them on spaces only, so positions are the analyser's)."""
    terms = analyse(text)
    return " ".join(t.word for t in terms), " ".join(t.stem for t in terms)


def is_function_word(raw: str, term: Term) -> bool:
    """A query word that should not be required (في, من, وقال ...): it still scores."""
    return fold(raw) in STOPWORDS or term.word in STOPWORDS or len(term.word) < 2


def prefix_term(raw: str) -> str:
    """The surface form of a typed prefix (`والإرها` -> `ارها`): clitics off, folded."""
    folded = fold(raw)
    base = base_form(raw, strip_article=True) if len(folded) >= 4 else folded
    return base or folded

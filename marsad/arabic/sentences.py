"""Sentence spans over the original text of an Arabic news article.

Rules, in the order they apply (each is pinned by a test):
- a line break always ends a sentence, and quotation state never survives one: real articles
  leave quotes open or close them with the wrong glyph, and a stray mark must not glue the rest
  of the article into one sentence;
- `.`, `!`, `?`, `؟` and `…` end a sentence; `؛`, `:` and `،` do not;
- a `.` does not end a sentence between digits (3.5), after an abbreviation (`د.`, `م.`, `أ.`,
  `ص.ب.`, single Latin letters as in `U.S.`, `Dr.`), or when glued to a following Latin letter
  or digit (domains, `U.S`); it does end one when glued to a following Arabic word, a common
  typing slip (`التصعيد.وعقد`);
- `..`, `...` and `…` end a sentence when a new word follows (headlines join two items with
  `..`), except after a short speech introduction (`وقال شويغو.. في عام 2015 ...`), where they
  stand for a colon;
- inside a quotation (« » “ ” „ " ‘ ’ ‹ ›, any mix) or brackets, nothing ends a sentence unless
  the quotation is longer than `MAX_QUOTE_CHARS` (a missing closing mark, or a long statement);
- closing quotes and brackets after the end mark belong to the sentence they close;
- a piece with no letter or digit (a stray `»`, `***`) is never a sentence of its own: it is
  joined to the sentence before it (or after it, at the start); a text with no letter or digit
  at all has no sentences.
"""

from __future__ import annotations

import re

from marsad.types import Span

MAX_QUOTE_CHARS = 400          # a quotation longer than this may be split inside
_LINE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
_ENDERS = ".!?؟…"
_QUOTE_OPENERS = "«“„‹‘"
_QUOTE_CLOSERS = "»”›’"
_QUOTES = _QUOTE_OPENERS + _QUOTE_CLOSERS + '"\''
_BRACKET_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKET_CLOSERS = frozenset(_BRACKET_PAIRS.values())
_MARK_OR_BRACKET = re.compile("[" + re.escape(_QUOTES + "".join(_BRACKET_PAIRS) + ")]}") + "]")
_END_RUN = re.compile("[" + re.escape(_ENDERS) + "]+")
_PROCLITIC_LETTERS = "وفبلك"
_CONTINUATION = ",،;؛:)]}"     # after a '.', these show the sentence goes on (إلخ.، ...)
_LATIN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc ltd co corp no gen col lt sgt rev fig al".split())
# Arabic abbreviations are single letters (د. م. أ.) or dotted chains of them (ص.ب. أ.ف.ب.),
# both handled generally; إلخ. usually ends a sentence, so it is not listed.
_ERA_LETTERS = frozenset("مه")        # 2015 م.  1440 هـ.  (a real sentence end)
# Verbs that introduce speech; `وقال فلان..` uses the dots as a colon.
_SPEECH_VERBS = frozenset(
    "قال قالت اضاف اضافت تابع تابعت اكد اكدت اوضح اوضحت اشار اشارت صرح صرحت ذكر ذكرت "
    "اعلن اعلنت كتب كتبت لفت لفتت شدد شددت".split())
_SPEECH_INTRO_WORDS = 4
_ALEF_FOLD = str.maketrans("أإآ", "ااا")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text` (original offsets), trimmed, ordered, covering all its words."""
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        for start, end in _split_line(text, line.start(), line.end()):
            start, end = _trim(text, start, end)
            if start >= end:
                continue
            if not _has_word(text, start, end):
                if spans:   # a stray mark joins the sentence before it
                    spans[-1] = Span(spans[-1].start, end)
                    continue
            elif spans and not _has_word(text, spans[-1].start, spans[-1].end):
                start = spans.pop().start   # a leading stray mark joins the first sentence
            spans.append(Span(start, end))
    if len(spans) == 1 and not _has_word(text, spans[0].start, spans[0].end):
        return []   # a text without a letter or digit has no sentence
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_word(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence pieces of one line (untrimmed), as (start, end) pairs covering it."""
    if not any(ch in _ENDERS for ch in text[start:end]):
        return [(start, end)]
    closers, regions = _quote_regions(text, start, end)
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for run in _END_RUN.finditer(text, start, end):
        boundary = run.end()
        # Closing quotes/brackets (and more end marks) after the end mark belong to it.
        while boundary < end and (boundary in closers or text[boundary] in _ENDERS):
            boundary += 1
        if boundary <= piece_start:
            continue   # this run was already taken in by the previous sentence
        if not _ends_sentence(text, piece_start, run.start(), run.end(), boundary, end):
            continue
        if any(open_ < boundary <= close and close - open_ + 1 <= MAX_QUOTE_CHARS
               for open_, close in regions):
            continue   # inside a quotation of ordinary length
        pieces.append((piece_start, boundary))
        piece_start = boundary
    if piece_start < end:
        pieces.append((piece_start, end))
    return pieces


def _ends_sentence(text: str, piece_start: int, run_start: int, run_end: int, boundary: int,
                   line_end: int) -> bool:
    """Whether the end-mark run text[run_start:run_end] (closers up to `boundary`) ends one."""
    if boundary >= line_end:
        return True
    following = text[boundary]
    if not any(ch.isalpha() for ch in text[piece_start:run_start]):
        return False   # "1." of a list, "..." at the start: nothing to end yet
    marks = text[run_start:run_end]
    if marks == ".":
        return _period_ends(text, piece_start, run_start, boundary, following)
    if following in _CONTINUATION:
        return False
    if set(marks) <= {".", "…"}:   # .. ... …
        if following.isdigit() or ("a" <= following.lower() <= "z"):
            return False            # 1...5, www..
        return not _speech_intro(text, piece_start, run_start)
    # ! ? ؟ (possibly mixed with dots): an end unless glued to Latin (URLs: page?id=3).
    return not (following.isascii() and (following.isalnum() or following in "=&/_"))


def _period_ends(text: str, piece_start: int, dot: int, boundary: int, following: str) -> bool:
    """Whether a single `.` at index `dot` ends a sentence."""
    word_start = _word_start(text, piece_start, dot)
    word = text[word_start:dot]
    letters = [ch for ch in word if ch.isalpha() and ch != "\u0640"]
    if boundary == dot + 1 and not following.isspace():
        # Glued to what follows: 3.5, U.S, example.com, إلخ.، are not ends; an Arabic word
        # glued to the previous one is a missing space (التصعيد.وعقد), unless ص.ب-like.
        if following in _CONTINUATION or following.isdigit() or following.isascii():
            return False
        if "\u0600" <= following <= "\u06ff" and following.isalpha():
            return len(letters) >= 2
    if not word or word.isdigit():
        return True                  # after a closing quote, a bracket, a number
    if len(letters) == 1:
        if letters[0] in _ERA_LETTERS and _number_before(text, piece_start, word_start):
            return True              # في عام 2015 م.
        return False                 # د. م. أ. U. J.
    if word.lower() in _LATIN_ABBREVIATIONS:
        return False
    # The last letter of a dotted abbreviation (ص.ب. أ.ف.ب. U.S.): a lone letter and a dot
    # before the word.
    return not _dotted_chain(text, piece_start, word_start)


def _word_start(text: str, piece_start: int, end: int) -> int:
    """Start of the word (letters, digits, marks, tatweel) that ends at `end`."""
    i = end
    while i > piece_start and (text[i - 1].isalnum() or text[i - 1] == "\u0640"
                               or "\u064b" <= text[i - 1] <= "\u065f"):
        i -= 1
    return i


def _dotted_chain(text: str, piece_start: int, word_start: int) -> bool:
    """True when a `X.` with X a lone letter comes right before `word_start` (ص.ب)."""
    if word_start - 2 < piece_start or text[word_start - 1] != ".":
        return False
    previous = _word_start(text, piece_start, word_start - 1)
    return word_start - 1 - previous == 1 and text[previous].isalpha()


def _number_before(text: str, piece_start: int, index: int) -> bool:
    i = index
    while i > piece_start and text[i - 1].isspace():
        i -= 1
    return i > piece_start and text[i - 1].isdigit()


def _speech_intro(text: str, piece_start: int, run_start: int) -> bool:
    """True for a short `وقال فلان` before `..`: the dots then introduce the quotation."""
    words = text[piece_start:run_start].split()
    if not words or len(words) > _SPEECH_INTRO_WORDS:
        return False
    first = words[0].translate(_ALEF_FOLD)
    if first[:1] in "وف" and first[1:] in _SPEECH_VERBS:
        return True
    return first in _SPEECH_VERBS



def _quote_regions(text: str, start: int, end: int) -> tuple[set[int], list[tuple[int, int]]]:
    """Closing-mark positions, and (open, close) index pairs of quotations and brackets.

    A mark's role comes from its neighbours first (a mark glued to the next word opens, one
    glued to the previous word closes), then from its glyph and the open quotations: this reads
    `و»داعش»` and `«دولة « زائفة` as intended. An unclosed quotation runs to the line end.
    """
    closers: set[int] = set()
    regions: list[tuple[int, int]] = []
    quotes: list[int] = []
    brackets: list[tuple[int, str]] = []
    for match in _MARK_OR_BRACKET.finditer(text, start, end):
        i = match.start()
        ch = text[i]
        if ch in _BRACKET_PAIRS:
            brackets.append((i, _BRACKET_PAIRS[ch]))
            continue
        if ch in _BRACKET_CLOSERS:
            if brackets and brackets[-1][1] == ch:
                regions.append((brackets.pop()[0], i))
                closers.add(i)
            continue
        role = _quote_role(text, i, start, end, bool(quotes))
        if role == "open":
            quotes.append(i)
        elif role == "close" and quotes:
            regions.append((quotes.pop(), i))
            closers.add(i)
    for i in quotes:
        regions.append((i, end - 1))
    for i, _ in brackets:
        regions.append((i, end - 1))
    return closers, regions


def _quote_role(text: str, i: int, start: int, end: int, inside: bool) -> str | None:
    """'open', 'close' or None (an apostrophe) for the quotation mark at index i."""
    ch = text[i]
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < end else " "
    if ch in "'’" and prev.isalpha() and nxt.isalpha():
        return None                                   # don't, O'Brien
    # A lone proclitic letter before the mark (و»داعش») does not make it a closing mark.
    prev_is_clitic = (prev in _PROCLITIC_LETTERS
                      and (i - 2 < start or not text[i - 2].isalnum()))
    left_open = prev.isspace() or prev in "([{" + _QUOTE_OPENERS or prev_is_clitic
    right_open = nxt.isspace() or nxt in _ENDERS or nxt in _CONTINUATION or nxt in "»”›’"
    opens = left_open and not nxt.isspace()
    closes = not prev.isspace() and not prev_is_clitic and right_open
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if ch in "'":
        return None                                   # ambiguous ASCII apostrophe: ignore
    if inside:
        return "close"
    return "open"

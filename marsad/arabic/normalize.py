"""Normalisation for matching, with an exact map back to the original characters.

The displayed text is never changed: stages normalise internally with `normalize()` and map
any span found in the normalised string back with `NormalizedText.to_original()`.

What is folded (all choices made for *matching*, not display):
- alef forms أ إ آ ٱ -> ا; alef maksura ى -> ي; teh marbuta ة -> ه
- hamza on a carrier ؤ ئ -> ء (so Gulf مسؤول and Egyptian مسئول meet)
- Persian/Urdu letters that Arabic outlets use in names: ک -> ك, ی -> ي, گ -> ك, ۀ ھ -> ه
- diacritics (harakat, shadda, sukun, dagger alef, Quranic marks) and tatweel: removed
- zero-width and bidi control characters (ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, embeddings,
  isolates, BOM): removed
- presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFF): NFKC, then folded as above (ﻻ -> لا)
- Arabic-Indic and Persian digits -> ASCII digits; Arabic decimal/thousands separators -> . ,
- Latin letters lower-cased
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

# Characters removed outright.
_DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670" + "".join(
    chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6))
_TATWEEL = "\u0640"
_CONTROLS = ("\u200b\u200c\u200d\u200e\u200f\u061c\ufeff\u00ad"
             "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060")
REMOVED_CHARS = _DIACRITICS + _TATWEEL + _CONTROLS

# One-to-one replacements (length preserving), applied with str.translate.
_ONE_TO_ONE: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
    "ة": "ه", "ۀ": "ه", "ھ": "ه", "ە": "ه",
    "ؤ": "ء", "ئ": "ء",
    "ک": "ك", "گ": "ك", "ڪ": "ك",
    "٫": ".", "٬": ",", "٪": "%",
}
for _i in range(10):
    _ONE_TO_ONE[chr(0x0660 + _i)] = str(_i)   # Arabic-Indic digits
    _ONE_TO_ONE[chr(0x06F0 + _i)] = str(_i)   # Extended (Persian/Urdu) digits
for _c in range(ord("A"), ord("Z") + 1):
    _ONE_TO_ONE[chr(_c)] = chr(_c + 32)
_TRANSLATE = str.maketrans(_ONE_TO_ONE)


def _fold_plain(text: str) -> str:
    """Fold a string that contains no presentation forms (used to build the tables)."""
    return "".join(ch for ch in text.translate(_TRANSLATE) if ch not in REMOVED_CHARS)


@lru_cache(maxsize=1)
def _expansions() -> dict[str, str]:
    """Presentation forms -> folded NFKC expansion (may be several characters, or none)."""
    table: dict[str, str] = {}
    for code in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        ch = chr(code)
        if ch in REMOVED_CHARS:
            continue
        nfkc = unicodedata.normalize("NFKC", ch)
        if nfkc != ch:
            table[ch] = _fold_plain(nfkc).replace(" ", "")
    return table


def _special_pattern() -> re.Pattern[str]:
    chars = REMOVED_CHARS + "".join(_expansions())
    return re.compile("[" + re.escape(chars) + "]")


_SPECIAL = _special_pattern()


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string plus, for each of its characters, the index of its source character.

    `offsets` has len(text) + 1 entries; the last is len(original), so a half-open span
    [i, j) of `text` maps to [offsets[i], offsets[j - 1] + 1) of the original.
    `offsets` is None when the mapping is the identity (the common case: no deletion).
    """

    original: str
    text: str
    offsets: array | None

    def original_index(self, i: int) -> int:
        """Index in the original of normalised character i (i may equal len(text))."""
        if self.offsets is None:
            return i
        return self.offsets[i]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if self.offsets is None:
            return start, end
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(text: str) -> NormalizedText:
    """Normalise `text` for matching and keep an exact offset map back to it."""
    folded = text.translate(_TRANSLATE)
    if not _SPECIAL.search(folded):
        return NormalizedText(text, folded, None)
    expansions = _expansions()
    pieces: list[str] = []
    offsets = array("l")
    pos = 0
    for match in _SPECIAL.finditer(folded):
        i = match.start()
        if i > pos:
            pieces.append(folded[pos:i])
            offsets.extend(range(pos, i))
        replacement = expansions.get(match.group())
        if replacement:
            pieces.append(replacement)
            offsets.extend([i] * len(replacement))
        pos = i + 1
    if pos < len(folded):
        pieces.append(folded[pos:])
        offsets.extend(range(pos, len(folded)))
    offsets.append(len(text))
    return NormalizedText(text, "".join(pieces), offsets)


def fold(text: str) -> str:
    """Normalised form of `text` without the offset map (for keys, dictionaries, queries)."""
    folded = text.translate(_TRANSLATE)
    if not _SPECIAL.search(folded):
        return folded
    expansions = _expansions()
    return _SPECIAL.sub(lambda m: expansions.get(m.group(), ""), folded)


@lru_cache(maxsize=1 << 17)
def fold_word(word: str) -> str:
    """`fold` of one token, memoised: news repeats its words, and the extractors fold every
    token of every article (the cache is bounded; a word not kept is folded again)."""
    return fold(word)


def strip_controls(text: str) -> str:
    """Remove only zero-width and bidi control characters (for display-safe metadata fields)."""
    return text.translate({ord(c): None for c in _CONTROLS})


def is_arabic_letter(ch: str) -> bool:
    """True for letters of the Arabic script blocks (not digits, punctuation or marks)."""
    code = ord(ch)
    if not (0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
            or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF):
        return False
    return unicodedata.category(ch).startswith("L")

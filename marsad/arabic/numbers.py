"""Numbers written in Arabic words and digits: "خمسة وعشرون" = 25, "4 آلاف" = 4000.

Pure functions over a list of words (as `word_tokens` returns them). Matching is done on folded
words (`fold`: أ/إ/آ -> ا, ى -> ي, ة -> ه, diacritics removed), so every case ending and the
Egyptian spellings (ثمانى، مائة، الفين) meet their standard forms without listing them twice.

Grammar accepted, left to right (the usual order of written Arabic numerals):
    number := group [scale] ("و" group [scale])* ["و" fraction]
    group  := digits | ones | ones "عشر" | tens | hundreds | "بضعة" | fraction-before-scale
where a plural scale (آلاف، ملايين، مليارات) needs a multiplier before it: "آلاف" alone is vague
("thousands of") and is not a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.arabic.normalize import fold

# -- lexicon (written in ordinary spelling, folded when the tables are built) ----------------
_ONES_WORDS: dict[int, tuple[str, ...]] = {
    1: ("واحد", "واحدة", "واحدا"),
    2: ("اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي"),
    3: ("ثلاث", "ثلاثة"),
    4: ("أربع", "أربعة"),
    5: ("خمس", "خمسة"),
    6: ("ست", "ستة"),
    7: ("سبع", "سبعة"),
    8: ("ثمان", "ثماني", "ثمانى", "ثمانية"),
    9: ("تسع", "تسعة"),
    10: ("عشر", "عشرة"),
}
# Forms of 1 that only count before عشر ("أحد عشر" = 11): alone they mean "someone/one of".
_ELEVEN_HEADS = ("أحد", "إحدى", "حادي")
_TEEN_WORDS = ("عشر", "عشرة")
_TENS_WORDS: dict[int, str] = {
    20: "عشر", 30: "ثلاث", 40: "أربع", 50: "خمس", 60: "ست", 70: "سبع", 80: "ثمان", 90: "تسع",
}
_HUNDRED_WORDS = ("مائة", "مئة", "ماية", "مائه")
_TWO_HUNDRED_WORDS = ("مائتان", "مائتين", "مئتان", "مئتين", "مائتا", "مائتي", "مئتا", "مئتي")
_HUNDRED_PREFIXES: dict[int, tuple[str, ...]] = {
    3: ("ثلاث",), 4: ("أربع",), 5: ("خمس",), 6: ("ست",), 7: ("سبع",),
    8: ("ثمان", "ثماني", "ثمانى"), 9: ("تسع",),
}
# scale -> (singular forms, dual forms, plural forms)
_SCALES: dict[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    1_000: (("ألف", "ألفا"), ("ألفان", "ألفين", "ألفا", "ألفي"), ("آلاف", "ألوف")),
    1_000_000: (("مليون", "مليونا"), ("مليونان", "مليونين", "مليونا", "مليوني"), ("ملايين",)),
    1_000_000_000: (("مليار", "مليارا", "بليون", "بليونا"),
                    ("ملياران", "مليارين", "بليونان", "بليونين"), ("مليارات", "بلايين")),
    1_000_000_000_000: (("تريليون", "ترليون", "تريليونا"), ("تريليونان", "تريليونين"),
                        ("تريليونات",)),
}
_FRACTIONS = {"نصف": 0.5, "ربع": 0.25, "ثلث": 1 / 3}
_FEW_WORDS = ("بضع", "بضعة")           # "a few": 3..9, read as 3 and flagged approximate
_PROCLITICS = ("وب", "ول", "وك", "و", "ف", "ب", "ل", "ك")

_NUMERAL = re.compile(r"\d+(?:[.,٫٬]\d+)*")
# Wire copy writes a decimal right to left with ر: "5ر1" is 1.5 (Egyptian and Gulf agencies).
_REVERSED_DECIMAL = re.compile(r"(\d+)ر(\d+)")


def _table() -> dict[str, tuple[str, float]]:
    """Folded word -> (kind, value); kinds: one, teen, ten, hundred, scale, plural, dual, ..."""
    table: dict[str, tuple[str, float]] = {}
    for value, forms in _ONES_WORDS.items():
        for form in forms:
            table[fold(form)] = ("one", value)
    for value, stem in _TENS_WORDS.items():
        for ending in ("ون", "ين"):
            table[fold(stem + ending)] = ("ten", value)
    for form in _HUNDRED_WORDS:
        table[fold(form)] = ("hundred", 100)
    for form in _TWO_HUNDRED_WORDS:
        table[fold(form)] = ("hundred", 200)
    for value, prefixes in _HUNDRED_PREFIXES.items():
        for prefix in prefixes:
            for hundred in _HUNDRED_WORDS:
                table[fold(prefix + hundred)] = ("hundred", value * 100)
    for scale, (singular, dual, plural) in _SCALES.items():
        for form in singular:
            table.setdefault(fold(form), ("scale", scale))
        for form in dual:
            table.setdefault(fold(form), ("dual", scale))
        for form in plural:
            table[fold(form)] = ("plural", scale)
    for form in _FEW_WORDS:
        table[fold(form)] = ("few", 3)
    for form, value in _FRACTIONS.items():
        table[fold(form)] = ("fraction", value)
    return table


_WORDS = _table()
_ELEVEN = {fold(w) for w in _ELEVEN_HEADS}
_TEENS = {fold(w) for w in _TEEN_WORDS}


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from the start of a word list."""

    value: float
    consumed: int          # how many words it used
    approximate: bool      # "بضعة آلاف": the value is a lower bound, not an exact figure


def parse_numeral(token: str) -> float | None:
    """Value of a digit string: ASCII or Arabic-Indic digits with , . ٫ ٬ separators, or a
    reversed decimal with ر ("5ر1" = 1.5)."""
    reversed_decimal = _REVERSED_DECIMAL.fullmatch(token)
    if reversed_decimal:
        return float(reversed_decimal.group(2) + "." + reversed_decimal.group(1))
    if not _NUMERAL.fullmatch(token):
        return None
    if "٫" in token or "٬" in token:            # Arabic separators are unambiguous
        token = token.replace("٬", "").replace("٫", ".")
    elif "," in token and "." in token:        # both: the last one is the decimal mark
        if token.rfind(",") > token.rfind("."):
            token = token.replace(".", "").replace(",", ".")
        else:
            token = token.replace(",", "")
    elif "," in token:
        groups = token.split(",")
        # "150,000" groups thousands; "82,3" (a comma decimal, common in Gulf papers) does not
        token = token.replace(",", "") if all(len(g) == 3 for g in groups[1:]) else \
            token.replace(",", ".", 1).replace(",", "")
    elif token.count(".") > 1:                 # "1.500.000": thousands grouped by dots
        token = token.replace(".", "")
    try:
        return float(token)                    # float() reads Arabic-Indic digits itself
    except ValueError:
        return None


def _lookup(word: str, first: bool) -> tuple[str, float] | None:
    """Kind and value of one folded word; the first word may carry a proclitic (بخمسة)."""
    if word in _WORDS:
        return _WORDS[word]
    if first:
        for clitic in _PROCLITICS:
            rest = word[len(clitic):]
            # a two-letter remainder would make لست ("I am not") six
            if word.startswith(clitic) and len(rest) >= 3 and rest in _WORDS:
                return _WORDS[rest]
    return None


def parse_number(words: list[str]) -> ParsedNumber | None:
    """Read the number at the start of `words` (digits or number words), or None."""
    total = 0.0          # completed groups times their scales
    group = 0.0          # the group being read (below the next scale)
    last = ""            # kind of the previous word
    last_scale = 1.0
    approximate = False
    consumed = 0
    for index, raw in enumerate(words):
        word = fold(raw).replace("\u0640", "")
        numeral = parse_numeral(raw) if index == 0 else None
        if index == 0:
            if numeral is not None:
                group, last = numeral, "digits"
            elif word in _ELEVEN and len(words) > 1 and fold(words[1]) in _TEENS:
                group, last = 1, "one"
            else:
                found = _lookup(word, first=True)
                if found is None:
                    return None
                kind, value = found
                if kind == "plural":
                    return None                      # "آلاف" alone: vague
                if kind == "fraction" and not _next_is_scale(words):
                    return None                      # "نصف" alone is not a count
                if kind in ("scale", "dual"):
                    total, last, last_scale = value * (2 if kind == "dual" else 1), "scale", value
                else:
                    group, last = value, kind
                    approximate = kind == "few"
            consumed = 1
            continue
        conjoined = word.startswith("و") and word not in _WORDS and word[1:] in _WORDS
        found = _WORDS.get(word[1:] if conjoined else word)
        if found is None:
            break
        kind, value = found
        if conjoined:
            if kind in ("one", "ten", "hundred") and last != "digits":
                if last == "scale":
                    group = 0
                group += value
                last = kind
            elif kind == "fraction" and last == "scale":
                total += value * last_scale
                last = "fraction_after"
            elif kind in ("scale", "dual") and last == "scale" and value < last_scale:
                total += value * (2 if kind == "dual" else 1)
                last, last_scale = "scale", value
            else:
                break
        elif kind == "one" and word in _TEENS and last == "one" and group < 10:
            group += 10                                 # خمسة عشر
            last = "teen"
        elif kind == "hundred" and value == 100 and last == "one" and 3 <= group <= 9:
            group *= 100                                # ثلاث مائة
            last = "hundred"
        elif kind in ("scale", "plural") and group > 0 and last in (
                "digits", "one", "teen", "ten", "hundred", "few", "fraction"):
            if kind == "plural" and last == "one" and not 3 <= group <= 10:
                break
            total += group * value
            group, last, last_scale = 0, "scale", value
        else:
            break
        consumed = index + 1
    if last in ("fraction",):
        return None
    # round away binary noise (8.3 * 10**9 = 8300000000.000001)
    return ParsedNumber(round(total + group, 6), consumed, approximate)


def _next_is_scale(words: list[str]) -> bool:
    """True when the second word is a thousand/million/... (for "نصف مليون")."""
    return len(words) > 1 and _WORDS.get(fold(words[1]), ("", 0))[0] in ("scale", "plural")


def parse_arabic_number(words: list[str]) -> tuple[float, int] | None:
    """(value, words consumed) of the number at the start of `words`, or None."""
    parsed = parse_number(words)
    return None if parsed is None else (parsed.value, parsed.consumed)


@lru_cache(maxsize=1 << 16)
def may_start_number(folded: str) -> bool:
    """False when `parse_number` cannot read a number starting with this folded, tatweel-free
    word (not a numeral, not a number word even after a proclitic): callers skip the parse."""
    return folded in _ELEVEN or _lookup(folded, first=True) is not None


def is_number_word(word: str) -> bool:
    """True when `word` (any spelling) is a number word, a scale or a fraction."""
    return fold(word) in _WORDS or fold(word) in _ELEVEN

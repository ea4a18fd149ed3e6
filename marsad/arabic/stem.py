"""A light Arabic stemmer for search and grouping: the same function at index and query time.

Why our own: every off-the-shelf Arabic stemmer tried (PyStemmer/Snowball, the ones inside
search engines) turns `بوتين` into `وتين`, stems `مخابرات` and `المخابرات` differently and fails on
`والإرهاب` (see docs/DEPENDENCIES.md). This one works on folded text (`normalize.fold`), strips
only what is safe, and leans on the clitic rules and the protected-word list of
`marsad.arabic.tokens`, so names stay whole.

Steps: fold; strip conjunction/preposition + article (`والإرهاب` -> `ارهاب`); strip one pronoun
suffix (`حكومتهم` -> `حكومت` -> `حكومه`); strip plural, dual and nisba endings
(`الإرهابيين` -> `ارهاب`, `مخابرات` -> `مخابر`, `سورية`/`سوريا`/`السوري` -> `سور`); never below
three letters, never empty. Country names and their adjectives share a stem on purpose
(`تركيا`, `التركي` -> `ترك`): a search for one should find the other.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import is_known_word, is_protected, word_tokens

_MIN_STEM = 3
_PRONOUN_SUFFIXES = ("هما", "كما", "هم", "ها", "كم", "نا", "ه")
# (ending, shortest stem allowed after removing it), longest endings first. ين/ون/ان need a
# four-letter stem: بوتين, حسين, لبنان, ايران, طهران end that way and must stay whole. A final
# ا (tanween: عسكريا; country names: فرنسا, أمريكا) also needs four, so كندا stays.
_ENDINGS: tuple[tuple[str, int], ...] = (
    ("يين", 3), ("يون", 3), ("يات", 3), ("تين", 3), ("تان", 3),
    ("ات", 3), ("ون", 4), ("ين", 4), ("ان", 4),
    ("يه", 3), ("يا", 3), ("ه", 3), ("ي", 3), ("ا", 4),
)


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Light stem of one word for search (folded, clitics and inflection endings removed)."""
    folded = fold(word)
    if not folded or not all("\u0621" <= ch <= "\u064a" for ch in folded):
        return folded or word   # numbers, Latin (lower-cased), mixed tokens: as folded
    stripped = _strip_prefixes(folded)
    protected = is_protected(stripped)
    without_pronoun = _strip_pronoun(stripped)
    if protected and (is_known_word(stripped) or not is_protected(without_pronoun)):
        without_pronoun = stripped        # a protected word's final letters are its own
    # Folding turns ة into ه; remember which one it was so that الله and شبه keep their ه.
    ends_in_ta = without_pronoun != stripped or _last_letter(word) == "ة"
    return _strip_derived(without_pronoun, protected, ends_in_ta)


def stems(text: str) -> list[str]:
    """Stems of the words of `text`, in order."""
    return [stem(token.text) for token in word_tokens(text)]


def _strip_prefixes(word: str) -> str:
    """Remove a conjunction, a preposition and the article, keeping at least three letters."""
    if is_protected(word):
        return word
    rest = word
    if rest[0] in "وف" and len(rest) - 1 >= _MIN_STEM and not is_protected(rest):
        rest = rest[1:]   # و/ف + three letters or more: وزير, وزارة are protected above
    if rest.startswith("لل") and len(rest) - 2 >= _MIN_STEM - 1 and not is_protected(rest) \
            and not is_protected(rest[1:]):
        return rest[2:]                       # للأمن -> امن
    if rest[0] in "بلك" and not is_protected(rest):
        after = rest[1:]
        if after.startswith("ال") and len(after) - 2 >= _MIN_STEM - 1:
            return after[2:]                  # بالإرهاب -> ارهاب
        if is_protected(after) or (rest[0] != "ك" and len(after) >= 4):
            rest = after                      # لداعش -> داعش, لبوتين -> بوتين
    if rest.startswith("ال") and len(rest) - 2 >= _MIN_STEM and not is_protected(rest):
        rest = rest[2:]
    return rest


def _strip_pronoun(word: str) -> str:
    """Remove one pronoun suffix when a stem of three letters remains (ة restored)."""
    for suffix in _PRONOUN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            if suffix in ("نا", "ه") and word[-len(suffix) - 1] in "اوي":
                return word               # كورونا, فيينا, مياه, وجوه: not pronouns
            base = word[: -len(suffix)]
            return base[:-1] + "ه" if base.endswith("ت") else base
    return word


def _last_letter(word: str) -> str:
    for ch in reversed(word):
        if ch.isalpha() and ch != "\u0640":
            return ch
    return ""


def _strip_derived(word: str, protected: bool, ends_in_ta: bool) -> str:
    """Remove plural, dual, feminine and nisba endings (twice at most: ارهابيات -> ارهاب)."""
    for _ in range(2):
        for ending, shortest in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= shortest:
                if protected and (ending in ("ين", "ون", "ان")
                                  or (ending == "ه" and not ends_in_ta)):
                    continue              # بوتين, لبنان, الله stay; فلسطينيون -> فلسطين
                word = word[: -len(ending)]
                break
        else:
            break
    return word

"""Word tokens over the original text (offsets kept), and clitic handling for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters (any script), digits, Arabic marks and tatweel, and zero-width joiners inside it.
_WORD = re.compile(r"[^\W_]+(?:[\u064B-\u065F\u0670\u0640\u200c\u200d]+[^\W_]*)*", re.UNICODE)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def word_tokens(text: str) -> list[Token]:
    """Words of `text` with their offsets; punctuation is not returned."""
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

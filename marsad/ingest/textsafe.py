"""Strings that every later stage can encode: no lone surrogates, no NUL, bounded nesting.

JSON allows `"\\ud83d"` (half of an emoji, cut by a careless truncation); Python keeps it as a
lone surrogate, and the first `.encode("utf-8")` after it (the store, the JSON writer, printing)
raises. Readers pass every string they produce through here once, so nothing downstream has to.
"""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# Metadata nested deeper than this is not an article's metadata; kept as a short note so
# writing it (json.dump recurses) cannot fail.
_MAX_METADATA_DEPTH = 16
REPLACEMENT = "\ufffd"


def safe_text(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD (visible, counted by the reader as
    damage) and NUL characters dropped; the same string when there is nothing to repair."""
    if text.isascii():
        return text.replace("\x00", "") if "\x00" in text else text
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub(REPLACEMENT, text)


def safe_metadata(value: Any, depth: int = 0) -> Any:
    """A JSON value with safe strings (keys too) and at most `_MAX_METADATA_DEPTH` levels."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, (dict, list)) and depth >= _MAX_METADATA_DEPTH:
        return f"<{type(value).__name__} nested more than {_MAX_METADATA_DEPTH} levels: not kept>"
    if isinstance(value, dict):
        return {safe_text(str(k)): safe_metadata(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_metadata(v, depth + 1) for v in value]
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return str(value)  # NaN/Infinity are not JSON: the writer refuses them
    return value

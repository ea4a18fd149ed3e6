"""Variant recall: query one spelling of a name, find the articles that carry only the others.

The spelling groups were chosen before any system was run on the news (names of 2015 that Arabic
outlets spell several ways: transliteration, hamza, spacing, alef maksura). For each group and
each spelling `q` in it, the target set is derived from the raw text of the articles (title and
text, harakat and tatweel removed, nothing else folded): the articles in which another spelling
of the group occurs as a word (with optional و/ف, ب/ل/ك and ال before it) and `q` does not. A
system's variant recall for `q` is the share of that set in its first 100 results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from search_systems import Article

GROUPS: tuple[tuple[str, ...], ...] = (
    ("شويغو", "شويجو"),
    ("أردوغان", "اردوغان", "إردوغان"),
    ("عبد الله", "عبدالله"),
    ("سورية", "سوريا"),
    ("نتنياهو", "نتانياهو"),
    ("أوباما", "اوباما"),
    ("فلاديمير", "فلادمير"),
    ("جوجل", "غوغل"),
    ("فيسبوك", "فيس بوك"),
    ("ترامب", "ترمب"),
    ("إيران", "ايران"),
    ("هيلاري", "هلاري"),
    ("كلينتون", "كلنتون"),
    ("ميركل", "ميركيل"),
    ("السيسي", "السيسى"),
    ("جنيف", "جينيف"),
    ("إنجلترا", "انجلترا", "إنكلترا", "انكلترا"),
    ("الكونغرس", "الكونجرس"),
    ("بوتين", "بوتن"),
    ("غوارديولا", "جوارديولا"),
    ("دي ميستورا", "دي مستورا"),
    ("زوكربيرغ", "زوكربيرج", "زوكربرغ"),
    ("أوبك", "اوبك"),
    ("الحوثي", "الحوثى"),
)

_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_PROCLITICS = "(?:[وف]?[بلك]?(?:ال)?|[وف]?لل)?"


def _pattern(spelling: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in spelling.split()]
    body = r"\s+".join(words)
    # A leading ال of the spelling may also be hidden in للـ (للكونغرس).
    return re.compile(rf"(?<![\w]){_PROCLITICS}{body}(?![\w])")


def targets(articles: Sequence[Article]) -> list[dict]:
    """For every spelling of every group: the ids of the articles carrying only the others."""
    texts = {a.id: _MARKS.sub("", f"{a.title}\n{a.text}") for a in articles}
    found: dict[str, set[str]] = {}
    for group in GROUPS:
        for spelling in group:
            if spelling not in found:
                pattern = _pattern(spelling)
                found[spelling] = {i for i, t in texts.items() if pattern.search(t)}
    out = []
    for group in GROUPS:
        for spelling in group:
            others = set().union(*(found[o] for o in group if o != spelling))
            only = sorted(others - found[spelling])
            out.append({"query": spelling, "group": list(group), "with_query": len(found[spelling]),
                        "only_others": only})
    return out

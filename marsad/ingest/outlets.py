"""Outlets by their Arabic names, and a cue-based test telling an opinion column from news.

An article's `source` in the store is what cleaning found: the outlet id given by the record's
metadata (`okaz`), the outlet named in the text (`عكاظ`), or the agency credited in the dateline
(`واس`, `رويترز`). A reader must see one outlet under one name whatever the byline says, so
`outlet_name` maps every known spelling to the outlet's Arabic name and `outlet_key` to one key
(the filter value of the web app); an unknown source is shown as it is (it is already a name).

`is_opinion` is a named baseline (cues, not a model): url path segments that outlets use for
columns, an author line that is a bare person's name (news bylines carry a place, `الرياض -
فهد الدوس`, or an agency), and column markers in the title. Measured on 160 hand-labelled
SaudiNewsNet articles by benchmarks/opinion.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Outlet:
    key: str                       # stable filter value (the SaudiNewsNet id for its outlets)
    name: str                      # Arabic name shown everywhere
    aliases: tuple[str, ...] = ()  # other spellings found as `source`


# The 14 SaudiNewsNet outlets (their `source` ids) and the agencies credited in its datelines.
OUTLETS: tuple[Outlet, ...] = (
    Outlet("aawsat", "الشرق الأوسط", ("الشرق الاوسط", "aawsat.com")),
    Outlet("aleqtisadiya", "الاقتصادية", ("الإقتصادية", "aleqt")),
    Outlet("aljazirah", "الجزيرة", ("صحيفة الجزيرة", "al-jazirah")),
    Outlet("almadina", "المدينة", ("al-madina",)),
    Outlet("alriyadh", "الرياض", ("جريدة الرياض",)),
    Outlet("alwatan", "الوطن", ("الوطن السعودية",)),
    Outlet("alweeam", "الوئام", ("صحيفة الوئام",)),
    Outlet("alyaum", "اليوم", ("جريدة اليوم",)),
    Outlet("arreyadi", "الرياضي", ()),
    Outlet("arriyadiyah", "الرياضية", ()),
    Outlet("okaz", "عكاظ", ()),
    Outlet("sabq", "سبق", ("صحيفة سبق",)),
    Outlet("was", "واس", ("وكالة الأنباء السعودية", "spa")),
    Outlet("3alyoum", "عين اليوم", ("3alyoum.com",)),
    # agencies seen as sources (already Arabic; listed so their spellings fold to one)
    Outlet("reuters", "رويترز", ("reuters",)),
    Outlet("afp", "أ ف ب", ("ا ف ب", "أ.ف.ب", "afp", "فرانس برس")),
    Outlet("dpa", "د ب أ", ("د ب ا", "د.ب.أ", "dpa")),
    Outlet("mena", "أ ش أ", ("ا ش ا", "أ.ش.أ")),
    Outlet("kuna", "كونا", ()),
    Outlet("wam", "وام", ()),
    Outlet("bna", "بنا", ()),
    Outlet("anadolu", "الأناضول", ("الاناضول",)),
)

UNNAMED = "مصدر غير مسمى"


def _fold(value: str) -> str:
    return " ".join(value.strip().lower().split())


_BY_SPELLING: dict[str, Outlet] = {}
for _outlet in OUTLETS:
    for _spelling in (_outlet.key, _outlet.name, *_outlet.aliases):
        _BY_SPELLING.setdefault(_fold(_spelling), _outlet)


def find_outlet(source: str | None) -> Outlet | None:
    """The registered outlet of a `source` value, or None."""
    return _BY_SPELLING.get(_fold(source)) if source else None


def outlet_name(source: str | None) -> str:
    """The Arabic name to show for a `source` value (the value itself when unknown)."""
    if not source or not source.strip():
        return UNNAMED
    outlet = find_outlet(source)
    return outlet.name if outlet else " ".join(source.split())


def outlet_key(source: str | None) -> str:
    """One key per outlet (the filter value): a registered outlet's key, else the name."""
    outlet = find_outlet(source)
    return outlet.key if outlet else " ".join((source or "").split())


def spellings(key: str) -> tuple[str, ...]:
    """Every `source` value an outlet key stands for (to filter stored rows by it)."""
    outlet = find_outlet(key)
    if outlet is None:
        return (key,)
    return tuple(dict.fromkeys((outlet.key, outlet.name, *outlet.aliases)))


# ----------------------------------------------------------------------------- opinion
# Url path segments that mark columns: 3alyoum /opinion/, alwatan /Articles/ and /Discussion/
# (its news is under /News/, /Local/...), aljazirah's writers' and readers' pages (ar, rj, rv in
# /2015/20150807/ar5.htm), aawsat's columns (an author slug between the number and the title).
_OPINION_PATH = re.compile(
    r"/(opinion|opinions|columns?|columnists?|writers?|articles|discussion|kottab|"
    r"مقالات|كتاب|رأي)(/|\.|$)", re.IGNORECASE)
_ALJAZIRAH_COLUMN = re.compile(r"al-jazirah\.com/\d{4}/\d{8}/(ar|rj|rv)\d*\.htm",
                               re.IGNORECASE)
_AAWSAT_COLUMN = re.compile(r"aawsat\.com/home/article/\d+/[^/]+/[^/]+", re.IGNORECASE)
_TITLE_CUES = re.compile(r"^(كلمة|رأي|مقال|وجهة نظر|من الذاكرة)\b|\bرأي الصحيفة\b")
# An author line with a place or an agency is a news byline: "الرياض - فهد الدوس", "واس".
_BYLINE_SEPARATORS = re.compile(r"[-–—:()]|\sـ|ـ\s|،|,|\bو?تصوير\b|\bكتبت?\b|زائر")
_AGENCY_WORDS = re.compile(r"\b(واس|رويترز|أ ف ب|د ب أ|ا ف ب|الرياض الإلكتروني|متابعة|وكالات)\b")


def author_line(byline: str | None, place: str | None) -> str | None:
    """The author line as an outlet printed it, for `is_opinion`: the byline with its place
    or agency when it had one (`الرياض - فهد الدوس`), else whichever of the two there is."""
    return f"{place} - {byline}" if byline and place else (byline or place)


def is_opinion(url: str | None, author: str | None, title: str | None) -> bool:
    """True when cues say the article is an opinion column, not news (a baseline: see the
    module docstring)."""
    if url:
        address = unquote(url)
        path = urlsplit(address).path
        if _OPINION_PATH.search(path) or _ALJAZIRAH_COLUMN.search(address) or \
                _AAWSAT_COLUMN.search(address):
            return True
    if title and _TITLE_CUES.search(title.strip()):
        return True
    if author:
        line = " ".join(author.split()).strip(" *")
        words = line.split()
        if 2 <= len(words) <= 5 and not _BYLINE_SEPARATORS.search(line) and \
                not _AGENCY_WORDS.search(line):
            # a bare name, often with a title (د.) or a trailing asterisk: a columnist's line
            return True
    return False

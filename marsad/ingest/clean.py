"""Cleaning one article: headline, dateline and agency, byline, page furniture, date, language.

The body keeps the original characters: everything cut is a whole line, a prefix of the first
paragraph (the dateline "القاهرة (رويترز) -") or a tail of the last one (tags, "(رويترز)"),
so `Document.text` is the input with pieces taken out, and every cut piece is kept verbatim in
`Document.removed`. Matching is done on a folded view of each line (hamza, ى, ة, controls,
tatweel) mapped back to the original by offsets, so "أ ف ب" and "ا ف ب", or a dateline with a
right-to-left mark inside, are recognised without touching the text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from marsad.arabic.normalize import fold, normalize, strip_controls
from marsad.arabic.dates import find_dates
from marsad.errors import E_EMPTY, E_LANGUAGE, E_TOO_LARGE, InputError
from marsad.ingest.language import detect_language
from marsad.ingest.lexicon import (AGENCIES, AMBIGUOUS, FURNITURE_CORE, FURNITURE_EXACT,
                                   FURNITURE_EXTRA, FURNITURE_PREFIX, GENERIC, OUTLETS, PLACES,
                                   PROSE_WORDS, RELATED_PREFIX)
from marsad.settings import Settings
from marsad.types import Document, RawRecord

def _compact(text: str) -> str:
    """Lookup key: folded, without dots and spaces, so "أ. ف. ب." and "ا ف ب" meet."""
    return re.sub(r"[.\s]+", "", fold(text))


def _alias_table(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_compact(alias): name for name, aliases in table.items()
            for alias in (name, *aliases)}


def _alias_pattern(table: dict[str, tuple[str, ...]], skip: frozenset[str] = frozenset()) -> str:
    """Regex alternation of every spelling, dots and spaces between letters optional."""
    aliases = {fold(alias) for name, aliases in table.items() for alias in (name, *aliases)}
    patterns = [r"[.\s]*".join(re.escape(token) for token in re.split(r"[.\s]+", alias) if token)
                + (r"\.?" if len(alias.replace(" ", "")) <= 3 else "")
                for alias in sorted(aliases - skip, key=len, reverse=True)]
    return "|".join(patterns)


_AGENCY_BY_KEY = _alias_table(AGENCIES)
_OUTLET_BY_KEY = _alias_table(OUTLETS)

_DASH = "-–—‒−_/"
_SPLIT = re.compile(r"\s*(?:[" + re.escape(_DASH) + r"|:]|\(|\))\s*")
_QUOTES = "«»\"“”'‘’"
_SENTENCE_END = ".!?؟…"
_NAMED_ALT = _alias_pattern({**AGENCIES, **OUTLETS})
_DASHED_ALT = _alias_pattern({**AGENCIES, **OUTLETS}, AMBIGUOUS)
# Inline datelines at the start of a paragraph (on the folded view of the line).
_INLINE = (
    # القاهرة (رويترز) -      دمشق (أ ف ب):
    re.compile(r"^(?P<head>[^\n()]{1,40}?\(\s*[«\"“]?(?:" + _NAMED_ALT + r")[»\"”]?\s*\))"
               r"\s*[" + re.escape(_DASH) + r":]?\s*"),
    # (د ب أ) -
    re.compile(r"^(?P<head>\(\s*(?:" + _NAMED_ALT + r")\s*\))\s*[" + re.escape(_DASH) + r":]?\s*"),
    # موسكو-سانا    سوتشي- سبوتنيك.    واشنطن – «الشرق الأوسط»:
    re.compile(r"^(?P<head>\S+(?: \S+){0,2}?\s*[" + re.escape(_DASH) + r"]\s*[«\"“]?(?:"
               + _DASHED_ALT + r")[»\"”]?)(?:\s*[" + re.escape(_DASH) + r":.،,]\s*|\s+)"),
    # خالد خليل- سبق:    بدر الجبل – سبق- تبوك:    الجزيرة - واس:
    re.compile(r"^(?P<head>[^\n:.،]{2,60}?):\s*"),
)
_BYLINE_MARKER = re.compile(r"^(?:كتب|كتبت|بقلم|اعداد|تقرير|حوار|تحرير|متابعه|by)\s*[:" +
                            re.escape(_DASH) + r"]?\s*(?P<name>.+)$", re.I)
_WIRE_DATE = re.compile(r"^(?P<place>[^\d]{2,40}?)\s+\d{1,2}\s.*\s(?P<agency>\S+(?: \S+){0,2})$")
_TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}(?:\s*(?:ت\s*م|ت\.م|gmt|utc))?$", re.I)
_LINK_ONLY = re.compile(r"^(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$", re.I)
_SYMBOLS_ONLY = re.compile(r"^[\W_]+$")
# Trailing tags ("... نهاية الخبر. سمات الجوف حريق") and wire credit ("... . (رويترز)").
_TAIL_TAGS = re.compile(r"(?<=[" + re.escape(_SENTENCE_END + _QUOTES) + r"])\s+سمات\s+[^.،!؟:\n]{2,200}$")
_TAIL_AGENCY = re.compile(r"(?<=[" + re.escape(_SENTENCE_END + _QUOTES) + r"])\s*\(\s*(?P<name>"
                          + _NAMED_ALT + r")\s*\)\s*$")
_SPACES = re.compile(r"\s+")
_TATWEEL_DASH = re.compile(r"(?:(?<=\s)|^)\u0640+|\u0640+(?=\s|$)")


def _view(text: str) -> tuple[str, list[int] | range]:
    """Folded `text` for matching, and for each of its characters the original index.

    The offsets have one more entry (len(text)) so a view end maps too. A tatweel between
    spaces is read as a dash ("موسكو ـ سانا"); elsewhere it is decoration and folds away.
    """
    if "\u0640" in text:
        # Length-preserving, so offsets into this string are offsets into `text`.
        text = _TATWEEL_DASH.sub("-", text)
    normalized = normalize(text)
    if normalized.offsets is None:
        return normalized.text, range(len(text) + 1)
    return normalized.text, normalized.offsets


_PAIRS = {"«": "»", "“": "”", "„": "“", "‘": "’", "\"": "\"", "'": "'"}


def _display(text: str) -> str:
    """Metadata form of a piece of text: controls removed, spaces collapsed, stray quotes trimmed.

    A quote mark at an edge is trimmed only when its partner is not in the text, so a headline
    that starts with a quoted name (`«تاسي» يقفز`) keeps its opening guillemet.
    """
    shown = _SPACES.sub(" ", strip_controls(text)).strip().strip(" :،,.-–—").strip()
    while shown and shown[0] in _QUOTES:
        partner = _PAIRS.get(shown[0])
        if partner and partner in shown[1:]:
            break
        shown = shown[1:].lstrip(" :،,.-–—")
    while shown and shown[-1] in _QUOTES:
        opener = next((o for o, c in _PAIRS.items() if c == shown[-1]), None)
        if opener and opener in shown[:-1]:
            break
        shown = shown[:-1].rstrip(" :،,.-–—")
    return shown


@dataclass
class _Header:
    """What a dateline/byline fragment names."""

    place: str | None = None
    agency: str | None = None
    outlet: str | None = None
    person: str | None = None
    strong: bool = False            # names a known agency, outlet or place


def _classify(part: str) -> tuple[str, str | None]:
    """Kind of one folded dateline part: agency, outlet, generic, place, word, words or other."""
    key = part.strip(_QUOTES + " .،,").strip()
    # "وكالة سانا" names سانا, "مكتب الجزيرة" (its bureau) names الجزيرة.
    key = re.sub(r"^(?:وكال[هة] (?:الانباء )?|مكتب )", "", key)
    compact = _compact(key)
    if compact in _AGENCY_BY_KEY:
        return "agency", _AGENCY_BY_KEY[compact]
    if compact in _OUTLET_BY_KEY:
        return "outlet", _OUTLET_BY_KEY[compact]
    if key in GENERIC:
        return "generic", None
    if key in PLACES:
        return "place", None
    words = key.split()
    if not words or not all(re.fullmatch(r"[^\W\d_]+", w) for w in words):
        return "other", None
    if any(w in PROSE_WORDS for w in words):
        return "other", None
    if len(words) == 1:
        return "word", None
    return ("words", None) if len(words) <= 4 else ("other", None)


def _parse_header(original: str, standalone: bool, loose: bool = False) -> _Header | None:
    """What a dateline/byline fragment names, or None when it is not one.

    `standalone`: the fragment is a whole line (weaker evidence is enough). `loose`: it comes
    from an author field, where "place: person" is usual.
    """
    original = original.strip()
    view, _ = _view(original)
    fragment = view.rstrip(".:،, ")
    if not fragment.strip() or len(fragment) > 90:
        return None
    marker = _BYLINE_MARKER.match(fragment)
    if marker and standalone and len(marker.group("name").split()) <= 6:
        # "كتب: محمد علي", "بقلم محمد علي"
        name = _display(_slice(original, view, marker.start("name"), marker.end("name")))
        return _Header(person=name or None, strong=True)
    wire = _WIRE_DATE.match(fragment)
    if wire and standalone and _compact(wire.group("agency")) in _AGENCY_BY_KEY:
        # "بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"
        return _Header(place=_display(_slice(original, view, wire.start("place"),
                                             wire.end("place"))),
                       agency=_AGENCY_BY_KEY[_compact(wire.group("agency"))], strong=True)
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^" + re.escape(_DASH) + r"|:()]+",
                                                        fragment) if m.group().strip()]
    parts = [(fragment[a:b].strip(), _slice(original, view, a, b)) for a, b in spans]
    dashed = any(ch in _DASH for ch in fragment)
    if not parts or len(parts) > 4:
        return None
    header = _Header()
    unknown: list[tuple[str, str]] = []
    for folded_part, original_part in parts:
        kind, name = _classify(folded_part)
        if kind == "other":
            return None
        if kind == "agency":
            header.agency = header.agency or name
            header.strong = True
        elif kind == "outlet":
            header.outlet = header.outlet or name
            header.strong = True
        elif kind == "generic":
            header.strong = header.strong or standalone
        elif kind == "place" and header.place is None:
            header.place = _display(original_part)
            header.strong = True
        else:
            unknown.append((kind, _display(original_part)))
    if len(parts) == 1 and not (header.agency or header.outlet or (standalone and header.place)):
        return None
    if len(unknown) > 2:
        return None
    if len(unknown) == 2:
        # Two unknown parts ("حائل - خالد الشمري") only on a line of their own, joined by a dash.
        if not standalone or not (dashed or loose):
            return None
        (kind_a, text_a), (kind_b, text_b) = unknown
        if kind_a == "words" and kind_b == "words":
            return None
        # The one-word part is the place: "حائل - خالد الشمري", "عبدالرحمن الشهري – عسير".
        place, person = (text_a, text_b) if kind_a == "word" else (text_b, text_a)
        header.place = header.place or place
        header.person = person
    elif len(unknown) == 1:
        kind, text = unknown[0]
        if kind == "word" and header.place is None and not header.outlet:
            header.place = text           # "بيروت - رويترز"
        elif kind == "word" and header.place is None and not header.agency:
            header.place = text           # "عين اليوم – بغداد"
        else:
            header.person = text          # "لجين الأحمدي – عين اليوم", "أبها - مريم الجابر"
    if not header.strong and not (standalone and header.place and header.person):
        return None
    return header


def _slice(original: str, view: str, start: int, end: int) -> str:
    """Original text of the view span [start, end) (view of `original` by _view)."""
    _, offsets = _view(original)
    return original[offsets[start]:offsets[end - 1] + 1] if end > start else ""


def _looks_like_headline(line: str, next_is_blank: bool) -> bool:
    stripped = line.strip()
    words = stripped.split()
    if len(words) < 2 or len(stripped) > 200:
        return False
    if stripped.endswith(tuple(_SENTENCE_END + ":،,")) and not stripped.endswith(".."):
        return False
    # Without a blank line after it, only a short line reads as a headline, not as a lede.
    return next_is_blank or (len(stripped) <= 120 and len(words) <= 18)


def _is_furniture(line: str, edge: bool = False) -> bool:
    """True when the whole line is page furniture (share/print/comment, source, links).

    `edge`: the line is at the start or end of the article, where a line of symbols ("***")
    is decoration; inside the text it separates sections and is kept.
    """
    if len(line) > 300:
        return False                    # furniture is short; skip folding long paragraphs
    view = _view(line.strip())[0].lower()
    if not view:
        return False
    if _TIMESTAMP.match(view) or _LINK_ONLY.match(view) or (edge and _SYMBOLS_ONLY.match(view)):
        return True
    if view.startswith(FURNITURE_PREFIX) and len(view) <= 200:
        return True
    if view.strip("/-. ") in FURNITURE_EXACT:
        return True
    words = [w.strip(".,:،!|•·-–—«»\"'()[]") for w in view.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8:
        return False
    return (any(w in FURNITURE_CORE for w in words)
            and all(w in FURNITURE_CORE or w in FURNITURE_EXTRA for w in words))


_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")
_DATE_LINE_REST = re.compile(r"[\s\d:.,،/\-–—|()]|\b(?:م|هـ|ه|ص|مساء|صباحا|ت\s*غ|gmt|utc)\b")


def _date_line(line: str) -> date | None:
    """The date of a line that holds only a date (and weekday, time): "الثلاثاء، 14 تشرين..."."""
    if len(line) > 80 or not any(ch.isdigit() for ch in line):
        return None
    found = find_dates(line)
    if not found:
        return None
    rest = line
    for start, end, _value in reversed(found):
        rest = rest[:start] + " " + rest[end:]
    rest = fold(rest)
    for weekday in _WEEKDAYS:
        rest = rest.replace(weekday, " ")
    return found[0][2] if not _DATE_LINE_REST.sub("", rest).strip() else None


def _is_related_header(line: str) -> bool:
    if len(line) > 300:
        return False
    view = _view(line.strip())[0].lower()
    return view.startswith(RELATED_PREFIX) and len(view) <= 200


def parse_published(value: str | None) -> str | None:
    """ISO form of a date given as 'YYYY-MM-DD hh:mm:ss', ISO 8601 or RFC 2822; else None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class _Cuts:
    """Lines and line parts taken out of the text, kept in order."""

    lines: list[str]
    dropped: set[int] = field(default_factory=set)
    head_cut: dict[int, int] = field(default_factory=dict)   # line -> chars cut at its start
    tail_cut: dict[int, int] = field(default_factory=dict)   # line -> index where its tail starts

    def content(self) -> list[int]:
        """Indexes of kept, non-blank lines."""
        return [i for i, line in enumerate(self.lines)
                if i not in self.dropped and self.text(i).strip()]

    def text(self, i: int) -> str:
        return self.lines[i][self.head_cut.get(i, 0):self.tail_cut.get(i, len(self.lines[i]))]

    def removed(self) -> list[str]:
        pieces: list[tuple[int, int, str]] = []
        for i, line in enumerate(self.lines):
            if i in self.dropped:
                pieces.append((i, 0, line))
                continue
            if self.head_cut.get(i):
                pieces.append((i, 0, line[:self.head_cut[i]]))
            if i in self.tail_cut:
                pieces.append((i, 1, line[self.tail_cut[i]:]))
        return [piece.strip() for _, _, piece in sorted(pieces) if piece.strip()]

    def body(self) -> str:
        kept: list[int] = []
        for i in range(len(self.lines)):
            if i in self.dropped:
                # A furniture line between two blank lines: drop one blank line with it.
                if (kept and not self.text(kept[-1]).strip() and i + 1 < len(self.lines)
                        and not self.lines[i + 1].strip()):
                    kept.pop()
                continue
            kept.append(i)
        return "\n".join(self.text(i) for i in kept).strip()


def _inline_dateline(cuts: _Cuts, index: int) -> _Header | None:
    """A dateline at the start of line `index` ("القاهرة (رويترز) - قال ..."): cut it."""
    line = cuts.text(index)
    view, offsets = _view(line)
    for pattern in _INLINE:
        match = pattern.match(view)
        if not match or match.end() >= len(view):
            continue
        header = _parse_header(_slice(line, view, 0, match.end("head")), standalone=False)
        if header is None or not (header.agency or header.outlet):
            continue
        cuts.head_cut[index] = cuts.head_cut.get(index, 0) + offsets[match.end()]
        return header
    return None


def clean_record(record: RawRecord, settings: Settings) -> Document:
    """The cleaned Document of `record`; raise InputError when too little or too much is left."""
    name = record.path or record.id or "<record>"
    if len(record.text) > 2 * settings.max_article_chars:
        # Cleaning only cuts headers and furniture: a text twice the limit stays above it, so
        # say so before spending seconds cleaning megabytes.
        raise InputError(name, f"the article has {len(record.text):,} characters, more than "
                         f"max_article_chars ({settings.max_article_chars:,}): not a single "
                         "news article", "split it, or raise max_article_chars",
                         code=E_TOO_LARGE)
    cuts = _Cuts(record.text.split("\n"))
    title = _display(record.title) if record.title else None
    headers: list[_Header] = []
    content = cuts.content()

    # 1. Headline: the metadata title repeated as the first line, or a headline-like line.
    if content and title:
        first = _view(cuts.text(content[0]))[0]
        if _SPACES.sub(" ", first).strip(" .") == _SPACES.sub(" ", fold(title)).strip(" ."):
            cuts.dropped.add(content[0])
    # 2. Leading lines: dateline, byline, headline (in any order, a few lines at most).
    seen_headline = title is not None
    line_date: date | None = None
    for position, index in enumerate(cuts.content()[:4]):
        line = cuts.text(index)
        header = None if len(line) > 90 else _parse_header(line, standalone=True)
        if header is not None:
            headers.append(header)
            cuts.dropped.add(index)
            continue
        dated = _date_line(line) if position < 3 else None
        if dated is not None:               # a publication-date line under the headline
            line_date = line_date or dated
            cuts.dropped.add(index)
            continue
        if _is_furniture(line, edge=True):
            cuts.dropped.add(index)
            continue
        if not seen_headline and record.title_in_text and position == 0:
            next_blank = index + 1 < len(cuts.lines) and not cuts.lines[index + 1].strip()
            later = [i for i in cuts.content() if i > index]
            if later and _looks_like_headline(line, next_blank):
                title = _display(line)
                cuts.dropped.add(index)
                seen_headline = True
                continue
        break
    # 3. A dateline at the start of the first paragraph.
    content = cuts.content()
    if content and not any(h.agency or h.place for h in headers):
        header = _inline_dateline(cuts, content[0])
        if header is not None:
            headers.append(header)
    # 4. Furniture: trailing lines, a trailing block of related links, and lines of its own.
    content = cuts.content()
    for position, index in enumerate(content):
        if position > 0 and _is_related_header(cuts.text(index)):
            rest = content[position:]
            if len(rest) <= 12 and all(len(cuts.text(i)) <= 150 for i in rest[1:]):
                cuts.dropped.update(rest)
                break
    for index in cuts.content():
        if _is_furniture(cuts.text(index)):
            cuts.dropped.add(index)
    content = cuts.content()
    while content:
        last = content[-1]
        line = cuts.text(last)
        if _is_furniture(line, edge=True):
            cuts.dropped.add(last)
            content = cuts.content()
            continue
        header = _parse_header(line, standalone=True) if len(line) <= 60 else None
        if header is not None and header.agency and not header.person:
            headers.append(header)                 # a closing "(رويترز)" line
            cuts.dropped.add(last)
            content = cuts.content()
            continue
        view, offsets = _view(line)
        match = _TAIL_TAGS.search(view) or _TAIL_AGENCY.search(view)
        if match:
            cuts.tail_cut[last] = cuts.head_cut.get(last, 0) + offsets[match.start()]
            if match.re is _TAIL_AGENCY:
                key = _compact(match.group("name"))
                headers.append(_Header(agency=_AGENCY_BY_KEY.get(key) or _OUTLET_BY_KEY.get(key),
                                       strong=True))
        break

    body = cuts.body()
    if len(body) < settings.min_article_chars:
        raise InputError(name, f"the article body has {len(body)} characters after cleaning, "
                         f"fewer than {settings.min_article_chars}",
                         "check that the file holds an article; min_article_chars sets the "
                         "limit", code=E_EMPTY)
    if len(body) > settings.max_article_chars:
        raise InputError(name, f"the article body has {len(body):,} characters, more than "
                         f"max_article_chars ({settings.max_article_chars:,}): not a single "
                         "news article",
                         "split it, or raise max_article_chars", code=E_TOO_LARGE)

    metadata = dict(record.metadata)
    byline = next((h.person for h in headers if h.person), None)
    dateline = next((h.place for h in headers if h.place), None)
    agency = next((h.agency for h in headers if h.agency), None)
    outlet = next((h.outlet for h in headers if h.outlet), None)
    author = _author_header(record.author, metadata)
    if author is not None:
        byline = byline or author.person
        dateline = dateline or author.place
        agency = agency or author.agency
        outlet = outlet or author.outlet
    if agency:
        metadata.setdefault("agency", agency)   # the wire credit (grouping: agency copies)
    if record.source:
        metadata.setdefault("outlet", record.source)
    elif outlet:
        metadata.setdefault("outlet", outlet)
    # The agency named in the dateline is the source; else the outlet named by text or metadata.
    source = agency or outlet or (_display(record.source) if record.source else None)
    published = parse_published(record.published)
    if record.published and published is None:
        metadata["published_raw"] = record.published
    if published is None and line_date is not None:
        published = line_date.isoformat()
    if record.url:
        metadata.setdefault("url", record.url)
    language = detect_language(body)
    if settings.languages and language not in settings.languages:
        raise InputError(name, f"the article is not in a language marsad analyses "
                         f"(detected '{language}', accepted: {', '.join(settings.languages)})",
                         "set languages to accept it (its entities and quotes will be poor)",
                         code=E_LANGUAGE)
    return Document(
        id=_document_id(record, body),
        path=record.path,
        title=title or None,
        source=source or None,
        dateline=dateline or None,
        byline=byline or None,
        published=published,
        language=language,
        text=body,
        removed=tuple(cuts.removed()),
        sentences=(),
        metadata=metadata,
    )


def _author_header(author: str | None, metadata: dict) -> _Header | None:
    """The record's author field read like a byline ("أبها - مريم الجابر:", "واس - عسير")."""
    if not author or not author.strip():
        return None
    text = author.split("|")[0]                    # "لندن - الرياضية | Tuesday, 11 August ..."
    shown = _display(text)
    if not shown or len(shown) > 80 or any(ch in shown for ch in _SENTENCE_END):
        metadata.setdefault("author_raw", author)  # a summary or a date crawled as the author
        return None
    header = _parse_header(text, standalone=True, loose=True)
    if header is None:
        # "عادل الخنين من الرياض", "«الاقتصادية» من الرياض": name (or outlet) from place.
        name, sep, place = text.rpartition(" من ")
        if sep and len(place.split()) <= 3:
            header = _parse_header(f"{name} - {place}", standalone=True, loose=True)
    return header if header is not None else _Header(person=shown)


def _document_id(record: RawRecord, body: str) -> str:
    if record.id:
        return str(record.id)
    if record.path and not record.path.startswith(("http://", "https://")):
        return Path(record.path).stem
    return hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]

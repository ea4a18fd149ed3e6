"""When each event happened, and each story's events in time order.

`event_day(analyses)` dates one event:
1. "published": the earliest publication day of its articles (metadata wins when there is any,
   except when most of the dated articles' leads say the happening was 1-7 days earlier, e.g.
   "أمس": then that day, basis "text");
2. "text": else a date written in the first two sentences of its articles (`arabic.dates`).
   Only absolute dates count: a day, a month and a year (`20 أيلول 2015`, `20/9/2015`, Hijri
   `5 ذو الحجة 1436 هـ`), or a day and a month when a year is known from a full date in the
   event's articles. Relative words (`أمس`, `الثلاثاء الماضي`) and yearless dates need a
   reference: the article's own publication day, and only when it has one (see `text_day`).
   Each article (wire copies of an article in the same event skipped) votes for the first date
   of its lead; the date with most votes wins, the earliest on a tie.
3. None: the event stays undated (basis None).

`date_events` fills `Event.date` (ISO) where group_events left it empty; `build_timeline` lists
each story's events by date (undated ones last, in event order). Everything here is a pure,
deterministic function of its inputs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from marsad.arabic.dates import find_dates
from marsad.group.events import published_day
from marsad.types import DocumentAnalysis, Event, Story, TimelineEntry

LEAD_SENTENCES = 2
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]")


def _lead(analysis: DocumentAnalysis) -> str:
    """The first two sentences (or, without sentence spans, the first two lines)."""
    doc = analysis.document
    spans = [s for s in doc.sentences if 0 <= s.start < s.end <= len(doc.text)][:LEAD_SENTENCES]
    if spans:
        return "\n".join(doc.text[s.start:s.end] for s in spans)
    return "\n".join([line for line in doc.text.splitlines() if line.strip()][:LEAD_SENTENCES])


def text_day(analysis: DocumentAnalysis, year: int | None = None) -> date | None:
    """The first date in an article's lead (see the module docstring), or None.

    With a publication day, every expression (relative words and yearless dates included) is
    read against it. Without one, only absolute dates count, plus day+month dates when `year`
    (known from another article) is given.
    """
    lead = _lead(analysis)
    reference = published_day(analysis.document.published)
    if reference is not None:
        found = find_dates(lead, reference)
    elif year is not None:
        # Mid-year reference: a yearless day+month gets `year`; drop what has no digit (the
        # relative words and bare weekdays, which this reference must not resolve).
        found = [f for f in find_dates(lead, date(year, 7, 1)) if _DIGIT.search(lead[f[0]:f[1]])]
    else:
        found = find_dates(lead)
    return found[0][2] if found else None


def _independent(analyses: Sequence[DocumentAnalysis]) -> list[DocumentAnalysis]:
    ids = {a.document.id for a in analyses}
    return [a for a in analyses if a.document.duplicate_of not in ids]


_HAPPENED_WITHIN_DAYS = 7


def event_day(analyses: Sequence[DocumentAnalysis]) -> tuple[date | None, str | None]:
    """(day, basis) of the event made of these articles; basis "published", "text" or None.

    With publication dates, the event is dated by the earliest one, unless most dated articles
    (copies aside) say in their lead that it happened 1 to 7 days before they were published
    ("أمس الخميس", "الثلاثاء الماضي", "6 أغسطس"): then by that day, most votes winning (basis
    "text"). A date after publication (an announced meeting) or long before (background) does
    not move the event.
    """
    published = [d for d in (published_day(a.document.published) for a in analyses) if d]
    if published:
        voters = 0
        earlier: Counter[date] = Counter()
        for analysis in _independent(analyses):
            day = published_day(analysis.document.published)
            if day is None:
                continue
            voters += 1
            said = text_day(analysis)
            if said is not None and 1 <= (day - said).days <= _HAPPENED_WITHIN_DAYS:
                earlier[said] += 1
        if 2 * sum(earlier.values()) > voters:
            return min(earlier, key=lambda d: (-earlier[d], d)), "text"
        return min(published), "published"
    articles = _independent(analyses)
    absolute = [d for d in (text_day(a) for a in articles) if d is not None]
    year = None
    if absolute:
        counts = Counter(d.year for d in absolute)
        year = min(counts, key=lambda y: (-counts[y], y))
    votes = Counter(d for d in (text_day(a, year) for a in articles) if d is not None)
    if not votes:
        return None, None
    return min(votes, key=lambda d: (-votes[d], d)), "text"


def date_events(events: Sequence[Event], analyses: Mapping[str, DocumentAnalysis],
                ) -> tuple[tuple[Event, ...], dict[str, str]]:
    """Events with `date` filled where it can be, and the basis of each dated event's date."""
    dated: list[Event] = []
    basis: dict[str, str] = {}
    for event in events:
        day, how = event_day([analyses[d] for d in event.documents if d in analyses])
        if day is not None and how is not None:
            event = replace(event, date=day.isoformat())
            basis[event.id] = how
        elif event.date:                     # set upstream, articles not at hand: kept
            basis[event.id] = "published"
        dated.append(event)
    return tuple(dated), basis


def build_timeline(events: Sequence[Event], stories: Sequence[Story],
                   basis: Mapping[str, str] | None = None) -> tuple[TimelineEntry, ...]:
    """Each story's events in time order (undated last; ties and undated in event order).

    `basis` (from `date_events`) says how each date was found; a dated event missing from it
    is taken as dated by publication.
    """
    basis = basis or {}
    by_id = {event.id: event for event in reversed(events)}
    position = {event.id: i for i, event in reversed(list(enumerate(events)))}
    entries: list[TimelineEntry] = []
    for story in stories:
        members = [by_id[e] for e in dict.fromkeys(story.events) if e in by_id]
        members.sort(key=lambda ev: (ev.date is None, ev.date or "", position[ev.id]))
        entries += [TimelineEntry(story=story.id, event=ev.id, date=ev.date,
                                  basis=basis.get(ev.id, "published") if ev.date else None)
                    for ev in members]
    return tuple(entries)


def events_timeline(events: Sequence[Event], stories: Sequence[Story],
                    analyses: Mapping[str, DocumentAnalysis],
                    ) -> tuple[tuple[Event, ...], tuple[TimelineEntry, ...]]:
    """`date_events` then `build_timeline`: the one call the pipeline makes after grouping."""
    dated, basis = date_events(events, analyses)
    return dated, build_timeline(dated, stories, basis)

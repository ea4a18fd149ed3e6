"""A story's timeline as an inline SVG plot for the HTML report (no script, no external request).

Time runs from right to left, the way an Arabic reader reads the page: the earliest event is at
the right end of the axis, and a caption under the plot says so. One dot per dated event, its
area growing with the number of independent sources (filled: dated by publication; hollow: a
date read from the article text); events of one day are stacked. Each dot links to its event
card and carries the full title in a <title> tooltip; labels are the titles cut to
`LABEL_CHARS`, with the ISO date under them, placed in rows so they do not overlap. Every string
from the data is escaped. Undated events are not plotted; the caption counts them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from marsad.types import Event, Story, TimelineEntry

WIDTH = 720
MARGIN = 90            # room at each end for a half label
AXIS_Y = 64
ROW_HEIGHT = 36
MAX_ROWS = 6           # labels beyond these rows are left out (the tooltip still has them)
LABEL_CHARS = 26
CHAR_WIDTH = 6.5       # rough width of one character at the label font size (for row packing)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cut(title: str, limit: int = LABEL_CHARS) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def story_entries(story: Story, events: Mapping[str, Event],
                  timeline: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The story's timeline; for an analysis without one (an older file), its events by date."""
    entries = [entry for entry in timeline if entry.story == story.id]
    if entries:
        return entries
    members = [events[e] for e in dict.fromkeys(story.events) if e in events]
    order = {event.id: i for i, event in enumerate(members)}
    members.sort(key=lambda ev: (_day(ev.date) is None, ev.date or "", order[ev.id]))
    return [TimelineEntry(story.id, ev.id, ev.date, None) for ev in members]


def timeline_svg(story: Story, events: Mapping[str, Event], timeline: Sequence[TimelineEntry],
                 link: Callable[[str], str]) -> str:
    """The plot for one story ("" when fewer than two of its events are dated).

    `link(event_id)` is the fragment (without "#") of the event's card.
    """
    entries = story_entries(story, events, timeline)
    dated = [(entry, _day(entry.date), events[entry.event]) for entry in entries
             if entry.event in events and _day(entry.date) is not None]
    undated = sum(1 for entry in entries if entry.event in events) - len(dated)
    if len(dated) < 2:
        return ""
    first = min(day for _, day, _ in dated)
    last = max(day for _, day, _ in dated)
    span = (last - first).days
    usable = WIDTH - 2 * MARGIN

    def x_of(day: date) -> float:   # right to left: the earliest day at the right end
        if span == 0:
            return WIDTH / 2
        return WIDTH - MARGIN - (day - first).days / span * usable

    stacked: dict[date, int] = {}
    rows: list[list[tuple[float, float]]] = []
    dots, labels = [], []
    for entry, day, event in dated:
        x = x_of(day)
        radius = min(4.0 + 3.0 * math.sqrt(max(1, len(event.sources))), 14.0)
        level = stacked.get(day, 0)
        stacked[day] = level + 1
        y = AXIS_Y - level * 2 * 14.5
        label = _cut(event.title)
        half = max(len(label), 10) * CHAR_WIDTH / 2
        row = next((r for r, taken in enumerate(rows)
                    if all(x + half + 6 < a or b + 6 < x - half for a, b in taken)), len(rows))
        if row == len(rows) and row < MAX_ROWS:
            rows.append([])
        style = "dot text-date" if entry.basis == "text" else "dot"
        how = "تاريخ من نص المقالات" if entry.basis == "text" else "تاريخ النشر"
        tip = (f"{event.title} — {entry.date} ({how}) — مصادر مستقلة: {len(event.sources)}"
               f"، مقالات: {len(event.documents)}")
        dots.append(f'<a href="#{_e(link(event.id))}"><circle class="{style}" cx="{x:.1f}" '
                    f'cy="{y:.1f}" r="{radius:.1f}"><title>{_e(tip)}</title></circle></a>')
        if row < MAX_ROWS:
            rows[row].append((x - half, x + half))
            top = AXIS_Y + 30 + row * ROW_HEIGHT
            labels.append(f'<line class="tick" x1="{x:.1f}" y1="{AXIS_Y}" x2="{x:.1f}" '
                          f'y2="{top - 12}"/>'
                          f'<text class="label" x="{x:.1f}" y="{top}" text-anchor="middle" '
                          f'direction="rtl">{_e(label)}</text>'
                          f'<text class="date" x="{x:.1f}" y="{top + 14}" text-anchor="middle" '
                          f'direction="ltr">{_e(entry.date)}</text>')
    height = AXIS_Y + 30 + len(rows) * ROW_HEIGHT
    levels = max(stacked.values())
    top_pad = max(0, (levels - 1) * 29 + 20 - AXIS_Y + 6)
    axis = (f'<line class="axis" x1="{WIDTH - MARGIN + 30}" y1="{AXIS_Y}" x2="{MARGIN - 30}" '
            f'y2="{AXIS_Y}"/><path class="axis-head" d="M{MARGIN - 30} {AXIS_Y} l8 -4 v8 z"/>')
    name = f"الخط الزمني لقصة {story.title}"
    notes = ["الزمن يسير من اليمين (الأقدم) إلى اليسار (الأحدث)",
             "حجم النقطة بعدد المصادر المستقلة"]
    if any(entry.basis == "text" for entry, _, _ in dated):
        notes.append("النقطة المفرغة: تاريخ مأخوذ من نص المقالات")
    if undated:
        notes.append(f"أحداث بلا تاريخ لم تُرسم: {undated}")
    return (f'<figure class="timeline"><svg role="img" '
            f'viewBox="0 {-top_pad} {WIDTH} {height + top_pad}" '
            f'aria-label="{_e(name)}"><title>{_e(name)}</title>{axis}'
            f'{"".join(labels)}{"".join(dots)}</svg>'
            f'<figcaption class="muted">{_e("؛ ".join(notes))}</figcaption></figure>')

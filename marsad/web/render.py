"""HTML pieces the templates cannot make by themselves, each built from escaped text only:
an article's text with its stored spans marked, the plot of an entity's mentions over time,
the home page's ranking of stories, links that are safe to follow.

Every string from the store goes through `html.escape` here (templates autoescape the rest);
the result is wrapped in `Markup` only after that.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from marsad.ingest.outlets import author_line, is_opinion, outlet_name

ENTITY_TYPE_NAMES = {"PER": "شخص", "ORG": "منظمة", "LOC": "مكان", "MISC": "أخرى"}
QUOTE_KIND_NAMES = {"direct": "مباشر", "indirect": "غير مباشر"}


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def article_url(doc_id: str, start: int | None = None, end: int | None = None,
                sentence: int | None = None) -> str:
    """/article/ID (the id percent-encoded whole), optionally with the cited span to mark
    (`hl=start-end`) and the sentence to jump to (`#sN`)."""
    url = "/article/" + quote(doc_id, safe="")
    if start is not None and end is not None:
        url += f"?hl={int(start)}-{int(end)}"
    if sentence is not None:
        url += f"#s{int(sentence)}"
    return url


def safe_href(url: str | None) -> str | None:
    """The url when it is an http(s) address (a `javascript:` or `data:` one is never a link)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# ----------------------------------------------------------------------------- article text
@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    rank: int                  # nesting order: quote outside, mention, quantity, cited inside
    open_tag: str
    close_tag: str


def _marks(doc: Mapping[str, Any], cited: tuple[int, int] | None) -> list[_Mark]:
    marks: list[_Mark] = []
    for q in doc.get("quotes", ()):
        who = q.get("speaker_name") or q.get("speaker_text") or "متحدث غير معروف"
        kind = QUOTE_KIND_NAMES.get(q.get("kind"), q.get("kind") or "")
        marks.append(_Mark(q["start"], q["end"], 0,
                           f'<span class="quote" title="{e(f"{kind} — {who}")}">', "</span>"))
    for m in doc.get("mentions", ()):
        label = ENTITY_TYPE_NAMES.get(m.get("type"), m.get("type") or "")
        css = f'ent ent-{e(m.get("type") or "X")}'
        if m.get("entity"):
            marks.append(_Mark(m["start"], m["end"], 1,
                               f'<a class="{css}" href="/entity/{e(m["entity"])}" '
                               f'title="{e(label)}">', "</a>"))
        else:
            marks.append(_Mark(m["start"], m["end"], 1,
                               f'<span class="{css}" title="{e(label)}">', "</span>"))
    for q in doc.get("quantities", ()):
        value = q.get("value")
        tip = f"{value} {q.get('unit') or ''}".strip() if value is not None else "عدد"
        marks.append(_Mark(q["start"], q["end"], 2, f'<span class="qty" title="{e(tip)}">',
                           "</span>"))
    if cited is not None:
        marks.append(_Mark(cited[0], cited[1], 3, '<mark class="cited">', "</mark>"))
    return marks


def _segment(text: str, lo: int, hi: int, marks: Sequence[_Mark]) -> str:
    """text[lo:hi] with every mark clipped to it; a mark crossing another is split into
    pieces so the tags always nest."""
    inside = [m for m in marks if m.start < hi and m.end > lo and m.start < m.end]
    cuts = sorted({lo, hi, *(max(lo, m.start) for m in inside), *(min(hi, m.end) for m in inside)})
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        active = sorted((m for m in inside if m.start <= a and m.end >= b), key=lambda m: m.rank)
        parts.append("".join(m.open_tag for m in active) + e(text[a:b])
                     + "".join(m.close_tag for m in reversed(active)))
    return "".join(parts)


def article_html(doc: Mapping[str, Any], cited: tuple[int, int] | None = None) -> Markup:
    """The article's text, sentence by sentence (`<span id="sN" class="s">`, the targets of
    citations), with quotes, entity mentions (linked to their page), quantities and the cited
    span marked. Offsets outside the text are dropped."""
    text: str = doc.get("text") or ""
    n = len(text)
    marks = [m for m in _marks(doc, cited) if 0 <= m.start < m.end <= n]
    sentences = sorted((s for s in doc.get("sentences", ()) if 0 <= s["start"] < s["end"] <= n),
                       key=lambda s: s["start"])
    parts, position = [], 0
    for s in sentences:
        if s["start"] < position:
            continue
        parts.append(_segment(text, position, s["start"], marks))
        parts.append(f'<span class="s" id="s{int(s["n"])}">'
                     f'{_segment(text, s["start"], s["end"], marks)}</span>')
        position = s["end"]
    parts.append(_segment(text, position, n, marks))
    return Markup("".join(parts))


# ----------------------------------------------------------------------------- plots
def mentions_svg(points: Sequence[tuple[str, int]], title: str) -> Markup:
    """Mentions per day as bars, time running right (earliest) to left, as the page reads."""
    days = []
    for day, count in points:
        try:
            days.append((date.fromisoformat(day[:10]), int(count)))
        except (TypeError, ValueError):
            continue
    if not days:
        return Markup('<p class="muted">لا توجد إشارات مؤرخة.</p>')
    first, last = days[0][0], days[-1][0]
    span = max(1, (last - first).days + 1)
    width, height, pad = 720, 160, 30
    bar = max(1.0, (width - 2 * pad) / span - 1)
    top = max(c for _, c in days)
    bars = []
    for day, count in days:
        x = width - pad - ((day - first).days + 1) * (width - 2 * pad) / span
        h = max(1.0, count / top * (height - 2 * pad))
        bars.append(f'<rect class="bar" x="{x:.1f}" y="{height - pad - h:.1f}" '
                    f'width="{bar:.1f}" height="{h:.1f}"><title>{e(day.isoformat())}: '
                    f'{count}</title></rect>')
    labels = (f'<text class="date" x="{width - pad}" y="{height - 8}" text-anchor="end" '
              f'direction="ltr">{e(first.isoformat())}</text>'
              f'<text class="date" x="{pad}" y="{height - 8}" text-anchor="start" '
              f'direction="ltr">{e(last.isoformat())}</text>'
              f'<text class="date" x="{width - pad}" y="14" text-anchor="end">'
              f'الأعلى: {top} في اليوم</text>')
    name = f"الإشارات إلى {title} عبر الزمن"
    return Markup(f'<figure class="plot"><svg role="img" viewBox="0 0 {width} {height}" '
                  f'aria-label="{e(name)}"><title>{e(name)}</title>'
                  f'<line class="axis" x1="{pad}" y1="{height - pad}" x2="{width - pad}" '
                  f'y2="{height - pad}"/>{"".join(bars)}{labels}</svg>'
                  f'<figcaption class="muted">الأقدم يمينًا والأحدث يسارًا؛ '
                  f'عدد الأيام: {len(days)}</figcaption></figure>')


# ----------------------------------------------------------------------------- home ranking
@dataclass
class RankedItem:
    """One line of the home page: a story (or an event outside stories) in the period."""

    key: str                          # S<n> or V<n>
    title: str
    outlets: list[str] = field(default_factory=list)   # Arabic names, distinct
    events: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0
    single: dict[str, Any] | None = None   # the one article of a single-article item
    opinion: bool = False

    @property
    def url(self) -> str:
        return f"/story/{self.key}" if self.key.startswith("S") else f"/event/{self.key}"


def rank_period(events: Iterable[Mapping[str, Any]], story_rows: Mapping[int, Mapping[str, Any]]
                ) -> list[RankedItem]:
    """Stories of the period's events ranked by the distinct outlets reporting them (one outlet
    counted once whatever its spelling), then articles, then recency."""
    items: dict[str, RankedItem] = {}
    for ev in events:
        story = ev.get("story")
        key = f"S{story + 1}" if story is not None else ev["id"]
        item = items.get(key)
        if item is None:
            title = (story_rows.get(story, {}).get("title") if story is not None else None)
            item = items[key] = RankedItem(key, title or ev["title"])
        item.events.append(dict(ev))
        item.documents += int(ev.get("documents") or 0)
        for source in ev.get("sources") or ():
            name = outlet_name(source)
            if name not in item.outlets:
                item.outlets.append(name)
    ranked = sorted(items.values(), key=lambda i: (-len(i.outlets), -i.documents,
                                                   -max((_event_number(x) for x in i.events))))
    for item in ranked:
        item.events.sort(key=lambda x: (-len(x.get("sources") or ()), -int(x["documents"] or 0)))
    return ranked


def _event_number(event: Mapping[str, Any]) -> int:
    return int(str(event["id"])[1:])


def classify_singles(items: Sequence[RankedItem], articles: Mapping[int, Mapping[str, Any]]
                     ) -> None:
    """Attach the one article to single-article items and tell opinion columns from news."""
    for item in items:
        if item.documents != 1 or len(item.events) != 1:
            continue
        doc = articles.get(_event_number(item.events[0]) - 1)
        if doc is None:
            continue
        item.single = dict(doc)
        author = author_line(doc.get("byline"), doc.get("dateline") or doc.get("agency"))
        item.opinion = is_opinion(doc.get("url"), author, doc.get("title"))

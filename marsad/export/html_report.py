"""The HTML report: one self-contained, right-to-left page over an Analysis.

`write_html(analysis, out_dir)` writes out_dir/index.html: CSS inlined from report.css, no
script, no external request of any kind, so the file can be mailed or opened offline. Every
string from the data is HTML-escaped; ids become attribute-safe anchors with `anchor_key`.

Anchors: `doc-<key>` for an article and `doc-<key>-<start>` for each of its sentences (so a
summary's citation jumps to the exact sentence and CSS :target highlights it); `evt-`, `story-`,
`ent-` and `quote-` for the rest. The page is built in one pass over indexes by id, so it stays
linear in the size of the analysis.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from marsad.export.json_contract import generator_version, open_atomic
from marsad.export.timeline_svg import timeline_svg
from marsad.ingest.outlets import author_line, is_opinion, outlet_name
from marsad.types import (Analysis, Comparison, Document, Entity, Event, Finding, Quote, Span, Story,
                          Summary)

ENTITY_TYPE_NAMES = {"PER": "شخص", "ORG": "منظمة", "LOC": "مكان", "MISC": "أخرى"}
QUOTE_KIND_NAMES = {"direct": "مباشر", "indirect": "غير مباشر"}
MAX_LINKED_DOCUMENTS = 8  # per entity row: more would turn the table into a wall of links

_SAFE_ID_CHAR = re.compile(r"[A-Za-z0-9_]")


def e(value: object) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def anchor_key(value: str) -> str:
    """An injective, attribute- and URL-safe form of an id: [A-Za-z0-9_] kept, others .hex.

    "-" is encoded too, so "doc-<key>-<start>" can never collide with another article's
    "doc-<key>".
    """
    return "".join(c if _SAFE_ID_CHAR.fullmatch(c) else f".{ord(c):x}." for c in value)


def doc_anchor(doc_id: str) -> str:
    return f"doc-{anchor_key(doc_id)}"


def sentence_anchor(doc_id: str, start: int) -> str:
    return f"doc-{anchor_key(doc_id)}-{start}"


def format_number(value: float | int) -> str:
    """Western digits with thousands separators (as most Arabic outlets print them); "—" if NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _bdi(value: str, ltr: bool = False) -> str:
    """Latin or mixed content (paths, ids, dates) isolated so it does not scramble the RTL line."""
    return f'<bdi dir="{"ltr" if ltr else "auto"}">{e(value)}</bdi>'


def _date(value: str | None) -> str:
    return f'<time datetime="{e(value)}">{_bdi(value, ltr=True)}</time>' if value else "—"


@dataclass
class _Index:
    """Everything the page looks up by id, built once."""

    analysis: Analysis
    documents: dict[str, Document] = field(default_factory=dict)
    sentence_spans: dict[str, list[Span]] = field(default_factory=dict)
    sentence_starts: dict[str, list[int]] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    summaries: dict[str, Summary] = field(default_factory=dict)
    story_summaries: dict[str, Summary] = field(default_factory=dict)
    comparisons: dict[tuple[str, str], Comparison] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for doc in self.analysis.documents:
            if doc.id not in self.documents:  # ids are unique in a valid analysis; first wins
                self.documents[doc.id] = doc
                self.sentence_spans[doc.id] = _clean_spans(doc)
                self.sentence_starts[doc.id] = [span.start for span in self.sentence_spans[doc.id]]
        self.events = {event.id: event for event in reversed(self.analysis.events)}
        self.entities = {entity.id: entity for entity in reversed(self.analysis.entities)}
        for summary in reversed(self.analysis.summaries):
            if summary.story is not None:
                self.story_summaries[summary.story] = summary
            elif summary.event is not None:
                self.summaries[summary.event] = summary
        for comparison in reversed(self.analysis.comparisons):
            key = (("story", comparison.story) if comparison.story is not None
                   else ("event", comparison.event or ""))
            self.comparisons[key] = comparison

    def doc_label(self, doc_id: str) -> str:
        doc = self.documents.get(doc_id)
        return (doc.title or doc.id) if doc else doc_id

    def doc_link(self, doc_id: str, offset: int | None = None) -> str:
        """A link to the article (or to its sentence holding `offset`); plain text if unknown."""
        text = e(self.doc_label(doc_id))
        if doc_id not in self.documents:
            return f'<span class="missing" title="not in this analysis">{text}</span>'
        return f'<a href="#{self.offset_anchor(doc_id, offset)}">{text}</a>'

    def offset_anchor(self, doc_id: str, offset: int | None) -> str:
        """The sentence anchor holding `offset`, or the article's anchor when no sentence does."""
        starts = self.sentence_starts[doc_id]
        position = bisect_right(starts, offset) - 1 if offset is not None else -1
        if position >= 0 and offset < self.sentence_spans[doc_id][position].end:
            return sentence_anchor(doc_id, starts[position])
        return doc_anchor(doc_id)


def _clean_spans(doc: Document) -> list[Span]:
    """Sentence spans that can be rendered: inside the text, non-empty, ordered, not overlapping."""
    spans, last_end = [], 0
    for span in sorted(doc.sentences, key=lambda s: (s.start, s.end)):
        if last_end <= span.start < span.end <= len(doc.text):
            spans.append(span)
            last_end = span.end
    return spans


def _overview(analysis: Analysis) -> str:
    copies = sum(1 for doc in analysis.documents if doc.duplicate_of)
    sources = {outlet_name(doc.source) for doc in analysis.documents if doc.source}
    counts = [("مقالات", len(analysis.documents)), ("نسخ مكررة", copies), ("مصادر", len(sources)),
              ("أحداث", len(analysis.events)), ("قصص", len(analysis.stories)),
              ("كيانات", len(analysis.entities)), ("اقتباسات", len(analysis.quotes)),
              ("أعداد وكميات", len(analysis.quantities)), ("مدخلات مرفوضة", len(analysis.rejected))]
    parts = ['<section id="overview"><h2>نظرة عامة</h2><ul class="counts">']
    parts += [f'<li><b class="num">{format_number(n)}</b>{e(label)}</li>' for label, n in counts]
    parts.append("</ul>")
    if analysis.rejected:
        parts.append('<h3>مدخلات مرفوضة</h3><table><thead><tr><th>المدخل</th><th>الرمز</th>'
                     "<th>السبب</th></tr></thead><tbody>")
        parts += [f"<tr><td>{_bdi(r.input, ltr=True)}</td><td>{_bdi(r.code, ltr=True)}</td>"
                  f"<td>{_bdi(r.reason)}</td></tr>" for r in analysis.rejected]
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "".join(parts)


def _summary(index: _Index, summary: Summary, heading: str = "الملخص") -> str:
    parts = [f'<h4>{e(heading)}</h4><ol class="summary">']
    for sentence in summary.sentences:
        links = []
        for citation in sentence.citations:
            doc = index.documents.get(citation.doc)
            label = (outlet_name(doc.source) if doc.source else doc.id) if doc else citation.doc
            if doc is None:
                links.append(f'<span class="missing cite">[{e(label)}]</span>')
            else:
                target = index.offset_anchor(citation.doc, citation.start)
                title = e(index.doc_label(doc.id))
                links.append(f'<a class="cite" href="#{target}" title="{title}">[{e(label)}]</a>')
        repaired = (' <span class="muted" title="أضيف اسم المتحدث إلى الجملة">(مُعدّلة)</span>'
                    if sentence.repaired else "")
        parts.append(f"<li>{e(sentence.text)}{repaired}{''.join(links)}</li>")
    parts.append("</ol>")
    return "".join(parts)


FINDING_NAMES = {"quantity": "أرقام مختلفة", "quote": "اقتباس في مصدر واحد فقط",
                 "entity": "طرف يسميه مصدر واحد فقط"}
AGREEMENT_NAMES = {"quantity": "رقم", "quote": "اقتباس", "entity": "كيان"}
MAX_FINDINGS = 12  # per list: the rest are counted, not shown


def _outlet_name(source: str | None) -> str:
    return outlet_name(source)


def _finding(index: _Index, finding: Finding, names: dict[str, str]) -> str:
    subject = finding.subject
    if finding.kind == "entity" and subject in index.entities:
        subject = index.entities[subject].name
    elif finding.kind == "quote" and subject in index.entities:
        subject = index.entities[subject].name
    said = "، ".join(
        f'<a href="#{index.offset_anchor(ev.doc, ev.start)}" title="{e(index.doc_label(ev.doc))}">'
        f"{e(_outlet_name(ev.source))}: {e(ev.text)}</a>"
        for ev in finding.evidence if ev.doc in index.documents)
    return (f'<li><b>{e(names.get(finding.kind, finding.kind))}</b>'
            f'{f" ({e(subject)})" if subject else ""}: {said}</li>')


def _findings(index: _Index, findings: tuple[Finding, ...], css: str, heading: str,
              names: dict[str, str]) -> str:
    if not findings:
        return ""
    # Numbers first: they are what a desk checks before publishing.
    ordered = sorted(findings, key=lambda f: ("quantity", "entity", "quote").index(f.kind)
                     if f.kind in ("quantity", "entity", "quote") else 3)
    items = "".join(_finding(index, f, names) for f in ordered[:MAX_FINDINGS])
    more = (f'<li class="muted">و{format_number(len(ordered) - MAX_FINDINGS)} أخرى</li>'
            if len(ordered) > MAX_FINDINGS else "")
    return f'<h5>{e(heading)}</h5><ul class="{css}">{items}{more}</ul>'


def _comparison(index: _Index, comparison: Comparison) -> str:
    """A table with one row per outlet, then where they differ (highlighted) and agree."""
    parts = ['<div class="comparison"><h4>المقارنة بين المصادر</h4><table><thead><tr>'
             "<th>المصدر</th><th>أول نشر</th><th>المقالات</th><th>الأرقام</th>"
             "<th>الاقتباسات</th><th>أبرز الكيانات</th></tr></thead><tbody>"]
    for outlet in comparison.outlets:
        figures = "، ".join(e(q.text) for q in outlet.quantities[:8])
        if len(outlet.quantities) > 8:
            figures += f' <span class="muted">(+{format_number(len(outlet.quantities) - 8)})</span>'
        names = "، ".join(f'<a href="#ent-{anchor_key(entity_id)}">'
                         f"{e(index.entities[entity_id].name)}</a>"
                         for entity_id in outlet.entities if entity_id in index.entities)
        docs = "، ".join(index.doc_link(doc_id) for doc_id in outlet.documents)
        parts.append(f"<tr><td>{e(_outlet_name(outlet.source))}</td>"
                     f"<td>{_date(outlet.first_report)}</td><td>{docs}</td>"
                     f"<td>{figures or '—'}</td>"
                     f'<td class="num">{format_number(len(outlet.quotes))}</td>'
                     f"<td>{names or '—'}</td></tr>")
    parts.append("</tbody></table>")
    parts.append(_findings(index, comparison.disagreements, "disagreements",
                           "نقاط الاختلاف", FINDING_NAMES))
    parts.append(_findings(index, comparison.agreements, "agreements",
                           "ما يتفق عليه أكثر من مصدر", AGREEMENT_NAMES))
    parts.append("</div>")
    return "".join(parts)


def _event(index: _Index, event: Event) -> str:
    outlets = list(dict.fromkeys(outlet_name(source) for source in event.sources))
    sources = "".join(f'<span class="pill">{e(name)}</span>' for name in outlets)
    parts = [f'<div class="card event" id="evt-{anchor_key(event.id)}">'
             f"<h4>{e(event.title)}</h4>"
             f'<p class="meta"><span>التاريخ: {_date(event.date)}</span>'
             f"<span>مصادر مستقلة: {format_number(len(outlets))}</span>"
             f"<span>مقالات: {format_number(len(event.documents))}</span></p>"]
    if sources:
        parts.append(f"<p>{sources}</p>")
    parts.append("<ul>")
    for doc_id in event.documents:
        doc = index.documents.get(doc_id)
        note = ""
        if doc is not None:
            note = f' <span class="muted">{e(outlet_name(doc.source))}</span>'
            if doc.duplicate_of:
                note += ' <span class="dup">(نسخة)</span>'
        parts.append(f"<li>{index.doc_link(doc_id)}{note}</li>")
    parts.append("</ul>")
    if event.id in index.summaries:
        parts.append(_summary(index, index.summaries[event.id]))
    if ("event", event.id) in index.comparisons:
        parts.append(_comparison(index, index.comparisons[("event", event.id)]))
    parts.append("</div>")
    return "".join(parts)


@dataclass
class _Item:
    """One entry of the ranked list: a story, or an event outside every story."""

    order: int
    story: Story | None
    events: list[Event]
    outlets: list[str] = field(default_factory=list)
    documents: int = 0


def _ranked_items(index: _Index) -> list[_Item]:
    """Stories (and events outside stories) ranked as the web app's home page ranks them: by
    the distinct outlets reporting them (one outlet counted once whatever its spelling), then
    articles, then the order of the analysis."""
    analysis = index.analysis
    items: list[_Item] = []
    in_story: set[str] = set()
    for story in analysis.stories:
        events = [index.events[x] for x in story.events if x in index.events]
        in_story.update(story.events)
        items.append(_Item(len(items), story, events))
    for event in analysis.events:
        if event.id not in in_story:
            items.append(_Item(len(items), None, [event]))
    for item in items:
        for event in item.events:
            item.documents += len(event.documents)
            for source in event.sources:
                name = outlet_name(source)
                if name not in item.outlets:
                    item.outlets.append(name)
    return sorted(items, key=lambda i: (-len(i.outlets), -i.documents, i.order))


def _single_document(index: _Index, item: _Item) -> Document | None:
    """The one article of an item made of one event with one article, else None."""
    if len(item.events) != 1 or len(item.events[0].documents) != 1:
        return None
    return index.documents.get(item.events[0].documents[0])


def _is_opinion(doc: Document) -> bool:
    author = author_line(doc.byline, doc.dateline or doc.metadata.get("agency"))
    return is_opinion(doc.metadata.get("url") or doc.path, author, doc.title)


def _item(index: _Index, item: _Item, shown: set[str]) -> str:
    analysis = index.analysis
    story = item.story
    if story is None:
        shown.add(item.events[0].id)
        return _event(index, item.events[0])
    parts = [f'<article class="card story" id="story-{anchor_key(story.id)}">'
             f"<h3>{e(story.title)}</h3>"
             f'<p class="meta"><span>مصادر مستقلة: {format_number(len(item.outlets))}</span>'
             f"<span>أحداث: {format_number(len(story.events))}</span>"
             f"<span>مقالات: {format_number(item.documents)}</span></p>",
             timeline_svg(story, index.events, analysis.timeline,
                          lambda event_id: f"evt-{anchor_key(event_id)}")]
    if story.id in index.story_summaries:
        parts.append(_summary(index, index.story_summaries[story.id], "ملخص القصة"))
    if ("story", story.id) in index.comparisons:
        parts.append(_comparison(index, index.comparisons[("story", story.id)]))
    for event_id in story.events:
        event = index.events.get(event_id)
        if event is None:
            parts.append(f'<p class="missing">{e(event_id)}</p>')
        elif event.id in shown:
            parts.append(f'<p><a href="#evt-{anchor_key(event.id)}">{e(event.title)}</a></p>')
        else:
            shown.add(event.id)
            parts.append(_event(index, event))
    parts.append("</article>")
    return "".join(parts)


def _folded(index: _Index, items: list[_Item], heading: str, css: str,
            shown: set[str]) -> str:
    """Single-article items in a closed <details> (opens without script)."""
    if not items:
        return ""
    return (f'<details class="folded {css}"><summary>{heading} '
            f"({format_number(len(items))})</summary>"
            + "".join(_item(index, item, shown) for item in items) + "</details>")


def _events(index: _Index) -> str:
    """Stories ranked by independent outlets; items of a single article folded away below
    them, opinion columns apart from news (the baseline cues of `is_opinion`)."""
    analysis = index.analysis
    parts = ['<section id="events"><h2>الأحداث والقصص</h2>']
    shown: set[str] = set()
    main: list[_Item] = []
    singles: list[_Item] = []
    opinion: list[_Item] = []
    for item in _ranked_items(index):
        doc = _single_document(index, item)
        if doc is None:
            main.append(item)
        elif _is_opinion(doc):
            opinion.append(item)
        else:
            singles.append(item)
    parts.extend(_item(index, item, shown) for item in main)
    parts.append(_folded(index, singles, "أخبار من مقال واحد", "singles", shown))
    parts.append(_folded(index, opinion, "مقالات رأي", "opinion", shown))
    if not analysis.events:
        parts.append('<p class="muted">لا توجد أحداث.</p>')
    parts.append("</section>")
    return "".join(parts)


def _entities(index: _Index) -> str:
    parts = ['<section id="entities"><h2>الكيانات</h2>']
    if not index.analysis.entities:
        return "".join(parts) + '<p class="muted">لا توجد كيانات.</p></section>'
    parts.append("<table><thead><tr><th>الاسم</th><th>النوع</th><th>الصيغ</th><th>الإشارات</th>"
                 "<th>المقالات</th></tr></thead><tbody>")
    ordered = sorted(index.analysis.entities, key=lambda entity: -len(entity.mentions))
    seen_ids: set[str] = set()
    for entity in ordered:
        doc_ids = list(dict.fromkeys(mention.doc for mention in entity.mentions))
        links = "، ".join(index.doc_link(doc_id) for doc_id in doc_ids[:MAX_LINKED_DOCUMENTS])
        if len(doc_ids) > MAX_LINKED_DOCUMENTS:
            more = format_number(len(doc_ids) - MAX_LINKED_DOCUMENTS)
            links += f' <span class="muted">و{more} أخرى</span>'
        row_id = "" if entity.id in seen_ids else f' id="ent-{anchor_key(entity.id)}"'
        seen_ids.add(entity.id)
        parts.append(f'<tr{row_id}><td class="name">{e(entity.name)}</td>'
                     f"<td>{e(ENTITY_TYPE_NAMES.get(entity.type, entity.type))}</td>"
                     f"<td>{'، '.join(e(alias) for alias in entity.aliases)}</td>"
                     f'<td class="num">{format_number(len(entity.mentions))}</td>'
                     f"<td>{links}</td></tr>")
    parts.append("</tbody></table></section>")
    return "".join(parts)


def _speaker_key(quote: Quote, index: _Index) -> tuple[str, str]:
    if quote.speaker and quote.speaker in index.entities:
        return ("entity", quote.speaker)
    return ("text", quote.speaker_text or "")


def _quotes(index: _Index) -> str:
    parts = ['<section id="quotes"><h2>الاقتباسات حسب المتحدث</h2>']
    groups: dict[tuple[str, str], list[Quote]] = defaultdict(list)
    for quote in index.analysis.quotes:
        groups[_speaker_key(quote, index)].append(quote)
    if not groups:
        parts.append('<p class="muted">لا توجد اقتباسات.</p>')
    seen_ids: set[str] = set()
    for (kind, key), quotes in sorted(groups.items(), key=lambda item: -len(item[1])):
        if kind == "entity":
            speaker = (f'<a href="#ent-{anchor_key(key)}">{e(index.entities[key].name)}</a>')
        elif key:
            speaker = f'{e(key)} <span class="muted">(غير محدد)</span>'
        else:
            speaker = '<span class="muted">متحدث غير معروف</span>'
        parts.append(f'<div class="card speaker"><h3>{speaker} '
                     f'<span class="pill num">{format_number(len(quotes))}</span></h3>')
        for quote in quotes:
            quote_id = "" if quote.id in seen_ids else f' id="quote-{anchor_key(quote.id)}"'
            seen_ids.add(quote.id)
            as_named = (f"<span>بلفظ المقال: {e(quote.speaker_text)}</span>"
                        if kind == "entity" and quote.speaker_text else "")
            parts.append(
                f"<blockquote{quote_id}>«{e(quote.text)}»"
                f'<p class="meta"><span>{e(QUOTE_KIND_NAMES.get(quote.kind, quote.kind))}</span>'
                f"<span>فعل القول: {e(quote.cue or '—')}</span>{as_named}"
                f"<span>{index.doc_link(quote.doc, quote.start)}</span></p></blockquote>")
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _quantities(index: _Index) -> str:
    parts = ['<section id="quantities"><h2>الأعداد والكميات</h2>']
    if not index.analysis.quantities:
        return "".join(parts) + '<p class="muted">لا توجد أعداد.</p></section>'
    parts.append("<table><thead><tr><th>النص</th><th>القيمة</th><th>الوحدة</th><th>المقال</th>"
                 "</tr></thead><tbody>")
    parts += [f'<tr><td>{e(q.text)}</td><td class="num">{format_number(q.value)}</td>'
              f"<td>{e(q.unit or '—')}</td><td>{index.doc_link(q.doc, q.start)}</td></tr>"
              for q in index.analysis.quantities]
    parts.append("</tbody></table></section>")
    return "".join(parts)


def _article_text(doc: Document, spans: list[Span]) -> str:
    parts, position = [], 0
    for span in spans:
        parts.append(e(doc.text[position:span.start]))
        parts.append(f'<span class="s" id="{sentence_anchor(doc.id, span.start)}">'
                     f"{e(doc.text[span.start:span.end])}</span>")
        position = span.end
    parts.append(e(doc.text[position:]))
    return "".join(parts)


def _article(index: _Index, doc: Document) -> str:
    meta = [f"<span>المصدر: {e(outlet_name(doc.source) if doc.source else '—')}</span>",
            f"<span>التاريخ: {_date(doc.published)}</span>"]
    if doc.dateline:
        meta.append(f"<span>مكان الخبر: {e(doc.dateline)}</span>")
    if doc.byline:
        meta.append(f"<span>الكاتب: {e(doc.byline)}</span>")
    if doc.path:
        meta.append(f"<span>الملف: {_bdi(doc.path, ltr=True)}</span>")
    meta.append(f"<span>المعرّف: {_bdi(doc.id, ltr=True)}</span>")
    parts = [f'<article class="card doc" id="{doc_anchor(doc.id)}">'
             f"<h3>{e(doc.title or '(بلا عنوان)')}</h3>"
             f'<p class="meta">{"".join(meta)}</p>']
    if doc.duplicate_of:
        parts.append(f'<p class="dup">نسخة من: {index.doc_link(doc.duplicate_of)}</p>')
    if doc.removed:
        items = "".join(f"<li>{_bdi(piece)}</li>" for piece in doc.removed)
        parts.append(f"<details><summary>ما أزيل من المقال ({format_number(len(doc.removed))})"
                     f"</summary><ul>{items}</ul></details>")
    direction = 'dir="rtl"' if doc.language == "ar" else 'dir="auto"'
    parts.append(f'<div class="doc-text" lang="{e(doc.language)}" {direction}>'
                 f"{_article_text(doc, index.sentence_spans[doc.id])}</div></article>")
    return "".join(parts)


def _articles(index: _Index) -> str:
    parts = ['<section id="articles"><h2>المقالات</h2>']
    parts += [_article(index, doc) for doc in index.documents.values()]
    if not index.documents:
        parts.append('<p class="muted">لا توجد مقالات.</p>')
    parts.append("</section>")
    return "".join(parts)


def _css() -> str:
    return resources.files("marsad.export").joinpath("report.css").read_text("utf-8")


def render_html(analysis: Analysis) -> str:
    """The whole report page as a string (see `write_html`)."""
    index = _Index(analysis)
    nav = [("overview", "نظرة عامة"), ("events", "الأحداث"), ("entities", "الكيانات"),
           ("quotes", "الاقتباسات"), ("quantities", "الأعداد"), ("articles", "المقالات")]
    return "".join([
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="marsad">'
        f"<title>تقرير مرصد</title><style>{_css()}</style></head><body>",
        '<header class="top"><h1>مرصد — تقرير التحليل</h1>'
        f'<p class="meta"><span>المقالات: {format_number(len(analysis.documents))}</span>'
        f"<span>الأحداث: {format_number(len(analysis.events))}</span>"
        f"<span>القصص: {format_number(len(analysis.stories))}</span></p></header>",
        '<nav class="sections">' + "".join(f'<a href="#{anchor}">{label}</a>'
                                           for anchor, label in nav) + "</nav><main>",
        _overview(analysis), _events(index), _entities(index), _quotes(index),
        _quantities(index), _articles(index),
        f"</main><footer>أنشأه مرصد {_bdi(generator_version(), ltr=True)}</footer></body></html>\n",
    ])


def write_html(analysis: Analysis, out_dir: Path) -> Path:
    """Write the self-contained report to out_dir/index.html (atomically) and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    with open_atomic(path) as handle:
        handle.write(render_html(analysis))
    return path

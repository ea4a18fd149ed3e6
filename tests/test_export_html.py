"""The HTML report: self-contained, right-to-left, escaped, and every internal link lands."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builders import (
    build_analysis, build_document, build_entity, build_event, build_quantity, build_quote,
    build_story, build_summary, cite, sample_analysis,
)
from marsad.export.html_report import (
    anchor_key, doc_anchor, format_number, render_html, sentence_anchor, write_html,
)
from marsad.types import Analysis, Citation, Rejection, TimelineEntry

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """What the tests look at: tags, attributes, ids, links, and the text of each article body."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self.links: list[tuple[str, set[str]]] = []   # (href, classes)
        self.bodies: dict[str, str] = {}              # article anchor -> text of its doc-text div
        self._article: str | None = None
        self._body_depth = 0
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        self.attributes += list(values.items())
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "a" and "href" in values:
            self.links.append((values["href"], set(values.get("class", "").split())))
        if tag == "article" and "doc" in values.get("class", "").split():
            self._article = values["id"]
        if self._body_depth:
            self._body_depth += 1
        elif tag == "div" and "doc-text" in values.get("class", "").split():
            self._body_depth = 1
            self.bodies[self._article or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._body_depth:
            self._body_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._body_depth and self._article is not None:
            self.bodies[self._article] += data


@pytest.fixture(scope="module")
def sample_page() -> tuple[Analysis, str, Page]:
    analysis = sample_analysis()
    markup = render_html(analysis)
    return analysis, markup, Page(markup)


def hostile_analysis() -> Analysis:
    """Payloads in every place data reaches the page: text, titles, names, ids, paths."""
    doc = build_document(f"قال المتحدث {SCRIPT} ثم أضاف {BREAKOUT} في البيان. وانتهى الاجتماع.",
                         id=f"d{BREAKOUT}", title=f"عنوان {SCRIPT}", source=BREAKOUT,
                         path=f"inbox/{SCRIPT}.txt", byline=BREAKOUT, dateline=SCRIPT,
                         removed=[SCRIPT], published=BREAKOUT, language=BREAKOUT)
    copy = build_document("نص منسوخ.", id=SCRIPT, title=BREAKOUT, duplicate_of=doc.id)
    speaker = build_entity(f"E{BREAKOUT}", "المتحدث", [doc], aliases=[SCRIPT])
    quote = build_quote(f"Q{SCRIPT}", doc, BREAKOUT, speaker=speaker, speaker_text="المتحدث",
                        cue=SCRIPT)
    unresolved = build_quote("Q2", doc, SCRIPT, speaker_text=BREAKOUT, cue=None)
    event = build_event(f"V{BREAKOUT}", [doc, copy], title=SCRIPT, date=BREAKOUT)
    story, [event] = build_story(f"S{SCRIPT}", [event], title=BREAKOUT)
    summary = build_summary(event, [(f"ملخص {SCRIPT}", [cite(doc, 0), cite(copy, 0)])])
    return build_analysis(doc, copy, entities=[speaker], quotes=[quote, unresolved],
                          quantities=[build_quantity(doc, "المتحدث", 1, unit=SCRIPT)],
                          events=[event], stories=[story], summaries=[summary],
                          rejected=[Rejection(SCRIPT, BREAKOUT, SCRIPT)])


def test_page_is_arabic_right_to_left_utf8(sample_page: tuple[Analysis, str, Page]) -> None:
    _, markup, _ = sample_page
    assert '<html lang="ar" dir="rtl">' in markup
    assert '<meta charset="utf-8">' in markup
    assert '"Noto Naskh Arabic"' in markup and "line-height: 1.9" in markup


def test_page_makes_no_external_request(sample_page: tuple[Analysis, str, Page]) -> None:
    _, markup, page = sample_page
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    references = [value for name, value in page.attributes if name in {"src", "href", "action"}]
    references += re.findall(r"url\(\s*['\"]?([^'\")]*)", markup)
    assert references, "the page should have internal links"
    assert all(ref.startswith("#") for ref in references), references
    assert "@import" not in markup
    # An article's url is shown as text, never followed: the report must work offline.
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", markup) == []
    assert '<bdi dir="ltr">https://example.invalid/news/3</bdi>' in markup


def test_arabic_text_is_present_verbatim(sample_page: tuple[Analysis, str, Page]) -> None:
    analysis, markup, page = sample_page
    for doc in analysis.documents:
        assert page.bodies[doc_anchor(doc.id)] == doc.text  # whole body, sentence spans and all
        assert doc.title in markup
    assert "وزارة الصحة" in markup and "سليم العمري" in markup


def test_every_sentence_has_its_anchor(sample_page: tuple[Analysis, str, Page]) -> None:
    analysis, _, page = sample_page
    ids = set(page.ids)
    for doc in analysis.documents:
        assert doc_anchor(doc.id) in ids
        assert {sentence_anchor(doc.id, span.start) for span in doc.sentences} <= ids


def test_summary_citations_link_to_the_cited_sentence(
        sample_page: tuple[Analysis, str, Page]) -> None:
    analysis, _, page = sample_page
    cite_links = [href for href, classes in page.links if "cite" in classes]
    expected = [f"#{sentence_anchor(c.doc, c.start)}" for summary in analysis.summaries
                for sentence in summary.sentences for c in sentence.citations]
    assert cite_links == expected
    assert set(href[1:] for href in cite_links) <= set(page.ids)


def test_every_internal_link_lands_and_ids_are_unique(
        sample_page: tuple[Analysis, str, Page]) -> None:
    _, _, page = sample_page
    assert len(page.ids) == len(set(page.ids))
    missing = {href for href, _ in page.links if href[1:] not in set(page.ids)}
    assert not missing


def test_sections_show_what_the_analysis_holds(sample_page: tuple[Analysis, str, Page]) -> None:
    _, markup, _ = sample_page
    for section in ("overview", "events", "entities", "quotes", "quantities", "articles"):
        assert f'<section id="{section}">' in markup
    assert "inbox/broken.html" in markup and "HTML page without a main text" in markup
    assert "توسيع المستشفيات في شمال الأردن" in markup          # story title
    assert "مصادر مستقلة: 2" in markup                          # the wire copy is not a source
    assert "12,500,000" in markup and "50,000" in markup        # quantities, formatted
    assert "مصادر في الميناء" in markup and "(غير محدد)" in markup  # unresolved speaker
    assert "<details><summary>" in markup and "اضف تعليق" in markup  # removed furniture
    assert f'نسخة من: <a href="#{doc_anchor("a1_batra")}">' in markup
    assert '<bdi dir="ltr">inbox/a1_batra.txt</bdi>' in markup


def test_payloads_come_out_escaped() -> None:
    analysis = hostile_analysis()
    markup = render_html(analysis)
    page = Page(markup)
    assert "<script" not in markup.lower() and "<img" not in markup.lower()
    assert not {"script", "img"} & set(page.tags)
    assert not [name for name, _ in page.attributes if name.startswith("on")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", anchor) for anchor in page.ids)
    assert markup.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10
    doc = analysis.documents[0]
    assert page.bodies[doc_anchor(doc.id)] == doc.text
    assert not {href for href, _ in page.links if href[1:] not in set(page.ids)}


def test_citation_inside_a_sentence_links_to_that_sentence() -> None:
    doc = build_document("الجملة الأولى هنا. والجملة الثانية هناك.", id="d1")
    event = build_event("V1", [doc])
    inside = Citation("d1", doc.sentences[1].start + 3, doc.sentences[1].end)
    nowhere = Citation("gone", 0, 4)
    page = Page(render_html(build_analysis(
        doc, events=[event], summaries=[build_summary(event, [("ملخص.", [inside, nowhere])])])))
    cite_links = [href for href, classes in page.links if "cite" in classes]
    assert cite_links == [f"#{sentence_anchor('d1', doc.sentences[1].start)}"]  # unknown: no link


def test_document_without_sentences_still_renders_and_links() -> None:
    doc = build_document("نص بلا جمل معروفة", id="d1", sentences=[])
    event = build_event("V1", [doc])
    page = Page(render_html(build_analysis(
        doc, events=[event], summaries=[build_summary(event, [("ملخص.", [Citation("d1", 0, 3)])])])))
    assert page.bodies[doc_anchor("d1")] == doc.text
    assert [href for href, classes in page.links if "cite" in classes] == [f"#{doc_anchor('d1')}"]


def test_empty_analysis_renders() -> None:
    markup = render_html(build_analysis())
    assert "لا توجد أحداث" in markup and "لا توجد مقالات" in markup


def test_write_html_creates_the_directory_and_returns_index(tmp_path: Path) -> None:
    path = write_html(sample_analysis(), tmp_path / "report" / "nested")
    assert path == tmp_path / "report" / "nested" / "index.html"
    assert "سليم العمري" in path.read_text("utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]


def test_anchor_keys_never_collide() -> None:
    assert anchor_key("001_eafc6a0e") == "001_eafc6a0e"
    assert doc_anchor("a-1") != sentence_anchor("a", 1)
    keys = {anchor_key(value) for value in ["a b", "a_b", "a.b", "a-b", "a.2d.b", "أ", "ا"]}
    assert len(keys) == 7


@pytest.mark.parametrize("value, shown", [(4000, "4,000"), (4000.0, "4,000"), (12.5, "12.5"),
                                          (0.125, "0.125"), (1 / 3, "0.333"), (float("nan"), "—")])
def test_format_number(value: float, shown: str) -> None:
    assert format_number(value) == shown


def test_thousands_of_articles_render_quickly() -> None:
    docs = [build_document(f"خبر رقم {n} عن وزارة الصحة. وقال الوزير إن العمل مستمر.", id=f"n{n}",
                           title=f"خبر {n}", source=f"مصدر {n % 40}") for n in range(3000)]
    ministry = build_entity("E1", "وزارة الصحة", docs, type="ORG")
    events = [build_event(f"V{n}", docs[n * 10:(n + 1) * 10]) for n in range(300)]
    summaries = [build_summary(e, [("ملخص.", [cite(docs[n * 10], 0)])]) for n, e in enumerate(events)]
    started = time.perf_counter()
    markup = render_html(build_analysis(*docs, entities=[ministry], events=events,
                                        summaries=summaries))
    assert time.perf_counter() - started < 10
    assert markup.count('class="card doc"') == 3000


# ---- issue 5: the comparison table and story summaries --------------------------------------

def test_comparison_table_per_event_with_disagreements_highlighted() -> None:
    from test_compare import storm_comparison

    analysis, comparison = storm_comparison()
    markup = render_html(analysis)
    page = Page(markup)
    table = markup.split('<div class="comparison">', 1)[1].split("</div>", 1)[0]
    rows = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == len(comparison.outlets) == 3
    for outlet in ("أ ش أ", "الأهرام", "سبوتنيك"):
        assert outlet in table
    assert "2025-10-14T08:00:00" in table                    # first report
    disagreements = table.split('<ul class="disagreements">', 1)[1].split("</ul>", 1)[0]
    assert "أرقام مختلفة" in disagreements and "14 قتيلا" in disagreements
    assert disagreements.index("أرقام مختلفة") < disagreements.index("اقتباس")  # numbers first
    assert len(page.ids) == len(set(page.ids))
    missing = {href for href, _ in page.links if href[1:] not in set(page.ids)}
    assert not missing


def test_story_summary_and_repaired_sentence_are_shown() -> None:
    from builders import cite, sample_analysis
    from dataclasses import replace as copy_with

    from marsad.types import Summary, SummarySentence
    analysis = sample_analysis()
    story = analysis.stories[0]
    doc = analysis.documents[0]
    summary = Summary(event=None, story=story.id, sentences=(
        SummarySentence(text="أضاف العمري أن العمل بدأ.", citations=(cite(doc, 0),),
                        repaired=True),))
    markup = render_html(copy_with(analysis, summaries=analysis.summaries + (summary,)))
    assert "ملخص القصة" in markup and "أضاف العمري أن العمل بدأ." in markup
    assert "(مُعدّلة)" in markup


# ---- issue 4 item 5: the timeline plot ---------------------------------------------------------

def _story_card(markup: str, story_id: str) -> str:
    start = markup.index(f'id="story-{anchor_key(story_id)}"')
    return markup[start:markup.index("</article>", start)]


def test_story_with_two_dated_events_has_a_right_to_left_timeline(
        sample_page: tuple[Analysis, str, Page]) -> None:
    _, markup, page = sample_page
    card = _story_card(markup, "S1")
    assert card.count("<svg") == 1 and "<figure class=\"timeline\">" in card
    assert "script" not in card.lower()
    dots = re.findall(r'<a href="#(evt-[^"]+)"><circle class="dot" cx="([\d.]+)"', card)
    assert [anchor for anchor, _ in dots] == ["evt-V1", "evt-V2"]
    assert float(dots[0][1]) > float(dots[1][1])   # the earlier event is further right
    assert "2024-03-10" in card and "2024-03-12" in card
    assert "من اليمين" in card                      # the caption says which way time runs
    assert "svg" in page.tags and "circle" in page.tags


def test_timeline_uses_the_analysis_timeline_and_marks_text_dates() -> None:
    analysis = sample_analysis()
    analysis = replace(analysis, timeline=(
        TimelineEntry("S1", "V2", "2024-03-12", "text"),
        TimelineEntry("S1", "V1", "2024-03-10", "published")))
    card = _story_card(render_html(analysis), "S1")
    assert 'class="dot text-date"' in card and "النقطة المفرغة" in card


def test_no_timeline_for_a_story_with_fewer_than_two_dated_events() -> None:
    doc = build_document("خبر أول هنا.", id="d1", published="2024-03-10")
    other = build_document("خبر ثان هنا.", id="d2")
    first, second = build_event("V1", [doc], date="2024-03-10"), build_event("V2", [other])
    story, events = build_story("S1", [first, second])
    markup = render_html(build_analysis(doc, other, events=events, stories=[story]))
    assert "<svg" not in markup


def test_timeline_labels_and_tooltips_are_escaped() -> None:
    first = build_document("الخبر الأول.", id="d1", published="2024-03-10")
    second = build_document("الخبر الثاني.", id="d2", published="2024-03-11")
    events = [build_event(f"V{BREAKOUT}", [first], title=f"{SCRIPT} عنوان", date="2024-03-10"),
              build_event("V2", [second], title=BREAKOUT, date="2024-03-11")]
    story, events = build_story(f"S{SCRIPT}", events, title=SCRIPT)
    markup = render_html(build_analysis(first, second, events=events, stories=[story]))
    page = Page(markup)
    assert "<svg" in markup
    assert "<script" not in markup.lower() and "<img" not in markup.lower()
    assert not [name for name, _ in page.attributes if name.startswith("on")]
    svg = markup[markup.index("<svg"):markup.index("</svg>")]
    assert "&lt;script&gt;" in svg and "&quot;&gt;&lt;img" in svg
    assert not {href for href, _ in page.links if href[1:] not in set(page.ids)}


def _ranking_analysis() -> Analysis:
    """A story told by three outlets (listed last), one told by one outlet in two articles, a
    single news article and a single opinion column; one outlet under two spellings."""
    wide = [build_document(f"خبر العاصفة رقم {n}.", id=f"w{n}", title=f"العاصفة {n}",
                           source=source, published="2015-08-02")
            for n, source in enumerate(["okaz", "عكاظ", "الرياض", "سبق"])]
    narrow = [build_document(f"افتتاح المعرض {n}.", id=f"n{n}", title=f"المعرض {n}",
                             source="الرياض", published="2015-08-02") for n in range(2)]
    single = build_document("حادث سير في الطائف.", id="single", title="حادث الطائف",
                            source="سبق", published="2015-08-02")
    column = build_document("رأيي في التعليم.", id="column", title="التعليم أولا",
                            source="الوطن", byline="خالد السليمان", published="2015-08-02",
                            metadata={"url": "https://www.alwatan.com.sa/Articles/Detail/1"})
    story_b, (narrow_event,) = build_story("S1", [build_event("V1", narrow, title="المعرض")])
    story_a, (wide_event,) = build_story("S2", [build_event("V2", wide, title="العاصفة")])
    single_event = build_event("V3", [single], title="حادث الطائف")
    column_event = build_event("V4", [column], title="التعليم أولا")
    return build_analysis(*wide, *narrow, single, column,
                          events=[narrow_event, wide_event, single_event, column_event],
                          stories=[story_b, story_a])


def test_stories_ranked_by_independent_outlets_and_singles_folded() -> None:
    markup = render_html(_ranking_analysis())
    events = markup[markup.index('<section id="events">'):markup.index("</section>",
                                                                     markup.index('id="events"'))]
    # the story of three outlets (okaz and عكاظ are one) comes first, though listed second
    assert events.index('id="story-S2"') < events.index('id="story-S1"')
    assert "مصادر مستقلة: 3" in events and "مصادر مستقلة: 4" not in events
    folded = events[events.index('<details class="folded singles">'):]
    news, opinion = folded.split('<details class="folded opinion">')
    assert 'id="evt-V3"' in news and 'id="evt-V4"' not in news
    assert 'id="evt-V4"' in opinion and "مقالات رأي (1)" in opinion
    assert events.index('id="story-S1"') < events.index("<details")
    assert ">okaz<" not in markup and ">عكاظ<" in markup     # outlets by their Arabic names
    page = Page(markup)
    assert len(page.ids) == len(set(page.ids))

"""Test builders: small, consistent marsad records from Arabic sentences written in the test.

Every builder finds its offsets by searching the document text, so a test states *what* is in
an article and the builder works out *where*:

    doc = build_document("قال الوزير سليم العمري إن العمل بدأ. وأضاف أن الكلفة بلغت 12 مليون دينار.",
                         id="a1", source="بترا")
    minister = build_entity("E1", "سليم العمري", [doc], aliases=["العمري"])
    quote = build_quote("Q1", doc, "العمل بدأ", speaker=minister, speaker_text="الوزير سليم العمري",
                        kind="indirect", cue="قال")
    money = build_quantity(doc, "12 مليون دينار", 12_000_000, "دينار")
    event = build_event("V1", [doc], title="بدء العمل")
    summary = build_summary(event, [("بدأ العمل.", [cite(doc, 0)])])
    analysis = build_analysis(doc, entities=[minister], quotes=[quote], quantities=[money],
                              events=[event], summaries=[summary])

`sample_analysis()` is a ready-made analysis using all of them: four articles from three outlets
(one a wire copy), two events in one story, entities, quotes, quantities, summaries and a
rejected input. Builders raise ValueError when the text they are asked to find is not there.
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Iterable, Sequence
from typing import Any

from marsad.types import (
    Analysis, Citation, Document, Entity, EntityType, Event, Mention, Quantity, Quote, QuoteKind,
    Rejection, Span, Story, Summary, SummarySentence,
)

# A sentence ends at . ! ? ؟ (and a closing quote) followed by white space, or at a line break;
# so "12.5" does not end one.
_SENTENCE_END = re.compile(r"[.!?؟]+[\"»”']?(?=\s|$)|\n")


def split_sentences(text: str) -> tuple[Span, ...]:
    """Naive sentence spans (whitespace trimmed) for test documents; not marsad's splitter."""
    spans = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        left, right = start, end
        while left < right and text[left].isspace():
            left += 1
        while right > left and text[right - 1].isspace():
            right -= 1
        if left < right:
            spans.append(Span(left, right))
        start = end
    return tuple(spans)


def find_span(doc: Document, needle: str, occurrence: int = 0) -> Span:
    """The span of the `occurrence`-th (0-based) appearance of `needle` in the document's text."""
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.find(needle, start + 1)
        if start < 0:
            raise ValueError(f"{needle!r} (occurrence {occurrence}) is not in document {doc.id!r}")
    return Span(start, start + len(needle))


def build_document(text: str, *, id: str = "d1", title: str | None = None,
                   source: str | None = None, path: str | None = None,
                   dateline: str | None = None, byline: str | None = None,
                   published: str | None = None, language: str = "ar",
                   removed: Sequence[str] = (), sentences: Sequence[Span] | None = None,
                   duplicate_of: str | None = None,
                   metadata: dict[str, Any] | None = None) -> Document:
    """A cleaned article; `sentences` default to a naive split of `text` at . ! ? ؟ and newlines."""
    return Document(id=id, path=path if path is not None else f"inbox/{id}.txt", title=title,
                    source=source, dateline=dateline, byline=byline, published=published,
                    language=language, text=text, removed=tuple(removed),
                    sentences=tuple(sentences) if sentences is not None else split_sentences(text),
                    duplicate_of=duplicate_of, metadata=dict(metadata or {}))


def build_entity(id: str, name: str, documents: Iterable[Document], *, type: EntityType = "PER",
                 aliases: Sequence[str] = ()) -> Entity:
    """An entity with a mention at every occurrence of its name or an alias in the documents.

    Longer forms win where forms overlap ("سليم العمري" over "العمري"). Aliases always include
    the name.
    """
    forms = sorted({name, *aliases}, key=len, reverse=True)
    mentions: list[Mention] = []
    for doc in documents:
        taken: list[Span] = []
        for form in forms:
            start = doc.text.find(form)
            while start >= 0:
                end = start + len(form)
                if not any(s.start < end and start < s.end for s in taken):
                    taken.append(Span(start, end))
                start = doc.text.find(form, start + 1)
        mentions += [Mention(doc.id, s.start, s.end, doc.text[s.start:s.end], type)
                     for s in sorted(taken, key=lambda s: s.start)]
    if not mentions:
        raise ValueError(f"no form of entity {name!r} occurs in the given documents")
    return Entity(id=id, type=type, name=name, aliases=tuple(forms), mentions=tuple(mentions))


def build_quote(id: str, doc: Document, said: str, *, speaker: Entity | str | None = None,
                speaker_text: str | None = None, kind: QuoteKind = "direct",
                cue: str | None = "قال") -> Quote:
    """A quote of `said` (found in the document); `speaker_text` is located too when given."""
    span = find_span(doc, said)
    speaker_mention = find_span(doc, speaker_text) if speaker_text else None
    speaker_id = speaker.id if isinstance(speaker, Entity) else speaker
    return Quote(id=id, doc=doc.id, start=span.start, end=span.end, text=said, kind=kind,
                 speaker_text=speaker_text, cue=cue, speaker=speaker_id,
                 speaker_mention=speaker_mention)


def build_quantity(doc: Document, text: str, value: float, unit: str | None = None) -> Quantity:
    """A quantity whose words `text` are found in the document."""
    span = find_span(doc, text)
    return Quantity(doc=doc.id, start=span.start, end=span.end, text=text, value=float(value),
                    unit=unit)


def build_event(id: str, documents: Sequence[Document], *, title: str | None = None,
                date: str | None = None, story: str | None = None) -> Event:
    """An event over the documents; independent sources skip duplicates (wire copies)."""
    sources: list[str] = []
    for doc in documents:
        if doc.duplicate_of is None and doc.source and doc.source not in sources:
            sources.append(doc.source)
    return Event(id=id, title=title or (documents[0].title or documents[0].id),
                 documents=tuple(doc.id for doc in documents), sources=tuple(sources),
                 date=date, story=story)


def build_story(id: str, events: Sequence[Event], *, title: str | None = None) -> tuple[Story, list[Event]]:
    """A story over the events, and the events with their `story` field pointing at it."""
    story = Story(id=id, title=title or events[0].title, events=tuple(e.id for e in events))
    return story, [replace(event, story=id) for event in events]


def cite(doc: Document, sentence_index: int = 0) -> Citation:
    """A citation of one whole sentence of the document."""
    span = doc.sentences[sentence_index]
    return Citation(doc=doc.id, start=span.start, end=span.end)


def build_summary(event: Event | str, sentences: Sequence[tuple[str, Sequence[Citation]]]) -> Summary:
    """A summary of (sentence text, citations) pairs, e.g. [("...", [cite(doc, 0)])]."""
    event_id = event.id if isinstance(event, Event) else event
    return Summary(event=event_id, sentences=tuple(
        SummarySentence(text=text, citations=tuple(citations)) for text, citations in sentences))


def build_analysis(*documents: Document, entities: Sequence[Entity] = (),
                   quotes: Sequence[Quote] = (), quantities: Sequence[Quantity] = (),
                   events: Sequence[Event] = (), stories: Sequence[Story] = (),
                   summaries: Sequence[Summary] = (),
                   rejected: Sequence[Rejection] = ()) -> Analysis:
    """An Analysis holding exactly what is given (tuples, in the given order)."""
    return Analysis(documents=tuple(documents), entities=tuple(entities), quotes=tuple(quotes),
                    quantities=tuple(quantities), events=tuple(events), stories=tuple(stories),
                    summaries=tuple(summaries), rejected=tuple(rejected))


# ---------------------------------------------------------------------------------------------
# A ready-made analysis (invented news, written for these tests)

SAMPLE_MAIN = (
    "أعلنت وزارة الصحة اليوم افتتاح ثلاثة مستشفيات ميدانية في محافظة المفرق.\n"
    "وقال وزير الصحة سليم العمري إن \"المستشفيات ستخدم أكثر من 50 ألف مواطن في المنطقة\".\n"
    "وأضاف العمري أن العمل في المستشفيات بدأ قبل ستة أشهر بتمويل حكومي."
)
SAMPLE_OTHER = (
    "افتتحت وزارة الصحة ثلاثة مستشفيات في المفرق صباح اليوم. "
    "وأكد الوزير سليم العمرى أن الكلفة بلغت 12.5 مليون دينار."
)
SAMPLE_PORT = (
    "وصلت إلى ميناء العقبة شحنة من 200 جهاز تنفس اصطناعي للمستشفيات الجديدة. "
    "وقالت مصادر في الميناء إن الشحنة ستنقل إلى المفرق خلال أيام."
)


def sample_analysis() -> Analysis:
    """Four articles (three outlets, one wire copy), two events in one story, and all the rest."""
    main = build_document(SAMPLE_MAIN, id="a1_batra", title="افتتاح ثلاثة مستشفيات ميدانية في المفرق",
                          source="بترا", dateline="عمّان", published="2024-03-10",
                          removed=("عمّان-بترا", "اضف تعليق"), path="inbox/a1_batra.txt")
    other = build_document(SAMPLE_OTHER, id="a2_ghad", title="الصحة تفتتح مستشفيات المفرق",
                           source="الغد", byline="كتب: مراسل الغد", published="2024-03-10")
    copy = build_document(SAMPLE_MAIN, id="a3_copy", title="عاجل: مستشفيات جديدة في المفرق",
                          source="موقع الخبر", published="2024-03-10", duplicate_of="a1_batra",
                          path="https://example.invalid/news/3", metadata={"url_seen": 2})
    port = build_document(SAMPLE_PORT, id="a4_port", title="أجهزة تنفس تصل ميناء العقبة",
                          source="بترا", dateline="العقبة", published="2024-03-12")
    documents = (main, other, copy, port)
    minister = build_entity("E1", "سليم العمري", documents, aliases=["سليم العمرى", "العمري"])
    ministry = build_entity("E2", "وزارة الصحة", documents, type="ORG")
    mafraq = build_entity("E3", "المفرق", documents, type="LOC")
    aqaba = build_entity("E4", "العقبة", documents, type="LOC")
    quotes = (
        build_quote("Q1", main, "المستشفيات ستخدم أكثر من 50 ألف مواطن في المنطقة",
                    speaker=minister, speaker_text="وزير الصحة سليم العمري", cue="وقال"),
        build_quote("Q2", other, "الكلفة بلغت 12.5 مليون دينار", speaker=minister,
                    speaker_text="الوزير سليم العمرى", kind="indirect", cue="وأكد"),
        build_quote("Q3", port, "الشحنة ستنقل إلى المفرق خلال أيام", speaker=None,
                    speaker_text="مصادر في الميناء", kind="indirect", cue="وقالت"),
    )
    quantities = (
        build_quantity(main, "50 ألف مواطن", 50_000, "مواطن"),
        build_quantity(main, "ثلاثة مستشفيات", 3, "مستشفى"),
        build_quantity(other, "12.5 مليون دينار", 12_500_000, "دينار"),
        build_quantity(port, "200 جهاز", 200, "جهاز"),
    )
    opening = build_event("V1", [main, other, copy], title="افتتاح مستشفيات ميدانية في المفرق",
                          date="2024-03-10")
    delivery = build_event("V2", [port], title="وصول أجهزة تنفس إلى العقبة", date="2024-03-12")
    story, (opening, delivery) = build_story("S1", [opening, delivery],
                                             title="توسيع المستشفيات في شمال الأردن")
    summaries = (
        build_summary(opening, [
            ("افتتحت وزارة الصحة ثلاثة مستشفيات ميدانية في المفرق.", [cite(main, 0), cite(other, 0)]),
            ("وقال الوزير سليم العمري إن المستشفيات ستخدم أكثر من 50 ألف مواطن.", [cite(main, 1)]),
            ("وبلغت الكلفة 12.5 مليون دينار.", [cite(other, 1)]),
        ]),
        build_summary(delivery, [("وصلت إلى العقبة شحنة من 200 جهاز تنفس.", [cite(port, 0)])]),
    )
    rejected = (Rejection("inbox/broken.html", "E_NO_ARTICLE", "HTML page without a main text"),)
    return build_analysis(*documents, entities=[minister, ministry, mafraq, aqaba], quotes=quotes,
                          quantities=quantities, events=[opening, delivery], stories=[story],
                          summaries=summaries, rejected=rejected)

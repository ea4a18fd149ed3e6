"""Extractive summaries: budgets, reading order, awkward sentences, event citations."""

from __future__ import annotations

from builders import build_document, build_event

from marsad.arabic.tokens import word_tokens
from marsad.explain.summaries import REDUNDANT, summarize_document, summarize_event
from marsad.group import features
from marsad.settings import Settings
from marsad.types import DocumentAnalysis

ARTICLE = (
    "افتتح وزير النقل سليم العمري صباح اليوم الجسر الجديد فوق نهر الزرقاء بعد عامين من العمل. "
    "وأضاف أن الجسر سيختصر زمن الرحلة بين المدينتين إلى النصف تقريبا. "
    "وبلغت كلفة الجسر اثني عشر مليون دينار مولتها الحكومة بالكامل من موازنة العام الماضي. "
    "للمزيد اضغط هنا. "
    "وشارك في تنفيذ الجسر ثلاثمئة عامل ومهندس من شركات محلية خلال عامين من العمل. "
    "وحضر افتتاح الجسر عدد من النواب ورؤساء البلديات وممثلو غرفة التجارة في المدينة. "
    "وتعمل الوزارة على ثلاثة جسور مماثلة في الشمال والجنوب ستطرح عطاءاتها قريبا."
)


def spans_text(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_sentence_budget_reading_order_and_lead() -> None:
    doc = build_document(ARTICLE)
    spans = summarize_document(doc.text, doc.sentences, n_sentences=3)
    assert len(spans) == 3
    assert spans == sorted(spans, key=lambda s: s.start)
    assert spans[0] == doc.sentences[0]           # news is lead first
    assert set(spans) <= set(doc.sentences)


def test_word_budget_stops_once_reached() -> None:
    doc = build_document(ARTICLE)
    for budget in (5, 20, 40):
        spans = summarize_document(doc.text, doc.sentences, n_words=budget)
        counts = [len(word_tokens(t)) for t in spans_text(doc.text, spans)]
        assert sum(counts) >= budget
        assert sum(counts) - min(counts) < budget  # no sentence beyond the one that crossed it


def test_unresolved_references_and_furniture_are_avoided() -> None:
    doc = build_document(ARTICLE)
    spans = summarize_document(doc.text, doc.sentences, n_sentences=4)
    chosen = spans_text(doc.text, spans)
    assert not any("للمزيد" in t for t in chosen)
    # "وأضاف أن ..." continues the sentence before it: only taken together with it.
    for span, text in zip(spans, chosen):
        if text.startswith("وأضاف"):
            assert doc.sentences[doc.sentences.index(span) - 1] in spans
    # Its subject is not in the summary: skipped, unless nothing else is left.
    orphan = build_document("عمان - بترا. " + ARTICLE.split(". ", 1)[1])
    chosen = spans_text(orphan.text, summarize_document(orphan.text, orphan.sentences,
                                                        n_sentences=3))
    assert not any(t.startswith(("وأضاف", "عمان")) for t in chosen)
    everything = summarize_document(doc.text, doc.sentences, n_sentences=len(doc.sentences))
    assert len(everything) == len(doc.sentences)


def test_empty_inputs() -> None:
    assert summarize_document("", ()) == []
    doc = build_document(ARTICLE)
    assert summarize_document(doc.text, doc.sentences, n_words=0) == []


AGENCY = (
    "افتتح وزير النقل سليم العمري اليوم جسر نهر الزرقاء الجديد الذي يربط المدينتين. "
    "وبلغت كلفة الجسر اثني عشر مليون دينار مولتها الحكومة بالكامل. "
    "وقال العمري إن الوزارة ستبدأ الشهر المقبل العمل على ثلاثة جسور أخرى في الجنوب."
)
PAPER = (
    "دشن الوزير سليم العمري اليوم جسر نهر الزرقاء الجديد الذي يربط المدينتين بعد عامين من العمل. "
    "وطالب سكان القرى المجاورة بإنشاء مخرج يصل قراهم بالجسر الجديد لتسهيل تنقلهم اليومي. "
    "وبلغت كلفة الجسر الجديد اثني عشر مليون دينار أردني."
)


def event_fixture():
    docs = [build_document(AGENCY, id="agency", source="بترا", published="2024-03-10"),
            build_document(PAPER, id="paper", source="الغد", published="2024-03-10"),
            build_document(AGENCY, id="copy", source="عمون", published="2024-03-10",
                           duplicate_of="agency")]
    analyses = {d.id: DocumentAnalysis(d) for d in docs}
    return build_event("V1", docs, title="افتتاح الجسر"), analyses


def test_event_summary_cites_every_article_that_says_it() -> None:
    event, analyses = event_fixture()
    summary = summarize_event(event, analyses, Settings())
    assert summary.event == "V1" and 1 <= len(summary.sentences) <= 3
    for sentence in summary.sentences:
        first = sentence.citations[0]
        assert analyses[first.doc].document.text[first.start:first.end] == sentence.text
        assert first.doc != "copy"                      # copies are cited, never the source
        for citation in sentence.citations:
            assert analyses[citation.doc].document.text[citation.start:citation.end]
        assert len({c.doc for c in sentence.citations}) == len(sentence.citations)
    opening = summary.sentences[0]
    assert {c.doc for c in opening.citations} == {"agency", "paper", "copy"}


def test_event_summary_has_no_redundant_pair_and_respects_budget() -> None:
    event, analyses = event_fixture()
    summary = summarize_event(event, analyses, Settings())
    texts = [s.text for s in summary.sentences]
    idf = features.Idf.fit(features.terms(t) for t in texts)
    vectors = [features.tfidf(features.term_counts(t), idf) for t in texts]
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            assert features.dot(vectors[i], vectors[j]) < REDUNDANT
    by_words = summarize_event(event, analyses, Settings(summary_words=10))
    assert len(by_words.sentences) == 1


def test_event_summary_is_deterministic() -> None:
    event, analyses = event_fixture()
    assert summarize_event(event, analyses, Settings()) == summarize_event(event, analyses,
                                                                           Settings())


# ---- issue 5: story summaries, repaired openers, citations by figures ----------------------

from builders import build_entity, build_quantity, build_quote, build_story  # noqa: E402

from marsad.explain.summaries import repair_opener, summarize_story  # noqa: E402

QUOTED = (
    "افتتح وزير النقل سليم العمري اليوم جسر نهر الزرقاء الجديد الذي يربط المدينتين بعد عامين. "
    "وشارك في الحفل عدد كبير من النواب ورؤساء البلديات وممثلي غرف التجارة في المدينتين. "
    "وأضاف أن الجسر سيختصر زمن الرحلة بين المدينتين إلى النصف تقريبا خلال ساعات الذروة."
)


def test_repair_opener_names_the_speaker_after_the_verb() -> None:
    assert repair_opener("وأضاف أن الجسر سيختصر الرحلة.", "سليم العمري") == \
        "أضاف سليم العمري أن الجسر سيختصر الرحلة."
    assert repair_opener("كما أشار إلى أن العمل بدأ.", "العمري") == "أشار العمري إلى أن العمل بدأ."
    assert repair_opener("وتابعت: «لن نتراجع».", "الوزيرة") == "تابعت الوزيرة: «لن نتراجع»."
    assert repair_opener("وهو ما أكده الوزير.", "العمري") is None


def test_repair_never_doubles_a_name_nor_misplaces_or_misgenders_it() -> None:
    # the verb already has its subject, or an object: nothing to repair
    assert repair_opener("وأوضح أنطوني مالكين أن الشركة ستتوسع.", "أنطوني مالكين") is None
    assert repair_opener("واستطرد نوري المالكي قائلاً إن الوضع صعب.", "الشيخلي") is None
    assert repair_opener("وأكد عدم نشر أي معلومات.", "فضل") is None
    assert repair_opener('وقال "داود": «هذه التوسعة من الأولويات».', "هايل داود") is None
    # the verb's gender must agree with the speaker's
    assert repair_opener("وأوضحت أن الخطة جاهزة.", "أحمد عيد الحربي") is None
    assert repair_opener("وأوضح أن الخطة جاهزة.", "فاطمة الزهراني") is None
    assert repair_opener("وأوضحت أن الخطة جاهزة.", "فاطمة الزهراني") == \
        "أوضحت فاطمة الزهراني أن الخطة جاهزة."
    assert repair_opener("وأضاف قائلا إن الخطة جاهزة.", "سليم العمري") == \
        "أضاف سليم العمري قائلا إن الخطة جاهزة."


def test_unresolved_opener_is_repaired_with_the_quote_layers_speaker() -> None:
    doc = build_document(QUOTED, id="q", source="بترا")
    minister = build_entity("E1", "سليم العمري", [doc], aliases=["العمري"])
    quote = build_quote("Q1", doc, "الجسر سيختصر زمن الرحلة بين المدينتين إلى النصف تقريبا",
                        speaker=minister, kind="indirect", cue="أضاف")
    event = build_event("V1", [doc])
    analyses = {"q": DocumentAnalysis(doc, quotes=(quote,))}
    summary = summarize_event(event, analyses, Settings(summary_sentences=3),
                              quotes=[quote], entities=[minister])
    repaired = [s for s in summary.sentences if s.repaired]
    assert len(repaired) == 1
    sentence = repaired[0]
    assert sentence.text.startswith("أضاف سليم العمري أن الجسر")
    source = sentence.citations[0]
    assert doc.text[source.start:source.end].startswith("وأضاف أن")   # cites the source
    # Without a known speaker, the sentence is left out rather than shown unresolved.
    bare = summarize_event(event, {"q": DocumentAnalysis(doc)}, Settings(summary_sentences=2))
    assert not any(s.text.startswith("وأضاف") for s in bare.sentences)
    assert not any(s.repaired for s in bare.sentences)


def test_story_summary_is_short_and_covers_its_events() -> None:
    event, analyses = event_fixture()
    other = build_document(QUOTED, id="other", source="الرأي", published="2024-03-11")
    analyses = {**analyses, "other": DocumentAnalysis(other)}
    second = build_event("V2", [other])
    story, (first, second) = build_story("S1", [event, second])
    summary = summarize_story(story, [first, second], analyses, Settings())
    assert summary.story == "S1" and summary.event is None
    assert len(summary.sentences) == Settings().story_summary_sentences
    none = summarize_story(story, [first, second], analyses,
                           Settings(story_summary_sentences=0))
    assert none.sentences == ()


def test_citations_follow_figures_not_only_words() -> None:
    twelve = build_document("لقي 12 شخصا مصرعهم جراء العاصفة التي ضربت مدينة الإسكندرية أمس.",
                            id="a", source="أ ش أ", published="2024-01-01")
    same = build_document("لقي 12 شخصا مصرعهم في العاصفة التي ضربت الإسكندرية وخلفت دمارا.",
                          id="b", source="الأهرام", published="2024-01-01")
    fourteen = build_document("لقي 14 شخصا مصرعهم جراء العاصفة التي ضربت مدينة الإسكندرية أمس.",
                              id="c", source="سبوتنيك", published="2024-01-02")
    analyses = {d.id: DocumentAnalysis(d, quantities=(build_quantity(d, d.text[4:11], int(d.text[4:6]), "شخص"),))
                for d in (twelve, same, fourteen)}
    event = build_event("V1", [twelve, same, fourteen])
    summary = summarize_event(event, analyses, Settings(summary_sentences=1))
    cited = {c.doc for c in summary.sentences[0].citations}
    first = summary.sentences[0].citations[0].doc
    # The sentence giving 12 cites the other article giving 12, never the one giving 14.
    assert first in {"a", "b"} and cited == {"a", "b"}


# ---- issue 5: what the other outlets' leads agree on; earliness; consecutive sentences -------

EARLY = (
    "أعلنت وزارة الصحة صباح اليوم تسجيل أول إصابة بالحمى النزفية في محافظة الكرك الجنوبية. "
    "وقالت الوزارة إن المريض نقل إلى مستشفى الكرك الحكومي وحالته مستقرة حتى الآن. "
    "ودعت المواطنين إلى مراجعة المراكز الصحية عند ظهور الأعراض."
)
LATER = (
    "نقل مريض مصاب بالحمى النزفية إلى مستشفى الكرك الحكومي وحالته مستقرة بحسب وزارة الصحة. "
    "وتعد هذه الإصابة الأولى بالحمى النزفية في محافظة الكرك هذا العام وفق الوزارة. "
    "وطالب نواب المحافظة بتعزيز الرقابة الصحية على مزارع المواشي في المنطقة."
)


def test_earlier_reports_lead_is_preferred_when_asked() -> None:
    docs = [build_document(LATER, id="later", source="الغد", published="2024-05-02T10:00"),
            build_document(EARLY, id="early", source="بترا", published="2024-05-01T08:00")]
    analyses = {d.id: DocumentAnalysis(d) for d in docs}
    event = build_event("V1", docs)
    settings = Settings(summary_sentences=1)
    first = summarize_event(event, analyses, settings, earliness=0.5, consensus=0.0).sentences[0]
    assert first.citations[0].doc == "early" and first.text == EARLY.split(". ")[0] + "."
    # With no preference for early reports, the later lead (closer to the event centroid) wins.
    plain = summarize_event(event, analyses, settings, earliness=0.0, consensus=0.0).sentences[0]
    assert plain.citations[0].doc.startswith("later")


def test_the_lead_other_outlets_agree_with_is_preferred() -> None:
    # Two outlets lead with the first case in Karak (one reprints the ministry's lead); "later"
    # leads with the patient's transfer. Consensus with the other outlets' leads picks the former
    # and it cites both.
    reprint = build_document(EARLY.split(". ")[0] + ". وتتابع الوزارة الوضع الصحي في المحافظة.",
                             id="reprint", source="الرأي", published="2024-05-02T12:00")
    docs = [build_document(LATER, id="later", source="الغد", published="2024-05-02T10:00"),
            build_document(EARLY, id="early", source="بترا", published="2024-05-02T11:00"),
            reprint]
    analyses = {d.id: DocumentAnalysis(d) for d in docs}
    event = build_event("V1", docs)
    settings = Settings(summary_sentences=1)
    first = summarize_event(event, analyses, settings).sentences[0]
    assert first.text == EARLY.split(". ")[0] + "."
    assert {c.doc for c in first.citations} >= {"early", "reprint"}


def test_consecutive_sentences_of_an_article_stay_together() -> None:
    from marsad.explain.summaries import _keep_together, _Sentence
    from marsad.types import Span

    def sentence(doc: str, index: int) -> _Sentence:
        return _Sentence(doc, index, Span(index * 10, index * 10 + 9), 6, {doc: 1.0}, True, False)

    a0, b0, a1, c2 = sentence("a", 0), sentence("b", 0), sentence("a", 1), sentence("c", 2)
    assert _keep_together([a0, b0, a1, c2]) == [a0, a1, b0, c2]
    assert _keep_together([b0, c2]) == [b0, c2]


def test_says_the_same_needs_every_shared_figure_to_agree_and_lets_facts_lower_the_bar() -> None:
    from marsad.explain.summaries import (
        SAME_FACTS,
        SAME_FIGURE,
        SAME_THING,
        _says_the_same,
    )

    dead_injured = {"قتيل": {12.0}, "مصاب": {7.0}}
    assert not _says_the_same(0.9, dead_injured, {"قتيل": {12.0}, "مصاب": {9.0}})
    assert _says_the_same(SAME_FIGURE, dead_injured, {"قتيل": {12.0}})
    assert not _says_the_same(SAME_FACTS, dead_injured, {"قتيل": {12.0}})
    # A paraphrase: the same figure and the same named entity in other words.
    assert _says_the_same(SAME_FACTS, dead_injured, {"قتيل": {12.0}}, True)
    # A shared name alone does not lower the bar.
    assert not _says_the_same(SAME_FACTS, {}, {}, True)
    assert _says_the_same(SAME_THING, {}, {})


def test_a_speaker_described_by_role_is_named_but_not_a_clause() -> None:
    from marsad.explain.summaries import quote_speakers
    text = ("وقال مصدر أمني إن الطريق مفتوح أمام المسافرين. "
            "وأكد فضل عدم نشر اسمه أن الخدمات متاحة للجميع في المنافذ.")
    doc = build_document(text, id="s")
    role = build_quote("Q1", doc, "الطريق مفتوح أمام المسافرين", speaker_text="مصدر أمني")
    clause = build_quote("Q2", doc, "الخدمات متاحة للجميع في المنافذ",
                         speaker_text="فضل عدم نشر")
    named = quote_speakers([role, clause], [])
    assert [name for _, name in named["s"]] == ["مصدر أمني"]

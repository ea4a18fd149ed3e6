"""Event dates (from metadata, else from the text) and each story's events in time order."""

from __future__ import annotations

from datetime import date

from builders import build_document

from marsad.group.timeline import build_timeline, date_events, event_day, text_day
from marsad.pipeline import analyze_collection
from marsad.settings import Settings
from marsad.types import DocumentAnalysis, Event, Story, TimelineEntry


def article(text: str, id: str = "d1", published: str | None = None,
            duplicate_of: str | None = None) -> DocumentAnalysis:
    return DocumentAnalysis(build_document(text, id=id, published=published,
                                           duplicate_of=duplicate_of, source=f"مصدر {id}"))


def event(id: str, date: str | None, *, sources: tuple[str, ...] = ("أ",)) -> Event:
    return Event(id=id, title=f"حدث {id}", documents=(f"{id}-doc",), sources=sources, date=date,
                 story="S1")


def test_metadata_date_is_the_earliest_publication_day() -> None:
    docs = [article("افتتح الوزير الجسر في 3 أيلول 2015.", "a", "2015-09-21T08:00:00"),
            article("افتتح الوزير الجسر.", "b", "2015-09-20T23:10:00"),
            article("افتتح الوزير الجسر.", "c")]
    # A date written in the text never overrides publication metadata.
    assert event_day(docs) == (date(2015, 9, 20), "published")


def test_text_date_with_a_levantine_month_name() -> None:
    docs = [article("قتل ثلاثة أشخاص في انفجار وقع في حمص يوم 20 أيلول 2015. "
                    "وقالت مصادر إن الانفجار نجم عن سيارة مفخخة.", "a")]
    assert event_day(docs) == (date(2015, 9, 20), "text")


def test_text_date_only_from_the_first_two_sentences() -> None:
    text = ("افتتح الوزير المستشفى الجديد. وقال إن العمل بدأ قبل عامين. "
            "وكان المشروع قد أقر في 5 كانون الأول 2013.")
    assert event_day([article(text)]) == (None, None)


def test_day_and_month_take_the_year_from_another_article() -> None:
    docs = [article("أعلنت الوزارة في 20 تشرين الأول 2015 عن خطة جديدة للنقل.", "a"),
            article("كشفت الوزارة في 19 تشرين الأول عن خطة جديدة للنقل.", "b"),
            article("كشفت الوزارة في 19 تشرين الأول عن خطة النقل.", "c")]
    assert text_day(docs[1]) is None                     # no year, no reference: not a date
    assert text_day(docs[1], 2015) == date(2015, 10, 19)
    assert event_day(docs) == (date(2015, 10, 19), "text")   # two votes against one


def test_hijri_and_numeric_dates_in_the_text() -> None:
    assert event_day([article("بدأ الحجاج الوقوف بعرفة في 9 ذو الحجة 1436 هـ.")])[1] == "text"
    assert event_day([article("وقع الحادث بتاريخ 20/9/2015 قرب الحدود.")]) == (
        date(2015, 9, 20), "text")


def test_relative_word_is_read_against_the_publication_date() -> None:
    published = article("قال وزير الخارجية أمس إن المفاوضات ستستأنف.", published="2015-09-20")
    assert text_day(published) == date(2015, 9, 19)
    weekday = article("قال الوزير الثلاثاء الماضي إن المفاوضات ستستأنف.", published="2015-09-20")
    assert text_day(weekday) == date(2015, 9, 15)
    # Without a publication date there is nothing to count back from: no date, not a guess.
    undated = article("قال وزير الخارجية أمس إن المفاوضات ستستأنف يوم الثلاثاء.")
    assert text_day(undated) is None and text_day(undated, 2015) is None
    assert event_day([undated]) == (None, None)


def test_an_event_reported_the_day_after_is_dated_when_it_happened() -> None:
    yesterday = [article("استهدف تفجير انتحاري أمس الخميس مسجدا في أبها.", "a", published="2015-08-07"),
                 article("أعلنت الداخلية أمس ارتفاع عدد الضحايا.", "b", published="2015-08-08"),
                 article("ارتفع عدد ضحايا تفجير المسجد إلى 15.", "c", published="2015-08-07")]
    assert event_day(yesterday) == (date(2015, 8, 6), "text")     # 2 of 3 leads: the day before
    announced = [article("يبدأ الوزير الثلاثاء المقبل زيارة إلى موسكو.", "d", published="2015-08-07")]
    assert event_day(announced) == (date(2015, 8, 7), "published")   # a future date: not moved
    one_of_three = yesterday[1:] + [article("ارتفع عدد الضحايا.", "e", published="2015-08-07")]
    assert event_day(one_of_three) == (date(2015, 8, 7), "published")  # no majority


def test_wire_copies_do_not_vote_twice() -> None:
    original = article("وقع الزلزال في 3 آب 2015 جنوب البلاد.", "a")
    copies = [article("وقع الزلزال في 3 آب 2015 جنوب البلاد.", f"c{i}", duplicate_of="a")
              for i in range(3)]
    other = article("ضرب زلزال في 2 آب 2015 جنوب البلاد.", "b")
    assert event_day([original, *copies, other]) == (date(2015, 8, 2), "text")  # 1:1, earliest


def test_date_events_fills_only_missing_dates_and_says_how() -> None:
    analyses = {"x": article("وقع الانفجار في 20 أيلول 2015 في المدينة.", "x"),
                "y": article("لا تاريخ هنا.", "y")}
    events = (Event("V1", "أ", ("x",), (), None), Event("V2", "ب", ("y",), (), None),
              Event("V3", "ج", ("y",), (), "2015-09-01"))
    dated, basis = date_events(events, analyses)
    assert [e.date for e in dated] == ["2015-09-20", None, "2015-09-01"]
    assert basis == {"V1": "text", "V3": "published"}
    assert date_events(events, analyses) == (dated, basis)   # deterministic


def test_timeline_orders_by_date_with_undated_last() -> None:
    events = (event("V1", "2015-09-22"), event("V2", None), event("V3", "2015-09-20"),
              event("V4", "2015-09-21"), event("V5", None), event("V6", "2015-09-20"),
              Event("V7", "خارج", ("z",), (), "2015-01-01", story="S2"))
    stories = (Story("S1", "قصة", ("V1", "V2", "V3", "V4", "V5", "V6")),
               Story("S2", "أخرى", ("V7",)))
    timeline = build_timeline(events, stories, {"V4": "text"})
    assert [(t.story, t.event) for t in timeline] == [
        ("S1", "V3"), ("S1", "V6"), ("S1", "V4"), ("S1", "V1"), ("S1", "V2"), ("S1", "V5"),
        ("S2", "V7")]
    assert timeline[2] == TimelineEntry("S1", "V4", "2015-09-21", "text")
    assert timeline[0].basis == "published" and timeline[4] == TimelineEntry("S1", "V2", None)


def test_pipeline_dates_events_from_the_text_and_builds_the_timeline() -> None:
    analyses = [article("قتل ثلاثة أشخاص في انفجار سيارة مفخخة في حمص في 20 أيلول 2015.", "a"),
                article("قتل ثلاثة أشخاص في انفجار سيارة مفخخة وسط حمص يوم 20 أيلول 2015.", "b")]
    result = analyze_collection(analyses, Settings())
    assert all(e.date == "2015-09-20" for e in result.events)
    assert {(t.event, t.date, t.basis) for t in result.timeline} == {
        (e.id, "2015-09-20", "text") for e in result.events}
    assert {t.story for t in result.timeline} == {s.id for s in result.stories}

"""Events and stories: incremental clustering of articles, average-link grouping of events."""

from __future__ import annotations

from dataclasses import replace

from builders import build_document

from marsad.group.events import group_events
from marsad.group.stories import average_link
from marsad.settings import Settings
from marsad.types import DocumentAnalysis, Mention

BRIDGE = (
    "افتتح وزير النقل سليم العمري صباح اليوم الجسر الجديد فوق نهر الزرقاء بعد عامين من العمل، "
    "وقال إن الجسر سيختصر زمن الرحلة بين المدينتين إلى النصف. وبلغت كلفة الجسر اثني عشر مليون "
    "دينار، وشارك في تنفيذه ثلاثمئة عامل ومهندس."
)
BRIDGE_OTHER_WORDS = (
    "دشن الوزير العمري جسر نهر الزرقاء الذي انتظره سكان المنطقة طويلا، وسيختصر الجسر الطريق "
    "بين المدينتين. وأشار العمري خلال الافتتاح إلى أن كلفة الجسر وصلت إلى اثني عشر مليون دينار."
)
BRIDGE_REPAIR = (
    "أغلقت وزارة النقل جسر نهر الزرقاء أمام السيارات بعد ظهور تشققات في أعمدته، وقال الوزير "
    "سليم العمري إن الشركة المنفذة للجسر ستتحمل كلفة الإصلاح كاملة."
)
HOSPITAL = (
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة إربد يضم مئتي سرير وقسما للطوارئ "
    "والعناية المركزة للأطفال، وقال الناطق باسم الوزارة إن المستشفى سيخدم سكان الشمال."
)
SCHOOL = (
    "أعلنت وزارة التربية اليوم عن افتتاح مدرسة جديدة في مدينة العقبة تضم ثلاثين صفا ومختبرا "
    "للحاسوب وملعبا للرياضة، وقال الناطق باسم الوزارة إن المدرسة ستستقبل ألف طالبة."
)
FOOTBALL = (
    "فاز نادي الفيصلي على نادي الوحدات بهدفين مقابل هدف في مباراة الكأس التي أقيمت على ستاد "
    "عمان الدولي أمام عشرين ألف متفرج، وسجل المهاجم حمزة الدردور هدف الفوز في الدقيقة الأخيرة."
)


def analysis(text: str, id: str, *, source: str, published: str | None = "2024-03-10",
             title: str | None = None, names: tuple[str, ...] = ()) -> DocumentAnalysis:
    doc = build_document(text, id=id, source=source, published=published, title=title)
    mentions = tuple(Mention(id, text.find(n), text.find(n) + len(n), n, "PER") for n in names)
    return DocumentAnalysis(doc, mentions=mentions)


def collection() -> list[DocumentAnalysis]:
    return [
        analysis(BRIDGE, "bridge", source="بترا", title="افتتاح جسر الزرقاء",
                 names=("سليم العمري",)),
        analysis(HOSPITAL, "hospital", source="الرأي"),
        analysis(BRIDGE_OTHER_WORDS, "bridge2", source="الغد", names=("العمري",)),
        analysis(SCHOOL, "school", source="الرأي"),
        analysis(FOOTBALL, "football", source="الدستور", published="2024-03-11"),
        analysis(BRIDGE, "bridge_copy", source="عمون"),
    ]


def partition(events) -> set[frozenset[str]]:
    return {frozenset(e.documents) for e in events}


def test_same_happening_in_other_words_joins_and_templates_stay_apart() -> None:
    analyses = collection()
    events, stories = group_events(analyses, {"bridge_copy": "bridge"}, Settings())
    assert partition(events) == {frozenset({"bridge", "bridge2", "bridge_copy"}),
                                 frozenset({"hospital"}), frozenset({"school"}),
                                 frozenset({"football"})}
    bridge = events[0]
    assert bridge.id == "V1" and bridge.title == "افتتاح جسر الزرقاء"
    # The copy's outlet is not an independent source.
    assert bridge.sources == ("بترا", "الغد")
    assert bridge.date == "2024-03-10"
    assert [e.id for e in events] == ["V1", "V2", "V3", "V4"]


def test_grouping_does_not_depend_on_input_order() -> None:
    analyses = collection()
    forward, _ = group_events(analyses, {"bridge_copy": "bridge"}, Settings())
    backward, _ = group_events(analyses[::-1], {"bridge_copy": "bridge"}, Settings())
    assert partition(forward) == partition(backward)
    again, _ = group_events(analyses, {"bridge_copy": "bridge"}, Settings())
    assert again == forward


def test_untitled_event_gets_its_first_sentence_trimmed() -> None:
    events, _ = group_events([analysis(HOSPITAL, "h", source="الرأي")], {}, Settings())
    assert events[0].title.startswith("أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد")
    assert events[0].title.endswith("…") and len(events[0].title.split()) <= 16


def test_closed_event_starts_again_but_joins_the_story() -> None:
    analyses = [
        analysis(BRIDGE, "open", source="بترا", published="2024-03-10", names=("سليم العمري",)),
        analysis(FOOTBALL, "football", source="الدستور", published="2024-03-12"),
        analysis(BRIDGE_REPAIR, "repair", source="الغد", published="2024-03-16",
                 names=("سليم العمري",)),
    ]
    events, stories = group_events(analyses, {}, Settings())
    assert partition(events) == {frozenset({"open"}), frozenset({"football"}),
                                 frozenset({"repair"})}
    story_of = {e.documents[0]: e.story for e in events}
    assert story_of["open"] == story_of["repair"] != story_of["football"]
    assert sorted(v for s in stories for v in s.events) == sorted(e.id for e in events)
    assert [s.id for s in stories] == [f"S{i}" for i in range(1, len(stories) + 1)]
    # After `story_window_days` without an event the story is closed: the repair starts anew.
    late = analyses[:2] + [replace(analyses[2], document=replace(analyses[2].document,
                                                                 published="2024-04-20"))]
    events, _ = group_events(late, {}, Settings())
    story_of = {e.documents[0]: e.story for e in events}
    assert len(set(story_of.values())) == 3


def test_undated_articles_and_empty_collections() -> None:
    assert group_events([], {}, Settings()) == ((), ())
    undated = [analysis(BRIDGE, "a", source="بترا", published=None),
               analysis(BRIDGE_OTHER_WORDS, "b", source="الغد", published=None)]
    events, stories = group_events(undated, {}, Settings())
    assert len(events) == 1 and events[0].date is None and len(stories) == 1


def test_average_link_does_not_chain() -> None:
    # a~b and b~c are similar, a and c are not: single link would chain all three.
    a, b, c = {"x": 1.0}, {"x": 0.7071, "y": 0.7071}, {"y": 1.0}
    assert average_link([a, b, c], 0.6) == [[0, 1], [2]]
    assert average_link([a, b, c], 0.2) == [[0, 1, 2]]


def test_one_strong_pair_joins_groups_that_average_link_keeps_apart() -> None:
    # Issue 4: a big story (bombing, condolences, sermons) is too varied for average link alone.
    # {a, b} and {c} average 0.35 < 0.6, but b and c alone are 0.7 alike.
    a, b = {"x": 1.0}, {"x": 0.7141, "y": 0.7}
    c = {"y": 1.0}
    assert average_link([a, b, c], 0.6) == [[0, 1], [2]]
    assert average_link([a, b, c], 0.6, strong=0.65) == [[0, 1, 2]]
    assert average_link([a, b, c], 0.6, strong=0.9) == [[0, 1], [2]]


def test_event_title_prefers_a_headline_that_names_the_event() -> None:
    docs = [analysis(BRIDGE, "column", source="الغد", title="سهلــة  وصعبـــة"),
            analysis(BRIDGE_OTHER_WORDS, "news", source="بترا", title="افتتاح جسر نهر الزرقاء")]
    events, _ = group_events(docs, {}, Settings())
    assert [e.title for e in events] == ["افتتاح جسر نهر الزرقاء"]
    alone, _ = group_events(docs[:1], {}, Settings())
    assert alone[0].title == "سهلة وصعبة"                 # its own headline, tatweel removed


def test_one_outlet_spelt_two_ways_is_one_source_of_its_event() -> None:
    """The record id of an outlet and its name from a byline are one outlet: counted once,
    shown by its Arabic name (the outlet registry)."""
    events, _ = group_events([analysis(BRIDGE, "a", source="aawsat"),
                              analysis(BRIDGE_OTHER_WORDS, "b", source="الشرق الاوسط")],
                             {}, Settings())
    (event,) = events
    assert set(event.documents) == {"a", "b"} and event.sources == ("الشرق الأوسط",)

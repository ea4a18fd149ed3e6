"""Incremental grouping: the tracker's state, and a store that places new articles without
regrouping what it holds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from test_group_events import BRIDGE, BRIDGE_OTHER_WORDS, FOOTBALL, HOSPITAL, SCHOOL, analysis

from marsad.group.events import group_events, place_articles, tracked_events
from marsad.group.tracker import EventTracker, cluster_to_json
from marsad.pipeline import analyze_store, ingest, update_grouping
from marsad.settings import Settings
from marsad.store import Store

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


def _partition(events) -> set[frozenset[str]]:
    return {frozenset(e.documents) for e in events}


def _restored(tracker: EventTracker, settings: Settings) -> EventTracker:
    """A tracker rebuilt from the data a store keeps (through JSON, as the store does)."""
    clusters = json.loads(json.dumps([cluster_to_json(c) for c in tracker.clusters]))
    return EventTracker.restore(
        settings, n_documents=tracker.n_documents, df=dict(tracker.df),
        newest_day=tracker.newest_day.isoformat() if tracker.newest_day else None,
        event_of=dict(tracker.event_of), clusters=clusters, arrivals=tracker.arrivals)


def test_a_restored_tracker_places_like_the_one_it_was_saved_from() -> None:
    settings = Settings()
    first = [analysis(BRIDGE, "bridge", source="بترا"), analysis(HOSPITAL, "hospital", source="الرأي")]
    later = [analysis(BRIDGE_OTHER_WORDS, "bridge2", source="الغد"),
             analysis(SCHOOL, "school", source="الرأي")]
    live = EventTracker(settings)
    place_articles(live, first, {})
    saved = _restored(live, settings)
    place_articles(live, later, {})
    place_articles(saved, later, {})
    assert live.event_of == saved.event_of
    assert live.event_of["bridge2"] == live.event_of["bridge"]          # joined the open event
    assert live.event_of["school"] not in (live.event_of["bridge"], live.event_of["hospital"])


def test_placing_new_articles_leaves_earlier_placements_alone() -> None:
    settings = Settings()
    tracker = EventTracker(settings)
    place_articles(tracker, [analysis(BRIDGE, "bridge", source="بترا"),
                             analysis(HOSPITAL, "hospital", source="الرأي")], {})
    before = {n: list(c.members) for n, c in enumerate(tracker.clusters)}
    tracker.changed.clear()
    tracker.placed.clear()
    place_articles(tracker, [analysis(FOOTBALL, "football", source="الدستور")], {})
    assert set(tracker.placed) == {"football"}
    assert tracker.changed == {tracker.event_of["football"]}
    for number, members in before.items():
        assert tracker.clusters[number].members == members


def test_an_event_closes_after_the_window_and_a_late_report_starts_a_new_one() -> None:
    settings = Settings()
    tracker = EventTracker(settings)
    place_articles(tracker, [analysis(BRIDGE, "bridge", source="بترا", published="2024-03-10")], {})
    late_day = "2024-03-%02d" % (10 + settings.event_window_days + 1)
    place_articles(tracker, [analysis(BRIDGE_OTHER_WORDS, "late", source="الغد", published=late_day)],
                   {})
    assert not tracker.clusters[tracker.event_of["bridge"]].open
    assert tracker.event_of["late"] != tracker.event_of["bridge"]


def test_copies_follow_their_original_and_do_not_count_as_outlets() -> None:
    settings = Settings()
    tracker = EventTracker(settings)
    docs = [analysis(BRIDGE, "bridge", source="بترا"), analysis(BRIDGE, "copy", source="عمون")]
    place_articles(tracker, docs, {"copy": "bridge"})
    events, _ = tracked_events(tracker, docs, settings)
    assert [set(e.documents) for e in events] == [{"bridge", "copy"}]
    assert events[0].sources == ("بترا",)


def test_store_fed_in_two_days_groups_the_demo_like_one_batch(tmp_path: Path) -> None:
    """The demo's articles ingested in two halves land in the same events as one batch run."""
    settings = Settings()
    files = sorted(DEMO.iterdir())
    with Store(tmp_path / "m.sqlite") as store:
        ingest(files[:7], store, settings)
        stored_before = store.grouping_state()
        ingest(files[7:], store, settings)
        stored_after = store.grouping_state()
        report = analyze_store(store, settings)
    from marsad.api import analyze
    batch = analyze(files, settings)
    # Nothing placed on day one moved.
    for doc_id, number in stored_before["event_of"].items():
        assert stored_after["event_of"][doc_id] == number
    assert len(report.documents) == len(batch.documents)
    agree = len(_partition(report.events) & _partition(batch.events))
    assert agree >= 0.8 * len(_partition(batch.events))


def test_report_places_articles_an_interrupted_ingest_left_unplaced(tmp_path: Path) -> None:
    settings = Settings()
    files = sorted(DEMO.iterdir())[:3]
    with Store(tmp_path / "m.sqlite") as store:
        ingest(files, store, settings)
        store._db.execute("UPDATE documents SET event=NULL, copy_checked=0 WHERE seq=3")
        store._db.commit()
        report = analyze_store(store, settings)
        assert len(store.grouping_state()["event_of"]) == store.count()
    assert sum(len(e.documents) for e in report.events) == len(report.documents)


def test_new_grouping_settings_regroup_the_store_once(tmp_path: Path) -> None:
    files = sorted(DEMO.iterdir())[:6]
    with Store(tmp_path / "m.sqlite") as store:
        ingest(files, store, Settings())
        loose = Settings(event_threshold=0.05)
        report = analyze_store(store, loose)
        assert store.grouping_state()["settings"]["event_threshold"] == 0.05
        tracker, _ = update_grouping(store, loose)
        assert not tracker.placed                                  # nothing left to place
    assert len(report.events) < 6


def test_batch_grouping_is_the_tracker_fed_once() -> None:
    settings = Settings()
    docs = [analysis(BRIDGE, "bridge", source="بترا"), analysis(HOSPITAL, "hospital", source="الرأي"),
            analysis(BRIDGE_OTHER_WORDS, "bridge2", source="الغد")]
    tracker = EventTracker(settings)
    place_articles(tracker, docs, {})
    assert tracked_events(tracker, docs, settings) == group_events(docs, {}, settings)
    renamed = [replace(d, document=replace(d.document, published=None)) for d in docs]
    assert len(group_events(renamed, {}, settings)[0]) == 2          # undated articles work too


WEDDING_A = ("تلقى عبدالرحمن يوسف بصفر التهاني بمناسبة زواج ابنه من كريمة أحمد علي عسيري، وأقيم "
             "حفل الزفاف في قاعة الأفراح بمدينة جدة بحضور جمع من الأقارب والأصدقاء. ألف مبروك.")
WEDDING_B = ("تلقى خالد سليمان العسكري التهاني بمناسبة زواج ابنه من كريمة عبد الله حمد المهنا، وأقيم "
             "حفل الزفاف في قاعة الأفراح بمدينة جدة بحضور جمع من الأقارب والأصدقاء. ألف مبروك.")


def _with_people(text: str, doc_id: str, people: tuple[str, ...]):
    return analysis(text, doc_id, source="الجزيرة", names=people)


def test_same_template_about_other_people_is_another_event() -> None:
    a = _with_people(WEDDING_A, "a", ("عبدالرحمن يوسف بصفر", "أحمد علي عسيري"))
    b = _with_people(WEDDING_B, "b", ("خالد سليمان العسكري", "عبد الله حمد المهنا"))
    strict = Settings()
    assert len(group_events([a, b], {}, strict)[0]) == 2
    blind = replace(strict, event_name_conflict_margin=0.0)
    assert len(group_events([a, b], {}, blind)[0]) == 1       # the words alone would merge them


def test_a_shortened_name_is_not_a_conflict() -> None:
    from marsad.group.tracker import ArticleNames, Cluster, names_conflict
    cluster = Cluster(lead_names={"سليم العمري"}, names={"سليم العمري", "وزاره النقل"})
    assert not names_conflict(ArticleNames(frozenset({"الوزير سليم العمري"}),
                                           frozenset({"الوزير سليم العمري"})), cluster)
    assert not names_conflict(ArticleNames(frozenset({"حسن العلي"}),
                                           frozenset({"حسن العلي", "العمري"})), cluster)
    assert names_conflict(ArticleNames(frozenset({"حسن العلي"}), frozenset({"حسن العلي"})),
                          cluster)
    assert not names_conflict(ArticleNames(), cluster)               # a lead with no names


MARKET = ("أغلق مؤشر سوق الأسهم السعودية تعاملات اليوم مرتفعا {} نقطة إلى مستوى {} نقطة، بتداولات "
          "بلغت قيمتها خمسة مليارات ريال، وارتفعت أسهم البنوك والبتروكيماويات في ختام الجلسة.")


def test_tomorrows_session_of_the_same_template_is_a_new_event_in_the_same_story() -> None:
    sessions = [analysis(MARKET.format(44, 8120), "sun", source="واس", published="2015-08-09"),
                analysis(MARKET.format(44, 8120), "sun2", source="اليوم", published="2015-08-10"),
                analysis(MARKET.format(61, 8181), "tue", source="واس", published="2015-08-11")]
    events, stories = group_events(sessions, {}, Settings())
    assert _partition(events) == {frozenset({"sun", "sun2"}), frozenset({"tue"})}
    assert len(stories) == 1                     # the market is one story over the days
    loose = replace(Settings(), event_span_days=5)
    assert len(group_events(sessions, {}, loose)[0]) == 1


@pytest.mark.parametrize("window, trimmed_copy_of", [(30, None), (1000, "b1")])
def test_ingest_loads_only_open_events_and_recent_copy_signatures(
        tmp_path: Path, window: int, trimmed_copy_of: str | None) -> None:
    settings = replace(Settings(), copy_window_days=window)
    old_day, new_day = "2024-03-01", "2024-05-01"
    text_of = {"bridge": BRIDGE, "hospital": HOSPITAL}

    def article(name: str, doc_id: str, day: str, text: str | None = None) -> Path:
        folder = tmp_path / "in"
        folder.mkdir(exist_ok=True)
        path = folder / f"{doc_id}.json"
        path.write_text(json.dumps({"id": doc_id, "title": name, "published": day,
                                    "text": text or text_of[name]}, ensure_ascii=False),
                        encoding="utf-8")
        return path

    with Store(tmp_path / "m.sqlite") as store:
        ingest([article("bridge", "b1", old_day)], store, settings)
        ingest([article("hospital", "h1", new_day)], store, settings)   # closes the bridge event
        lean = store.grouping_state(open_only=True)
        assert [c.get("open") for c in lean["clusters"]] == [False, True]
        assert lean["clusters"][0] == {"open": False}                    # not loaded
        # An exact copy of the two-month-old article is still a copy; a near copy of it (a
        # trimmed version) is not looked for any more.
        ingest([article("bridge", "b2", new_day),
                article("bridge", "b3", new_day, BRIDGE.rsplit("،", 1)[0] + ".")], store, settings)
        report = analyze_store(store, settings)
    copies = {d.id: d.duplicate_of for d in report.documents}
    assert copies["b2"] == "b1" and copies["b3"] == trimmed_copy_of
    assert sum(len(e.documents) for e in report.events) == 4


def test_undated_events_close_after_the_window_in_arrivals(monkeypatch: pytest.MonkeyPatch) -> None:
    """An undated archive has no clock: an event of undated articles closes once
    UNDATED_WINDOW articles arrived since its newest one, and a restored tracker agrees."""
    from marsad.group import tracker as tracker_module
    monkeypatch.setattr(tracker_module, "UNDATED_WINDOW", 3)
    settings = Settings()
    vector = {"bridge": 0.8, "river": 0.6}
    live = EventTracker(settings)
    live.add("a", vector, None)
    live.add("b", vector, None)                    # joins a's event
    assert live.event_of["b"] == live.event_of["a"]
    for n in range(3):
        live.add(f"other{n}", {f"town{n}": 1.0}, None)
    assert live.clusters[0].open                   # 3 arrivals since b: not more than 3
    saved = _restored(live, settings)
    for tracker in (live, saved):
        tracker.add("other3", {"town3": 1.0}, None)
        assert not tracker.clusters[0].open and "bridge" not in tracker._postings
        tracker.add("c", vector, None)              # a late report: a new event
        assert tracker.event_of["c"] != tracker.event_of["a"]
    assert [cluster_to_json(c) for c in saved.clusters] == [cluster_to_json(c) for c in live.clusters]


def test_a_common_term_is_looked_up_in_the_newest_open_events_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A term in every open event (a flood of one template) costs the newest few lookups, and
    the event an article belongs to is still found through its rarer terms."""
    from marsad.group import tracker as tracker_module
    monkeypatch.setattr(tracker_module, "POSTINGS_VISIT_DATED", 5)
    tracker = EventTracker(Settings())
    for n in range(50):
        tracker.add(f"d{n}", {"today": 0.3, f"town{n}": 0.95}, date(2024, 3, 10))
    assert len(tracker._postings["today"]) == 50 and len(tracker.clusters) == 50
    assert tracker.add("late", {"today": 0.3, "town2": 0.95}, date(2024, 3, 10)) == 2
    saved = _restored(tracker, Settings())
    assert saved._postings == tracker._postings     # sorted by event number, as when placed


def test_a_copy_that_arrives_later_is_counted_in_its_event(tmp_path: Path) -> None:
    """A wire copy ingested after its original joins the original's event, and the event's
    row (articles, summary) is redone; an event that only closed is not explained again."""
    text = (DEMO / "01_wire_storm.txt").read_text(encoding="utf-8")
    for name, source in (("a", "الرياض"), ("b", "عكاظ")):
        (tmp_path / f"{name}.jsonl").write_text(json.dumps(
            {"id": name, "source": source, "published": "2015-08-01", "text": text},
            ensure_ascii=False) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.sqlite") as store:
        ingest([tmp_path / "a.jsonl"], store, search_index=False)
        ingest([tmp_path / "b.jsonl"], store, search_index=False)
        assert store.db.execute("SELECT event, duplicate_of FROM documents WHERE id='b'"
                                ).fetchone() == (0, "a")
        assert store.db.execute("SELECT n_documents FROM events WHERE number=0").fetchone() == (2,)
        tracker = EventTracker(Settings())
        tracker.add("x", {"storm": 1.0}, date(2015, 8, 1))
        tracker.grown.clear()
        tracker.add("y", {"budget": 1.0}, date(2015, 8, 9))        # x's event closes
        assert not tracker.clusters[0].open and tracker.grown == {1} and 0 in tracker.changed

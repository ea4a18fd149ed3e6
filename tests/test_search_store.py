"""Search over real stores: articles written in the test go through the real `ingest`, the
index is kept beside the store, queries run through `marsad.search` and the CLI."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from marsad.cli import main
from marsad.errors import QueryError
from marsad.pipeline import ingest
from marsad.search import SearchQuery, ensure_index, group_by_event, search
from marsad.store import Store
from marsad.store.reads import NotFound
from marsad.store.search_index import SearchIndex, index_path

SHOIGU = ("موسكو - قال وزير الدفاع الروسي سيرغي شويغو إن القوات الروسية ستجري مناورات عسكرية "
          "واسعة في القطب الشمالي الأسبوع المقبل بمشاركة عشرات السفن والطائرات. وأضاف شويغو "
          "أن المناورات تهدف إلى اختبار جاهزية الأسطول الشمالي في ظروف الطقس القاسية.")
ERDOGAN = ("أنقرة - قال الرئيس التركي رجب طيب أردوغان إن بلاده لن تسمح بإقامة كيان كردي على "
           "حدودها الجنوبية مع سورية، مؤكدا أن الجيش التركي سيواصل عملياته ضد الإرهاب. وأضاف "
           "أردوغان في كلمة أمام البرلمان أن تركيا تحترم وحدة الأراضي السورية.")
TERROR = ("الرياض - أعلنت وزارة الداخلية السعودية القبض على خلية مرتبطة بتنظيم داعش كانت تخطط "
          "لتنفيذ هجمات في المنطقة الشرقية، وقالت إن الحرب على الإرهاب مستمرة. وأوضح المتحدث "
          "الأمني أن والإرهابيين المقبوض عليهم اعترفوا بتلقي تمويل من الخارج.")
SYRIA = ("دمشق - أكدت الحكومة السورية أن الجيش استعاد السيطرة على بلدات في ريف حمص، فيما قال "
         "المرصد إن الاشتباكات في سوريا أوقعت عشرات القتلى خلال يومين. وطالبت الأمم المتحدة "
         "بوقف إطلاق النار وإدخال المساعدات إلى المناطق المحاصرة.")
ABDULLAH = ("عمان - استقبل الملك عبد الله الثاني في قصر الحسينية وفدا من رجال الأعمال الأردنيين "
            "وبحث معهم سبل دعم الاقتصاد الوطني وتوفير فرص العمل للشباب. وأكد العاهل الأردني "
            "أهمية الشراكة بين القطاعين العام والخاص.")
WEATHER = ("جدة - توقعت الهيئة العامة للأرصاد هطول أمطار رعدية على مرتفعات منطقة جازان وعسير "
           "مع نشاط للرياح المثيرة للأتربة على المنطقة الشرقية. ودعت الهيئة المواطنين إلى "
           "الحذر وعدم الاقتراب من مجاري السيول والأودية.")
SHOIGU_LATER = ("موسكو - التقى وزير الدفاع الروسي سيرغي شويغو نظيره الصيني في العاصمة الروسية "
                "وبحث الجانبان التعاون العسكري بين البلدين وتنظيم مناورات بحرية مشتركة في "
                "المحيط الهادئ العام المقبل.")


def _record(doc_id: str, title: str, text: str, source: str, day: str) -> dict:
    return {"id": doc_id, "title": title, "text": text, "source": source,
            "url": f"https://example.org/{doc_id}", "published": f"{day}T10:00:00+03:00"}


FIRST = [
    _record("shoigu-1", "شويغو: مناورات روسية واسعة في القطب الشمالي", SHOIGU, "سبوتنيك",
            "2015-08-01"),
    _record("shoigu-copy", "شويغو: مناورات روسية واسعة في القطب الشمالي", SHOIGU, "روسيا اليوم",
            "2015-08-01"),
    _record("erdogan-1", "أردوغان: لن نسمح بكيان كردي على حدودنا", ERDOGAN, "الأناضول",
            "2015-08-02"),
    _record("terror-1", "القبض على خلية إرهابية في الشرقية", TERROR, "واس", "2015-08-02"),
    _record("syria-1", "الجيش السوري يستعيد بلدات في ريف حمص", SYRIA, "سانا", "2015-08-03"),
    _record("abdullah-1", "الملك يستقبل وفدا من رجال الأعمال", ABDULLAH, "بترا", "2015-08-03"),
    _record("weather-1", "أمطار رعدية على جازان وعسير", WEATHER, "واس", "2015-08-03"),
]
SECOND = [_record("shoigu-2", "شويغو يلتقي نظيره الصيني في موسكو", SHOIGU_LATER, "سبوتنيك",
                  "2015-08-04")]


def _write(folder: Path, name: str, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search")
    db = folder / "news.sqlite"
    with Store(db) as store:
        ingest([_write(folder / "in", "first.jsonl", FIRST)], store)
    return db


def _ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_ingest_indexes_every_article(store_path: Path) -> None:
    assert index_path(store_path).is_dir()
    assert SearchIndex(store_path).count() == len(FIRST)


def test_clitics_and_stems_match_at_index_and_query_time(store_path: Path) -> None:
    assert _ids(search(store_path, SearchQuery("ارهاب")))[0] == "terror-1"
    found = search(store_path, SearchQuery("الإرهابيين"))
    assert {"terror-1"} <= set(_ids(found))
    hit = next(h for h in found.hits if h.id == "terror-1")
    marked = {hit.snippet[a:b] for a, b in hit.highlights}
    assert "والإرهابيين" in marked                      # the exact form found and highlighted


def test_orthographic_variants_need_no_expansion(store_path: Path) -> None:
    assert "erdogan-1" in _ids(search(store_path, SearchQuery("اردوغان")))
    assert "abdullah-1" in _ids(search(store_path, SearchQuery("عبدالله")))
    both = set(_ids(search(store_path, SearchQuery("سوريا"))))
    assert {"syria-1", "erdogan-1"} <= both              # سورية in one, سوريا in the other


def test_a_name_in_another_spelling_is_found_through_the_entity(store_path: Path) -> None:
    results = search(store_path, SearchQuery("شويجو"))
    assert "shoigu-1" in _ids(results)                   # written شويغو only
    assert results.expansions and results.expansions[0][0] == "شويجو"
    assert "شويغو" in results.expansions[0][1]
    # no flooding: only articles that name him
    assert set(_ids(results)) <= {"shoigu-1", "shoigu-copy"}
    hit = results.hits[0]
    assert "شويغو" in {hit.snippet[a:b] for a, b in hit.highlights}
    plain = search(store_path, SearchQuery("شويجو", expand_variants=False))
    assert plain.total == 0 and plain.hits == ()


def test_ordinary_words_are_not_expanded(store_path: Path) -> None:
    for text in ("مناورات", "الحرب", "أمطار رعدية"):
        assert search(store_path, SearchQuery(text)).expansions == ()


def test_copies_are_collapsed_under_their_original(store_path: Path) -> None:
    collapsed = search(store_path, SearchQuery("مناورات القطب الشمالي"))
    assert _ids(collapsed) == ["shoigu-1"] and collapsed.hits[0].copies == ("shoigu-copy",)
    assert collapsed.total == 1
    every = search(store_path, SearchQuery("مناورات القطب الشمالي", collapse_copies=False))
    assert sorted(_ids(every)) == ["shoigu-1", "shoigu-copy"] and every.total == 2


def test_phrase_and_prefix(store_path: Path) -> None:
    assert _ids(search(store_path, SearchQuery('"وزير الدفاع"'))) == ["shoigu-1"]
    assert _ids(search(store_path, SearchQuery('"الدفاع وزير"'))) == []
    assert "terror-1" in _ids(search(store_path, SearchQuery("ارها*")))
    assert "terror-1" in _ids(search(store_path, SearchQuery("والإرها*")))


def test_and_first_then_or(store_path: Path) -> None:
    results = search(store_path, SearchQuery("داعش جازان"))    # no article has both
    assert results.matched_all == 0
    assert {"terror-1", "weather-1"} <= set(_ids(results))
    assert not any(h.matched_all for h in results.hits)
    both = search(store_path, SearchQuery("الشرقية داعش"))
    assert _ids(both)[0] == "terror-1" and both.hits[0].matched_all


def test_filters_sort_and_facets(store_path: Path) -> None:
    base = SearchQuery("المنطقة الشرقية")
    assert set(_ids(search(store_path, base))) == {"terror-1", "weather-1"}
    only = search(store_path, SearchQuery("المنطقة الشرقية", sources=("واس",),
                                          since=date(2015, 8, 3)))
    assert _ids(only) == ["weather-1"]
    assert _ids(search(store_path, SearchQuery("المنطقة الشرقية", until=date(2015, 8, 2)))
                ) == ["terror-1"]
    by_date = search(store_path, SearchQuery("القطب الشرقية سورية", sort="date"))
    days = [h.published for h in by_date.hits]
    assert days == sorted(days, reverse=True)
    facets = search(store_path, SearchQuery("القطب الشرقية")).facets
    assert set(facets) == {"source", "day", "event"}
    hit_all = search(store_path, SearchQuery("على"))
    assert dict(hit_all.facets["source"]).get("واس", 0) >= 1
    assert [d for d, _ in hit_all.facets["day"]] == sorted(d for d, _ in hit_all.facets["day"])
    assert search(store_path, SearchQuery("قال", language="en")).total == 0


def test_event_story_and_entity_filters(store_path: Path) -> None:
    first = search(store_path, SearchQuery("شويغو")).hits[0]
    assert first.event and first.story
    in_event = search(store_path, SearchQuery("مناورات", event=first.event))
    assert _ids(in_event) == ["shoigu-1"]
    assert _ids(search(store_path, SearchQuery("مناورات", story=first.story))) == ["shoigu-1"]
    by_name = search(store_path, SearchQuery("قال", entity="شويغو"))
    assert set(_ids(by_name)) == {"shoigu-1"}
    groups = group_by_event(search(store_path, SearchQuery("قال")))
    assert all(len({h.event for h in hits}) == 1 for _, hits in groups)
    with pytest.raises(NotFound):
        search(store_path, SearchQuery("قال", event="V999"))
    with pytest.raises(NotFound):
        search(store_path, SearchQuery("قال", story="S999"))
    with pytest.raises(NotFound):
        search(store_path, SearchQuery("قال", entity="اسم لا يوجد أبدا"))


@pytest.mark.parametrize("query", [SearchQuery(""), SearchQuery('"القطب'),
                                   SearchQuery("قال", sort="newest"), SearchQuery("قال", limit=0),
                                   SearchQuery("قال", since=date(2015, 8, 3),
                                               until=date(2015, 8, 1))])
def test_bad_queries_raise_coded_errors(store_path: Path, query: SearchQuery) -> None:
    with pytest.raises(QueryError) as caught:
        search(store_path, query)
    assert caught.value.code == "E_QUERY"


def test_second_ingest_is_indexed_incrementally(tmp_path: Path) -> None:
    db = tmp_path / "grow.sqlite"
    with Store(db) as store:
        ingest([_write(tmp_path, "a.jsonl", FIRST[:3])], store)
        assert SearchIndex(db).count() == 3
        ingest([_write(tmp_path, "b.jsonl", SECOND)], store)
        assert SearchIndex(db).count() == 4
        ingest([tmp_path / "b.jsonl"], store)                  # a repeat adds nothing
        assert SearchIndex(db).count() == 4
        assert ensure_index(store) == 0                       # idempotent
    assert "shoigu-2" in _ids(search(db, SearchQuery("نظيره الصيني")))


def test_a_store_without_index_is_caught_up(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with Store(db) as store:
        ingest([_write(tmp_path, "a.jsonl", FIRST[:4])], store, search_index=False)
    assert not index_path(db).exists()
    assert "terror-1" in _ids(search(db, SearchQuery("داعش")))   # search builds it
    assert SearchIndex(db).count() == 4
    shutil.rmtree(index_path(db))
    with Store(db) as store:
        assert ensure_index(store) == 4
        store.reset_grouping()             # a regroup renumbers events: the index is rebuilt
        assert not SearchIndex(db).compatible(store.grouping_epoch(), 1)


def test_cli_search_json_lines(store_path: Path, capsys) -> None:
    assert main(["search", "شويجو", "--db", str(store_path), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["shoigu-1"]
    for key in ("id", "title", "source", "published", "score", "snippet", "event", "story"):
        assert key in lines[0]
    assert "شويغو" in lines[0]["snippet"]
    assert main(["search", "مناورات", "--db", str(store_path), "--source", "سبوتنيك",
                 "--since", "2015-08-01", "--until", "2015-08-01", "--sort", "date"]) == 0
    assert "shoigu-1" in capsys.readouterr().out


def test_cli_search_bad_input_exit_2_with_code(store_path: Path, capsys) -> None:
    assert main(["search", '"القطب', "--db", str(store_path)]) == 2
    assert "[E_QUERY]" in capsys.readouterr().err
    assert main(["search", "قال", "--db", str(store_path), "--since", "2015-02-30"]) == 2
    assert "--since" in capsys.readouterr().err
    assert main(["search", "قال", "--db", str(store_path), "--event", "V999"]) == 2
    assert "[E_NOT_FOUND]" in capsys.readouterr().err


def test_cli_search_names_outlets_in_any_spelling(store_path: Path, capsys) -> None:
    # stored as «واس»: found by its key, its full name or its Latin abbreviation
    for spelling in ("spa", "وكالة الأنباء السعودية", "واس"):
        assert main(["search", "خلية", "--db", str(store_path), "--source", spelling,
                     "--json"]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [line["id"] for line in lines] == ["terror-1"], spelling
        assert lines[0]["source_name"] == "واس"

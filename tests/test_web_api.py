"""The HTTP API and pages in-process (httpx through Starlette's TestClient) over a store built in
code (tests/web_store.py): every endpoint, filters, pagination, stable ids, errors as coded JSON,
the token on writes, the body, query and path limits, security headers, escaping."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

from marsad.ingest.outlets import is_opinion, outlet_key, outlet_name, spellings  # noqa: E402
from marsad.web import create_app  # noqa: E402
from marsad.web.params import Limits  # noqa: E402
from web_store import XSS_ID, build_web_store  # noqa: E402

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_store(tmp_path_factory.mktemp("web") / "web.sqlite")


@pytest.fixture(scope="module")
def client(store_path: Path) -> TestClient:
    return TestClient(create_app(store_path), raise_server_exceptions=False)


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    assert "Traceback" not in response.text
    return body["error"]


# ----------------------------------------------------------------------------- lists
@pytest.mark.parametrize("path", ["/api/stories", "/api/events", "/api/documents",
                                  "/api/entities", "/api/quotes", "/api/quantities",
                                  "/api/comparisons", "/api/timeline"])
def test_every_list_is_paginated_with_its_total(client: TestClient, path: str) -> None:
    whole = client.get(path, params={"limit": 100}).json()
    assert whole["total"] >= 2 and len(whole["items"]) == min(100, whole["total"])
    first = client.get(path, params={"limit": 1}).json()
    second = client.get(path, params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == whole["total"]
    assert first["items"] == whole["items"][:1] and second["items"] == whole["items"][1:2]
    assert (first["limit"], second["offset"]) == (1, 1)


def test_stable_ids_lead_from_lists_to_records(client: TestClient) -> None:
    story = client.get("/api/stories").json()["items"][0]
    assert story["id"].startswith("S")
    page = client.get(f"/api/stories/{story['id']}").json()
    assert page["timeline"] and all(e["story"] == story["id"] for e in page["timeline"])
    event = page["timeline"][0]["id"]
    data = client.get(f"/api/events/{event}").json()
    assert data["event"]["id"] == event and data["articles"]
    doc = data["articles"][0]["id"]
    article = client.get("/api/documents/" + quote(doc, safe="")).json()
    assert article["id"] == doc and article["text"] and article["sentences"]
    for q in client.get("/api/quotes", params={"limit": 3}).json()["items"]:
        assert client.get(f"/api/quotes/{q['id']}").json()["text"] == q["text"]
    target = client.get("/api/comparisons").json()["items"][0]["target"]
    assert client.get(f"/api/comparisons/{target}").json()["target"] == target


def test_filters_select_what_they_say(client: TestClient) -> None:
    docs = client.get("/api/documents", params={"since": "2025-10-16", "until": "2025-10-16",
                                                "limit": 100}).json()
    assert docs["total"] > 0 and all(d["day"] == "2025-10-16" for d in docs["items"])
    sana = client.get("/api/documents", params={"source": "سانا", "limit": 100}).json()
    assert sana["total"] >= 2 and {d["source"] for d in sana["items"]} == {"سانا"}
    event = sana["items"][0]["event"]
    in_event = client.get("/api/documents", params={"event": event, "limit": 100}).json()
    assert in_event["total"] >= 1 and all(d["event"] == event for d in in_event["items"])
    story = client.get(f"/api/events/{event}").json()["event"]["story"]
    events = client.get("/api/events", params={"story": story, "limit": 100}).json()
    assert event in {e["id"] for e in events["items"]}
    assert all(e["story"] == story for e in events["items"])


def test_entity_filters_and_page(client: TestClient) -> None:
    found = client.get("/api/entities", params={"q": "شويغو"}).json()
    # prefix of the folded name: the minister is found under his other spelling too
    found = found if found["total"] else client.get("/api/entities",
                                                    params={"q": "سيرغي"}).json()
    minister = found["items"][0]
    assert {"شويغو", "شويجو"} <= set(minister["aliases"]) or \
        {"سيرغي شويغو", "سيرجي شويجو"} <= set(minister["aliases"])
    page = client.get(f"/api/entities/{minister['id']}").json()
    assert page["mentions_per_day"] and page["quotes_by"] and page["events"]
    assert all(q["speaker"] == minister["id"] for q in page["quotes_by"])
    docs = client.get("/api/documents", params={"entity": minister["id"]}).json()
    assert {d["id"] for d in docs["items"]} >= {"gen-shoigu-ghain", "gen-shoigu-jim"}
    quotes = client.get("/api/quotes", params={"entity": minister["id"]}).json()
    assert quotes["total"] == len(page["quotes_by"])


def test_outlets_have_one_arabic_name(client: TestClient) -> None:
    items = client.get("/api/outlets").json()["items"]
    names = [o["name"] for o in items]
    assert len(names) == len(set(names))
    assert "الوطن" in names                       # the id `alwatan` shown by its Arabic name
    docs = client.get("/api/documents", params={"source": "alwatan"}).json()["items"]
    assert docs and all(d["source_name"] == "الوطن" for d in docs)


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("path", ["/api/events/V99999", "/api/stories/S99999",
                                  "/api/entities/E99999", "/api/quotes/Q99999",
                                  "/api/documents/no-such-article", "/api/comparisons/V99999",
                                  "/api/nothing-here"])
def test_unknown_ids_are_404_json(client: TestClient, path: str) -> None:
    error = _error(client.get(path), 404, "E_NOT_FOUND")
    assert error["message"]


@pytest.mark.parametrize("path, params, name", [
    ("/api/events", {"limit": 0}, "limit"), ("/api/events", {"limit": 101}, "limit"),
    ("/api/documents", {"offset": -1}, "offset"), ("/api/documents", {"offset": 10**6}, "offset"),
    ("/api/documents", {"limit": "many"}, "limit"),
    ("/api/events", {"since": "yesterday"}, "since"), ("/api/events", {"until": "2025-02-30"},
                                                       "until"),
    ("/api/events", {"since": "2025-10-16", "until": "2025-10-01"}, "since"),
    ("/api/events", {"story": "12"}, "story"), ("/api/documents", {"entity": "X1"}, "entity"),
    ("/api/events/12", {}, "event_id"), ("/api/entities", {"type": "CITY"}, "type"),
    ("/api/search", {}, "q"), ("/api/comparisons/E1", {}, "target"),
])
def test_bad_parameters_are_422_with_a_coded_message(client: TestClient, path: str,
                                                     params: dict, name: str) -> None:
    error = _error(client.get(path, params=params), 422, "E_USAGE")
    assert name in error["message"]


def test_an_unknown_filter_id_is_404(client: TestClient) -> None:
    _error(client.get("/api/events", params={"story": "S99999"}), 404, "E_NOT_FOUND")
    _error(client.get("/api/quotes", params={"entity": "E99999"}), 404, "E_NOT_FOUND")


def test_pages_answer_errors_as_pages(client: TestClient) -> None:
    response = client.get("/event/V99999")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "E_NOT_FOUND" in response.text and "Traceback" not in response.text
    assert client.get("/event/nonsense").status_code == 422


# ----------------------------------------------------------------------------- limits, headers
def test_query_and_path_limits(client: TestClient) -> None:
    _error(client.get("/api/documents?source=" + "ا" * 3000), 414, "E_TOO_LARGE")
    _error(client.get("/api/documents/" + "a" * 2000), 414, "E_TOO_LARGE")
    _error(client.get("/api/entities", params={"q": "ب" * 300}), 422, "E_USAGE")


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/events", "/api/events/V99999", "/static/style.css", "/docs"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_ids_that_look_like_paths_never_reach_the_file_system(client: TestClient) -> None:
    for doc_id in ("../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "C:\\boot.ini"):
        response = client.get("/api/documents/" + quote(doc_id, safe=""))
        assert response.status_code == 404 and "root:" not in response.text
        assert client.get("/article/" + quote(doc_id, safe="")).status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_openapi_and_local_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/events/{event_id}", "/api/documents/{doc_id}",
                 "/api/entities/{entity_id}", "/api/quotes", "/api/quantities",
                 "/api/comparisons", "/api/timeline", "/api/search", "/api/articles"):
        assert any(p.startswith(path.split("{")[0]) for p in spec["paths"]), path
    docs = client.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in docs and "//cdn" not in docs
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


# ----------------------------------------------------------------------------- escaping
def test_payloads_never_come_back_as_markup(client: TestClient) -> None:
    url = "/article/" + quote(XSS_ID, safe="")
    page = client.get(url).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    event = client.get("/api/documents/" + quote(XSS_ID, safe="")).json()["event"]
    for path in ("/", f"/event/{event}", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
    entity = next(m["entity"] for m in client.get(
        "/api/documents/" + quote(XSS_ID, safe="")).json()["mentions"] if m["entity"])
    text = client.get(f"/entity/{entity}").text
    assert "&lt;script&gt;" in text and "<script>alert" not in text


# ----------------------------------------------------------------------------- pages
def test_article_page_marks_spans_and_sentences(client: TestClient) -> None:
    doc = client.get("/api/documents/gen-shoigu-ghain").json()
    sentence = doc["sentences"][1]
    page = client.get(f"/article/gen-shoigu-ghain?hl={sentence['start']}-{sentence['end']}").text
    assert f'id="s{sentence["n"]}"' in page and '<mark class="cited">' in page
    assert 'class="ent ent-PER"' in page and 'class="quote"' in page
    assert 'rel="noopener noreferrer"' in page
    _ = client.get("/article/gen-shoigu-ghain?hl=9-2")
    assert _.status_code == 422


def test_event_page_citations_open_the_cited_sentence(client: TestClient) -> None:
    events = client.get("/api/events", params={"limit": 100}).json()["items"]
    cited = next(e for e in events if client.get(f"/api/events/{e['id']}").json()["summary"])
    page = client.get(f"/event/{cited['id']}").text
    assert 'class="cite" href="/article/' in page and "?hl=" in page and "#s" in page
    assert "المقارنة بين المصادر" in page or len(cited["sources"]) < 2


def test_home_ranks_by_outlets_and_folds_singles(client: TestClient) -> None:
    page = client.get("/", params={"since": "2025-10-14", "until": "2025-10-16"}).text
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert '<details class="card" id="singles">' in page
    opinion = page.split('id="opinion"')[1]
    assert "الأسواق بين الخوف والأمل" in opinion          # the column, apart from the news
    assert client.get("/", params={"since": "2025-01-01", "until": "2025-12-31"}
                      ).status_code == 422              # longer than the period cap
    assert client.get("/", params={"source": "سانا"}).status_code == 200


# ----------------------------------------------------------------------------- writes
def test_writes_are_off_without_a_token(client: TestClient) -> None:
    _error(client.post("/api/articles", json={"articles": []}), 403, "E_READ_ONLY")


def test_writes_need_the_token_and_a_small_body(tmp_path: Path, store_path: Path) -> None:
    import shutil
    db = tmp_path / "copy.sqlite"
    shutil.copy(store_path, db)
    app = create_app(db, token=TOKEN, limits=Limits(max_body_bytes=20_000))
    client = TestClient(app, raise_server_exceptions=False)
    article = {"id": "posted-1", "source": "okaz", "published": "2025-10-17T09:00:00+03:00",
               "title": "وصول أول رحلة دولية إلى مطار الجوف",
               "text": "استقبل مطار الجوف اليوم أول رحلة دولية قادمة من دبي، وقال مدير المطار "
                       "إن الرحلات ستصبح أسبوعية اعتبارا من الشهر المقبل."}
    _error(client.post("/api/articles", json={"articles": [article]}), 401, "E_AUTH")
    _error(client.post("/api/articles", json={"articles": [article]},
                       headers={"Authorization": "Bearer wrong"}), 401, "E_AUTH")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    day = "2025-10-17"
    before = client.get("/", params={"since": day}).text       # cached, and pooled
    assert "مطار الجوف" not in before and client.get("/api/documents/posted-1").status_code == 404
    _error(client.post("/api/articles", content=b"{not json", headers=auth), 422, "E_JSON")
    _error(client.post("/api/articles", json={"articles": "x"}, headers=auth), 422, "E_JSON")
    big = {"articles": [dict(article, text=article["text"] * 200)]}
    _error(client.post("/api/articles", json=big, headers=auth), 413, "E_TOO_LARGE")

    def chunks():                          # no Content-Length: the limit still holds
        for _ in range(40):
            yield b" " * 1000
    _error(client.post("/api/articles", content=chunks(), headers=auth), 413, "E_TOO_LARGE")
    response = client.post("/api/articles", json={"articles": [article, {"id": "empty"}]},
                           headers=auth)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["added"] == 1 and result["rejected"][0]["input"] == "articles[1]"
    assert result["rejected"][0]["code"] == "E_EMPTY"
    posted = client.get("/api/documents/posted-1").json()
    assert posted["source_name"] == "عكاظ" and posted["event"]
    # the home page's cache and the reused connections see the write at once
    assert "مطار الجوف" in client.get("/", params={"since": day}).text
    again = client.post("/api/articles", json=[article], headers=auth).json()
    assert again["added"] == 0 and again["unchanged"] == 1


def test_search_before_the_index_exists_is_503_not_500(tmp_path: Path, store_path: Path) -> None:
    import shutil
    db = tmp_path / "noindex.sqlite"
    shutil.copy(store_path, db)
    client = TestClient(create_app(db), raise_server_exceptions=False)
    from marsad.store import Store
    with Store(db) as writer, writer.writer_lock():      # an ingest is busy: no index yet
        error = _error(client.get("/api/search", params={"q": "شويغو"}), 503, "E_UNAVAILABLE")
        assert "index" in error["message"] and error["hint"]
    assert client.get("/api/search", params={"q": "شويغو"}).status_code == 200   # built now


def test_the_server_needs_a_store(tmp_path: Path) -> None:
    from marsad.errors import StoreError
    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.sqlite")


# ----------------------------------------------------------------------------- outlets
def test_outlet_registry_folds_spellings() -> None:
    assert outlet_name("okaz") == outlet_name("عكاظ") == "عكاظ"
    assert outlet_name("3alyoum") == outlet_name("عين اليوم") == "عين اليوم"
    assert outlet_key("الشرق الأوسط") == "aawsat" and outlet_name("aawsat") == "الشرق الأوسط"
    assert set(spellings("aawsat")) >= {"aawsat", "الشرق الأوسط"}
    assert outlet_name("شبكة الأفق الإخبارية") == "شبكة الأفق الإخبارية"     # unknown: as is
    assert outlet_name(None) == outlet_name("  ") == "مصدر غير مسمى"


@pytest.mark.parametrize("url, author, title, expected", [
    ("http://www.3alyoum.com/opinion/articles/a/x/", "", "عبير الدخيل: فكر", True),
    ("http://www.alwatan.com.sa/Articles/Detail.aspx?ArticleID=1", "صالح الشيحي", "مقتطفات", True),
    ("http://aawsat.com/home/article/423781/سمير-عطا-الله/رحالة", "", "رحالة الصيف", True),
    ("http://www.alriyadh.com/1071008", "عمر الحميضي", "رصيد أموال", True),
    ("http://www.alriyadh.com/1071046", "أبها - مريم الجابر", "مدير صحة عسير", False),
    ("http://www.al-madina.com/node/623326/x", "واس - عسير", "الداخلية", False),
    ("http://www.okaz.com.sa/new/x", "عبدالله الداني (جدة)", "المفتي العام", False),
    ("http://aawsat.com/home/article/423700/اختلاف", "واشنطن: شيخة الدوسري", "اختلاف", False),
])
def test_opinion_baseline_on_real_cues(url: str, author: str, title: str, expected: bool) -> None:
    assert is_opinion(url, author, title) is expected


def test_json_errors_have_the_documented_shape(client: TestClient) -> None:
    body = json.loads(client.get("/api/events/V99999").text)
    assert set(body["error"]) <= {"code", "message", "hint"}


# ----------------------------------------------------------------------------- downloads
def test_export_downloads_match_the_cli_tables(client: TestClient, store_path: Path) -> None:
    import csv
    import io

    from marsad.export.tables import TABLES, iter_table
    from marsad.store import Store
    with Store(store_path, readonly=True) as store:
        expected = {t: [row["id"] if "id" in row else row["document"]
                        for row in iter_table(store, t)] for t in TABLES}
    for table in TABLES:
        response = client.get(f"/api/export/{table}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/x-ndjson")
        assert f'filename="marsad-{table}.jsonl"' in response.headers["content-disposition"]
        rows = [json.loads(line) for line in response.text.splitlines()]
        assert [r.get("id", r.get("document")) for r in rows] == expected[table]
        assert [c for c in rows[0]] == [c.name for c in TABLES[table].columns] if rows else True
    documents = client.get("/api/export/documents", params={"format": "csv"})
    assert documents.content.startswith(b"\xef\xbb\xbf")          # Excel reads UTF-8 Arabic
    rows = list(csv.DictReader(io.StringIO(documents.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == expected["documents"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in rows[0]["text"])
    first_day = min(r["day"] for r in rows if r["day"])
    one_day = client.get("/api/export/documents", params={"since": first_day,
                                                          "until": first_day}).text.splitlines()
    assert 0 < len(one_day) == sum(r["day"] == first_day for r in rows)


def test_export_parquet_download(client: TestClient) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import io
    response = client.get("/api/export/quotes", params={"format": "parquet"})
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == client.get("/api/quotes").json()["total"]


@pytest.mark.parametrize("path, params, name", [
    ("/api/export/users", {}, "table"), ("/api/export/documents", {"format": "xlsx"}, "format"),
    ("/api/export/documents", {"since": "2025-13-01"}, "since")])
def test_export_bad_parameters(client: TestClient, path: str, params: dict, name: str) -> None:
    error = _error(client.get(path, params=params), 422, "E_USAGE")
    assert name in error["message"]


def test_search_filters_by_language(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "شويغو", "language": "ar"}).json()
    none = client.get("/api/search", params={"q": "شويغو", "language": "en"}).json()
    assert none["total"] == 0 and found["total"] >= 1
    assert all(hit["language"] == "ar" for hit in found["hits"])
    _error(client.get("/api/search", params={"q": "الجسر", "language": "<x>"}), 422, "E_USAGE")


def test_search_results_grouped_by_event(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "شويغو"}).json()
    assert [i for g in body["groups"] for i in g["hits"]] == [h["id"] for h in body["hits"]]
    events = [g["event"] for g in body["groups"] if g["event"]]
    assert len(events) == len(set(events))
    page = client.get("/search", params={"q": "شويغو", "group": "event"})
    assert page.status_code == 200 and 'class="hit-group card"' in page.text
    assert all(f"/article/{quote(h['id'], safe='')}" in page.text for h in body["hits"])


def test_pages_answer_whole_while_an_ingest_writes(tmp_path: Path, store_path: Path) -> None:
    """An ingest in another thread writes 12 articles while the API and pages are read over and
    over: every answer is 200, every article read is whole (its text is the one written, its
    sentences cover it), and at the end everything written is served."""
    import hashlib
    import shutil
    import threading

    from marsad.api import ingest_records
    db = tmp_path / "busy.sqlite"
    shutil.copy(store_path, db)
    shutil.copytree(f"{store_path}.search", f"{db}.search")       # the store with its index
    client = TestClient(create_app(db), raise_server_exceptions=False)
    texts = {f"busy-{n}": (f"أعلنت وزارة الصحة اليوم افتتاح المركز رقم {n} في مدينة جدة. "
                           f"وقال المتحدث إن المركز {n} سيخدم آلاف المراجعين كل شهر.")
             for n in range(12)}
    done = threading.Event()
    failures: list[str] = []

    def write() -> None:
        try:
            for doc_id, text in texts.items():
                ingest_records([{"id": doc_id, "source": "okaz", "text": text,
                                 "published": "2025-10-18", "title": f"مركز {doc_id}"}], db)
        except Exception as exc:            # noqa: BLE001 - reported by the test
            failures.append(repr(exc))
        finally:
            done.set()
    writer = threading.Thread(target=write)
    writer.start()
    reads = 0
    while not done.is_set() or reads < 20:
        for path in ("/", "/?since=2025-10-18", "/api/documents?since=2025-10-18",
                     "/api/events?since=2025-10-18", "/api/search?q=المركز"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        listed = client.get("/api/documents", params={"since": "2025-10-18",
                                                       "limit": 100}).json()["items"]
        for item in listed:
            doc = client.get(f"/api/documents/{item['id']}").json()
            assert hashlib.sha1(doc["text"].encode()).hexdigest() == \
                hashlib.sha1(texts[item["id"]].encode()).hexdigest()
            assert doc["sentences"] and doc["sentences"][-1]["end"] <= len(doc["text"])
        reads += 1
    writer.join()
    assert not failures
    final = client.get("/api/documents", params={"since": "2025-10-18", "limit": 100}).json()
    assert final["total"] == len(texts)

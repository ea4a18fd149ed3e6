"""The JSON API under /api/: lists (paginated, filtered, with their total) and single records
by their stable ids (E/V/S/Q and article ids), search, and the one write (POST /api/articles).

List responses: `{"total": N, "limit": L, "offset": O, "items": [...]}`; every item with a
`source` also carries `source_name`, the outlet's Arabic name.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from marsad.errors import E_AUTH, E_JSON, E_READ_ONLY, MarsadError
from marsad.ingest.outlets import author_line, is_opinion, outlet_key, outlet_name
from marsad.store import Store
from marsad.store.browse import Browse, Page
from marsad.store.reads import NotFound
from marsad.web import params
from marsad.web.app import open_store
from marsad.web.search import run_search

router = APIRouter(prefix="/api")

MAX_POSTED_ARTICLES = 1_000

SINCE = Query(None, description="first day, YYYY-MM-DD (inclusive)")
UNTIL = Query(None, description="last day, YYYY-MM-DD (inclusive)")
SOURCE = Query(None, description="an outlet: its key (okaz) or any of its names (عكاظ)")
STORY = Query(None, description="a story id, S12")
EVENT = Query(None, description="an event id, V12")
ENTITY = Query(None, description="an entity id, E12")
LIMIT = Query(None, description="rows per page (default 20, at most 100)")
OFFSET = Query(None, description="rows to skip (at most 10,000)")


def _named(item: dict[str, Any]) -> dict[str, Any]:
    if "source" in item:
        item["source_name"] = outlet_name(item["source"])
    return item


def _page(page: Page, limit: int, offset: int) -> dict[str, Any]:
    return {"total": page.total, "limit": limit, "offset": offset,
            "items": [_named(item) for item in page.items]}


def _limits(request: Request) -> params.Limits:
    return request.app.state.limits


@router.get("/stories", summary="stories, most recent first")
def stories(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
            source: str | None = SOURCE, entity: str | None = ENTITY,
            limit: int | None = LIMIT, offset: int | None = OFFSET,
            store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, source=source, entity=entity)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).stories(f, lim, off), lim, off)


@router.get("/stories/{story_id}", summary="one story: summary and timeline")
def story(story_id: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    params.public_number("story_id", story_id, "S")
    data = Browse(store.db).story(store.resolve_story(story_id))
    data["timeline"] = [_named(e) for e in data["timeline"]]
    return data


@router.get("/events", summary="events, latest timeline date first")
def events(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
           source: str | None = SOURCE, story: str | None = STORY, entity: str | None = ENTITY,
           limit: int | None = LIMIT, offset: int | None = OFFSET,
           store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, source=source, story=story,
                       entity=entity)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).events(f, lim, off), lim, off)


@router.get("/events/{event_id}", summary="one event: articles, cited summary, comparison, "
            "quotes, quantities")
def event(event_id: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    number = params.public_number("event_id", event_id, "V")
    data = store.event_page(event_id)
    data["articles"] = [_named(a) for a in data["articles"]]
    data["quantities"] = [_named(q) for q in Browse(store.db).event_quantities(number)]
    return data


@router.get("/documents", summary="articles, newest day first")
def documents(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
              source: str | None = SOURCE, story: str | None = STORY, event: str | None = EVENT,
              entity: str | None = ENTITY, limit: int | None = LIMIT,
              offset: int | None = OFFSET, store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, source=source, story=story,
                       event=event, entity=entity)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).documents(f, lim, off), lim, off)


@router.get("/documents/{doc_id:path}", summary="one article: text, sentences, mentions, "
            "quotes, quantities (offsets into text), copies")
def document(doc_id: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    data = _named(Browse(store.db).document(doc_id))
    data["outlet_name"] = outlet_name(data.get("outlet") or data.get("source"))
    data["opinion"] = is_opinion(data.get("url"), _author_line(data), data.get("title"))
    return data


def _author_line(doc: dict[str, Any]) -> str | None:
    """The byline as an outlet printed it: with its place or agency when it had one."""
    return author_line(doc.get("byline"), doc.get("dateline") or doc.get("agency"))


@router.get("/entities", summary="entities, by name prefix and type")
def entities(request: Request, q: str | None = Query(None, description="name prefix"),
             type: str | None = Query(None, pattern="^(PER|ORG|LOC|MISC)$",
                                      description="PER, ORG, LOC or MISC"),
             limit: int | None = LIMIT, offset: int | None = OFFSET,
             store: Store = Depends(open_store)) -> dict[str, Any]:
    from marsad.arabic.normalize import fold
    lim, off = params.page(_limits(request), limit, offset)
    if q is not None and len(q) > _limits(request).max_search_chars:
        raise params.BadParameter("q", f"longer than {_limits(request).max_search_chars} "
                                  "characters")
    prefix = " ".join(fold(q).split()) if q and q.strip() else None
    return _page(Browse(store.db).entities(prefix, type, lim, off), lim, off)


@router.get("/entities/{entity_id}", summary="one entity: aliases, mentions per day, quotes "
            "by and about it, events, co-occurring entities")
def entity(entity_id: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    params.public_number("entity_id", entity_id, "E")
    number = store.resolve_entity(entity_id)
    browse = Browse(store.db)
    from marsad.store.browse import Filters
    data = browse.entity(number)
    data["mentions_per_day"] = [{"day": d, "mentions": n} for d, n in
                                browse.mentions_per_day(number)]
    data["quotes_by"] = [_named(q) for q in browse.quotes(Filters(entity=number), 20, 0).items]
    data["quotes_about"] = [_named(q) for q in browse.quotes_about(number, 20)]
    data["events"] = browse.entity_events(number, 20)
    data["co_occurring"] = browse.co_occurring(number, 20)
    if entity_id != data["id"]:
        data["merged_from"] = entity_id
    return data


@router.get("/quotes", summary="quotes, newest first; entity= the speaker")
def quotes(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
           source: str | None = SOURCE, story: str | None = STORY, event: str | None = EVENT,
           entity: str | None = ENTITY, limit: int | None = LIMIT, offset: int | None = OFFSET,
           store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, source=source, story=story,
                       event=event, entity=entity)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).quotes(f, lim, off), lim, off)


@router.get("/quotes/{quote_id}", summary="one quote")
def quote(quote_id: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    number = params.public_number("quote_id", quote_id, "Q")
    from marsad.store.browse import _QUOTE_COLUMNS, _quote_row
    row = store.db.execute(_QUOTE_COLUMNS + " FROM quotes q JOIN documents d ON d.seq ="
                           " q.doc_seq WHERE q.seq = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(f"no quote {quote_id!r} in this store", "quote ids look like Q12")
    return _named(_quote_row(row))


@router.get("/quantities", summary="numbers with their units, newest first")
def quantities(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
               source: str | None = SOURCE, story: str | None = STORY,
               event: str | None = EVENT, entity: str | None = ENTITY,
               unit: str | None = Query(None, description="exact unit, e.g. قتيل"),
               limit: int | None = LIMIT, offset: int | None = OFFSET,
               store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, source=source, story=story,
                       event=event, entity=entity)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).quantities(f, unit, lim, off), lim, off)


@router.get("/comparisons", summary="outlet comparisons of events and stories")
def comparisons(request: Request, since: str | None = SINCE, until: str | None = UNTIL,
                story: str | None = STORY, event: str | None = EVENT,
                limit: int | None = LIMIT, offset: int | None = OFFSET,
                store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, story=story, event=event)
    lim, off = params.page(_limits(request), limit, offset)
    return _page(Browse(store.db).comparisons(f, lim, off), lim, off)


@router.get("/comparisons/{target}", summary="the comparison of one event (V12) or story (S3)")
def comparison(target: str, store: Store = Depends(open_store)) -> dict[str, Any]:
    if not (target[:1] in ("V", "S") and target[1:].isdigit()):
        raise params.BadParameter("target", f"{target[:40]!r} is not an event or story id",
                                  "V12 or S3")
    row = store.db.execute("SELECT body FROM comparisons WHERE target = ?",
                           (target,)).fetchone()
    if row is None:
        raise NotFound(f"no comparison for {target!r} in this store",
                       "events reported by a single outlet have none")
    return {"target": target, **json.loads(row[0])}


@router.get("/timeline", summary="a story's events by date, or the events of a period")
def timeline(request: Request, story: str | None = STORY, since: str | None = SINCE,
             until: str | None = UNTIL, limit: int | None = LIMIT, offset: int | None = OFFSET,
             store: Store = Depends(open_store)) -> dict[str, Any]:
    f = params.filters(store, since=since, until=until, story=story)
    browse = Browse(store.db)
    if f.story is not None:
        items = [e for e in browse.timeline(f.story)
                 if (not f.since or (e["date"] or "") >= f.since)
                 and (not f.until or (e["date"] or "9") <= f.until)]
        return {"story": story, "total": len(items),
                "items": items}
    lim, off = params.page(_limits(request), limit, offset)
    return _page(browse.events(f, lim, off), lim, off)


@router.get("/outlets", summary="outlets of the store with their Arabic names and articles")
def outlets(store: Store = Depends(open_store)) -> dict[str, Any]:
    merged: dict[str, dict[str, Any]] = {}
    for source, count in Browse(store.db).source_counts():
        key = outlet_key(source)
        entry = merged.setdefault(key, {"key": key, "name": outlet_name(source),
                                        "spellings": [], "documents": 0})
        entry["spellings"].append(source)
        entry["documents"] += count
    items = sorted(merged.values(), key=lambda e: -e["documents"])
    return {"total": len(items), "items": items}


@router.get("/search", summary="full-text search (Arabic analysis; variant spellings)")
def search(request: Request, q: str = Query(..., description="the query"),
           since: str | None = SINCE, until: str | None = UNTIL, source: str | None = SOURCE,
           story: str | None = STORY, event: str | None = EVENT, entity: str | None = ENTITY,
           sort: str = Query("relevance", pattern="^(relevance|date)$"),
           language: str | None = Query(None, description="articles in this language (ar)"),
           limit: int | None = LIMIT, offset: int | None = OFFSET,
           store: Store = Depends(open_store)) -> dict[str, Any]:
    limits = _limits(request)
    lim, off = params.page(limits, limit, offset)
    results = run_search(store, limits, q, since=since, until=until, source=source,
                         story=story, event=event, entity=entity, sort=sort, limit=lim,
                         offset=off, language=language)
    return results.as_dict()


@router.get("/export/{table}", summary="download one table (as `marsad export`): "
            "documents, entities, mentions, quotes, quantities, events or stories",
            response_class=Response)
def export(request: Request, table: str,
           format: str = Query("jsonl", pattern="^(jsonl|csv|parquet)$",
                               description="jsonl, csv (UTF-8 with BOM) or parquet"),
           since: str | None = SINCE, until: str | None = UNTIL) -> Response:
    """The whole table (or the rows of a period), streamed: the same columns as `marsad
    export` (docs/export.md). The response is a file to save (Content-Disposition)."""
    from marsad.export import tables
    if table not in tables.TABLES:
        raise params.BadParameter("table", f"{table[:40]!r} is not a table",
                                  f"choose one of: {', '.join(tables.TABLES)}")
    since, until = params.day("since", since), params.day("until", until)
    name = f"marsad-{table}.{format}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    pool = request.app.state.pool           # one snapshot for the whole download
    store = pool.take()
    if format == "parquet":
        import os
        import tempfile
        handle, path = tempfile.mkstemp(prefix="marsad-export-", suffix=".parquet")
        os.close(handle)
        try:
            tables.export_table(store, table, "parquet", path, since=since, until=until)
        except BaseException:
            os.unlink(path)
            raise
        finally:
            pool.give_back(store)
        return FileResponse(path, media_type=tables.MEDIA_TYPES["parquet"], headers=headers,
                            background=BackgroundTask(os.unlink, path))
    try:
        chunks = tables.stream_table(store, table, format, since=since, until=until)
    except BaseException:
        pool.give_back(store)
        raise

    def body() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            pool.give_back(store)
    return StreamingResponse(body(), media_type=tables.MEDIA_TYPES[format], headers=headers)


@router.post("/articles", status_code=200, summary="ingest articles (needs the token)")
async def post_articles(request: Request) -> JSONResponse:
    token = request.app.state.token
    if not token:
        raise _ReadOnly()
    given = request.headers.get("authorization", "")
    if not (given.startswith("Bearer ") and
            hmac.compare_digest(given[7:].encode(), token.encode())):
        raise _Unauthorized()
    raw = await request.body()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _BadBody(f"the body is not JSON: {str(exc)[:120]}") from None
    records = body.get("articles") if isinstance(body, dict) else body
    if isinstance(body, dict) and records is None:
        records = [body]
    if not isinstance(records, list) or not records:
        raise _BadBody("expected {\"articles\": [...]}, a JSON array of articles, or one "
                       "article object")
    if len(records) > MAX_POSTED_ARTICLES:
        raise _BadBody(f"{len(records)} articles in one request; at most "
                       f"{MAX_POSTED_ARTICLES}")
    from starlette.concurrency import run_in_threadpool
    from marsad.api import ingest_records
    result = await run_in_threadpool(ingest_records, records, request.app.state.db_path,
                                     request.app.state.settings)
    return JSONResponse({"added": result.added, "unchanged": result.unchanged,
                         "total": result.total,
                         "rejected": [{"input": r.input, "code": r.code, "reason": r.reason}
                                      for r in result.rejected]},
                        status_code=200 if result.added + result.unchanged else 422)


class _ReadOnly(MarsadError):
    code = E_READ_ONLY
    http_status = 403

    def __init__(self) -> None:
        super().__init__("writes are off: this server was started without a token",
                         "start it with `marsad serve --token T` (or MARSAD_TOKEN=T)")


class _Unauthorized(MarsadError):
    code = E_AUTH
    http_status = 401

    def __init__(self) -> None:
        super().__init__("this write needs the server's token",
                         "send the header `Authorization: Bearer <token>`")


class _BadBody(MarsadError):
    code = E_JSON
    http_status = 422



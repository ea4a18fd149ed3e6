"""The web pages (server-rendered Jinja2, right-to-left, Arabic-first, no script needed):
home, story, event, entity, article, search, and /docs (the API's Swagger UI, from local files).

Templates autoescape everything; the only pre-rendered HTML they receive comes from
`marsad.web.render` and `marsad.export.timeline_svg`, which escape every string themselves.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from marsad.export.timeline_svg import timeline_svg
from marsad.ingest.outlets import outlet_key, outlet_name
from marsad.store import Store
from marsad.store.browse import Browse, Filters
from marsad.types import Event, Story, TimelineEntry
from marsad.web import params, render
from marsad.web.app import open_store
from marsad.web.search import SearchUnavailable, run_search, snippet_html

router = APIRouter(include_in_schema=False)

ENV = Environment(loader=PackageLoader("marsad.web", "templates"), autoescape=True,
                  undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(outlet_name=outlet_name, article_url=render.article_url,
                   safe_href=render.safe_href, type_name=render.ENTITY_TYPE_NAMES.get,
                   kind_name=render.QUOTE_KIND_NAMES.get)
ENV.filters["outlet"] = outlet_name
ENV.filters["num"] = lambda n: f"{int(n):,}" if isinstance(n, (int, float)) else n

HOME_ITEMS = 50            # multi-outlet stories listed in full
HOME_FOLDED = 200          # single-article items listed in the folded parts


def _page(name: str, request: Request, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(name).render(request=request, **context))


def error_page(request: Request, status: int, code: str, message: str,
               hint: str | None) -> str:
    return ENV.get_template("error.html").render(request=request, status=status, code=code,
                                                 message=message, hint=hint)


def _outlets(request: Request, store: Store) -> list[dict[str, Any]]:
    """The store's outlets for the filter menus (one entry per outlet, all its spellings),
    cached until the store changes."""
    def make() -> list[dict[str, Any]]:
        merged: dict[str, dict[str, Any]] = {}
        for source, count in Browse(store.db).source_counts():
            key = outlet_key(source)
            entry = merged.setdefault(key, {"key": key, "name": outlet_name(source),
                                            "documents": 0})
            entry["documents"] += count
        return sorted(merged.values(), key=lambda o: -o["documents"])
    return request.app.state.cache.get_or_make(("outlets",), make)


# ----------------------------------------------------------------------------- home
def _ranked_period(browse: Browse, f: Filters) -> tuple[list, list, list, dict[str, int]]:
    """The home page's lists for a period: multi-article stories ranked by outlets, single
    news articles, opinion columns, and the counts (cached until the store changes)."""
    events = browse.period_events(f)
    stories = sorted({ev["story"] for ev in events if ev["story"] is not None})
    ranked = render.rank_period(events, browse.story_titles(stories))
    singles = [item for item in ranked if item.documents == 1 and len(item.events) == 1]
    render.classify_singles(singles[:HOME_FOLDED * 2],
                            browse.single_articles([item.events[0]["number"]
                                                    for item in singles[:HOME_FOLDED * 2]]))
    main = [item for item in ranked if item.documents > 1 or len(item.events) > 1]
    opinion = [item for item in singles if item.opinion]
    news_singles = [item for item in singles if not item.opinion]
    counts = {"stories": len(ranked), "events": len(events),
              "documents": sum(int(ev["documents"] or 0) for ev in events),
              "outlets": len({name for item in ranked for name in item.outlets})}
    return main, news_singles, opinion, counts


@router.get("/", response_class=HTMLResponse)
def home(request: Request, since: str | None = Query(None), until: str | None = Query(None),
         source: str | None = Query(None), store: Store = Depends(open_store)) -> HTMLResponse:
    browse = Browse(store.db)
    first_day, last_day = browse.day_range()
    since_day, until_day = params.day("since", since), params.day("until", until)
    if since_day is None and until_day is None and last_day:
        since_day = until_day = last_day            # the latest day of the store
    elif since_day and until_day is None:
        until_day = since_day
    elif until_day and since_day is None:
        since_day = until_day
    if since_day and until_day:
        if since_day > until_day:
            raise params.BadParameter("since", f"{since_day} is after until ({until_day})")
        if date.fromisoformat(until_day) - date.fromisoformat(since_day) > \
                timedelta(days=request.app.state.limits.max_period_days):
            raise params.BadParameter("until", "the period is longer than "
                                      f"{request.app.state.limits.max_period_days} days",
                                      "choose a shorter period")
    f = params.filters(store, since=since_day, until=until_day, source=source)
    main, news_singles, opinion, counts = request.app.state.cache.get_or_make(
        ("home", since_day, until_day, f.sources), lambda: _ranked_period(browse, f))
    return _page("home.html", request, main=main[:HOME_ITEMS], more=main[HOME_ITEMS:],
                 singles=news_singles[:HOME_FOLDED], singles_total=len(news_singles),
                 opinion=opinion[:HOME_FOLDED], opinion_total=len(opinion), counts=counts,
                 since=since_day, until=until_day, source=source or "",
                 first_day=first_day, last_day=last_day, outlets=_outlets(request, store))


# ----------------------------------------------------------------------------- story
@router.get("/story/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str,
               store: Store = Depends(open_store)) -> HTMLResponse:
    params.public_number("story_id", story_id, "S")
    data = Browse(store.db).story(store.resolve_story(story_id))
    events = {ev["id"]: Event(ev["id"], ev["title"], (), tuple(ev["sources"]), ev["date"],
                              data["id"]) for ev in data["timeline"]}
    entries = [TimelineEntry(data["id"], ev["id"], ev["date"], ev["basis"])
               for ev in data["timeline"]]
    svg = timeline_svg(Story(data["id"], data["title"], tuple(events)), events, entries,
                       lambda event_id: f"evt-{event_id}")
    citations = _citation_links(Browse(store.db), data["summary"])
    return _page("story.html", request, story=data, timeline=Markup(svg),
                 citations=citations)


def _citation_links(browse: Browse, summary: dict[str, Any] | None
                    ) -> list[list[dict[str, Any]]]:
    """Per summary sentence, its citations as links to the cited sentence of the article."""
    if not summary:
        return []
    spots = [(c["doc"], c["start"]) for s in summary["sentences"] for c in s["citations"]]
    numbers = browse.sentence_numbers(spots)
    sources = dict(browse.db.execute(
        "SELECT id, source FROM documents WHERE id IN (%s)" % ",".join("?" * len(spots)),
        [doc for doc, _ in spots]).fetchall()) if spots else {}
    return [[{"url": render.article_url(c["doc"], c["start"], c["end"],
                                        numbers.get((c["doc"], c["start"]))),
              "label": outlet_name(sources.get(c["doc"])), "doc": c["doc"]}
             for c in s["citations"]] for s in summary["sentences"]]


# ----------------------------------------------------------------------------- event
@router.get("/event/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str,
               store: Store = Depends(open_store)) -> HTMLResponse:
    number = params.public_number("event_id", event_id, "V")
    data = store.event_page(event_id)
    browse = Browse(store.db)
    titles = {a["id"]: a for a in data["articles"]}
    by_speaker: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for q in data["quotes"]:
        key = ("E", q["speaker"]) if q["speaker"] else ("T", q["speaker_text"] or "")
        by_speaker[key].append(q)
    speakers = sorted(by_speaker.items(), key=lambda item: -len(item[1]))
    comparison = data["comparison"]
    names: dict[str, str] = {}
    if comparison:
        wanted = sorted({eid for o in comparison["outlets"] for eid in o["entities"]}
                        | {f["subject"] for f in comparison["disagreements"]
                           + comparison["agreements"] if str(f["subject"]).startswith("E")})
        if wanted:
            numbers = [int(w[1:]) for w in wanted if w[1:].isdigit()]
            names = {f"E{n}": name for n, name in store.db.execute(
                "SELECT number, name FROM entities WHERE number IN (%s)"
                % ",".join("?" * len(numbers)), numbers)} if numbers else {}
    return _page("event.html", request, event=data["event"], articles=data["articles"],
                 titles=titles, summary=data["summary"],
                 citations=_citation_links(browse, data["summary"]), comparison=comparison,
                 entity_names=names, speakers=speakers,
                 quantities=browse.event_quantities(number))


# ----------------------------------------------------------------------------- entity
@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str,
                store: Store = Depends(open_store)) -> HTMLResponse:
    params.public_number("entity_id", entity_id, "E")
    number = store.resolve_entity(entity_id)
    browse = Browse(store.db)
    data = browse.entity(number)
    per_day = browse.mentions_per_day(number)
    quotes_by = browse.quotes(Filters(entity=number), 30, 0)
    return _page("entity.html", request, entity=data, merged_from=entity_id
                 if entity_id != data["id"] else None,
                 plot=render.mentions_svg(per_day, data["name"]), quotes_by=quotes_by,
                 quotes_about=browse.quotes_about(number, 30),
                 events=browse.entity_events(number, 20),
                 co_occurring=browse.co_occurring(number, 20))


# ----------------------------------------------------------------------------- article
@router.get("/article/{doc_id:path}", response_class=HTMLResponse)
def article_page(request: Request, doc_id: str, hl: str | None = Query(None),
                 store: Store = Depends(open_store)) -> HTMLResponse:
    doc = Browse(store.db).document(doc_id)
    cited = None
    if hl:
        start, _, end = hl.partition("-")
        if not (start.isdigit() and end.isdigit() and int(start) < int(end)):
            raise params.BadParameter("hl", f"{hl[:40]!r} is not a span START-END")
        cited = (int(start), int(end))
    from marsad.web.endpoints import _author_line
    from marsad.ingest.outlets import is_opinion
    opinion = is_opinion(doc.get("url"), _author_line(doc), doc.get("title"))
    return _page("article.html", request, doc=doc, text=render.article_html(doc, cited),
                 opinion=opinion, publisher=outlet_name(doc.get("outlet") or doc["source"]))


# ----------------------------------------------------------------------------- search
@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str | None = Query(None), since: str | None = Query(None),
                until: str | None = Query(None), source: str | None = Query(None),
                entity: str | None = Query(None), event: str | None = Query(None),
                story: str | None = Query(None), sort: str = Query("relevance"),
                language: str | None = Query(None),
                group: str = Query("", pattern="^(|event)$"),
                offset: int = Query(0, ge=0, le=10_000),
                store: Store = Depends(open_store)) -> HTMLResponse:
    results, problem = None, None
    if q and q.strip():
        try:
            results = run_search(store, request.app.state.limits, q, since=since, until=until,
                                 source=source, entity=entity, event=event, story=story,
                                 sort=sort, limit=20, offset=offset, language=language)
        except SearchUnavailable as exc:
            problem = exc.message
    snippets = {hit["id"]: Markup(snippet_html(hit["snippet"] or "", hit["highlights"]))
                for hit in (results.hits if results else [])}
    return _page("search.html", request, q=q or "", results=results, snippets=snippets,
                 problem=problem, since=since or "", until=until or "", source=source or "",
                 sort=sort, offset=offset, outlets=_outlets(request, store), group=group,
                 by_id={hit["id"]: hit for hit in (results.hits if results else [])},
                 filters={"entity": entity, "event": event, "story": story,
                          "language": language})


# ----------------------------------------------------------------------------- docs
@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    return _page("docs.html", request, swagger=request.app.state.swagger)

"""The web application: the HTTP API under /api/ and the pages, over one store.

`create_app(db_path, token=...)` builds it; `marsad serve` runs it with uvicorn. Every request
reads through a read-only connection of its own (`StorePool`: reused, one read transaction
per request, so a page is one snapshot while an ingest writes beside it in WAL mode), so the
server never holds a write lock and never runs a stage, except POST /api/articles, which calls
the library's ingest and needs the token given at start (no token: writes are off, 403).
What is costly to build and read often (the home page's ranking) is cached until the store
changes (`VersionedCache`, keyed on SQLite's data_version).

Safety, in one place (`Guard`, a plain ASGI middleware): the query string, the path and the
request body are size-limited before any handler runs; every response carries a CSP of
`default-src 'self'` (the pages load nothing from elsewhere and run no inline script),
`X-Content-Type-Options: nosniff`, no referrer and no framing. Every error is JSON under /api/
(`{"error": {"code": "E_...", "message": ..., "hint": ...}}`) and a plain page elsewhere;
no traceback ever reaches a client.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.errors import (E_INTERNAL, E_NOT_FOUND, E_TOO_LARGE, E_USAGE, REPORT_HINT,
                           MarsadError, StoreError)
from marsad.settings import Settings
from marsad.store import Store
from marsad.web.params import Limits

STATIC = Path(__file__).with_name("static")
LOG = logging.getLogger("marsad.web")

PAGE_CSP = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            "object-src 'none'")
# Swagger UI sets style attributes and draws icons from data: URLs; it still loads nothing
# from another host.
DOCS_CSP = PAGE_CSP + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]


def error_body(code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if hint:
        error["hint"] = hint
    return {"error": error}


class Guard:
    """Size limits and security headers around the whole app (before routing)."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        body = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"content-security-policy", PAGE_CSP.encode()),
                                *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.limits
        if len(scope.get("query_string", b"")) > limits.max_query_bytes:
            await self._refuse(send, 414, E_TOO_LARGE, f"the query string is longer than "
                               f"{limits.max_query_bytes} bytes")
            return
        if len(scope.get("raw_path") or scope["path"].encode()) > limits.max_path_bytes:
            await self._refuse(send, 414, E_TOO_LARGE, f"the path is longer than "
                               f"{limits.max_path_bytes} bytes")
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            # Read the whole body here, refusing it past the limit (whatever Content-Length
            # says: a chunked body has none), then hand it to the app.
            declared = dict(scope["headers"]).get(b"content-length")
            if declared is not None and declared.isdigit() and \
                    int(declared) > limits.max_body_bytes:
                await self._refuse(send, 413, E_TOO_LARGE, f"the request body is larger than "
                                   f"{limits.max_body_bytes:,} bytes")
                return
            chunks, size = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limits.max_body_bytes:
                    await self._refuse(send, 413, E_TOO_LARGE, f"the request body is larger "
                                       f"than {limits.max_body_bytes:,} bytes")
                    return
                chunks.append(chunk)
                if not message.get("more_body"):
                    break
            body = b"".join(chunks)
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()
            receive = replay
        csp = (DOCS_CSP if scope["path"] == "/docs" else PAGE_CSP).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() != b"content-security-policy"]
                message["headers"] = headers + [(b"content-security-policy", csp),
                                                *SECURITY_HEADERS]
            await send(message)
        await self.app(scope, receive, with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error_response(request: Request, status: int, code: str, message: str,
                    hint: str | None = None) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(code, message, hint), status_code=status)
    from marsad.web.pages import error_page
    return HTMLResponse(error_page(request, status, code, message, hint), status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(where) or "request"
        parts.append(f"parameter {name!r}: {error.get('msg', 'is not valid')}")
    return "; ".join(parts) or "the request parameters are not valid"


class StoreVersion:
    """Tells when the store has changed since a value was computed, for the caches of what is
    costly to build (the home page's ranking): one long-lived read-only connection whose
    `PRAGMA data_version` moves whenever any other connection commits (an ingest, a POST).
    Cheap (no table is read), exact, and safe from any thread."""

    def __init__(self, db_path: Path) -> None:
        self._db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()

    def value(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])


class VersionedCache:
    """A small LRU of values computed from the store, dropped as soon as the store changes."""

    def __init__(self, version: StoreVersion, size: int = 64) -> None:
        self._version = version
        self._size = size
        self._items: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        version = self._version.value()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == version:
                self._items.move_to_end(key)
                return hit[1]
        value = make()                     # outside the lock: two misses may both compute
        with self._lock:
            self._items[key] = (version, value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class StorePool:
    """Read-only connections to the store, reused across requests (opening one reads the
    schema and starts with a cold page cache: a fifth of a small request's time). A request
    holds its connection alone, inside one read transaction, so every query of the request
    sees the same snapshot however an ingest writes beside it; the next request on that
    connection sees what was committed since."""

    def __init__(self, db_path: Path, keep: int = 16) -> None:
        self._db_path = db_path
        self._keep = keep
        self._idle: list[Store] = []
        self._lock = threading.Lock()

    def take(self) -> Store:
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = Store(self._db_path, readonly=True)
        store.db.execute("BEGIN")
        return store

    def give_back(self, store: Store) -> None:
        try:
            if store.db.in_transaction:
                store.db.execute("ROLLBACK")
        except sqlite3.Error:
            store.close()                   # a broken connection is not reused
            return
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(store)
                return
        store.close()


def open_store(request: Request) -> Iterator[Store]:
    """A read-only connection for the request, in one read transaction (a FastAPI
    dependency)."""
    pool: StorePool = request.app.state.pool
    store = pool.take()
    try:
        yield store
    finally:
        pool.give_back(store)


def create_app(db_path: str | Path, *, token: str | None = None,
               settings: Settings | None = None, limits: Limits | None = None) -> FastAPI:
    """The API and pages over the store at `db_path`; writes (POST /api/articles) need
    `Authorization: Bearer <token>`, and are off when `token` is None or empty."""
    db_path = Path(db_path)
    if not db_path.exists():
        if not token:
            raise StoreError(f"{db_path}: no such store",
                             "run `marsad ingest INPUT... --db PATH` first, or start with a "
                             "token to ingest through POST /api/articles")
        Store(db_path).close()                   # a new, empty store to ingest into
    Store(db_path, readonly=True).close()       # fail now, not on the first request
    limits = limits or Limits()
    app = FastAPI(title="marsad", version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Arabic news, understood: stories, events with cited summaries, "
                  "entities, quotes, quantities and outlet comparisons from a marsad store.")
    app.state.db_path = db_path
    app.state.token = token or None
    app.state.settings = settings or Settings()
    app.state.limits = limits
    app.state.cache = VersionedCache(StoreVersion(db_path))
    app.state.pool = StorePool(db_path)

    @app.exception_handler(MarsadError)
    async def marsad_error(request: Request, exc: MarsadError) -> Response:
        status = exc.http_status if 400 <= exc.http_status < 600 else 500
        if status >= 500:
            LOG.error("%s %s: %s", request.method, request.url.path, exc)
        return _error_response(request, status, exc.code, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return _error_response(request, 422, E_USAGE, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_response(request, 404, E_NOT_FOUND,
                                   f"nothing at {request.url.path[:200]}")
        return _error_response(request, exc.status_code, "E_HTTP", str(exc.detail)[:200])

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:  # noqa: BLE001
        LOG.exception("internal error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, E_INTERNAL,
                               f"internal error: {type(exc).__name__}", REPORT_HINT)

    from marsad.web import endpoints, pages
    app.include_router(endpoints.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _mount_swagger(app)
    app.add_middleware(Guard, limits=limits)
    return app


def _mount_swagger(app: FastAPI) -> None:
    """/docs: Swagger UI from the swagger-ui-bundle package's own files (no CDN)."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:       # the page then links the OpenAPI JSON only
        swagger_ui_path = None
    if swagger_ui_path:
        app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.state.swagger = bool(swagger_ui_path)


def _version() -> str:
    from marsad import __version__
    return __version__


def default_token() -> str | None:
    return os.environ.get("MARSAD_TOKEN") or None

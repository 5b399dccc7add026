"""`niche serve`: the dashboard over HTTP, read-only, from a store that syncs may be writing.

It reads snapshots of the store (niche.store.serving), so `niche sync` runs beside it. Pages are
rendered once per snapshot and kept compressed in a bounded cache; requests run in parallel, each
with its own cursor and a time limit. It binds to loopback by default, and then answers only
requests addressed to a loopback name (a page elsewhere cannot reach it by DNS rebinding); on any
other address every request needs the token (given once as ?token=..., then kept in a cookie).
Only GET and HEAD exist: nothing here changes the store."""

from __future__ import annotations

import gzip
import ipaddress
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from niche.store import Store
from niche.store.serving import Snapshots
from niche.web.pages import PAGES, Site
from niche.web.render import CSP_HEADER, render

COOKIE = "niche_token"
TIME_LIMIT = 10.0  # seconds one page may take to compute before it is stopped
CACHE_BYTES = 64 * 2**20  # compressed pages kept per server
_PERSON = re.compile(r"[0-9a-f]{1,64}")


def site_snapshots(path: Path, check_every: float = 2.0, **site_options: Any) -> Snapshots:
    """The store at path as the server reads it: each snapshot comes with its Site, warmed (the
    headline and per-person figures computed) before the snapshot is swapped in."""

    def prepare(store: Store, version: int) -> Site:
        return Site(store, version=version, **site_options).warm()

    return Snapshots(path, prepare, check_every)


class PageCache:
    """Rendered pages, gzip-compressed, least recently used dropped past max_bytes; each page is
    built once however many requests ask for it at the same time. Only the newest version is kept."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = 0
        self._version = -1
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    def peek(self, version: int, key: tuple) -> bytes | None:
        """The page if it is cached (never waits for one being built)."""
        full = (version, *key)
        with self._lock:
            body = self._pages.get(full)
            if body is not None:
                self._pages.move_to_end(full)
            return body

    def get(self, version: int, key: tuple, build: Callable[[], str | None]) -> bytes | None:
        """The page's compressed HTML, built if needed; None when build says there is no such page."""
        full = (version, *key)
        with self._lock:
            if full in self._pages:
                self._pages.move_to_end(full)
                return self._pages[full]
            gate = self._building.setdefault(full, threading.Lock())
        with gate:
            with self._lock:
                if full in self._pages:
                    return self._pages[full]
            try:
                html = build()
            finally:
                with self._lock:
                    self._building.pop(full, None)
            if html is None:
                return None
            body = gzip.compress(html.encode(), compresslevel=6)
            self._keep(version, full, body)
            return body

    def _keep(self, version: int, key: tuple, body: bytes) -> None:
        with self._lock:
            if version < self._version:
                return  # rendered from a snapshot already replaced
            if version > self._version:
                self._pages.clear()
                self._size, self._version = 0, version
            self._pages[key] = body
            self._size += len(body)
            while self._size > self.max_bytes and len(self._pages) > 1:
                _, dropped = self._pages.popitem(last=False)
                self._size -= len(dropped)


class TooSlow(Exception):
    pass


def _within(seconds: float, site: Site, build: Callable[[], str | None]) -> str | None:
    """build(), its queries stopped once it has run `seconds`: DuckDB interrupts this thread's
    cursor, again every 50 ms (an interrupt between two queries would be lost) until build ends.
    A page that ends past the limit between queries is refused too, so the limit is one rule
    whether or not a query was running when it passed."""
    cursor = site.store.con
    done = threading.Event()
    started = time.monotonic()

    def stop() -> None:
        if done.wait(seconds):
            return
        cursor.interrupt()
        while not done.wait(0.05):
            cursor.interrupt()

    threading.Thread(target=stop, daemon=True).start()
    try:
        page = build()
    except duckdb.InterruptException:
        raise TooSlow from None
    finally:
        done.set()
    if time.monotonic() - started > seconds:
        raise TooSlow
    return page


def is_loopback_host(host_header: str) -> bool:
    """Whether a Host header names this machine: localhost, a .localhost name or a loopback address."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else ""
    elif host.count(":") == 1:
        host = host.split(":")[0]
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _token_ok(given: str | None, token: str) -> bool:
    """Constant-time comparison as bytes: any text a visitor sends is just a wrong token."""
    return given is not None and secrets.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode())


SECURITY_HEADERS = (
    (b"content-security-policy", CSP_HEADER.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class Guard:
    """Every request passes here first (plain ASGI, so a cached page costs little): only GET and
    HEAD; without a token only loopback Host names; with one, the token; security headers on all."""

    HEADERS: ClassVar = ((b"content-security-policy", CSP_HEADER.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"))  # fmt: skip

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        refused = self._refusal(request)
        if refused:
            return await refused(scope, receive, send)
        remember = self.token if self.token and request.query_params.get("token") else None  # as a cookie

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
                if remember:
                    cookie = Response()
                    cookie.set_cookie(COOKIE, remember, httponly=True, samesite="strict")
                    message["headers"] += [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        headers = {k.decode(): v.decode() for k, v in SECURITY_HEADERS}
        if request.method not in ("GET", "HEAD"):
            return Response("niche serve is read-only", 405, headers | {"Allow": "GET, HEAD"})
        if not self.token and not is_loopback_host(request.headers.get("host", "")):
            return Response("niche serve answers only to localhost here", 421, headers)
        if self.token and not _token_ok(request.query_params.get("token") or request.cookies.get(COOKIE), self.token):
            return Response("a token is needed: open the URL niche serve printed", 401, headers)
        return None


def create_app(snapshots: Snapshots, token: str | None = None, time_limit: float = TIME_LIMIT,
               cache_bytes: int = CACHE_BYTES) -> FastAPI:  # fmt: skip
    """The app; without a token it must only be served on loopback (the CLI sees to that)."""
    app = FastAPI(title="niche", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, token=token)
    cache = PageCache(cache_bytes)

    def build_within_limit(site: Site, key: tuple, build: Callable[[Site], str | None]) -> bytes | None:
        return cache.get(site.version, key, lambda: _within(time_limit, site, lambda: build(site)))

    async def respond(request: Request, key: tuple, build: Callable[[Site], str | None], missing: str) -> Response:
        """The page from the cache, or built in a worker thread (the event loop never waits on DuckDB)."""
        with snapshots.reading() as snapshot:
            site: Site = snapshot.prepared
            body = cache.peek(site.version, key)
            if body is None:
                try:
                    body = await run_in_threadpool(build_within_limit, site, key, build)
                except TooSlow:
                    return Response(f"this page took more than {time_limit:.0f} s to compute and was stopped; "
                                    "try a narrower query", status_code=503)  # fmt: skip
        if body is None:
            return Response(missing, status_code=404)
        headers = {"Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(body, media_type="text/html", headers=headers | {"Content-Encoding": "gzip"})
        return Response(gzip.decompress(body), media_type="text/html", headers=headers)

    @app.api_route("/", methods=["GET", "HEAD"])
    async def home() -> RedirectResponse:
        return RedirectResponse("/index.html")

    @app.api_route("/people/{person_id}.html", methods=["GET", "HEAD"])
    async def person(request: Request, person_id: str) -> Response:
        def build(site: Site) -> str | None:
            context = site.person(person_id) if _PERSON.fullmatch(person_id) else None
            if context is None:
                return None
            return render(site, "person", context, root="../", live=True, title=context["p"].name)

        return await respond(request, ("person", person_id), build, "no such person")

    @app.api_route("/{page}.html", methods=["GET", "HEAD"])
    async def page(request: Request, page: str, q: str | None = None) -> Response:
        if page not in dict(PAGES):
            return Response("no such page", status_code=404)
        query = q if page in ("trail", "niches") else None
        return await respond(request, (page, query), lambda site: render(site, page, site.page(page, query), live=True),
                             "no such page")  # fmt: skip

    with resources.as_file(resources.files("niche.web") / "static") as static:
        app.mount("/static", StaticFiles(directory=static), name="static")
    return app

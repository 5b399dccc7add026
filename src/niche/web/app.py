"""`niche serve`: the dashboard over HTTP, read-only, from one DuckDB file.

It binds to loopback by default; on any other address every request needs the token (given once
as ?token=..., then kept in a cookie). Only GET and HEAD exist: nothing here changes the store."""

from __future__ import annotations

import re
import secrets
import threading
from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from niche.web.pages import PAGES, Site
from niche.web.render import CSP, render

COOKIE = "niche_token"
_PERSON = re.compile(r"[0-9a-f]{1,64}")


def create_app(site: Site, token: str | None = None) -> FastAPI:
    app = FastAPI(title="niche", docs_url=None, redoc_url=None, openapi_url=None)
    lock = threading.Lock()  # one DuckDB connection: one query at a time

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if request.method not in ("GET", "HEAD"):
            return Response("niche serve is read-only", status_code=405)
        given = request.query_params.get("token") or request.cookies.get(COOKIE)
        if token and not (given and secrets.compare_digest(given, token)):
            return Response("a token is needed: open the URL niche serve printed", status_code=401)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if token and request.query_params.get("token"):
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse("/index.html")

    @app.get("/people/{person_id}.html", response_class=HTMLResponse)
    def person(person_id: str) -> str:
        with lock:
            context = site.person(person_id) if _PERSON.fullmatch(person_id) else None
            if context is None:
                raise HTTPException(404, "no such person")
            return render(site, "person", context, root="../", live=True, title=context["p"].name)

    @app.get("/{page}.html", response_class=HTMLResponse)
    def page(page: str, q: str | None = None) -> str:
        if page not in dict(PAGES):
            raise HTTPException(404, "no such page")
        with lock:
            return render(site, page, site.page(page, q), live=True)

    with resources.as_file(resources.files("niche.web") / "static") as static:
        app.mount("/static", StaticFiles(directory=static), name="static")
    return app

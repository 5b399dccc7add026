"""A Gerrit REST server replayed by pytest-httpserver from ChangeInfo records, reading paths as
Gerrit does: the change in `/changes/ID/...` is the raw path segment, percent-decoded once, and
must be a change number, `project~branch~Change-Id`, `project~number` or a Change-Id. A request
that quotes an already quoted id (`project%252Fname~...`) is a 404 here as on a real server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

XSSI = ")]}'\n"


def _names(info: dict[str, Any]) -> set[str]:
    """Every id Gerrit accepts for this change."""
    project, number = info["project"], str(info["_number"])
    return {number, f"{project}~{info.get('branch')}~{info['change_id']}", f"{project}~{number}", info["change_id"]}


def serve_gerrit(
    httpserver: HTTPServer,
    changes: list[dict[str, Any]],
    inline: Callable[[dict[str, Any]], dict[str, Any]] = lambda info: {},
    page_size: int = 2,
) -> None:
    """`/changes/` lists changes page by page (S=, _more_changes); `/changes/ID/comments` answers
    inline(info) for the change ID names, or 404."""

    def listing(request: Request) -> Response:
        start = int(request.args.get("S", 0))
        size = min(page_size, int(request.args.get("n", page_size)))
        page = [{k: v for k, v in info.items() if k != "_more_changes"} for info in changes[start : start + size]]
        if start + size < len(changes):
            page[-1]["_more_changes"] = True
        return Response(XSSI + json.dumps(page), content_type="application/json")

    def comments(request: Request) -> Response:
        raw_path = urlsplit(request.environ.get("RAW_URI") or request.environ["REQUEST_URI"]).path
        segment = raw_path.split("/")[2]
        wanted = unquote(segment)
        for info in changes:
            if wanted in _names(info):
                return Response(XSSI + json.dumps(inline(info)), content_type="application/json")
        return Response(f"Not found: {wanted}", status=404)

    httpserver.expect_request("/changes/").respond_with_handler(listing)
    httpserver.expect_request(re.compile(r"^/changes/.+/comments$")).respond_with_handler(comments)

"""Zulip, replayed from real recorded GET /messages answers (recurse.zulipchat.com, saved in the
public repository pksebben/LinkLib). They are not in ../shared/fixtures: the test reads them from a
local snapshot of that repository (NICHE_ZULIP_RECORDINGS, default the fetch tool's mirror) and
skips, saying so, when it is absent."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.sources.zulip import ZulipReader, message_thread
from niche.store import Store
from tests.helpers.posts import sync_posts
from tests.helpers.strategies import JSON

MIRROR = Path(os.environ.get("NICHE_ZULIP_RECORDINGS", "/work/.mirror/pksebben+LinkLib/repo"))
COMMIT = "1c587bb80f1b036997462a1bfb52c1ff2a90d431"  # the commit that added the recordings (pretty/*.json.p)


def _recording(name: str) -> dict:
    if not MIRROR.is_dir():
        pytest.skip(f"Zulip recordings not found at {MIRROR}: fetch pksebben/LinkLib, or set NICHE_ZULIP_RECORDINGS")
    shown = subprocess.run(["git", "-C", str(MIRROR), "show", f"{COMMIT}:pretty/{name}"], capture_output=True)
    if shown.returncode != 0:
        pytest.skip(f"{name} is not in the snapshot at {MIRROR}")
    return json.loads(shown.stdout)


def test_stream_history_topics_and_bots(store: Store, httpserver: HTTPServer) -> None:
    """#zig as recorded: its whole history (anchor 0, 19 messages in 6 topics), then the page a
    later sync gets (anchor at the newest message)."""
    first, later = _recording("zig.0.json.p"), _recording("zig.210804859.json.p")
    asked: list[dict] = []

    def messages(request: Request) -> Response:
        asked.append(dict(request.args))
        return Response(json.dumps(first if request.args["anchor"] == "0" else later))

    httpserver.expect_request("/api/v1/messages").respond_with_handler(messages)
    with HttpClient(httpserver.url_for("/api/v1")) as client:
        reader = ZulipReader(client, "zig")
        result = sync_posts(store, "zulip:recurse/zig", "zulip", "#zig", client.base_url, reader.read)
    recorded = first["messages"]
    assert (result.written, result.quarantined) == (len(recorded), 0) == (19, 0)
    assert json.loads(asked[0]["narrow"]) == [{"operator": "stream", "operand": "zig"}]
    topics = store.con.execute("SELECT count(DISTINCT thread_id) FROM posts").fetchone()[0]
    assert topics == len({(m["stream_id"], m["subject"]) for m in recorded}) == 6
    bots = store.con.execute(
        "SELECT DISTINCT i.email FROM identities i WHERE i.is_bot ORDER BY 1").fetchall()  # fmt: skip
    assert bots == sorted({(m["sender_email"],) for m in recorded if "-bot@" in m["sender_email"]})
    mentioned = store.con.execute("SELECT count(*) FROM posts WHERE len(mentions) > 0").fetchone()[0]
    assert mentioned == sum('class="user-mention' in m["content"] for m in recorded)
    assert store.cursor("zulip:recurse/zig") == {"after": max(m["id"] for m in recorded)}
    with HttpClient(httpserver.url_for("/api/v1")) as client:
        result = sync_posts(store, "zulip:recurse/zig", "zulip", "#zig", client.base_url,
                              ZulipReader(client, "zig").read)  # fmt: skip
    newer = [m for m in later["messages"] if m["id"] > max(x["id"] for x in recorded)]
    assert asked[-1]["anchor"] == str(max(m["id"] for m in recorded)) and result.written == len(newer)


@settings(max_examples=100, deadline=None)
@given(item=JSON)
def test_any_json_is_a_message_or_a_clear_error(item: object) -> None:
    with contextlib.suppress(*PARSE_ERRORS):
        assert isinstance(message_thread(item, "example.zulipchat.com"), Thread)  # type: ignore[arg-type]

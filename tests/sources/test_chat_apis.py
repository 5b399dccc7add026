"""Mattermost and Gitter, replayed from real recorded API answers through a local server."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.classify import Rules, classify
from niche.errors import NicheError
from niche.identity import resolve_people
from niche.sources import gitter, mattermost
from niche.sources.http import HttpClient
from niche.sources.post_sources import PostSource, post_sources
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.posts import sync_posts
from tests.helpers.recordings import serve_mattermost
from tests.helpers.strategies import JSON


def _load(fixtures: Path, folder: str, name: str) -> str:
    return (fixtures / folder / name).read_text()


def test_mattermost_channel(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    pages = serve_mattermost(httpserver, fixtures)
    users = {json.loads(_load(fixtures, "mattermost", f))["id"]: f
             for f in ("mattermost_user_sduenas.json", "mattermost_user_valcos.json")}  # fmt: skip
    with HttpClient(httpserver.url_for("/api/v4")) as client:
        reader = mattermost.MattermostReader(client, "abcdefghijkl")
        place = reader.name()
        result = sync_posts(store, "mattermost:abcdefghijkl", "mattermost", place, client.base_url,
                              lambda cursor: reader.read(cursor, place))  # fmt: skip
    recorded = [p for name in pages[:2] for p in json.loads(_load(fixtures, "mattermost", name))["posts"].values()]
    spoken = [p for p in recorded if not p["type"].startswith("system_")]
    assert (result.written, result.quarantined) == (len(recorded), 0) == (9, 0)
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == len(spoken) == 7
    replies = store.con.execute("SELECT post_id, parent_id FROM posts WHERE parent_id IS NOT NULL").fetchall()
    assert replies == [(p["id"], p["root_id"]) for p in spoken if p["root_id"]]
    resolve_people(store)
    classify(store, Rules.load())
    by = dict(store.con.execute(
        """SELECT p.name, count(*) FROM activities a JOIN person_identities USING (identity_id)
           JOIN people p USING (person_id) GROUP BY 1""").fetchall())  # fmt: skip
    names = {uid: json.loads(_load(fixtures, "mattermost", f))["username"] for uid, f in users.items()}
    expected: dict[str, int] = {}
    for p in spoken:
        expected[names[p["user_id"]]] = expected.get(names[p["user_id"]], 0) + 1
    assert by == expected
    assert store.cursor("mattermost:abcdefghijkl") == {"create_at": max(p["create_at"] for p in recorded)}


def test_gitter_room(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    pages = ["message_page_1", "message_page_2", "message_empty"]
    asked: list[dict] = []

    def messages(request: Request) -> Response:
        asked.append(dict(request.args))
        return Response(_load(fixtures, "gitter", pages[len(asked) - 1]))

    httpserver.expect_request("/v1/rooms").respond_with_data(_load(fixtures, "gitter", "rooms"))
    room = next(r for r in json.loads(_load(fixtures, "gitter", "rooms")) if r["uri"] == "testapicomm/community")
    httpserver.expect_request(f"/v1/rooms/{room['id']}/chatMessages").respond_with_handler(messages)
    with HttpClient(httpserver.url_for("/v1")) as client:
        reader = gitter.GitterReader(client, "testapicomm/community")
        result = sync_posts(store, "gitter:testapicomm/community", "gitter", "testapicomm/community",
                              client.base_url, reader.read)  # fmt: skip
    recorded = [m for name in pages for m in json.loads(_load(fixtures, "gitter", name))]
    assert (result.written, result.quarantined) == (len(recorded), 0) == (2, 0)
    assert [a.get("beforeId") for a in asked] == [None, recorded[0]["id"], recorded[1]["id"]]
    rows = store.con.execute(
        "SELECT i.name, i.username, p.text FROM posts p JOIN identities i ON i.identity_id = p.author_id ORDER BY 3"
    ).fetchall()
    assert rows == [(m["fromUser"]["displayName"], m["fromUser"]["username"], m["text"]) for m in recorded]
    assert store.cursor("gitter:testapicomm/community") == {"after": max(m["id"] for m in recorded)}


@settings(max_examples=150, deadline=None)
@given(item=JSON)
def test_any_json_is_a_post_or_a_clear_error(item: object) -> None:
    for parse in (mattermost.post_thread, gitter.message_thread):
        with contextlib.suppress(*PARSE_ERRORS):
            assert isinstance(parse(item, "#c"), Thread)  # type: ignore[arg-type]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=JSON)
@example(answer={"pages": 10**9, "questions": [], "has_more": True, "items": []})  # a count no page bears out
@example(answer={"ok": True, "messages": [{"text": "no ts"}], "order": ["x"], "posts": {}})
def test_any_answer_is_stored_quarantined_or_one_clear_error(answer: object, tmp_path: Path,
                                                             httpserver: HTTPServer) -> None:  # fmt: skip
    """Whatever a server answers to every request, a sync ends with items stored, items quarantined
    or one NicheError naming the server: never a crash."""
    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_data(json.dumps(answer))
    with Store(tmp_path / "any.duckdb") as store:  # one database for every example: only crashes matter
        for kind in ("askbot", "stackexchange", "discourse", "slack", "mattermost", "gitter", "zulip"):
            source = PostSource(kind, "C1" if kind in ("slack", "mattermost") else "org/room", httpserver.url_for("/"))
            with contextlib.suppress(NicheError):  # a channel that cannot even be found is one clear error
                for found in post_sources(source, lambda base, **kw: HttpClient(base, **kw)):
                    result = sync(store, found)
                    assert result.failure is None or isinstance(result.failure, NicheError), result.error

"""Slack: a channel replayed from real recorded Web API answers, and an export zip built from them."""

from __future__ import annotations

import contextlib
import json
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.classify import Rules, classify
from niche.identity import resolve_people
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.sources.slack import SlackReader, message_thread, read_export
from niche.store import Store
from tests.helpers.posts import sync_posts
from tests.helpers.strategies import JSON

CHANNEL = "C011DUKE8"


def _load(fixtures: Path, name: str) -> dict:
    return json.loads((fixtures / "slack" / name).read_text())


def _serve(httpserver: HTTPServer, fixtures: Path) -> list[dict]:
    """As recorded: the channel, its history in two pages (paged by `latest`), three users."""
    asked: list[dict] = []

    def history(request: Request) -> Response:
        asked.append(dict(request.args))
        name = "slack_history_next.json" if "latest" in request.args else "slack_history.json"
        return Response(json.dumps(_load(fixtures, name)))

    httpserver.expect_request("/conversations.info").respond_with_json(_load(fixtures, "slack_info.json"))
    httpserver.expect_request("/conversations.history").respond_with_handler(history)
    httpserver.expect_request("/users.info").respond_with_handler(
        lambda r: Response(json.dumps(_load(fixtures, f"slack_user_{r.args['user']}.json"))))  # fmt: skip
    return asked


def _sync_api(store: Store, httpserver: HTTPServer):
    with HttpClient(httpserver.url_for("/")) as client:
        reader = SlackReader(client, CHANNEL)
        place = reader.name()
        return sync_posts(store, f"slack:{CHANNEL}", "slack", place, client.base_url,
                            lambda cursor: reader.read(cursor, place))  # fmt: skip


def _recorded(fixtures: Path) -> list[dict]:
    return _load(fixtures, "slack_history.json")["messages"] + _load(fixtures, "slack_history_next.json")["messages"]


def test_channel_history_people_and_bots(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    asked = _serve(httpserver, fixtures)
    result = _sync_api(store, httpserver)
    recorded = _recorded(fixtures)
    assert [a.get("latest") for a in asked] == [None, "1427135733.000068"]
    assert (result.written, result.quarantined) == (len(recorded), 0) == (9, 0)
    spoken = [m for m in recorded if m.get("subtype") != "channel_join"]  # a join is no one's words
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == len(spoken) == 8
    resolve_people(store)
    classify(store, Rules.load())
    people = store.con.execute(
        """SELECT p.name, p.is_bot, count(*) FROM activities a JOIN person_identities USING (identity_id)
           JOIN people p USING (person_id) GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    expected: dict[tuple[str, bool], int] = defaultdict(int)
    users = [_load(fixtures, f"slack_user_{u}.json")["user"] for u in ("U0001", "U0002", "U0003")]
    names = {u["id"]: u["real_name"] or u["name"] for u in users}  # U0003 has no real name: its login
    for m in spoken:
        user = m.get("user") or (m.get("comment") or {}).get("user")
        expected[(names[user], False) if user else (m.get("username") or m["bot_id"], True)] += 1
    assert people == sorted((n, bot, c) for (n, bot), c in expected.items())
    assert store.con.execute("SELECT DISTINCT project FROM activities").fetchall() == [("#test channel",)]
    # the next sync asks only for what is newer than the newest message stored
    assert store.cursor(f"slack:{CHANNEL}") == {"oldest": max((m["ts"] for m in recorded), key=float)}


def _export(tmp_path: Path, fixtures: Path) -> Path:
    """A workspace export as Slack's admins download it, made of the recorded channel, users and messages."""
    users = [_load(fixtures, f"slack_user_{u}.json")["user"] for u in ("U0001", "U0002", "U0003")]
    channel = _load(fixtures, "slack_info.json")["channel"]
    days: dict[str, list[dict]] = defaultdict(list)
    for m in _recorded(fixtures):
        days[datetime.fromtimestamp(float(m["ts"]), UTC).strftime("%Y-%m-%d")].append(m)
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("users.json", json.dumps(users))
        z.writestr("channels.json", json.dumps([channel]))
        for day, messages in days.items():
            z.writestr(f"{channel['name']}/{day}.json", json.dumps(sorted(messages, key=lambda m: float(m["ts"]))))
        z.writestr(f"{channel['name']}/2017-02-14.json", "{not json")
    return path


def test_export_and_api_are_one_channel(store: Store, fixtures: Path, httpserver: HTTPServer, tmp_path: Path) -> None:
    export = _export(tmp_path, fixtures)
    channels = list(read_export(export))
    assert [(c, name) for c, name, _ in channels] == [(CHANNEL, "#test channel")]
    _, place, reads = channels[0]
    result = sync_posts(store, f"slack:{CHANNEL}", "slack", place, str(export), lambda cursor: reads)
    assert (result.written, result.quarantined) == (9, 1)  # the broken day file is quarantined
    before = store.con.execute("SELECT post_id, author_id, text FROM posts ORDER BY 1").fetchall()
    _serve(httpserver, fixtures)
    _sync_api(store, httpserver)
    after = store.con.execute("SELECT post_id, author_id, text FROM posts ORDER BY 1").fetchall()
    assert after == before and len(after) == 8  # read twice, through two routes: each message once


def test_thread_replies_and_mentions(store: Store) -> None:
    question = {"ts": "1600000000.000100", "user": "U1", "text": "how do I rebuild the index?",
                "thread_ts": "1600000000.000100", "reply_count": 1}  # fmt: skip
    reply = {"ts": "1600000300.000200", "user": "U2", "text": "run <https://docs.example/reindex|reindex> <@U1>",
             "thread_ts": "1600000000.000100"}  # fmt: skip
    thread = message_thread(reply, "#help")
    post = thread.posts[0]
    assert (post.parent_id, post.mentions, post.links) == (
        "1600000000.000100",
        ("U1",),
        ("https://docs.example/reindex",),
    )
    assert post.text == "run reindex (https://docs.example/reindex) @U1"
    assert message_thread(question, "#help").posts[0].asks_question


@settings(max_examples=100, deadline=None)
@given(item=JSON)
def test_any_json_is_a_message_or_a_clear_error(item: object) -> None:
    with contextlib.suppress(*PARSE_ERRORS):
        assert isinstance(message_thread(item, "#c"), Thread)  # type: ignore[arg-type]

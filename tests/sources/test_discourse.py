"""Discourse, replayed from real recorded answers through a local server."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hypothesis import given, settings
from pytest_httpserver import HTTPServer

from niche.sources.discourse import DiscourseReader, topic_thread
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.store import Store
from tests.helpers.posts import sync_posts
from tests.helpers.recordings import discourse_recording, serve_discourse
from tests.helpers.strategies import JSON


def _sync(store: Store, httpserver: HTTPServer):
    with HttpClient(httpserver.url_for("/")) as client:
        return sync_posts(store, "discourse:example.com", "discourse", "example.com", client.base_url,
                            DiscourseReader(client).read)  # fmt: skip


def test_topics_posts_and_replies(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    asked = serve_discourse(httpserver, fixtures)
    result = _sync(store, httpserver)
    assert asked == ["0", "1"]
    # the two posts past 1148's first chunk answered as post 2500 of topic 840: quarantined, not misfiled
    assert (result.written, result.quarantined) == (2, 2)
    recorded = {t: json.loads(discourse_recording(fixtures, f"discourse_topic_{t}.json")) for t in (1148, 1149)}
    counts = dict(store.con.execute("SELECT item_id, count(*) FROM posts GROUP BY 1").fetchall())
    assert counts == {str(t): len(r["post_stream"]["posts"]) for t, r in recorded.items()} == {"1148": 20, "1149": 2}
    replies = store.con.execute(
        "SELECT post_id, parent_id FROM posts WHERE item_id = '1148' AND parent_id <> 'topic/1148' ORDER BY 1"
    ).fetchall()
    by_number = {p["post_number"]: p["id"] for p in recorded[1148]["post_stream"]["posts"]}
    expected = sorted((f"post/{p['id']}", f"post/{by_number[p['reply_to_post_number']]}")
                      for p in recorded[1148]["post_stream"]["posts"]
                      if p.get("reply_to_post_number") not in (None, 1))  # fmt: skip
    assert replies == expected
    quarantined = store.con.execute("SELECT error FROM quarantine ORDER BY item_id").fetchall()
    assert quarantined[0][0] == "asked for post 21 of topic 1148, got post 2500 of topic 840"
    # the newest activity stored is where the next sync starts: nothing newer, nothing read again
    assert _sync(store, httpserver).written == 0


def test_pinned_topics_do_not_end_the_listing(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_discourse(httpserver, fixtures, "discourse_topics_pinned.json")
    result = _sync(store, httpserver)
    assert sorted(r[0] for r in store.con.execute("SELECT DISTINCT item_id FROM posts").fetchall()) == [
        "1148", "1149", "1150"]  # fmt: skip
    assert result.written == 3


def test_a_topic_listed_without_last_post_date_is_kept(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_discourse(httpserver, fixtures, "discourse_topics_last_posted_at_null.json")
    assert _sync(store, httpserver).written == 2


def test_accepted_solution(fixtures: Path) -> None:
    # topic 1448, from a site with the solved plugin
    topic = json.loads(discourse_recording(fixtures, "discourse_posts.json"))
    assert not any(p.accepted for p in topic_thread(topic, "talk.manageiq.org").posts)
    topic["post_stream"]["posts"][3]["accepted_answer"] = True
    thread = topic_thread(topic, "talk.manageiq.org")
    assert [(p.post_id, p.parent_id) for p in thread.posts if p.accepted] == [("post/4396", "post/4387")]


@settings(max_examples=100, deadline=None)
@given(item=JSON)
def test_any_json_is_a_thread_or_a_clear_error(item: object) -> None:
    with contextlib.suppress(*PARSE_ERRORS):
        assert isinstance(topic_thread(item, "example.com"), Thread)  # type: ignore[arg-type]

"""Stack Exchange, replayed from real recorded API answers through a local server."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hypothesis import given, settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.sources.stackexchange import StackExchangeReader, question_thread
from niche.store import Store
from tests.helpers.posts import sync_posts
from tests.helpers.strategies import JSON


def _load(fixtures: Path, name: str) -> str:
    return (fixtures / "stackexchange" / name).read_text()


def _sync(store: Store, httpserver: HTTPServer, waits: list[float]):
    with HttpClient(httpserver.url_for("/2.3")) as client:
        reader = StackExchangeReader(client, "stackoverflow", sleep=waits.append)
        return sync_posts(store, "stackexchange:stackoverflow", "stackexchange", "stackoverflow",
                            client.base_url, reader.read)  # fmt: skip


def test_paged_questions_one_item_each(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    asked: list[dict] = []

    def questions(request: Request) -> Response:
        asked.append(dict(request.args))
        name = {"1": "stackexchange_question_backoff_page", "2": "stackexchange_question_page_2"}[request.args["page"]]
        return Response(_load(fixtures, name))

    httpserver.expect_request("/2.3/questions").respond_with_handler(questions)
    waits: list[float] = []
    result = _sync(store, httpserver, waits)
    assert waits == [0.2]  # the backoff the first page asked for
    assert [a["page"] for a in asked] == ["1", "2"] and asked[0]["sort"] == "activity"
    pages = [json.loads(_load(fixtures, n))["items"] for n in ("stackexchange_question_backoff_page",
                                                              "stackexchange_question_page_2")]  # fmt: skip
    items = [q for page in pages for q in page]
    # four recorded items, all question 1 (it moved while paged): one thread, as last read
    assert {q["question_id"] for q in items} == {1} and (result.written, result.quarantined) == (1, 0)
    last = items[-1]
    posts = store.con.execute("SELECT kind, post_id FROM posts ORDER BY kind, post_id").fetchall()
    assert posts == sorted([("question", "question/1")]
                           + [("answer", f"answer/{a['answer_id']}") for a in last["answers"]]
                           + [("comment", f"comment/{c['comment_id']}") for c in last["comments"]])  # fmt: skip
    who = store.con.execute(
        """SELECT i.name, i.username FROM posts p JOIN identities i ON i.identity_id = p.author_id
           WHERE p.kind = 'answer'"""
    ).fetchall()
    owner = last["answers"][0]["owner"]
    assert who == [(owner["display_name"], f"stackoverflow/users/{owner['user_id']}")]
    assert result.details["answer"] == 1  # the answer is by someone other than the asker


def test_an_api_error_stops_with_its_message(store: Store, httpserver: HTTPServer) -> None:
    error = {"error_id": 502, "error_name": "throttle_violation", "error_message": "too many requests from this IP"}
    httpserver.expect_request("/2.3/questions").respond_with_json(error)
    try:
        _sync(store, httpserver, [])
    except Exception as exc:
        assert "throttle_violation" in str(exc)
    else:
        raise AssertionError("an API error must stop the sync")


@settings(max_examples=100, deadline=None)
@given(item=JSON)
def test_any_json_is_a_thread_or_a_clear_error(item: object) -> None:
    with contextlib.suppress(*PARSE_ERRORS):
        assert isinstance(question_thread(item, "stackoverflow"), Thread)  # type: ignore[arg-type]


def test_a_malformed_question_is_quarantined(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    page = json.loads(_load(fixtures, "stackexchange_question"))
    page["items"].append({"question_id": 7, "last_activity_date": 1459975066, "answers": "not a list"})
    httpserver.expect_request("/2.3/questions").respond_with_json(page)
    result = _sync(store, httpserver, [])
    assert (result.written, result.quarantined) == (1, 1)
    assert store.con.execute("SELECT location FROM quarantine").fetchone()[0].endswith("question 7")

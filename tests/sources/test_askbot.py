"""Askbot, replayed from real recorded answers (askbot.org and ask.openstack.org) through a local server."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from niche.classify import Rules, classify_pending
from niche.sources.askbot import AskbotReader, parse_answers, parse_question_page, question_thread
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Thread
from niche.store import Store
from tests.helpers.posts import sync_posts
from tests.helpers.recordings import serve_askbot
from tests.helpers.strategies import JSON

OPENSTACK_PAGES = [f"html_24396_multipage{n}_openstack.html" for n in ("", "_2", "_3", "_4")]


def _load(fixtures: Path, name: str) -> str:
    return (fixtures / "askbot" / name).read_text()


def test_askbot_org_questions_answers_comments(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_askbot(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/")) as client:
        reader = AskbotReader(client)
        result = sync_posts(store, "askbot:askbot.org", "askbot", "askbot.org", client.base_url,
                              lambda cursor: reader.read(cursor, "askbot.org"))  # fmt: skip
    assert (result.written, result.quarantined) == (2, 0)
    api = [json.loads(_load(fixtures, f))["questions"][0] for f in ("askbot_api_questions.json",
                                                                     "askbot_api_questions_2.json")]  # fmt: skip
    recorded_comments = json.loads(_load(fixtures, "askbot_2481_multicomments.json"))
    kinds = dict(store.con.execute("SELECT kind, count(*) FROM posts GROUP BY 1").fetchall())
    assert kinds == {"question": 2, "answer": sum(q["answer_count"] for q in api), "comment": len(recorded_comments)}
    answers = store.con.execute(
        "SELECT thread_id, list(post_id ORDER BY post_id) FROM posts WHERE kind = 'answer' GROUP BY 1"
    ).fetchall()
    assert {t: sorted(ids) for t, ids in answers} == {
        f"question/{q['id']}": sorted(f"answer/{a}" for a in q["answer_ids"]) for q in api
    }
    tags = store.con.execute("SELECT tags FROM posts WHERE post_id = 'question/2481'").fetchone()[0]
    assert tags == ["feature-request", "messaging"]
    # the sync resumes after the newest activity it stored
    assert store.cursor("askbot:askbot.org") == {"last_activity_at": max(int(q["last_activity_at"]) for q in api)}


def test_ask_openstack_answers_are_user_support(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """ask.openstack.org question 24396: 31 answers over four pages of HTML; answers by others than
    the asker are user support, the asker's own follow-ups are discussion."""
    question = json.loads(_load(fixtures, "api_24396_openstack.json"))
    listing = json.dumps({"count": 1, "pages": 1, "questions": [question]})
    httpserver.expect_request("/api/v1/questions/").respond_with_data(listing)
    httpserver.expect_request("/question/24396/").respond_with_handler(
        lambda r: Response(_load(fixtures, OPENSTACK_PAGES[int(r.args.get("page", "1")) - 1]))
    )
    httpserver.expect_request("/s/post_comments").respond_with_data("[]")
    with HttpClient(httpserver.url_for("/")) as client:
        reader = AskbotReader(client)
        result = sync_posts(store, "askbot:ask.openstack.org", "askbot", "ask.openstack.org", client.base_url,
                              lambda cursor: reader.read(cursor, "ask.openstack.org"))  # fmt: skip
    # independently: who answered, from the raw HTML pages' answer boxes
    html = "".join(_load(fixtures, name) for name in OPENSTACK_PAGES)
    answer_ids = re.findall(r'data-post-id="(\d+)"\s+class="post answer', html)
    assert sorted(map(int, answer_ids)) == sorted(question["answer_ids"])
    authors = [parse_answers(_load(fixtures, n)) for n in OPENSTACK_PAGES]
    by_others = sum(1 for page in authors for a in page
                    if a.get("answered_by") and a["answered_by"]["username"] != "xinxin-shu")  # fmt: skip
    assert result.details["answer"] == by_others == 25
    classify_pending(store, Rules.load())
    roles = dict(store.con.execute(
        "SELECT role, count(*) FROM activities WHERE kind = 'forum.answer' GROUP BY 1").fetchall())  # fmt: skip
    assert roles == {"user_support": 25, "discussion": 31 - 25}
    areas = store.con.execute("SELECT DISTINCT unnest(tags) FROM posts ORDER BY 1").fetchall()
    assert areas == [("migrated",), ("neutron",)]


def test_accepted_answer_says_so(fixtures: Path) -> None:
    page = _load(fixtures, "html_7893_answer_3_updated.html")
    answers = parse_answers(page)
    assert [a["id"] for a in answers if a["accepted"]] == ["8849"]
    item = {"id": 7893, "title": "t", "tags": [], "added_at": "1340000000", "author": {"id": 1, "username": "Evgeny"},
            "answers": answers}  # fmt: skip
    thread = question_thread(item, "askbot.org")
    assert [p.post_id for p in thread.posts if p.accepted] == ["answer/8849"]


def test_question_page_author_and_editor(fixtures: Path) -> None:
    found = parse_question_page(_load(fixtures, "askbot_question.html"))
    assert found["author"] == {"id": "9", "username": "thekooliest09"}
    assert found["updated_by"]["username"] == "todofixthis"


@settings(max_examples=100, deadline=None)
@given(item=JSON)
def test_any_json_is_a_thread_or_a_clear_error(item: object) -> None:
    try:
        thread = question_thread(item, "askbot.org")  # type: ignore[arg-type]
    except PARSE_ERRORS:
        return
    assert isinstance(thread, Thread)


FRAGMENTS = ['<div class="post answer" data-post-id="1">', '<div class="answer">', '<div class="post js-question">',
             "<abbr title=", "<div class=user-info>"]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.sampled_from(FRAGMENTS))
def test_any_html_is_answers_or_a_clear_error(noise: str, fragment: str) -> None:
    for page in (noise, fragment + noise, noise + fragment):
        try:
            parse_answers(page)
            parse_question_page(page)
        except PARSE_ERRORS:
            pass


def test_a_broken_question_is_quarantined(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    listing = {"count": 1, "pages": 1, "questions": [{"id": 5, "last_activity_at": "1400000000", "answer_ids": []}]}
    httpserver.expect_request("/api/v1/questions/").respond_with_json(listing)
    httpserver.expect_request("/question/5/").respond_with_data("<html>no question here</html>")
    with HttpClient(httpserver.url_for("/")) as client:
        reader = AskbotReader(client)
        result = sync_posts(store, "askbot:x", "askbot", "x", client.base_url, lambda c: reader.read(c, "x"))
    assert (result.written, result.quarantined) == (0, 1)
    error = store.con.execute("SELECT location, error FROM quarantine").fetchone()
    assert error[0].endswith("question 5") and "no question on the page" in error[1]

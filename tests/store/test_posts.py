"""Posts in the store: answers found across a source, roles, areas, mentoring and the trail,
from ask.openstack.org's recorded question 24396 (31 answers on four HTML pages)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from niche import Community, Config
from niche.links.trail import follow
from niche.metrics import run
from niche.sources.askbot import parse_answers, parse_question_page, question_thread
from niche.sources.posts import Author, Post, Read, Thread
from niche.store import Store
from niche.store.posts import thread_posts
from tests.helpers.posts import sync_posts

PAGES = [f"html_24396_multipage{n}_openstack.html" for n in ("", "_2", "_3", "_4")]


@pytest.fixture
def openstack(store: Store, fixtures: Path) -> Store:
    folder = fixtures / "askbot"
    pages = [(folder / name).read_text() for name in PAGES]
    item = json.loads((folder / "api_24396_openstack.json").read_text()) | parse_question_page(pages[0])
    item["answers"] = [a for page in pages for a in parse_answers(page)]
    read = Read(question_thread(item, "ask.openstack.org"), json.dumps(item).encode())
    sync_posts(store, "askbot:ask.openstack.org", "askbot", "ask.openstack.org", "https://ask.openstack.org",
                 lambda cursor: iter([read]))  # fmt: skip
    Community(store, Config()).derive()  # people, roles, links, as every sync does
    return store


def test_trail_reaches_the_thread_from_a_link_in_an_answer(openstack: Store) -> None:
    # arosen's answer (24427) links a Launchpad blueprint and an openstack-dev mail
    for query in ("https://blueprints.launchpad.net/nova/+spec/nova-api-quantum-create-port",
                  "http://lists.openstack.org/pipermail/openstack-dev/2013-May/009088.html"):  # fmt: skip
        trail = follow(openstack, query)
        assert [(t.item_kind, t.item_id, t.person) for t in trail] == [("question", "24396", "xinxin-shu")]


def test_answers_to_a_newcomer_are_mentoring_and_tags_are_areas(openstack: Store) -> None:
    roles = dict(openstack.con.execute(
        "SELECT role, count(*) FROM activities WHERE kind = 'forum.answer' GROUP BY 1").fetchall())  # fmt: skip
    # the asker's first activity is the question: answers by others within 90 days mentor a newcomer
    assert roles == {"mentoring": 23, "user_support": 2, "discussion": 6}
    person = openstack.con.execute("SELECT person_id FROM people WHERE name = 'arosen'").fetchone()[0]
    areas = run(openstack, "person_areas", as_of=datetime(2014, 1, 1), person_id=person)
    assert {(a["place_kind"], a["place"]) for a in areas} == {
        ("topic tag", "neutron"), ("topic tag", "migrated"), ("forum", "ask.openstack.org")}  # fmt: skip


def _message(post_id: str, who: str, minute: int, text: str, asks: bool = False, mentions: tuple[str, ...] = (),
             parent: str | None = None) -> Read:  # fmt: skip
    post = Post(post_id, "message", Author(who, who), 1_600_000_000 + 60 * minute, parent or post_id, text,
                parent_id=parent, place="#help", asks_question=asks, mentions=mentions)  # fmt: skip
    return Read(Thread(post_id, "slack-message", [post]), b"{}")


def test_chat_answers_by_thread_or_by_mention_within_half_an_hour(store: Store) -> None:
    reads = [
        _message("q1", "ann", 0, "how do I rebuild the index?", asks=True),
        _message("r1", "bob", 5, "run reindex", parent="q1"),  # thread reply to ann's question
        _message("r2", "ann", 6, "thanks", parent="q1"),  # ann's own follow-up: no answer
        _message("m1", "cat", 20, "<@ann> use --full", mentions=("ann",)),  # speaks to ann 20 min later
        _message("m2", "dan", 45, "<@ann> or ask infra", mentions=("ann",)),  # 45 min later: too late
    ]
    result = sync_posts(store, "slack:t", "slack", "t", "t", lambda cursor: iter(reads))
    answering = {r[0] for r in store.con.execute("SELECT post_id FROM posts WHERE answers_question").fetchall()}
    assert (answering, result.details["answer"]) == ({"r1", "m1"}, 2)
    flagged = store.con.execute(
        "SELECT object_id FROM activities WHERE (attrs->>'answers_question')::BOOLEAN ORDER BY 1"
    ).fetchall()
    assert flagged == [("m1",), ("r1",)]
    assert thread_posts(store, "slack:t") == 2  # idempotent


def test_unanswered_until_the_first_answer_and_who_answered_whom(openstack: Store) -> None:
    # question 24396 was asked 2013-03-26 06:09 UTC; danwent answered at 07:29
    recent = datetime(2013, 1, 1)  # questions asked since then are news
    before = run(openstack, "open_questions", as_of=datetime(2013, 3, 26, 7, 0), since=recent)
    found = [(q["item_id"], q["place"], q["area"]) for q in before]
    assert found == [("24396", "ask.openstack.org", "neutron migrated")]
    assert run(openstack, "open_questions", as_of=datetime(2013, 3, 26, 8, 0), since=recent) == []
    asker = openstack.con.execute("SELECT person_id FROM people WHERE name = 'xinxin-shu'").fetchone()[0]
    together = run(openstack, "person_coworkers", as_of=datetime(2014, 1, 1), person_id=asker)
    danwent = next(c for c in together if c["name"] == "danwent")
    assert danwent["how"] == "answered by them in a forum or chat"

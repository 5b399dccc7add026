"""Recognition, outcome over volume: work that changed something counts for more and says what it
led to. Checked on real data against answers computed here from the raw recordings: the OpenStack
changes of 2011-2012 (reviews that got new code) and the recorded Launchpad bugs (reports that
were confirmed)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from pytest_httpserver import HTTPServer

from niche import metrics
from niche.classify import classify_pending
from niche.identity import resolve_people
from niche.sources.http import HttpClient
from niche.sources.launchpad import LaunchpadBugs
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.recordings import TARGET, serve_launchpad
from tests.metrics.test_review_reports import CODE_KEEPING, RECHECK, _changes, _reviews

AS_OF = datetime(2012, 4, 5)  # Essex's end; the 12 months before it hold all of the 2011-2012 set's reviews


def _reviews_that_got_new_code(db: Path) -> dict[tuple[str, int, int], datetime]:
    """(person, change, patch set) of each review that asked for a change and got new code, with
    the time of its last message: a review is one person's messages on one patch set."""
    found = {}
    for c in _changes(db):
        per_patchset = defaultdict(list)
        for m in _reviews(db, c):
            if m.patchset is not None:
                per_patchset[(m.person, m.patchset)].append(m)
        for (person, patchset), messages in per_patchset.items():
            last = max(m.at for m in messages)
            asked = any(v < 0 for m in messages for label, v in m.votes if label == "Code-Review") or any(
                m.inline or (m.words and not RECHECK.match(m.words)) for m in messages
            )
            if asked and any(
                n > patchset and at >= last and kind not in CODE_KEEPING for n, kind, at, _ in c.revisions
            ):
                found[(person, c.number, patchset)] = last
    return found


def _in_window(at: datetime) -> bool:
    return AS_OF.replace(year=2011) < at <= AS_OF


def test_reviews_that_got_new_code_count_and_say_so(openstack_2011: Path) -> None:
    expected = defaultdict(set)  # per person, the (change, day) of their reviews that got new code
    for (person, number, _), last in _reviews_that_got_new_code(openstack_2011).items():
        if _in_window(last):
            expected[person].add((number, last.date()))
    with Store(openstack_2011, read_only=True) as store:
        rows = metrics.run(store, "recognition", as_of=AS_OF, months=12, limit=10)
    review = [r for r in rows if r["role"] == "review"]
    ranked = {r["person_id"]: r for r in review}
    assert len(ranked) >= 10
    for person, r in ranked.items():
        assert r["with_outcome"] == len(expected[person]), r["name"]
    outcomes = [r["example_outcome"] for r in review if r["example_outcome"]]
    assert outcomes and all(o.startswith("asked for a change on patch set ") for o in outcomes)
    assert len({r["role"] for r in rows if r["rank"] == 1}) > 1  # each role ranked on its own, none across


def test_bug_reports_that_were_confirmed_count_and_say_so(store: Store, fixtures: Path, httpserver: HTTPServer):
    serve_launchpad(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/1.0")) as client:
        sync(store, LaunchpadBugs(client, TARGET)).check()
    resolve_people(store)
    classify_pending(store)
    statuses = [
        e["status"]
        for n in (1, 2, 3)
        for e in json.loads((fixtures / "launchpad" / f"launchpad_issues_page_{n}").read_text())["entries"]
    ]
    rows = metrics.run(store, "recognition", as_of=datetime(2018, 1, 1), months=12 * 12, limit=5)
    reports = [r for r in rows if r["role"] == "bug_reporting"]
    assert {(r["name"], r["contributions"], r["with_outcome"]) for r in reports} == {
        ("Cristian Aravena Romero", 3, sum(s in ("Confirmed", "Triaged", "In Progress") for s in statuses))
    }
    assert sorted(r["example_outcome"] for r in reports) == sorted(f"confirmed ({s})" for s in statuses)


def test_mentoring_reviews_that_got_new_code_count_and_say_so(openstack_2011: Path) -> None:
    """Which reviews are mentoring (of a newcomer's change) is the classify layer's answer, read
    from the store; what each led to is computed from the raw JSON."""
    got_code = _reviews_that_got_new_code(openstack_2011)
    with Store(openstack_2011, read_only=True) as store:
        mentoring = store.con.execute(
            """SELECT person_id, item_id, occurred_at, json_extract(attrs, '$.number')::INTEGER,
                      json_extract(attrs, '$.patchset')::INTEGER
               FROM person_activities WHERE role = 'mentoring' AND starts_with(kind, 'review.')"""
        ).fetchall()
        rows = metrics.run(store, "recognition", as_of=AS_OF, months=12, limit=10)
    expected = defaultdict(set)
    for person, item_id, at, number, patchset in mentoring:
        if _in_window(at) and (person, number, patchset) in got_code:
            expected[person].add((item_id, at.date()))
    ranked = [r for r in rows if r["role"] == "mentoring"]
    assert len({r["person_id"] for r in ranked}) >= 10
    assert all(r["with_outcome"] == len(expected[r["person_id"]]) for r in ranked)
    assert any(r["example_outcome"] for r in ranked)

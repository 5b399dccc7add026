"""Launchpad bugs, replayed from real recorded API answers through a local HTTP server."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from niche.classify import Rules, classify_pending
from niche.sources.contract import BadRecord, read_item
from niche.sources.http import HttpClient
from niche.sources.launchpad import Bug, LaunchpadBugs, LaunchpadReader, _activity_kind
from niche.store import Store
from niche.store.sync import SyncResult, sync
from tests.helpers.recordings import TARGET, launchpad_recording, serve_launchpad
from tests.helpers.strategies import JSON


def sync_launchpad(store: Store, client: HttpClient, target: str) -> SyncResult:
    return sync(store, LaunchpadBugs(client, target)).check()


def test_bugs_reports_comments_and_people(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    asked = serve_launchpad(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/1.0")) as client:
        result = sync_launchpad(store, client, TARGET)
    assert (result.new, result.quarantined) == (3, 0)
    bugs = store.con.execute("SELECT number, title, status, importance, security FROM bugs ORDER BY 1").fetchall()
    assert bugs[0] == (1, "Synaptic has memory leaks", "Triaged", "High", False)
    comments = store.con.execute(
        "SELECT count(*) FROM activities WHERE kind = 'bug.comment' AND item_id = '1'"
    ).fetchone()[0]
    assert comments == 3  # four messages, the first being the description
    who = store.con.execute(
        """SELECT DISTINCT i.name, i.username FROM activities a JOIN identities i USING (identity_id)"""
    ).fetchall()
    assert who == [("Cristian Aravena Romero", "user")]
    classify_pending(store, Rules.load())
    roles = dict(store.con.execute("SELECT kind, any_value(role) FROM activities GROUP BY 1").fetchall())
    # the recorded log has two made-up "added cake"/"added coffee" entries: edits, so triage
    assert roles == {"bug.reported": "bug_reporting", "bug.comment": "discussion", "bug.edited": "triage"}
    # Resync: asks from the last bug's update time and rewrites, never duplicates.
    with HttpClient(httpserver.url_for("/1.0")) as client:
        sync_launchpad(store, client, TARGET)
    assert asked[0].startswith("1970") and asked[3] == store.cursor(result.source)["since"]  # 3 pages before
    assert store.con.execute("SELECT count(*) FROM bugs").fetchone()[0] == 3
    assert store.con.execute("SELECT count(*) FROM activities WHERE kind = 'bug.reported'").fetchone()[0] == 3


def test_triage_actions_are_credited(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    entry = json.loads(launchpad_recording(fixtures, "launchpad_issue_1_activities"))["entries"][0]
    changes = [("mypackage: status", "New", "Triaged"), ("mypackage: importance", "Undecided", "High"),
               ("tags", "", "memory"), ("marked as duplicate", None, "2")]  # fmt: skip
    page = {"entries": [entry | {"whatchanged": w, "oldvalue": o, "newvalue": n, "message": None}
                        for w, o, n in changes], "total_size": 4, "start": 0}  # fmt: skip
    serve_launchpad(httpserver, fixtures, activity_1=json.dumps(page))
    with HttpClient(httpserver.url_for("/1.0")) as client:
        sync_launchpad(store, client, TARGET)
    classify_pending(store, Rules.load())
    kinds = store.con.execute(
        """SELECT kind, role FROM activities
           WHERE item_id = '1' AND kind NOT IN ('bug.reported', 'bug.comment') ORDER BY 1"""
    ).fetchall()
    assert kinds == [("bug.importance_changed", "triage"), ("bug.marked_duplicate", "triage"),
                     ("bug.tagged", "triage"), ("bug.triaged", "triage")]  # fmt: skip


def test_activity_kinds() -> None:
    assert _activity_kind("nova: status", "Fix Released", None) == "fix_released"
    assert _activity_kind("nova: status", "In Progress", None) == "status_changed"
    assert _activity_kind("nova: assignee", "Dan", None) == "assigned"
    assert _activity_kind("information type", "Private Security", None) == "security_changed"
    assert _activity_kind("bug", None, "added bug") is None


def test_server_error_then_success(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(f"/1.0/{TARGET}").respond_with_data("down", status=502)
    httpserver.expect_ordered_request(f"/1.0/{TARGET}").respond_with_data(
        launchpad_recording(fixtures, "launchpad_empty_issues")
    )
    with HttpClient(httpserver.url_for("/1.0")) as client:
        result = sync_launchpad(store, client, TARGET)
    assert (result.new, result.requests) == (0, 2)


def test_broken_bug_is_quarantined_and_the_rest_goes_on(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/1.0/bugs/2").respond_with_data('{"id": 2, "title": "cut sho')  # served first
    serve_launchpad(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/1.0")) as client:
        result = sync_launchpad(store, client, TARGET)
    assert (result.new, result.quarantined) == (2, 1)
    location, error = store.con.execute("SELECT location, error FROM quarantine").fetchone()
    assert location.endswith("/bugs/2") and error.startswith("unusable bug: JSONDecodeError")


def test_a_bug_of_the_wrong_shape_is_quarantined(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """An owner link that is a number, not a URL (AttributeError deep in the reader): one bug set
    aside, not the whole sync stopped."""
    httpserver.expect_request("/1.0/bugs/2").respond_with_data('{"id": 2, "owner_link": 5}')  # served first
    serve_launchpad(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/1.0")) as client:
        result = sync_launchpad(store, client, TARGET)
    assert (result.new, result.quarantined) == (2, 1)
    location, error = store.con.execute("SELECT location, error FROM quarantine").fetchone()
    assert location.endswith("/bugs/2") and error.startswith("unusable bug: AttributeError")


_fields = ["id", "title", "description", "owner_link", "date_created", "date_last_updated", "tags",
           "information_type", "duplicate_of_link", "security_related", "private", "web_link"]  # fmt: skip


_OFFLINE_READER = LaunchpadReader(HttpClient("http://127.0.0.1:9"), TARGET)
_OFFLINE_READER.person = lambda link: None  # type: ignore[method-assign]  # no network in a property test


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(_fields), JSON), st.lists(st.dictionaries(st.text(max_size=12), JSON)))
def test_any_bug_answer_is_a_bug_or_a_clear_error(data: dict, activity: list) -> None:
    """What Launchpad answers is outside data: any shape becomes a bug or a quarantined record."""
    bug = read_item(partial(_OFFLINE_READER._bug, {}, data, [], activity), b"", "bug", "unusable bug")
    assert isinstance(bug, Bug) or (isinstance(bug, BadRecord) and bug.error.startswith("unusable bug: "))

"""GitHub pull requests and reviews, replayed from real recorded API answers."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from niche.sources.contract import BadRecord, read_item
from niche.sources.github import GitHubListing, Issue, issue_record
from niche.sources.http import HttpClient
from niche.store import Store
from niche.store.sync import SyncResult, sync
from tests.helpers.recordings import REPO, github_recording, serve_github
from tests.helpers.strategies import JSON


def sync_github(store: Store, client: HttpClient, repo: str, issues: bool = False) -> SyncResult:
    return sync(store, GitHubListing(client, repo, issues=issues)).check()


def _expected(fixtures: Path) -> dict[str, int]:
    reviews = sum(
        len(json.loads(github_recording(fixtures, f"github_request_pull_request_{n}_reviews"))) for n in (1, 2)
    )
    inline = sum(
        len(json.loads(github_recording(fixtures, f"github_request_pull_request_{n}_comments"))) for n in (1, 2)
    )
    conversation = sum(len(json.loads(github_recording(fixtures, f"github_issue_comments_{n}"))) for n in (1, 2))
    return {"reviews": reviews, "inline": inline, "conversation": conversation}


def test_full_then_unchanged_resync(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_github(httpserver, fixtures)
    with HttpClient(httpserver.url_for("")) as client:
        full = sync_github(store, client, REPO)
    # 2 listing pages + 4 requests per pull request + 1 to learn the next listing's ETag
    assert (full.new, full.requests) == (2, 2 + 8 + 1)
    expected = _expected(fixtures)
    count = lambda sql: store.con.execute(sql).fetchone()[0]  # noqa: E731
    assert count("SELECT count(*) FROM review_events WHERE kind = 'vote'") == expected["reviews"]
    assert count("SELECT count(*) FROM review_events WHERE kind = 'comment' AND inline") == expected["inline"]
    assert count("SELECT count(*) FROM review_events WHERE kind = 'comment' AND NOT inline") == expected["conversation"]
    assert count("SELECT count(*) FROM activities WHERE kind = 'review.approved'") == 2  # both recorded reviews approve
    assert store.con.execute("SELECT number, status, insertions, files FROM changes ORDER BY number").fetchall()[0] == (
        1,
        "closed",
        528,
        4,
    )
    assert count("SELECT count(DISTINCT username) FROM identities WHERE source_kind = 'github'") == 1
    with HttpClient(httpserver.url_for("")) as client:
        again = sync_github(store, client, REPO)
    assert (again.details, again.new + again.changed, again.requests) == ({"unchanged listing": 1}, 0, 1)  # one 304
    assert count("SELECT count(*) FROM changes") == 2


@pytest.mark.parametrize(
    "fault",
    [
        Response(_abuse := "", status=403, headers={"Retry-After": "1"}),
        Response("", status=403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}),
        Response("", status=502),
    ],
)
def test_rate_limits_and_faults_then_success(
    store: Store, fixtures: Path, httpserver: HTTPServer, fault: Response
) -> None:
    if fault.headers.get("Retry-After"):
        fault.set_data(github_recording(fixtures, "abuse_rate_limit"))  # GitHub's real secondary-limit answer
    waits: list[float] = []
    httpserver.expect_ordered_request(f"/repos/{REPO}/issues").respond_with_response(fault)
    serve_github(httpserver, fixtures)
    with HttpClient(httpserver.url_for(""), on_wait=lambda s, why: waits.append(s)) as client:
        result = sync_github(store, client, REPO)
    assert result.new == 2
    assert waits == ([0.0] if fault.status_code == 502 else [1.0])  # a retry is said too (no backoff in tests)


def test_rate_limit_longer_than_max_wait_is_a_clear_error(store: Store, httpserver: HTTPServer) -> None:
    from niche.errors import SourceError

    httpserver.expect_request(f"/repos/{REPO}/issues").respond_with_response(
        Response("", status=429, headers={"Retry-After": "7200"})
    )
    with (
        HttpClient(httpserver.url_for(""), max_wait=60) as client,
        pytest.raises(SourceError, match=r"asks to wait 2:00:00, more than --max-wait 60s"),
    ):
        sync_github(store, client, REPO)


def test_truncated_pull_request_is_quarantined_and_the_rest_goes_on(
    store: Store, fixtures: Path, httpserver: HTTPServer
) -> None:
    serve_github(httpserver, fixtures, pull_1=github_recording(fixtures, "github_request_pull_request_1")[:500])
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_github(store, client, REPO)
    assert (result.new, result.quarantined) == (1, 1)
    [(location, error)] = store.con.execute("SELECT location, error FROM quarantine").fetchall()
    assert location.endswith(f"/repos/{REPO}/pulls/1") and error.startswith("unreadable pull request #1")


def test_pull_request_missing_fields(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    pull = json.loads(github_recording(fixtures, "github_request_pull_request_1"))
    del pull["user"], pull["additions"]
    serve_github(httpserver, fixtures, pull_1=json.dumps(pull))
    with HttpClient(httpserver.url_for("")) as client:
        assert sync_github(store, client, REPO).new == 2
    assert store.con.execute("SELECT owner_id, insertions FROM changes WHERE number = 1").fetchone() == (None, None)


def test_issues_with_comments_and_triage_events(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """The issues listing holds issues and pull requests alike; the issues sync takes the issues."""
    issue = json.loads(github_recording(fixtures, "github_issue_2"))[0]
    pull = json.loads(github_recording(fixtures, "github_request"))[0]
    actor = issue["user"]
    events = [
        {"event": "labeled", "actor": actor, "created_at": "2016-03-02T10:00:00Z", "label": {"name": "bug"}},
        {"event": "subscribed", "actor": actor, "created_at": "2016-03-02T10:00:01Z"},  # a notification, not work
        {"event": "closed", "actor": actor, "created_at": "2016-03-03T10:00:00Z"},
    ]
    httpserver.expect_request(f"/repos/{REPO}/issues").respond_with_json([pull, issue], headers={"ETag": '"x"'})
    httpserver.expect_request(f"/repos/{REPO}/issues/2/comments").respond_with_data(
        github_recording(fixtures, "github_issue_comments_2")
    )
    httpserver.expect_request(f"/repos/{REPO}/issues/2/events").respond_with_json(events)
    with HttpClient(httpserver.url_for("/")) as client:
        result = sync_github(store, client, REPO, issues=True)
    assert result.source.startswith("github-issues:") and result.new == 1
    row = store.con.execute("SELECT tracker, project, number, tags, status FROM bugs").fetchone()
    assert row == ("github", REPO, 2, ["bug", "v1.1.0"], issue["state"])
    kinds = [r[0] for r in store.con.execute("SELECT kind FROM activities ORDER BY occurred_at, kind").fetchall()]
    comments = len(json.loads(github_recording(fixtures, "github_issue_comments_2")))
    assert kinds.count("issue.comment") == comments
    assert {"issue.opened", "issue.labeled", "issue.closed"} <= set(kinds) and "issue.subscribed" not in kinds
    assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == 0  # the pull request is not an issue


_issue_fields = ["number", "title", "body", "user", "state", "created_at", "updated_at", "labels", "assignees"]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(_issue_fields), JSON), st.lists(JSON, max_size=3), st.lists(JSON, max_size=3))
def test_any_issue_answer_is_an_issue_or_a_clear_error(issue: dict, comments: list, events: list) -> None:
    """What GitHub answers is outside data: any shape becomes an issue or a quarantined record."""
    found = read_item(partial(issue_record, REPO, issue, comments, events), b"", "issue", "unreadable issue")
    assert isinstance(found, Issue) or (isinstance(found, BadRecord) and found.error.startswith("unreadable issue: "))

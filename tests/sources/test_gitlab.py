"""GitLab merge requests and issues, replayed from real recorded API answers (F-Droid's project)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from niche.sources.changes import Change
from niche.sources.contract import BadRecord, read_item
from niche.sources.github import Issue
from niche.sources.gitlab import GitLabProject, api_url, issue_record, merge_request_change, system_note_events
from niche.sources.http import HttpClient
from tests.helpers.recordings import GITLAB_ID, GITLAB_PROJECT, GITLAB_VERSIONS, gitlab_recording, serve_gitlab
from tests.helpers.strategies import JSON


def _json(fixtures: Path, name: str):
    return json.loads(gitlab_recording(fixtures, name))


def _client(httpserver: HTTPServer, **kwargs) -> HttpClient:
    return HttpClient(api_url(httpserver.url_for("")), **kwargs)


def test_merge_requests_from_the_recordings(fixtures: Path, httpserver: HTTPServer) -> None:
    serve_gitlab(httpserver, fixtures)
    with _client(httpserver) as client:
        found = list(GitLabProject(client, GITLAB_PROJECT).merge_requests(None))
    changes = [c for c, _, _ in found]
    assert all(isinstance(c, Change) for c in changes)
    assert [c.number for c in changes] == [1, 2, 3]
    for change, raw, updated in found:
        n = change.number
        merge = _json(fixtures, f"merge_{n}")
        notes = _json(fixtures, f"notes_{n}")
        assert updated == merge["updated_at"] and change.status == merge["state"] == "merged"
        assert (change.subject, change.url, change.owner.username) == (
            merge["title"], merge["web_url"], merge["author"]["username"])  # fmt: skip
        kinds = [e.kind for e in change.events]
        # one patch set per recorded version, one comment per note a person wrote
        assert kinds.count("patchset") == len(GITLAB_VERSIONS[n]) == len(_json(fixtures, f"merge_{n}_versions"))
        assert kinds.count("comment") == sum(not note["system"] for note in notes)
        # merged before GitLab recorded when or by whom, and no note says it: no merge date is made up
        assert merge["merged_at"] is None and "merged" not in kinds
        assert json.loads(raw)["merge_request"] == merge  # kept as read
    latest = _json(fixtures, "merge_1_version_1")["diffs"][0]["diff"].splitlines()
    assert changes[0].insertions == sum(1 for line in latest if line.startswith("+") and not line.startswith("+++"))


def test_issues_with_notes_and_triage(fixtures: Path, httpserver: HTTPServer) -> None:
    serve_gitlab(httpserver, fixtures)
    with _client(httpserver) as client:
        found = list(GitLabProject(client, GITLAB_PROJECT).issues("2016-01-01T00:00:00Z"))
    issues = {i.number: i for i, _, _ in found}
    assert sorted(issues) == [1, 2, 3, 4] and all(i.tracker == "gitlab" for i in issues.values())
    for n, issue in issues.items():
        notes = _json(fixtures, f"notes_{n}")
        kinds = [e.kind for e in issue.events]
        assert kinds[0] == "opened" and kinds.count("comment") == sum(not note["system"] for note in notes)
    # the recorded system notes: issue 1 moved to another project, 3 and 4 closed
    assert [(e.kind, e.who.username) for e in issues[1].events[2:]] == [("transferred", "redfish64")]
    assert [e.kind for e in issues[3].events] == ["opened", "closed"] == [e.kind for e in issues[4].events]
    assert issues[4].labels == ("CI/CD", "Deliverable") and issues[1].assignees == ("redfish64",)
    asked = [r.query_string.decode() for r, _ in httpserver.log if r.path.endswith("/issues")]
    assert "updated_after=2016-01-01T00%3A00%3A00Z" in asked[0]


def test_a_listing_that_moved_is_read_again(fixtures: Path, httpserver: HTTPServer) -> None:
    """The recorded outdated listing says !1 and !2 were last updated years before their own
    answers do: the listing is asked again from there, and nothing is read twice as two items."""
    api = f"/api/v4/projects/{GITLAB_ID}/merge_requests"
    httpserver.expect_oneshot_request(api).respond_with_data(gitlab_recording(fixtures, "merge_page_outdated"))
    serve_gitlab(httpserver, fixtures, merge_listing="merge_page_updated")
    with _client(httpserver) as client:
        found = list(GitLabProject(client, GITLAB_PROJECT).merge_requests(None))
    assert [c.number for c, _, _ in found] == [1, 2, 3]
    listings = [r for r, _ in httpserver.log if r.path == api]
    assert "updated_after=2012-04-03T16%3A50%3A32.000Z" in listings[1].query_string.decode()


def test_rate_limit_headers_are_honoured(fixtures: Path, httpserver: HTTPServer) -> None:
    api = f"/api/v4/projects/{GITLAB_ID}/issues"
    httpserver.expect_oneshot_request(api).respond_with_response(
        Response("Retry later", status=429, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "0"})
    )
    serve_gitlab(httpserver, fixtures)
    waits: list[float] = []
    with _client(httpserver, on_wait=lambda s, why: waits.append(s)) as client:
        found = list(GitLabProject(client, GITLAB_PROJECT).issues(None))
    assert len(found) == 4 and waits == [1.0]  # RateLimit-Reset in the past: one second


def test_api_url_of_a_self_hosted_server() -> None:
    assert api_url("https://gitlab.gnome.org/") == "https://gitlab.gnome.org/api/v4"
    assert api_url("https://git.example.org/gitlab/api/v4") == "https://git.example.org/gitlab/api/v4"


def test_system_notes_in_their_wordings() -> None:
    def said(body: str) -> list[tuple[str, str | None]]:
        note = {"body": body, "author": {"username": "ana"}, "created_at": "2020-05-01T10:00:00Z"}
        return [(e.kind, e.detail) for e in system_note_events(note)]

    assert said('added ~"needs review" ~bug labels and removed ~12 label') == [
        ("labeled", "needs review"), ("labeled", "bug"), ("unlabeled", "12")]  # fmt: skip
    assert said("assigned to @bo, @cy and @di") == [("assigned", "bo"), ("assigned", "cy"), ("assigned", "di")]
    assert said("assigned to @bo and unassigned @cy") == [("assigned", "bo"), ("unassigned", "cy")]
    assert said("Status changed to closed") == [("closed", None)]
    assert said("approved this merge request") == [("approved", None)]
    assert said("added 2 commits\n\n<ul><li>abc - fix</li></ul>") == [("pushed", None)]
    assert said("mentioned in commit 1234abcd") == []


def test_approvals_pushes_and_merges_from_system_notes(fixtures: Path) -> None:
    """A recorded merge request with notes as a newer GitLab writes them around its recorded version."""
    merge = _json(fixtures, "merge_2") | {"merged_at": None, "merged_by": None}
    version = _json(fixtures, "merge_2_version_1")
    note = lambda body, who, at: {"body": body, "system": True, "created_at": at,  # noqa: E731
                                  "author": {"username": who, "name": who.title()}}  # fmt: skip
    notes = [note("added 1 commit", "rebaser", version["created_at"]),
             note("approved this merge request", "reviewer", "2018-05-17T09:00:00Z"),
             note("merged", "maintainer", "2018-05-17T10:00:00Z")]  # fmt: skip
    change = merge_request_change("gitlab.com", GITLAB_PROJECT, merge, notes, [version])
    got = [(e.kind, e.who.username, e.value) for e in change.events if e.kind != "created"]
    assert got == [("patchset", "rebaser", None), ("vote", "reviewer", 1), ("merged", "maintainer", None)]


@settings(max_examples=200, deadline=None)
@given(merge=JSON, notes=JSON, versions=JSON)
def test_any_merge_request_answer_is_a_change_or_quarantined(merge, notes, versions) -> None:
    parse = partial(merge_request_change, "gitlab.com", "p", merge, notes, versions)
    assert isinstance(read_item(parse, b"", "gitlab", "merge request"), Change | BadRecord)


@settings(max_examples=200, deadline=None)
@given(issue=JSON, notes=JSON, body=st.text(max_size=200))
def test_any_issue_answer_is_an_issue_or_quarantined(issue, notes, body) -> None:
    assert isinstance(read_item(partial(issue_record, "p", issue, notes), b"", "gitlab", "issue"), Issue | BadRecord)
    assert isinstance(system_note_events({"body": body, "system": True}), list)  # any wording: no crash

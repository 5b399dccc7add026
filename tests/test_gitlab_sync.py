"""`niche sync gitlab` end to end on the recorded F-Droid project: merge requests and issues
stored once, a resync that reads nothing again, and the reports that read changes and issues."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from niche.store import Store
from tests.helpers.cli import niche
from tests.helpers.recordings import GITLAB_PROJECT, gitlab_recording, serve_gitlab


def _sync(tmp_path: Path, httpserver: HTTPServer, *extra: str):
    return niche("sync", "gitlab", GITLAB_PROJECT, "--api-url", httpserver.url_for("").rstrip("/"), *extra,
                 cwd=tmp_path, env={"GITLAB_TOKEN": None, "CI_API_V4_URL": None})  # fmt: skip


def test_sync_then_resync(tmp_path: Path, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_gitlab(httpserver, fixtures)
    first = _sync(tmp_path, httpserver)
    assert first.returncode == 0, first.stderr
    assert f"gitlab:localhost/{GITLAB_PROJECT}: 3 new merge requests" in first.stderr
    assert f"gitlab-issues:localhost/{GITLAB_PROJECT}: 4 new issues" in first.stderr
    asked = len(httpserver.log)
    again = _sync(tmp_path, httpserver)
    assert again.returncode == 0, again.stderr
    # the project and the listings (two pages each), nothing else: no item read again
    assert f"gitlab:localhost/{GITLAB_PROJECT}: 0 new merge requests (3 requests)" in again.stderr
    assert f"gitlab-issues:localhost/{GITLAB_PROJECT}: 0 new issues (3 requests)" in again.stderr
    assert len(httpserver.log) - asked == 2 * (1 + 2)
    with Store(tmp_path / ".niche" / "niche.duckdb", read_only=True) as store:
        one = lambda sql: store.con.execute(sql).fetchone()  # noqa: E731
        assert one("SELECT count(*), count(DISTINCT item_id) FROM changes WHERE platform = 'gitlab'") == (3, 3)
        assert one("SELECT count(*) FROM bugs WHERE tracker = 'gitlab'") == (4,)
        notes = [json.loads(gitlab_recording(fixtures, f"notes_{n}")) for n in (1, 2, 3, 4)]
        said = sum(not note["system"] for each in notes for note in each)
        comments = one("SELECT count(*) FROM activities WHERE kind IN ('review.comment', 'issue.comment')")
        assert comments == (said * 2,)  # the recordings serve notes_N for merge request N and issue N alike
        triaged = one("SELECT count(*) FROM activities WHERE kind IN ('issue.closed', 'issue.transferred')")
        assert triaged == (3,)  # issue 1 moved to another project, 3 and 4 closed (their system notes)


def _system_note(body: str, who: str, at: str) -> dict:
    return {"body": body, "system": True, "created_at": at, "author": {"username": who, "name": who.title()}}


def test_reports_and_trail_read_gitlab(tmp_path: Path, fixtures: Path, httpserver: HTTPServer) -> None:
    """The recorded merge requests are older than GitLab's approvals and merge records, so !2 gets
    the system notes a newer GitLab writes: an approval, then the merge."""
    merge = json.loads(gitlab_recording(fixtures, "merge_2"))
    notes = [
        *json.loads(gitlab_recording(fixtures, "notes_2")),
        _system_note("approved this merge request", "reviewer", "2018-05-17T09:00:00Z"),
        _system_note("merged", "maintainer", "2018-05-17T10:00:00Z"),
    ]
    serve_gitlab(httpserver, fixtures, merge_notes={2: notes})
    assert _sync(tmp_path, httpserver).returncode == 0
    trail = niche("trail", merge["web_url"], "--json", cwd=tmp_path)
    assert trail.returncode == 0, trail.stderr
    assert merge["title"] in trail.stdout
    timing = niche("reviews", "timing", "--project", GITLAB_PROJECT, "--since", "2014-01-01", "--json", cwd=tmp_path)
    row = json.loads(timing.stdout)["rows"][0]
    assert (row["opened"], row["merged"], row["reviewed"]) == (3, 1, 1)
    depth = json.loads(niche("reviews", "--json", cwd=tmp_path).stdout)
    assert [r["name"] for r in depth["reviewers"]] == ["Reviewer"]
    for report in ("velocity", "open", "load", "cores", "self-approved", "spread"):
        ran = niche("reviews", report, "--project", GITLAB_PROJECT, "--since", "2014-01-01", "--json", cwd=tmp_path)
        assert ran.returncode == 0, (report, ran.stderr)
    profile = json.loads(niche("profile", f"gitlab:{merge['author']['username']}", "--json", cwd=tmp_path).stdout)
    assert profile["roles_by_year"]["2014"] == {"code": 3}  # the three merge requests it opened in 2014


def test_gitlab_in_niche_toml(tmp_path: Path, fixtures: Path, httpserver: HTTPServer) -> None:
    serve_gitlab(httpserver, fixtures)
    (tmp_path / "niche.toml").write_text(
        f'[[gitlab]]\nprojects = ["{GITLAB_PROJECT}"]\napi_url = "{httpserver.url_for("").rstrip("/")}"\n'
    )
    ran = niche("sync", cwd=tmp_path, env={"GITLAB_TOKEN": None, "CI_API_V4_URL": None})
    assert ran.returncode == 0, ran.stderr
    assert "3 new merge requests" in ran.stderr and "4 new issues" in ran.stderr  # issues by default
    (tmp_path / "niche.toml").write_text('[[gitlab]]\nproject = ["x/y"]\n')
    bad = niche("sync", cwd=tmp_path)
    assert bad.returncode == 2 and "[[gitlab]] #1: unknown key 'project'; did you mean 'projects'?" in bad.stderr

"""Real recorded API answers (../shared/fixtures) replayed by pytest-httpserver, as the services
answered them: for the connectors' tests and for every test that needs a synced GitHub or
Launchpad source."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

REPO = "zhquan_example/repo"


def github_recording(fixtures: Path, name: str) -> str:
    return (fixtures / "github" / name).read_text()


def serve_github(httpserver: HTTPServer, fixtures: Path, pull_1: str | None = None) -> None:
    """The repository as the recordings show it: two pull requests, listed on two pages."""

    def listing(request: Request) -> Response:
        etag = f'"listing-{request.args.get("since", "all")}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        if request.args.get("page") == "2":
            return Response(
                github_recording(fixtures, "github_request_from_2016_03_01"), content_type="application/json"
            )
        next_page = httpserver.url_for(f"/repos/{REPO}/issues") + "?page=2"
        return Response(github_recording(fixtures, "github_request"), content_type="application/json",
                        headers={"ETag": etag, "Link": f'<{next_page}>; rel="next"'})  # fmt: skip

    httpserver.expect_request(f"/repos/{REPO}/issues").respond_with_handler(listing)
    for n in (1, 2):
        body = (
            pull_1 if n == 1 and pull_1 is not None else github_recording(fixtures, f"github_request_pull_request_{n}")
        )
        httpserver.expect_request(f"/repos/{REPO}/pulls/{n}").respond_with_data(body, content_type="application/json")
        for part, fixture in (
            ("reviews", f"github_request_pull_request_{n}_reviews"),
            ("comments", f"github_request_pull_request_{n}_comments"),
        ):
            httpserver.expect_request(f"/repos/{REPO}/pulls/{n}/{part}").respond_with_data(
                github_recording(fixtures, fixture)
            )
        httpserver.expect_request(f"/repos/{REPO}/issues/{n}/comments").respond_with_data(
            github_recording(fixtures, f"github_issue_comments_{n}")
        )


TARGET = "mydistribution/+source/mypackage"


def launchpad_recording(fixtures: Path, name: str) -> str:
    return (fixtures / "launchpad" / name).read_text()


def serve_launchpad(httpserver: HTTPServer, fixtures: Path, activity_1: str | None = None) -> list[str]:
    """The recorded project: three bugs, listed one a page; bug 1's messages and activity paged."""
    asked: list[str] = []

    def tasks(request: Request) -> Response:
        asked.append(request.args.get("modified_since", ""))
        page = {"0": 1, "1": 2, "2": 3}[request.args.get("ws.start", "0")]
        return Response(launchpad_recording(fixtures, f"launchpad_issues_page_{page}"), content_type="application/json")

    httpserver.expect_request(f"/1.0/{TARGET}").respond_with_handler(tasks)
    for n in (1, 2, 3):
        httpserver.expect_request(f"/1.0/bugs/{n}").respond_with_data(
            launchpad_recording(fixtures, f"launchpad_issue_{n}")
        )
    httpserver.expect_request("/1.0/~user").respond_with_data(launchpad_recording(fixtures, "launchpad_user_1"))

    def paged(kind: str):
        def handler(request: Request) -> Response:
            if kind == "activity" and activity_1 is not None:
                return Response(activity_1)
            name = f"launchpad_issue_1_{'comments' if kind == 'messages' else 'activities'}"
            return Response(
                launchpad_recording(fixtures, name + ("_next_2" if request.args.get("ws.start") else "_next_1"))
            )

        return handler

    httpserver.expect_request("/1.0/bugs/1/messages").respond_with_handler(paged("messages"))
    httpserver.expect_request("/1.0/bugs/1/activity").respond_with_handler(paged("activity"))
    for kind, fixture in (("messages", "comments"), ("activity", "activities")):
        bug_2, bug_3 = (
            launchpad_recording(fixtures, f"launchpad_issue_2_{fixture}"),
            launchpad_recording(fixtures, f"launchpad_empty_issue_{fixture}"),
        )
        httpserver.expect_request(f"/1.0/bugs/2/{kind}").respond_with_data(bug_2)
        httpserver.expect_request(f"/1.0/bugs/3/{kind}").respond_with_data(bug_3)
    return asked

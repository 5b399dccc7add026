"""Real recorded API answers (../shared/fixtures) replayed by pytest-httpserver, as the services
answered them: for the connectors' tests and for every test that needs a synced GitHub or
Launchpad source."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

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


GITLAB_PROJECT = "fdroid/fdroiddata"
GITLAB_ID = 36528  # the recorded project's id: the reader asks by id after looking the path up
GITLAB_VERSIONS = {1: (1, 2), 2: (3,), 3: (4,)}  # merge request -> its recorded version ids


def gitlab_recording(fixtures: Path, name: str) -> str:
    return (fixtures / "gitlab" / name).read_text()


def serve_gitlab(httpserver: HTTPServer, fixtures: Path, merge_listing: str = "merge_page_1",
                 merge_notes: dict[int, list] | None = None) -> None:  # fmt: skip
    """The recorded F-Droid project (as Perceval's tests serve it): three merge requests and four
    issues, each listed on two pages, with their notes and versions (merge_notes: other notes for
    a merge request), under the project's id as niche asks and its path as Perceval asks. Resource
    events are not in the recordings: the server answers 404 for them, as GitLab before 11.x did;
    award emoji are none."""
    api = f"/api/v4/projects/{GITLAB_ID}"
    json_type = "application/json"

    def at(path: str) -> re.Pattern[str]:
        return re.compile(rf"/api/v4/projects/(?:{GITLAB_ID}|{re.escape(GITLAB_PROJECT)}){path}$")

    def serve(path: str, body: str, status: int = 200) -> None:
        httpserver.expect_request(at(path)).respond_with_data(body, status=status, content_type=json_type)

    serve("", gitlab_recording(fixtures, "project"))

    def listing(what: str, first: str, second: str):
        def handler(request: Request) -> Response:
            # as GitLab does: only what was updated at or after updated_after (the next link keeps it)
            after = request.args.get("updated_after", "")
            page = json.loads(gitlab_recording(fixtures, second if request.args.get("page") == "2" else first))
            body = json.dumps([i for i in page if i["updated_at"] >= after])
            if request.args.get("page") == "2":
                return Response(body, content_type=json_type)
            next_page = httpserver.url_for(f"{api}/{what}") + "?" + urlencode({"page": 2, "updated_after": after})
            return Response(body, content_type=json_type,
                            headers={"Link": f'<{next_page}>; rel="next"', "RateLimit-Remaining": "599"})  # fmt: skip

        return handler

    httpserver.expect_request(at("/issues")).respond_with_handler(listing("issues", "issue_page_1", "issue_page_2"))
    httpserver.expect_request(at("/merge_requests")).respond_with_handler(
        listing("merge_requests", merge_listing, "merge_page_2")
    )
    serve(r"/issues/\d+/resource_\w+_events", '{"message":"404 Not Found"}', 404)
    serve(r"/.*award_emoji", "[]")
    for n in (1, 2, 3, 4):
        serve(f"/issues/{n}/notes", gitlab_recording(fixtures, f"notes_{n}"))
    for n, versions in GITLAB_VERSIONS.items():
        base = f"/merge_requests/{n}"
        notes = json.dumps(merge_notes[n]) if n in (merge_notes or {}) else gitlab_recording(fixtures, f"notes_{n}")
        serve(f"{base}/notes", notes)
        serve(base, gitlab_recording(fixtures, f"merge_{n}"))
        serve(f"{base}/versions", gitlab_recording(fixtures, f"merge_{n}_versions"))
        for i, version in enumerate(versions, start=1):
            serve(f"{base}/versions/{version}", gitlab_recording(fixtures, f"merge_{n}_version_{i}"))


def discourse_recording(fixtures: Path, name: str) -> str:
    return (fixtures / "discourse" / name).read_text()


def serve_discourse(httpserver: HTTPServer, fixtures: Path, listing: str = "discourse_topics.json") -> list[str]:
    """As Perceval's tests replay them: the latest topics (then an empty page), topics 1148 and 1149,
    and for 1148's posts past the first twenty (ids 21 and 22) the one post recorded, 2500."""
    asked: list[str] = []

    def latest(request: Request) -> Response:
        asked.append(request.args.get("page", ""))
        page = listing if request.args.get("page", "0") == "0" else "discourse_topics_empty.json"
        return Response(discourse_recording(fixtures, page), content_type="application/json")

    httpserver.expect_request("/latest.json").respond_with_handler(latest)
    for tid in (1148, 1149, 1150):
        httpserver.expect_request(f"/t/{tid}.json").respond_with_data(
            discourse_recording(fixtures, f"discourse_topic_{tid}.json"), content_type="application/json"
        )
    for pid in (21, 22):
        httpserver.expect_request(f"/posts/{pid}.json").respond_with_data(
            discourse_recording(fixtures, "discourse_post.json"), content_type="application/json"
        )
    return asked


MATTERMOST_CHANNEL = "abcdefghijkl"


def serve_mattermost(httpserver: HTTPServer, fixtures: Path) -> list[str]:
    """The recorded Mattermost channel: its info, two pages of posts (then an empty one) and the
    two users who wrote them; returns the pages' names."""

    def load(name: str) -> str:
        return (fixtures / "mattermost" / name).read_text()

    pages = ["mattermost_posts.json", "mattermost_posts_next.json", "mattermost_posts_empty.json"]
    channel = f"/api/v4/channels/{MATTERMOST_CHANNEL}"
    httpserver.expect_request(channel).respond_with_data(load("mattermost_channel.json"))
    httpserver.expect_request(f"{channel}/posts").respond_with_handler(
        lambda r: Response(load(pages[int(r.args.get("page", "0"))])))  # fmt: skip
    for name in ("mattermost_user_sduenas.json", "mattermost_user_valcos.json"):
        httpserver.expect_request(f"/api/v4/users/{json.loads(load(name))['id']}").respond_with_data(load(name))
    return pages


def serve_askbot(httpserver: HTTPServer, fixtures: Path) -> None:
    """askbot.org as recorded: two API pages (questions 2481, 2488), their HTML pages (2488's in two),
    and the comments recorded for question 2481; no other post has comments. Paths with and
    without the trailing slash: niche asks with it, Perceval without."""

    def load(name: str) -> str:
        return (fixtures / "askbot" / name).read_text()

    def questions(request: Request) -> Response:
        page = request.args.get("page", "1")
        return Response(load("askbot_api_questions.json" if page == "1" else "askbot_api_questions_2.json"))

    def html_2488(request: Request) -> Response:
        return Response(load(f"askbot_question_multipage_{request.args.get('page', '1')}.html"))

    def comments(request: Request) -> Response:
        recorded = request.args.get("post_id") == "2481"
        return Response(load("askbot_2481_multicomments.json") if recorded else "[]")

    for slash in ("/", ""):
        httpserver.expect_request(f"/api/v1/questions{slash}").respond_with_handler(questions)
        httpserver.expect_request(f"/question/2481{slash}").respond_with_data(load("askbot_question.html"))
        httpserver.expect_request(f"/question/2488{slash}").respond_with_handler(html_2488)
    httpserver.expect_request("/s/post_comments").respond_with_handler(comments)

"""`niche sync` of Q&A, forums, blogs and chat from niche.toml, then roles, profile, trail and the
dashboard, as a user runs them (recordings served by a local server, an export zip built from them)."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from niche.store import Store
from tests.helpers.cli import Ran, niche
from tests.sources.test_slack import _export

PAGES = [f"html_24396_multipage{n}_openstack.html" for n in ("", "_2", "_3", "_4")]


def _niche(tmp_path: Path, *args: str) -> Ran:
    return niche(*args, cwd=tmp_path)


def _serve(httpserver: HTTPServer, fixtures: Path) -> None:
    ask = fixtures / "askbot"
    question = json.loads((ask / "api_24396_openstack.json").read_text())
    listing = {"count": 1, "pages": 1, "questions": [question]}
    httpserver.expect_request("/ask/api/v1/questions/").respond_with_json(listing)
    httpserver.expect_request("/ask/question/24396/").respond_with_handler(
        lambda r: Response((ask / PAGES[int(r.args.get("page", "1")) - 1]).read_text()))  # fmt: skip
    httpserver.expect_request("/ask/s/post_comments").respond_with_data("[]")
    forum = fixtures / "discourse"
    httpserver.expect_request("/forum/latest.json", query_string="page=0").respond_with_data(
        (forum / "discourse_topics.json").read_text())  # fmt: skip
    forum_files = {"/forum/latest.json": "discourse_topics_empty.json", "/forum/posts/21.json": "discourse_post.json",
                   "/forum/posts/22.json": "discourse_post.json", "/forum/t/1148.json": "discourse_topic_1148.json",
                   "/forum/t/1149.json": "discourse_topic_1149.json"}  # fmt: skip
    for path, name in forum_files.items():
        httpserver.expect_request(path).respond_with_data((forum / name).read_text())
    httpserver.expect_request("/blog/feed").respond_with_data((fixtures / "rss" / "rss_entries.xml").read_bytes())


def test_sync_community_sources_from_niche_toml(tmp_path: Path, fixtures: Path, httpserver: HTTPServer) -> None:
    _serve(httpserver, fixtures)
    export = _export(tmp_path, fixtures)
    (tmp_path / "planet.opml").write_text(
        f'<opml><body><outline text="CouchBase" xmlUrl="{httpserver.url_for("/blog/feed")}"/></body></opml>'
    )
    (tmp_path / "niche.toml").write_text(
        f'[[askbot]]\nurl = "{httpserver.url_for("/ask")}"\n\n[[discourse]]\nurl = "{httpserver.url_for("/forum")}"\n\n'
        f'[feeds]\nopml = ["planet.opml"]\n\n[[slack]]\nexports = ["{export}"]\n'
    )
    out = _niche(tmp_path, "sync")
    assert out.returncode == 1, out.stderr  # 1: some items were quarantined (the rest synced)
    assert "askbot:localhost: 1 new thread; 32 posts, 25 answers" in out.stderr
    assert "discourse:localhost: 2 new threads, 2 quarantined; 22 posts" in out.stderr
    assert "feeds: 30 new threads; 30 posts" in out.stderr
    assert "slack:C011DUKE8: 9 new threads, 1 quarantined; 8 posts" in out.stderr
    with Store(tmp_path / ".niche" / "niche.duckdb", read_only=True) as store:
        roles = dict(
            store.con.execute(
                "SELECT kind || ' ' || role, count(*) FROM activities WHERE kind = 'forum.answer' GROUP BY 1"
            ).fetchall()
        )
        assert roles == {"forum.answer mentoring": 23, "forum.answer user_support": 2, "forum.answer discussion": 6}
        bots = store.con.execute(
            """SELECT p.name FROM people p JOIN person_identities USING (person_id)
               JOIN identities i USING (identity_id) WHERE p.is_bot AND i.source_kind = 'slack' ORDER BY 1"""
        ).fetchall()
        assert bots == [("B0001",)]  # the integration that posted "There are no events this week."
    profile = _niche(tmp_path, "profile", "askbot:arosen", "--json")
    assert profile.returncode == 0, profile.stderr
    found = json.loads(profile.stdout)
    assert {(a["place_kind"], a["place"]) for a in found["areas"]} == {
        ("forum", "localhost"), ("topic tag", "neutron"), ("topic tag", "migrated")}  # fmt: skip
    # five answers to xinxin-shu, who asked on 2013-03-26: four within the 90 days a newcomer is new
    # (mentoring), the last, 2013-07-03, after them (user support)
    assert found["roles_by_year"] == {"2013": {"mentoring": 4, "user_support": 1}}
    trail = _niche(tmp_path, "trail", "https://github.com/gorhill/uBlock/issues/1323")
    assert trail.returncode == 0 and "[Support] uBlock Origin" in trail.stdout
    report = _niche(tmp_path, "report", "-o", "site")
    assert report.returncode == 0, report.stderr
    pages = "".join(p.read_text() for p in (tmp_path / "site").rglob("*.html"))
    assert "arosen" in pages and "user support" in pages.lower()

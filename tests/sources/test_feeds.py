"""Blog feeds: the recorded CouchBase RSS feed through a local server, alone and through a planet."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche import Community, Config
from niche.classify import Rules, classify
from niche.identity import resolve_people
from niche.links.trail import follow
from niche.sources.feeds import Feed, parse_feed, read_feeds, read_opml
from niche.sources.git import BadRecord
from niche.sources.http import HttpClient
from niche.store import Store
from tests.helpers.posts import sync_posts


def _serve(httpserver: HTTPServer, document: bytes, path: str = "/feed") -> list[dict]:
    asked: list[dict] = []

    def feed(request: Request) -> Response:
        asked.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(document, headers={"ETag": '"v1"'}, content_type="application/rss+xml")

    httpserver.expect_request(path).respond_with_handler(feed)
    return asked


def _sync(store: Store, httpserver: HTTPServer, feeds: list[Feed]):
    with HttpClient(httpserver.url_for("/")) as client:
        return sync_posts(store, "feeds", "feed", "blogs", "feeds", lambda c: read_feeds(client, feeds, c))


def test_rss_posts_by_their_authors_once_each(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    document = (fixtures / "rss" / "rss_entries.xml").read_bytes()
    asked = _serve(httpserver, document)
    _serve(httpserver, document, "/planet")
    planet = read_opml(
        f"""<opml version="1.1"><body><outline text="CouchBase" xmlUrl="{httpserver.url_for("/feed")}"/>
            <outline text="Planet" xmlUrl="{httpserver.url_for("/planet")}"/></body></opml>""",
        "planet.opml",
    )
    result = _sync(store, httpserver, planet)
    text = document.decode()
    items = re.findall(r"<item>.*?</item>", text, re.S)
    # the same 30 posts through the blog and through the planet: 30 posts
    assert result.written == result.details["post"] == len(items) == 30
    expected = sorted((re.search(r"<author>(.*?)</author>", i).group(1),
                       int(parsedate_to_datetime(re.search(r"<pubDate>(.*?)</pubDate>", i).group(1)).timestamp()))
                      for i in items)  # fmt: skip
    stored = store.con.execute(
        """SELECT i.name, epoch(a.occurred_at)::BIGINT FROM activities a JOIN identities i USING (identity_id)
           WHERE a.kind = 'blog.post' ORDER BY 1, 2"""
    ).fetchall()
    assert stored == expected
    links = store.con.execute("SELECT links FROM posts WHERE title = 'Connect 2016 Developer Workshop'").fetchone()[0]
    assert links == ["https://github.com/couchbaselabs/workshop/tree/master/connect2016/developer"]
    # the next sync asks conditionally; an unchanged feed costs one 304 and writes nothing
    assert _sync(store, httpserver, planet).written == 0
    assert asked[-1].get("If-None-Match") == '"v1"'
    resolve_people(store)
    classify(store, Rules.load())
    roles = store.con.execute("SELECT DISTINCT role FROM activities").fetchall()
    assert roles == [("discussion",)]


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jane's notes</title><id>urn:j</id>
<updated>2024-05-02T00:00:00Z</updated>
<entry><title>How to review a placement change</title><id>urn:j:1</id><link href="https://jane.example/2024/review"/>
<updated>2024-05-01T10:00:00+02:00</updated><category term="tutorial"/>
<content type="html">&lt;p&gt;I walked through &lt;a href="https://review.opendev.org/c/openstack/placement/+/912345"&gt;this
change&lt;/a&gt; and &lt;a href="https://bugs.launchpad.net/nova/+bug/2045678"&gt;its bug&lt;/a&gt;.&lt;/p&gt;</content>
</entry></feed>"""


def test_a_post_that_links_a_review_and_a_bug_is_on_their_trail(store: Store, httpserver: HTTPServer) -> None:
    """A post written here (no recorded feed links a review): Atom, an author from the planet's
    list, a tag that makes it docs by rule, and its links on the trail."""
    _serve(httpserver, ATOM.encode())
    _sync(store, httpserver, [Feed(httpserver.url_for("/feed"), "Jane Doe")])
    Community(store, Config()).derive()  # people, roles, links, as every sync does
    for query in ("https://review.opendev.org/c/openstack/placement/+/912345", "2045678"):
        trail = follow(store, query)
        assert [(t.item_kind, t.person, t.title) for t in trail] == [
            ("blog", "Jane Doe", "How to review a placement change")]  # fmt: skip
    role, rule = store.con.execute("SELECT role, role_rule FROM activities").fetchone()
    assert (role, rule) == ("docs", "kind blog.post tagged 'tutorial'")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: f"<rss><channel><item>{t}</item></channel></rss>"
                                                                       .encode()))  # fmt: skip
def test_any_document_is_posts_or_a_clear_error(document: bytes) -> None:
    try:
        for entry, _ in parse_feed(document, Feed("https://example.org/feed")):
            assert isinstance(entry, BadRecord) or entry.posts
    except Exception as exc:
        assert "https://example.org/feed: not an RSS or Atom feed" in str(exc)

"""The dashboard's pages, rendered and served: escaping, hidden emails, the read-only server."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from niche.store import Store
from niche.web.app import create_app, site_snapshots
from niche.web.pages import PAGES, Site
from niche.web.render import render, safe_url
from niche.web.static_site import write_static_site
from tests.helpers.cli import niche
from tests.helpers.hostile_store import AS_OF, EVIL_EMAIL, SCRIPT

ALERT = re.compile(r"<script>alert|<img src=x|href=\"javascript:|onerror=\"alert", re.I)


@pytest.fixture(scope="module")
def report(community_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    with Store(community_db, read_only=True) as store:
        write_static_site(Site(store, AS_OF, 12), out)
    return out


def test_report_has_every_page_and_a_profile_per_person(report: Path, community_db: Path) -> None:
    assert {p.name for p in report.glob("*.html")} == {f"{name}.html" for name, _ in PAGES}
    with Store(community_db, read_only=True) as store:
        people = {r[0] for r in store.con.execute("SELECT person_id FROM people").fetchall()}
    assert {p.stem for p in (report / "people").glob("*.html")} == people
    assert (report / "static" / "vendor" / "vega.min.js").is_file()


def test_hostile_text_is_escaped_everywhere(report: Path) -> None:
    pages = {p: p.read_text() for p in report.rglob("*.html")}
    assert not [p for p, html in pages.items() if ALERT.search(html)]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped in pages[report / "people.html"]  # the author's name, as text
    assert any("<title>&lt;script&gt;alert(1)&lt;/script&gt; · niche</title>" in html for html in pages.values())
    mallory = next(html for html in pages.values() if "<title>Mallory Person" in html)
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt; &lt;a href=&#34;javascript:alert(3)&#34;&gt;" in mallory
    # The javascript: URL of the hostile change is shown as text, never as a link.
    assert not any('href="javascript' in html.lower() for html in pages.values())
    assert safe_url("javascript:alert(1)") is None and safe_url(" JAVASCRIPT:x") is None
    assert safe_url("https://gerrit.wikimedia.org/r/1") == "https://gerrit.wikimedia.org/r/1"


def test_emails_hidden_unless_asked(report: Path, community_db: Path, tmp_path: Path) -> None:
    assert not any(EVIL_EMAIL in p.read_text() for p in report.rglob("*.html"))
    with Store(community_db, read_only=True) as store:
        write_static_site(Site(store, AS_OF, 12, show_emails=True), tmp_path)
    assert any(EVIL_EMAIL in p.read_text() for p in (tmp_path / "people").glob("*.html"))


def test_charts_carry_their_data_as_json_not_code(report: Path) -> None:
    html = (report / "index.html").read_text()
    specs = re.findall(r'<script type="application/json" id="spec-[a-z_]+">(.*?)</script>', html, re.S)
    assert len(specs) == 3 and all(s.startswith('{"$schema"') for s in specs)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(not s.startswith(("http:", "https:", "//")) for s in scripts)  # nothing from a CDN


def test_vendored_vega_matches_its_checksums() -> None:
    vendor = resources.files("niche.web") / "static" / "vendor"
    for line in (vendor / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
        assert (vendor / f"LICENSE.{name.removesuffix('.min.js')}").is_file()


def test_server_pages_are_read_only(community_db: Path) -> None:
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        client = TestClient(create_app(snapshots), base_url="http://localhost")
        for name, _ in PAGES:
            response = client.get(f"/{name}.html")
            assert response.status_code == 200, name
            assert "script-src 'self'" in response.headers["content-security-policy"]
        assert client.get("/").url.path == "/index.html"
        assert client.get("/nope.html").status_code == 404
        assert client.get("/people/not-an-id.html").status_code == 404
        assert client.post("/index.html").status_code == 405
        assert client.get("/static/vendor/vega-lite.min.js").status_code == 200
        trail = client.get("/trail.html", params={"q": "https://gerrit.wikimedia.org/r/416443"}).text
        # The recorded change, linked; its hostile copy (same Change-Id) joins the trail as text only.
        assert "<h2>2 items linked to https://gerrit.wikimedia.org/r/416443</h2>" in trail
        assert '<a href="https://gerrit.wikimedia.org/r/416443" rel="noopener noreferrer">wdqs: wrong escaping' in trail
        assert "change: &lt;script&gt;alert(1)&lt;/script&gt;</td>" in trail
        assert SCRIPT not in trail


def test_server_needs_the_token_it_was_given(community_db: Path) -> None:
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        client = TestClient(create_app(snapshots, token="s3cret"))
        assert client.get("/index.html").status_code == 401
        assert client.get("/index.html", params={"token": "wrong"}).status_code == 401
        assert client.get("/index.html", params={"token": "s3cret"}).status_code == 200
        assert client.get("/people.html").status_code == 200  # the cookie remembers it


def test_report_command(community_db: Path, tmp_path: Path) -> None:
    """The static report, with the community's own release cycles from niche.toml (mypy found
    them passed where the page cache's version goes, so the report showed OpenStack's)."""
    (tmp_path / "niche.toml").write_text('[[cycles]]\nname = "spring-2018"\nstart = 2018-01-01\n')
    done = niche("--db", str(community_db), "report", "-o", str(tmp_path / "out"), "--as-of", "2018-03-31",
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "index.html").is_file() and "pages:" in done.stdout
    assert "Release cycle spring-2018" in (tmp_path / "out" / "review.html").read_text()


def test_recognition_review_depth_and_niches_pages(report: Path, community_db: Path) -> None:
    """What the CLI ranks, the pages show: recognition with linked examples, review depth per
    reviewer, a change still waiting for review among the niches; the hostile owner stays text."""
    with Store(community_db, read_only=True) as store:
        depth = {r["name"] for r in Site(store, AS_OF, 12).review()["depth"]}
        moment = Site(store, datetime(2018, 3, 5, 14, 40), 12)  # two changes (and the hostile copy) await review
        context = moment.niches(None)
        niches = render(moment, "niches", context)
    recognition = (report / "recognition.html").read_text()
    assert "<h2>mentoring</h2>" in recognition and 'href="https://gerrit.wikimedia.org/r/' in recognition
    review = (report / "review.html").read_text()
    assert depth and all(name in review for name in depth if "<" not in name)
    waiting = [o.title for o in context["opportunities"] if o.kind == "change waiting for review"]
    assert sorted(waiting) == sorted(
        [SCRIPT, "Enable rollbacker user right at arwikiversity", "wdqs: wrong escaping of quotes in prometheus check"]
    )
    assert (
        "Enable rollbacker user right at arwikiversity" in niches and "&lt;script&gt;alert(1)&lt;/script&gt;" in niches
    )
    assert ALERT.search(recognition + review + niches) is None


def test_signals_on_profiles_follow_the_switch(community_db: Path) -> None:
    with Store(community_db, read_only=True) as store:
        on, off = Site(store, AS_OF, 12), Site(store, AS_OF, 12, person_signals=False)
        assert off.profiles.signals() == {}
        assert on.profiles.signals().keys() <= {
            p for (p,) in store.con.execute("SELECT person_id FROM people").fetchall()
        }


def test_charts_count_in_whole_numbers_name_roles_in_words_and_say_when_empty(community_db: Path) -> None:
    """Issue 17.4: people are counted in whole numbers on every count axis; roles are words; a
    window with no data says so instead of drawing '0.000000' axes."""
    with Store(community_db, read_only=True) as store:
        site = Site(store, AS_OF, 12)
        charts = site.index()["charts"] | site.roles()["charts"]
        empty = Site(store, datetime(2005, 1, 1), 12)
        html = render(empty, "index", empty.index())
    for name in ("active", "by_role", "newcomers", "roles"):
        count_axis = next(e for e in charts[name]["encoding"].values() if e.get("type") == "quantitative")
        assert count_axis["axis"] == {"format": "d", "tickMinStep": 1}, name
    roles = {v["role"] for v in charts["by_role"]["data"]["values"] + charts["roles"]["data"]["values"]}
    assert roles and not any("_" in r for r in roles) and "review" in roles
    assert html.count("No data for this window.") == 3 and 'id="spec-active"' not in html

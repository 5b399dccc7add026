"""The dashboard in a real browser: Debian's chromium driven by Playwright. Every page loads with
no console error, charts draw, navigation and filters work, and hostile text never runs.
Screenshots are saved under test-artifacts/ (or $NICHE_TEST_ARTIFACTS) for a person to look at."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from niche.store import Store
from niche.web.app import create_app, site_snapshots
from niche.web.pages import PAGES, Site
from niche.web.static_site import write_static_site
from tests.helpers.fixtures import ROOT
from tests.helpers.hostile_store import AS_OF

CHROMIUM = Path(os.environ.get("NICHE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("NICHE_TEST_ARTIFACTS", ROOT / "test-artifacts"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.is_file():
        pytest.skip(f"no chromium at {CHROMIUM}: `apt-get install chromium`, or set NICHE_CHROMIUM")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(community_db: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        config = uvicorn.Config(create_app(snapshots), host="127.0.0.1", port=port, log_level="warning")
        served = uvicorn.Server(config)
        thread = threading.Thread(target=served.run, daemon=True)
        thread.start()
        while not served.started:
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        served.should_exit = True
        thread.join(10)


def _visit(browser, url: str, shot: str):
    """Open url; fail on console errors, uncaught exceptions and any dialog; wait for the charts."""
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.querySelectorAll('.vega')].every(v => v.dataset.rendered)", timeout=15000)
    for vega in page.locator(".vega").all():
        assert vega.locator("svg").count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{shot}.png", full_page=True)
    assert problems == [], (url, problems)
    return page


# What must never reach a reader: Python's reprs, missing values, raw rule regular expressions,
# internal kinds and role ids, and axes drawn for nothing.
BAD_TEXT = re.compile(
    r"<built-in|object at 0x|\bNone\b|\bnan\b|\bNaN\b|0\.000000"
    r"|\(\^\||\\\.|\[\^|\$\)|\\b|\bkind [a-z]+\.[a-z_]+"
    r"|\b(ci_infra|packaging_release|design_specs|bug_reporting|user_support)\b"
)
READ_PAGE = """() => [document.title, document.body.innerText,
    ...[...document.querySelectorAll('svg text')].map(t => t.textContent)].join('\\n')"""
WATCH_CSP = "document.addEventListener('securitypolicyviolation', e => console.error('CSP ' + e.violatedDirective))"


def _read_every_page(browser, urls: list[str]) -> dict[str, list[str]]:
    """Visit each URL in one tab: console errors, page errors, dialogs and CSP violations, and any
    text a reader should not see (in the page and in the charts' axes and legends)."""
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.add_init_script(WATCH_CSP)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    found: dict[str, list[str]] = {}
    for url in urls:
        problems.clear()
        page.goto(url)
        page.wait_for_function("[...document.querySelectorAll('.vega')].every(v => v.dataset.rendered)",
                               timeout=15000)  # fmt: skip
        text = page.evaluate(READ_PAGE)
        bad = problems + [m.group(0) for m in BAD_TEXT.finditer(text)]
        if bad:
            found[url] = bad
    page.close()
    return found


def test_every_page_reads_as_words(browser, server: str, community_db: Path, tmp_path: Path) -> None:
    """Every page of the live server and of the static report, profiles and trails included."""
    with Store(community_db, read_only=True) as store:
        people = [p for (p,) in store.con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]
        write_static_site(Site(store, AS_OF, 12), tmp_path)
    static = sorted(tmp_path.glob("*.html")) + sorted(tmp_path.glob("people/*.html"))
    trails = sorted(tmp_path.glob("trail/*.html"))
    assert len(static) == len(PAGES) + len(people) and trails
    live = [f"{server}/{name}.html" for name, _ in PAGES] + [f"{server}/people/{p}.html" for p in people]
    live += [f"{server}/trail.html?q=https://gerrit.wikimedia.org/r/416443", f"{server}/niches.html?q=docs"]
    busiest = re.findall(r'href="(trail\.html\?q=[^"]+)"', (tmp_path / "trail.html").read_text())
    assert not busiest  # the static report links its own trail pages, not the server's
    assert _read_every_page(browser, [p.as_uri() for p in static + trails] + live) == {}


def test_every_page_loads_and_draws(browser, server: str) -> None:
    for name, _ in PAGES:
        _visit(browser, f"{server}/{name}.html", name).close()


def test_hostile_names_stay_text(browser, server: str, community_db: Path) -> None:
    with Store(community_db, read_only=True) as store:
        (evil,) = store.con.execute("SELECT person_id FROM people WHERE name LIKE '<script>%'").fetchone()
    page = _visit(browser, f"{server}/people/{evil}.html", "person-hostile")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script>"
    page.close()
    page = _visit(browser, f"{server}/trail.html?q=https://gerrit.wikimedia.org/r/416443", "trail")
    assert page.locator("#trail-items tbody tr").count() >= 2
    assert page.locator("a[href^='javascript']").count() == 0
    page.close()


def test_navigation_and_filters(browser, server: str) -> None:
    page = _visit(browser, f"{server}/index.html", "index")
    page.get_by_role("link", name="People", exact=True).click()
    page.wait_for_url("**/people.html")
    rows = page.locator("#people-table tbody tr")
    total = rows.count()
    page.get_by_label("Filter rows").fill("gehel")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "Gehel" in visible[0].inner_text() and total > 10
    visible[0].get_by_role("link").click()
    page.wait_for_url("**/people/*.html")
    assert page.locator("h1").inner_text() == "Gehel"
    page.close()


def test_static_report_works_from_files(browser, community_db: Path, tmp_path: Path) -> None:
    with Store(community_db, read_only=True) as store:
        write_static_site(Site(store, AS_OF, 12), tmp_path)
    for name in ("index", "review", "health"):
        _visit(browser, (tmp_path / f"{name}.html").as_uri(), f"static-{name}").close()

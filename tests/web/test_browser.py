"""The dashboard in a real browser: Debian's chromium driven by Playwright. Every page loads with
no console error, charts draw, navigation and filters work, and hostile text never runs.
Screenshots are saved under test-artifacts/ (or $NICHE_TEST_ARTIFACTS) for a person to look at."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from niche.store import Store
from niche.web.app import create_app
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
    with Store(community_db, read_only=True) as store:
        config = uvicorn.Config(create_app(Site(store, AS_OF, 12)), host="127.0.0.1", port=port, log_level="warning")
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

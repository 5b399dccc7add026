"""Honest dates (issue 17.2): figures are as of the newest data unless asked, every command and
page says which dates the data covers, a stale as-of day is warned about, and a month that is not
over says so."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from niche.metrics.window import DataWindow, data_window
from niche.store import Store
from niche.web.pages import Site
from niche.web.render import render
from tests.helpers.cli import niche
from tests.helpers.fixtures import need_fixtures


@pytest.fixture(scope="module")
def gerrit_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real Gerrit changes of 2011-12 (a store whose data ends years before today)."""
    fixtures = need_fixtures()
    folder = tmp_path_factory.mktemp("window")
    pages = sorted((fixtures / "gerrit").glob("gerrit_reviews_page_*"))
    done = niche("--db", str(folder / "niche.duckdb"), "sync", "gerrit-export", *map(str, pages), cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "data from " in done.stderr and "(the newest data)" in done.stderr  # a sync says what it holds now
    return folder / "niche.duckdb"


def test_as_of_defaults_to_the_newest_activity(gerrit_db: Path) -> None:
    with Store(gerrit_db, read_only=True) as store:
        newest = store.con.execute("SELECT max(occurred_at) FROM activities").fetchone()[0]
        window = data_window(store)
        assert window.as_of == newest and window.last == newest and not window.asked
        assert Site(store).as_of == newest  # the dashboard, the CLI and signals share it
        assert data_window(store, datetime(2030, 1, 1)).stale


def test_signals_do_not_call_the_last_active_people_quiet(gerrit_db: Path) -> None:
    """Before, 'as of' was today: everyone active when the data ends was 'quiet' and 'declining'."""
    done = niche("--db", str(gerrit_db), "signals", "--json", "--limit", "1000", cwd=gerrit_db.parent)
    assert done.returncode == 0, done.stderr
    with Store(gerrit_db, read_only=True) as store:
        newest = store.con.execute("SELECT max(occurred_at) FROM activities").fetchone()[0]
        recent = {p for (p,) in store.con.execute(
            "SELECT person_id FROM person_activities GROUP BY person_id HAVING max(occurred_at) > ? - INTERVAL 14 DAY",
            [newest]).fetchall()}  # fmt: skip
    assert recent
    flagged = {w["person_id"] for w in json.loads(done.stdout) for s in w["signals"] if s["name"] == "quiet"}
    assert not flagged & recent
    assert f"data from {newest:%Y}" in done.stderr and "(the newest data)" in done.stderr


@pytest.mark.parametrize("command", [["stats"], ["recognition"], ["reviews"], ["niches"], ["signals"]])
def test_every_command_says_the_range_and_warns_when_stale(gerrit_db: Path, command: list[str]) -> None:
    done = niche("--db", str(gerrit_db), *command, "--as-of", "2026-12-03", cwd=gerrit_db.parent)
    said = " ".join((done.stdout + done.stderr).split())  # the panel of `stats` wraps lines
    assert "data from " in said and "figures as of 2026-12-03" in said, said[-500:]
    assert "the newest data is from " in said and "sync again, or use --as-of" in said, said[-500:]


@pytest.mark.parametrize("command", [["people", "list"], ["quarantine"], ["trail", "416443"]])
def test_commands_without_as_of_say_the_range_too(gerrit_db: Path, command: list[str]) -> None:
    done = niche("--db", str(gerrit_db), *command, cwd=gerrit_db.parent)
    assert "data from " in done.stderr and "(the newest data)" in done.stderr, done.stderr


def test_a_month_not_over_says_so() -> None:
    window = DataWindow(datetime(2011, 1, 1), datetime(2026, 12, 3, 9), datetime(2026, 12, 3, 9))
    assert window.month_label(datetime(2026, 12, 1)) == "2026-12 (to the 3rd, not over)"
    assert window.month_label(datetime(2026, 11, 1)) == "2026-11"
    assert window.not_over_note() == " (2026-12 counts to the 3rd: the month is not over)"
    end = DataWindow(None, None, datetime(2026, 11, 30, 23, 59, 59))
    assert not end.month_not_over(datetime(2026, 11, 1)) and end.warning()  # an empty store says so


def test_pages_show_the_range_and_the_month_not_over(gerrit_db: Path) -> None:
    with Store(gerrit_db, read_only=True) as store:
        site = Site(store)
        html = render(site, "index", site.index())
        stale = Site(store, datetime(2026, 12, 3))
        warned = render(stale, "review", stale.review())
    assert f"data from {site.window.first:%Y-%m-%d} to {site.window.last:%Y-%m-%d}" in html
    assert f"(to the {site.as_of.day}" in html and "not over)" in html
    assert f"Active contributors per month ({site.as_of:%Y-%m} counts to the {site.as_of.day}" in html
    assert 'class="stale"' not in html and 'class="stale" role="alert"' in warned

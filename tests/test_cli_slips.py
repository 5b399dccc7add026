"""What a new user hit on day one (issue 17.6), each as the user typed it: options after the
command, dates as people write them, retries and Ctrl-C said in words, one exit-code rule."""

from __future__ import annotations

import calendar
import itertools
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from niche.cli.options import day_of
from niche.sources.git_repository import GitRepository
from tests.helpers.cli import count_in, niche
from tests.helpers.gitrepos import commit, git, init


def _repo(tmp_path: Path, commits: int = 3) -> Path:
    repo = init(tmp_path / "nova")
    for n in range(commits):
        when = {"GIT_AUTHOR_DATE": f"2024-0{n + 1}-15T12:00:00Z", "GIT_COMMITTER_DATE": f"2024-0{n + 1}-15T12:00:00Z"}
        commit(repo, {f"nova/f{n}.py": str(n)}, f"change {n}", env=when)
    return repo


def test_db_and_config_work_after_the_command(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    db = tmp_path / "elsewhere.duckdb"
    synced = niche("sync", "git", str(repo), "--db", str(db), cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    assert count_in(db, "SELECT count(*) FROM commits") == 3
    assert not (tmp_path / ".niche").exists()  # not the default database
    shown = niche("stats", f"--db={db}", "--json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert '"contributors": 1' in shown.stdout


def test_partial_dates_count_to_the_end_of_what_they_name(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    db = tmp_path / "n.duckdb"
    assert niche("--db", str(db), "sync", "git", str(repo), cwd=tmp_path).returncode == 0
    month = niche("--db", str(db), "stats", "--as-of", "2024-02", cwd=tmp_path)
    assert month.returncode == 0, month.stderr
    assert "figures as of 2024-02-29" in month.stdout and "2024-02 (to the" not in month.stdout  # February whole
    year = niche("--db", str(db), "stats", "--as-of", "2024", cwd=tmp_path)
    assert "figures as of 2024-12-31" in year.stdout
    day = niche("--db", str(db), "stats", "--as-of", "2024-03-15", "--json", cwd=tmp_path)
    assert '"contributors": 1' in day.stdout and '"active_contributors": 1' in day.stdout  # the 15th's commit counts


def test_an_impossible_date_is_refused_in_words(tmp_path: Path) -> None:
    said = niche("--db", str(tmp_path / "n.duckdb"), "stats", "--as-of", "2013-02-30", cwd=tmp_path)
    assert said.returncode == 2
    assert "2013-02-30: not a date: February 2013 has 28 days" in " ".join(
        re.sub(r"[│╭╰─╮╯]", " ", said.stderr).split()
    )
    with pytest.raises(typer.BadParameter, match="there is no month 13"):
        day_of("2013-13-01")
    with pytest.raises(typer.BadParameter, match="not a date; write it as 2025, 2025-12"):
        day_of("Dec 2025")


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31)))
def test_every_real_day_month_and_year_reads_as_itself(day: date) -> None:
    start = datetime(day.year, day.month, day.day)
    assert day_of(day.isoformat()) == start
    assert day_of(day.isoformat(), end=True) == start + timedelta(days=1, microseconds=-1)
    last = calendar.monthrange(day.year, day.month)[1]
    assert day_of(f"{day:%Y-%m}", end=True) == datetime(day.year, day.month, last, 23, 59, 59, 999999)
    assert day_of(str(day.year)) == datetime(day.year, 1, 1)
    assert day_of(f"{day.isoformat()}T10:30") == start.replace(hour=10, minute=30)


def test_a_failing_web_source_says_each_retry_in_words(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/changes/").respond_with_data("down for maintenance", status=503)
    said = niche("--db", str(tmp_path / "n.duckdb"), "sync", "gerrit", httpserver.url_for("/"), cwd=tmp_path)
    assert said.returncode == 1  # the source failed; the run went on and said so
    lines = said.stderr.splitlines()
    retries = [line for line in lines if "trying again" in line]
    assert [re.sub(r".*\(try (\d) of 6\).*", r"\1", line) for line in retries] == ["1", "2", "3", "4", "5"]
    assert all(line.startswith("warning: ") and ": HTTP 503 (try " in line for line in retries)
    assert "stamina" not in said.stderr and "retry_scheduled" not in said.stderr
    assert [line for line in lines if line.startswith("error:")] == [
        f"error: {httpserver.url_for('/').rstrip('/')}/changes/: failed after 6 tries: HTTP 503"
    ]


def test_ctrl_c_says_what_was_kept_and_the_same_command_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, commits=5)
    db = tmp_path / "n.duckdb"
    read = GitRepository.read

    def stopped_after_three(self, cursor, stored):  # the user presses Ctrl-C while the fourth commit is read
        yield from itertools.islice(read(self, cursor, stored), 3)
        raise KeyboardInterrupt

    monkeypatch.setattr(GitRepository, "batch", 2)
    monkeypatch.setattr(GitRepository, "read", stopped_after_three)
    stopped = niche("--db", str(db), "sync", "git", str(repo), cwd=tmp_path)
    assert stopped.returncode == 130
    assert stopped.stderr.strip().splitlines()[-1] == (
        "error: interrupted while syncing nova; kept the 3 commits read before it; the same sync again resumes "
        "there, then refreshes people, roles and links"
    )
    assert count_in(db, "SELECT count(*) FROM commits") == 3
    monkeypatch.setattr(GitRepository, "read", read)
    again = niche("--db", str(db), "sync", "git", str(repo), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert count_in(db, "SELECT count(*) FROM commits") == int(git(repo, "rev-list", "--count", "HEAD")) == 5


def test_analyze_of_a_missing_path_is_one_line_and_no_summary(tmp_path: Path) -> None:
    said = niche("analyze", str(tmp_path / "nova"), cwd=tmp_path)
    assert said.returncode == 2
    assert said.stderr.strip() == f"error: {tmp_path / 'nova'}: does not exist"
    assert said.stdout == ""


def test_counts_of_one_read_as_words(tmp_path: Path) -> None:
    repo = _repo(tmp_path, commits=1)
    said = niche("analyze", str(repo), cwd=tmp_path)
    assert said.returncode == 0, said.stderr
    text = " ".join(said.stdout.split())
    assert "1 contributor to date" in text and "1 commit in 1 repository" in text
    assert not re.search(r"\b1 (repositories|commits|contributors|people|contributions)\b", text)


def test_a_damaged_database_is_one_line(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    db = tmp_path / "n.duckdb"
    assert niche("--db", str(db), "sync", "git", str(repo), cwd=tmp_path).returncode == 0
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])  # a copy cut short
    said = niche("--db", str(db), "stats", cwd=tmp_path)
    assert said.returncode == 2
    assert len(said.stderr.strip().splitlines()) == 1 and said.stderr.startswith(f"error: {db}: ")


def test_tables_stay_readable_at_80_columns(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    db = tmp_path / "n.duckdb"
    assert niche("--db", str(db), "sync", "git", str(repo), cwd=tmp_path).returncode == 0
    for command in (["stats"], ["people", "list"], ["profile", "Ada Lovelace"], ["niches"], ["recognition"]):
        said = niche("--db", str(db), *command, cwd=tmp_path, env={"COLUMNS": "80"})
        assert said.returncode == 0, (command, said.stderr)
        assert max(map(len, said.stdout.splitlines()), default=0) <= 80, command
        assert "…" not in said.stdout, command  # nothing cut off


def test_progress_without_a_terminal_is_periodic_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cron job's log gets a line now and then instead of a bar (here every time: no clock in tests)."""
    from niche.cli import console

    repo = _repo(tmp_path, commits=5)
    monkeypatch.setattr(console, "PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(GitRepository, "batch", 2)
    said = niche("--db", str(tmp_path / "n.duckdb"), "sync", "git", str(repo), cwd=tmp_path)
    assert said.returncode == 0, said.stderr
    progress = [line for line in said.stderr.splitlines() if line.endswith("read so far")]
    assert progress[1:] == ["nova: 2 of 5 read so far", "nova: 4 of 5 read so far", "nova: 5 of 5 read so far"]
    assert "━" not in said.stderr  # no bar drawn into a log


def test_review_tables_stay_readable_at_80_columns(fixtures: Path, tmp_path: Path) -> None:
    """Nine figures a reviewer do not fit 80 columns as a table: each reviewer is a line instead."""
    db = tmp_path / "n.duckdb"
    pages = [str(fixtures / "gerrit" / f"gerrit_reviews_page_{n}") for n in (1, 2, 3)]
    assert niche("--db", str(db), "sync", "gerrit-export", *pages, cwd=tmp_path).returncode == 0
    for command in (["reviews"], ["reviews", "--by", "name:Hashar"]):
        said = niche("--db", str(db), *command, "--as-of", "2018-03", cwd=tmp_path, env={"COLUMNS": "80"})
        assert said.returncode == 0, said.stderr
        assert "…" not in said.stdout and max(map(len, said.stdout.splitlines())) <= 80, command
    depth = niche("--db", str(db), "reviews", "--as-of", "2018-03", cwd=tmp_path, env={"COLUMNS": "80"}).stdout
    assert "Thiemo Kreuz (WMDE): reviews 1, with comments 1" in " ".join(depth.split())

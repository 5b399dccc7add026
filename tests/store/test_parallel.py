"""A folder of many repositories synced several at once: the same rows as one at a time, one bar,
and a repository that cannot be read named and recorded while the others finish."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from niche import Community
from niche.store import Store
from niche.store.sync import SyncResult
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, fast_history, git, init

ITEM_TABLES = ("raw_items", "commits", "commit_files", "activities")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four readable repositories (one bare, one past a sync batch), an empty .git, and one whose
    branch points at a commit that is gone (git itself fails on it)."""
    root = tmp_path_factory.mktemp("foundation")
    for name, commits in (("nova", 2300), ("glance", 40), ("swift", 7), ("cinder", 25)):
        commit(init(root / name), {"README": name}, f"Start {name}")  # histories of their own
        fast_history(root / name, commits - 1)
    git(root, "clone", "-q", "--bare", "cinder", "cinder.git")
    shutil.rmtree(root / "cinder")
    (root / "empty" / ".git").mkdir(parents=True)
    damaged = init(root / "damaged")
    sha = commit(damaged, {"README": "hello\n"}, "First")
    git(damaged, "gc", "-q")
    for pack in (damaged / ".git" / "objects" / "pack").glob("*.pack"):
        pack.unlink()
    assert sha
    return root


def _synced(db: Path, folder: Path, jobs: int) -> tuple[list[Any], dict[str, list[tuple]]]:
    with Community(db) as community:
        results = community.sync(community.git(folder), jobs=jobs)
        tables = {t: _rows(community.store, t) for t in ITEM_TABLES}
        tables["identities"] = sorted(community.store.con.execute(
            "SELECT identity_id, name, email FROM identities").fetchall())  # fmt: skip
        tables["sources"] = sorted(community.store.con.execute("SELECT source, name, attrs FROM sources").fetchall())
        tables["cursors"] = sorted(community.store.con.execute("SELECT source, cursor FROM sync_state").fetchall())
    return results, tables


def _rows(store: Store, table: str) -> list[tuple]:
    columns = [c for (c,) in store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND column_name <> 'fetched_at'",
        [table]).fetchall()]  # fmt: skip
    return sorted(store.con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)


def test_parallel_sync_stores_what_one_at_a_time_does(folder: Path, tmp_path: Path) -> None:
    one, one_rows = _synced(tmp_path / "one.duckdb", folder, jobs=1)
    two, two_rows = _synced(tmp_path / "two.duckdb", folder, jobs=2)
    assert [(r.label, r.new, r.error) for r in one] == [(r.label, r.new, r.error) for r in two]
    assert {r.label: r.new for r in two if not r.error} == {"cinder": 25, "glance": 40, "nova": 2300, "swift": 7}
    assert one_rows == two_rows
    assert len(two_rows["commits"]) == 2372


def test_a_repository_that_fails_is_named_and_the_others_finish(folder: Path, tmp_path: Path) -> None:
    results, _ = _synced(tmp_path / "n.duckdb", folder, jobs=2)
    failed = {r.source: r.error for r in results if r.error}
    assert failed[f"git:{folder / 'empty'}"] == f"{folder / 'empty'}: not a git repository (no .git directory and not a bare repository)"
    damaged = next(e for e in failed.values() if e and str(folder / "damaged") in e)
    assert "git for-each-ref failed: fatal: missing object" in damaged and "\n" not in damaged
    assert sum(r.new for r in results) == 2372


def test_the_cli_shows_one_line_per_failure_and_a_no_op_resync_reads_nothing(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    first = niche("--db", str(db), "sync", "git", str(folder), "--jobs", "2", cwd=tmp_path)
    assert first.returncode == 1  # a repository could not be read
    errors = [line for line in first.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and any("empty" in e for e in errors) and any("damaged" in e for e in errors)
    assert "nova: 2,300 new commits" in first.stderr and "swift: 7 new commits" in first.stderr
    again = niche("--db", str(db), "sync", "git", str(folder), "--jobs", "2", cwd=tmp_path)
    assert "nova: 0 new commits" in again.stderr and "glance: 0 new commits" in again.stderr
    with Store(db, read_only=True) as store:
        assert store.value("SELECT count(*) FROM commits") == 2372
        synced = store.rows("SELECT name, synced_at FROM sources ORDER BY name")
    assert [s["name"] for s in synced if s["synced_at"] is None] == ["damaged"]  # recorded as never synced


def test_new_commits_in_some_repositories_are_all_that_a_resync_reads(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "folder"
    for name in ("glance", "swift"):
        git(tmp_path, "clone", "-q", str(folder / name), str(copy / name))
    db = tmp_path / "n.duckdb"
    with Community(db) as community:
        community.sync(community.git(copy), jobs=2)
        fast_history(copy / "swift", 3)
        again = community.sync(community.git(copy), jobs=2)
    assert {r.label: (r.new, r.changed) for r in again} == {"glance": (0, 0), "swift": (3, 0)}


def test_one_bar_counts_repositories_and_commits(folder: Path, tmp_path: Path) -> None:
    said: list[tuple[str, int, int | None, str]] = []
    with Community(tmp_path / "n.duckdb") as community:
        readable = [s for s in community.git(folder) if not isinstance(s, SyncResult)]
        community.sync(readable, lambda *update: said.append(update), jobs=2)
    assert {bar for *_, bar in said} == {"parallel"}
    assert said[-1][1:3] == (5, 5) and said[-1][0] == "5 of 5 repositories done, 2,372 commits"


def test_a_repository_is_named_by_the_folder_it_is_found_in_not_where_a_link_leads(tmp_path: Path) -> None:
    mirror = tmp_path / "mirrors" / "openstack+nova"
    commit(init(mirror / "work"), {"README": "nova"}, "Start")
    git(tmp_path, "clone", "-q", "--bare", str(mirror / "work"), str(mirror / "repo"))
    (tmp_path / "openstack").mkdir()
    (tmp_path / "openstack" / "nova").symlink_to(mirror / "repo")
    with Community(tmp_path / "n.duckdb") as community:
        [found] = community.git(tmp_path / "openstack")
    assert found.label == "nova"

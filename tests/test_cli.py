"""The niche command as a user runs it: analyze, stats --json, errors that go on."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, git, init


def _community(tmp_path: Path) -> Path:
    """Two repositories in one folder; three people, one of them under two email cases; one bot."""
    org = tmp_path / "org"
    nova = init(org / "nova")
    commit(nova, {"nova/compute/a.py": "1"}, "one", env={"GIT_AUTHOR_DATE": "1725000000 +0200"})  # 2024-08-30
    commit(
        nova,
        {"nova/compute/b.py": "2"},
        "two",
        env={"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.org", "GIT_AUTHOR_DATE": "1727700000 -0700"},
    )  # 2024-09-30
    commit(
        nova,
        {"doc/index.rst": "3"},
        "three",
        env={"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "BOB@example.org", "GIT_AUTHOR_DATE": "1728000000 +0000"},
    )  # 2024-10-04
    commit(
        nova,
        {"setup.cfg": "4"},
        "Updated from global requirements",
        env={
            "GIT_AUTHOR_NAME": "OpenStack Proposal Bot",
            "GIT_AUTHOR_EMAIL": "openstack-infra@lists.openstack.org",
            "GIT_AUTHOR_DATE": "1728000000 +0000",
        },
    )
    glance = init(org / "glance")
    commit(
        glance,
        {"glance/api/v2.py": "1"},
        "api",
        env={
            "GIT_AUTHOR_NAME": "Chen Wei",
            "GIT_AUTHOR_EMAIL": "chen@example.cn",
            "GIT_AUTHOR_DATE": "1728100000 +0800",
        },
    )  # 2024-10-05
    return org


def test_analyze_then_stats_json(tmp_path: Path) -> None:
    org = _community(tmp_path)
    out = niche("analyze", str(org), "--as-of", "2024-10-31", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "3 contributors to date" in out.stdout
    assert "Who does what: people per role" in out.stdout
    assert (tmp_path / ".niche" / "niche.duckdb").exists()  # the default database location

    stats = niche("stats", "--json", "--as-of", "2024-10-31", "--months", "3", cwd=tmp_path)
    h = json.loads(stats.stdout)
    assert h["contributors_to_date"]["contributors"] == 3  # Ada, Bob (two spellings), Chen; not the bot
    assert h["bots_excluded"] == 1
    # Committer (Ada, at the fixed committer date) is counted too: commits on 2023-11-14 fall outside.
    assert [(m["month"], m["active_contributors"]) for m in h["monthly_contributors"]] == [
        ("2024-08-01", 1),
        ("2024-09-01", 1),
        ("2024-10-01", 2),
    ]
    assert [(m["month"], m["newcomers"]) for m in h["monthly_contributors"]] == [
        ("2024-08-01", 0),
        ("2024-09-01", 1),
        ("2024-10-01", 1),
    ]
    # code: Ada, Bob and Chen (Ada also committed Bob's and Chen's changes); docs: Bob's doc/index.rst.
    roles = {r["role"]: r["contributors"] for r in h["contributors_by_role"]}
    assert roles == {"code": 3, "docs": 1}
    areas = {(a["repo"], a["area"]): a["commits"] for a in h["active_areas"]}
    assert areas == {("nova", "nova/compute"): 2, ("nova", "doc"): 1, ("glance", "glance/api"): 1}


def test_a_bad_path_is_one_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    good = init(tmp_path / "good")
    commit(good, {"a": "1"}, "one")
    (tmp_path / "plain").mkdir()
    out = niche("sync", "git", str(tmp_path / "plain"), str(good), cwd=tmp_path)
    assert out.returncode == 1
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {tmp_path / 'plain'}: not a git repository, and no repositories below it"]
    assert "good: 1 new commit\n" in out.stderr  # one commit, not "1 commits"


def test_stats_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    out = niche("stats", cwd=tmp_path)
    assert out.returncode == 2
    db = Path(".niche/niche.duckdb")
    assert out.stderr.strip() == f"error: {db}: no niche database here yet; run `niche sync` or `niche analyze` first"


def test_git_history_of_a_real_fixture_through_the_cli(tmp_path: Path, fixtures: Path) -> None:
    from tests.helpers.gitrepos import extract

    extract(fixtures / "git" / "gittest.tar.gz", tmp_path)
    out = niche("analyze", str(tmp_path / "gittest"), "--as-of", "2014-03-01", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    authors = {line.lower() for line in git(tmp_path / "gittest", "log", "--all", "--format=%ae").split()}
    committers = {line.lower() for line in git(tmp_path / "gittest", "log", "--all", "--format=%ce").split()}
    assert f"{len(authors | committers)} contributors to date" in out.stdout

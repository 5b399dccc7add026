"""An unchanged re-run is nearly free: derive steps whose inputs did not change are skipped, and a
report of unchanged data is not written again; a changed input still redoes what it must."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from niche import Community
from niche.config import Config
from niche.store import freshness
from niche.web.pages import Site
from niche.web.static_site import MANIFEST, write_static_site
from tests.helpers.cli import niche_ok
from tests.helpers.gitrepos import commit, init

STEPS = ["fold", "people", "roles", "links"]
AS_OF = datetime(2024, 6, 30)
LONG_AGO = 1_000_000_000  # 2001: a page written since has a later modification time


def _by(name: str, email: str, when: str) -> dict[str, str]:
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init(tmp_path / "nova")
    commit(repo, {"nova/api.py": "a\n"}, "Add the API", _by("Ada Lovelace", "ada@example.org", "1704067200 +0000"))
    commit(repo, {"doc/index.rst": "b\n"}, "Document it", _by("Grace Hopper", "grace@example.org", "1706745600 +0000"))
    return repo


def _derive(db: Path, repo: Path, config: Config | None = None) -> list[str]:
    with Community(db, config or Config()) as community:
        community.sync(community.git(repo))
        return community.derive()


def test_an_unchanged_derive_skips_every_step_and_a_new_commit_redoes_them(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    assert _derive(db, repo) == STEPS
    with Community(db) as community:
        assert sorted(freshness.recorded(community.store)) == sorted(STEPS)
    assert _derive(db, repo) == []
    commit(repo, {"nova/api.py": "c\n"}, "Fix the API", _by("Ada Lovelace", "ada@example.org", "1709251200 +0000"))
    assert _derive(db, repo) == STEPS


def test_a_people_correction_redoes_people_and_what_follows_but_not_the_fold(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    config = Config(people_overrides=tmp_path / "people.toml")
    assert _derive(db, repo, config) == STEPS
    (tmp_path / "people.toml").write_text('[[merge]]\nidentities = ["ada@example.org", "grace@example.org"]\n')
    assert _derive(db, repo, config) == ["people", "roles", "links"]
    with Community(db, config) as community:
        assert len(community.everyone()) == 1  # the correction was applied, not skipped
    assert _derive(db, repo, config) == []


def test_other_role_rules_redo_the_roles(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    _derive(db, repo)
    from niche.classify.roles import Rules

    rules = Rules.load({"roles": {"paths": [{"patterns": ["^nova/"], "role": "docs"}]}})
    assert _derive(db, repo, Config(rules=rules)) == ["roles", "links"]


def test_a_niche_whose_code_changed_redoes_every_step(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:  # fmt: skip
    db = tmp_path / "n.duckdb"
    _derive(db, repo)
    monkeypatch.setattr(freshness, "code_version", lambda: "a later niche")
    assert _derive(db, repo) == STEPS


def test_a_step_killed_part_way_is_redone(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    _derive(db, repo)
    with Community(db) as community:  # what a kill -9 during the roles step leaves
        community.store.con.execute("DELETE FROM derived WHERE step = 'roles'")
    assert _derive(db, repo) == ["roles"]


def _mtimes(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*.html")}


def _age(folder: Path) -> None:
    for page in folder.rglob("*"):
        os.utime(page, (LONG_AGO, LONG_AGO))


def _page_of(folder: Path, name: str) -> str:
    return next(str(p.relative_to(folder)) for p in (folder / "people").glob("*.html") if name in p.read_text())


def test_a_report_of_unchanged_data_is_not_rewritten_and_a_changed_page_is(repo: Path, tmp_path: Path) -> None:
    db, out = tmp_path / "n.duckdb", tmp_path / "report"
    _derive(db, repo)
    with Community(db) as community:
        pages = write_static_site(Site(community.store, AS_OF, 12), out)
    assert pages == len(_mtimes(out)) and (out / MANIFEST).is_file()
    _age(out)
    with Community(db) as community:
        assert write_static_site(Site(community.store, AS_OF, 12), out) == pages
    assert set(_mtimes(out).values()) == {LONG_AGO}  # nothing rendered, nothing written

    ada, grace = _page_of(out, "Ada Lovelace"), _page_of(out, "Grace Hopper")
    # a commit of Ada's inside the dates the data covers (every page says them), e.g. a branch merged late
    commit(repo, {"nova/api.py": "c\n"}, "Fix the API", _by("Ada Lovelace", "ada@example.org", "1705000000 +0000"))
    _derive(db, repo)
    with Community(db) as community:
        write_static_site(Site(community.store, AS_OF, 12), out)
    after = _mtimes(out)
    assert after[ada] > LONG_AGO and after["index.html"] > LONG_AGO  # Ada's work and the overview changed
    assert after[grace] == LONG_AGO  # Grace's page says what it said: not written
    assert "Fix the API" in (out / ada).read_text()


def test_analyze_again_changes_nothing_and_other_months_rewrite_the_report(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    first = niche_ok(db, "analyze", str(repo))
    report = tmp_path / "report"
    _age(report)
    assert niche_ok(db, "analyze", str(repo)) == first
    assert set(_mtimes(report).values()) == {LONG_AGO}
    niche_ok(db, "analyze", str(repo), "--months", "6")
    assert _mtimes(report)["index.html"] > LONG_AGO
    _age(report)
    niche_ok(db, "analyze", str(repo), "--months", "6", "--as-of", "2024-02")
    assert _mtimes(report)["index.html"] > LONG_AGO

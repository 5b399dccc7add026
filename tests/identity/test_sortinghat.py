"""SortingHat interop on a real repository (Perceval's gittest): niche's people exported in
SortingHat's format, curated there, and brought back as evidence `niche people why` shows."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from niche.errors import ConfigError
from niche.identity.overrides import Overrides
from niche.identity.sortinghat import import_export, read_export, sortinghat_id
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, extract
from tests.helpers.strategies import JSON


def _ok(*args: str, cwd: Path) -> str:
    done = niche(*args, cwd=cwd)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout + done.stderr


def _query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / ".niche" / "niche.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_identity_ids_as_sortinghat_computes_them() -> None:
    # the values SortingHat's own tests expect of its generate_uuid (tests/test_utils.py)
    assert sortinghat_id("scm", "jsmith@example.com", "John Smith", "jsmith") == (
        "a9b403e150dd4af8953a52a4bb841051e4b705d9"
    )
    assert sortinghat_id("scm", "jsmith@example.com", None, None) == "334da68fcd3da4e799791f73dfada2afb22648c6"
    assert sortinghat_id("scm", "", "John Smith", "jsmith") == "a4b4591c3a2171710c157d7c278ea3cc03becf81"
    assert sortinghat_id("scm", "jsmith@example.com", "Jöhn Smith", "JSMITH") == sortinghat_id(
        "scm", "jsmith@example.com", "John Smith", "jsmith"
    )


def test_export_curate_in_sortinghat_and_import(fixtures: Path, tmp_path: Path) -> None:
    repo = extract(fixtures / "git" / "gittest.tar.gz", tmp_path / "src") / "gittest"
    # the same person at work, under a handle niche has no reason to join to Zhongpeng Lin
    said = (("NAME", "zhp"), ("EMAIL", "zhp@corp.example"), ("DATE", "1392200000 -0800"))
    who = {f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER") for key, value in said}
    commit(repo, {"work.txt": "1"}, "from work", env=who)
    _ok("sync", "git", str(repo), cwd=tmp_path)
    apart = niche("people", "why", "lin.zhp@gmail.com", "zhp@corp.example", cwd=tmp_path)
    assert apart.returncode == 0 and "are different people" in apart.stdout  # an answer: exit 0

    _ok("people", "export", "exported.json", cwd=tmp_path)
    data = json.loads((tmp_path / "exported.json").read_text())
    individuals = data["uidentities"]
    assert len(individuals) == _query(tmp_path, "SELECT count(*) FROM people")[0][0] == 3
    ids = sorted((i["source"], i["email"], i["name"]) for one in individuals.values() for i in one["identities"])
    assert ids == sorted(_query(tmp_path, "SELECT source_kind, email, name FROM identities"))
    for one in individuals.values():
        for i in one["identities"]:
            assert i["id"] == sortinghat_id(i["source"], i["email"], i["name"], i["username"])

    # curated in SortingHat: zhp is Zhongpeng, at Corp for 2014; Eduardo's shown name fixed
    by_email = {i["email"]: key for key, one in individuals.items() for i in one["identities"]}
    lin, zhp, eduardo = (by_email[e] for e in ("lin.zhp@gmail.com", "zhp@corp.example",
                                               "companheiro.vermelho@gmail.com"))  # fmt: skip
    individuals[lin]["identities"] += individuals.pop(zhp)["identities"]
    individuals[lin]["enrollments"] = [{"organization": "Corp", "start": "2014-01-01T00:00:00",
                                        "end": "2015-01-01T00:00:00", "uuid": lin}]  # fmt: skip
    individuals[eduardo]["profile"]["name"] = "Eduardo Morais (SH)"
    (tmp_path / "curated.json").write_text(json.dumps(data))

    said = _ok("import", "sortinghat", "curated.json", cwd=tmp_path)
    assert "2 individuals, 4 corrections added" in said  # a merge, an enrollment, two shown names
    why = _ok("people", "why", "lin.zhp@gmail.com", "zhp@corp.example", cwd=tmp_path)
    assert "--override--" in why and "merged by SortingHat" in why and f"individual {lin} in curated.json" in why
    orgs = _query(
        tmp_path,
        """SELECT DISTINCT org FROM person_activities WHERE kind = 'commit.authored'
                               AND identity_id IN (SELECT identity_id FROM identities WHERE name LIKE 'Zhongpeng%')""",
    )
    assert orgs == [("Corp",)]
    shown = _ok("people", "show", "zhp@corp.example", cwd=tmp_path)  # the enrollment, with where it came from
    assert "works for Corp: 2014-01-01 to 2015-01-01 (stated by SortingHat)" in shown
    assert ("Eduardo Morais (SH)",) in _query(tmp_path, "SELECT name FROM people")
    assert "0 corrections added, 4 already there" in _ok("import", "sortinghat", "curated.json", cwd=tmp_path)
    log = _ok("people", "log", "zhp@corp.example", cwd=tmp_path)
    assert "SortingHat" in log


def test_a_broken_export_is_one_clear_error_and_bad_individuals_are_named(tmp_path: Path) -> None:
    (tmp_path / "not.json").write_text("{'uidentities': ")
    with pytest.raises(ConfigError, match=r"not.json: not a SortingHat export"):
        read_export(tmp_path / "not.json")
    (tmp_path / "some.json").write_text(json.dumps({"uidentities": {
        "good": {"uuid": "good", "identities": [{"source": "git", "email": "a@x.example"},
                                                {"source": "github", "username": "a"}], "enrollments": []},
        "bad": {"uuid": "bad", "identities": [], "enrollments": [{"organization": "X", "start": "someday"}]},
    }}))  # fmt: skip
    found, problems = read_export(tmp_path / "some.json")
    assert [i.selectors for i in found] == [("a@x.example", "github:a")]
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'some.json'}: individual bad: ValueError")


@settings(max_examples=150, deadline=None)
@given(individuals=st.dictionaries(st.text(max_size=8), JSON, max_size=4))
def test_any_export_imports_or_names_what_it_could_not(tmp_path_factory, individuals) -> None:
    path = tmp_path_factory.mktemp("sh") / "export.json"
    path.write_text(json.dumps({"uidentities": individuals}))
    result = import_export(Overrides(), path)
    assert result.individuals + len(result.problems) == len(individuals)

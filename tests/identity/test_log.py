"""The identity and affiliation log on a real git history: every change is an entry, any entry
can be undone, an undo survives the next sync, and a community's corrections file is applied
on every run and checked with line numbers."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init


def _author(name: str, email: str, when: int) -> dict[str, str]:
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": f"{when} +0000"}


def _repo(tmp_path: Path) -> Path:
    repo = init(tmp_path / "engine")
    commit(repo, {"a.py": "1"}, "at Red Hat", env=_author("Ada Lovelace", "ada@redhat.com", 1430000000))
    commit(repo, {"b.py": "1"}, "at IBM", env=_author("Ada Lovelace", "ada@ibm.com", 1520000000))
    commit(repo, {"c.py": "1"}, "weekend", env=_author("Ada Lovelace", "ada.l@gmail.com", 1530000000))
    commit(repo, {"d.py": "1"}, "bob", env=_author("Bob Builder", "bob@builders.example", 1540000000))
    return repo


def _query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / ".niche" / "niche.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _ok(*args: str, cwd: Path) -> str:
    done = niche(*args, cwd=cwd)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def test_an_undone_merge_stays_undone_after_the_next_sync(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _ok("sync", "git", str(repo), cwd=tmp_path)
    identities = _query(tmp_path, "SELECT count(*) FROM identities")[0][0]
    log = _ok("people", "log", "ada@ibm.com", cwd=tmp_path)
    assert "by niche (automatic): same-name: ada lovelace" in log and "worked for IBM from 2018-03-02" in log
    assert "@" not in log.replace("an address at", "")  # the log names no address
    [(merge,)] = _query(tmp_path, "SELECT entry_id FROM people_log WHERE action = 'merge' AND what LIKE '%gmail.com%'")

    _ok("people", "revert", merge[:6], "--why", "two different Adas", cwd=tmp_path)
    apart = niche("people", "why", "ada@ibm.com", "ada.l@gmail.com", cwd=tmp_path)
    assert apart.returncode == 0 and f"undoing log entry {merge}" in apart.stdout  # an answer: exit 0
    assert "two different Adas" in apart.stdout
    assert "the evidence that would join them: same-name: ada lovelace" in apart.stdout

    commit(repo, {"e.py": "1"}, "later", env=_author("Ada Lovelace", "ada.l@gmail.com", 1560000000))
    _ok("sync", "git", str(repo), cwd=tmp_path)  # everyone is resolved again, from the corrections
    assert "are different people" in niche("people", "why", "ada@ibm.com", "ada.l@gmail.com", cwd=tmp_path).stdout
    assert _query(tmp_path, "SELECT count(*) FROM identities")[0][0] == identities  # nothing lost
    assert _query(tmp_path, "SELECT count(*) FROM person_identities")[0][0] == identities
    log = _ok("people", "log", cwd=tmp_path)
    undo = re.search(rf"{merge} .* reverted by (\w+)", log)
    assert undo, log
    assert re.search(rf"{undo.group(1)} \S+ apart .*\n\s+by \S+ \(.*niche-people.toml:\d+\): two different Adas", log)

    _ok("people", "revert", undo.group(1), cwd=tmp_path)  # undoing the undo joins them again
    assert niche("people", "why", "ada@ibm.com", "ada.l@gmail.com", cwd=tmp_path).returncode == 0


def test_an_employer_found_by_niche_can_be_undone(tmp_path: Path) -> None:
    _ok("sync", "git", str(_repo(tmp_path)), cwd=tmp_path)
    [(entry,)] = _query(tmp_path, "SELECT entry_id FROM people_log WHERE action = 'affiliation' AND what LIKE '%IBM%'")
    _ok("people", "revert", entry, cwd=tmp_path)
    orgs = _query(tmp_path, "SELECT org FROM person_activities WHERE kind = 'commit.authored' ORDER BY occurred_at")
    assert orgs == [("Red Hat",), (None,), (None,), (None,)]  # the IBM period is stated "not known"


def test_a_communitys_corrections_file_is_applied_on_every_run_and_checked(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (tmp_path / "governance").mkdir()
    (tmp_path / "governance" / "people.toml").write_text(
        "# reviewed in the community's repository\n"
        "[[merge]]\n"
        'identities = ["bob@builders.example", "ada@ibm.com"]\n'
        'by = "Community team"\n'
        "at = 2026-10-01\n"
        'why = "ticket 42"\n'
    )
    (tmp_path / "niche.toml").write_text('[people]\ncorrections = ["governance/people.toml"]\n')
    _ok("sync", "git", str(repo), cwd=tmp_path)
    assert _ok("people", "why", "bob@builders.example", "ada@ibm.com", cwd=tmp_path).count("override") == 1
    log = _ok("people", "log", "bob@builders.example", cwd=tmp_path)
    assert "2026-10-01 merge" in log and "by Community team (" in log and "people.toml:2): ticket 42" in log

    bad = tmp_path / "governance" / "bad.toml"
    bad.write_text(
        '[[merge]]\nidentities = ["ada@ibm.com"]\n\n'
        '[[split]]\nidentity = "nobody@nowhere.example"\n\n'
        '[[affiliation]]\nidentity = "ada@ibm.com"\norg = "IBM"\nfrom = 2019-01-01\nuntil = 2018-01-01\n'
        'colour = "blue"\n\n'
        '[[merg]]\nidentities = ["a@b.example", "c@d.example"]\n'
    )
    checked = niche("people", "corrections", "check", str(bad), cwd=tmp_path)
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert f"{bad}:1: error: [[merge]]: identities: a list of two or more identities" in lines
    assert f"{bad}:4: warning: [[split]]: 'nobody@nowhere.example' matches no identity in the store" in lines
    assert any(line.startswith(f"{bad}:7: error: [[affiliation]]: 'colour' is not a key") for line in lines)
    assert f"{bad}:7: error: [[affiliation]]: from: before until" in lines
    assert any(line.startswith(f"{bad}:14: error: merg: not a kind of correction") for line in lines)
    good = niche("people", "corrections", "check", str(tmp_path / "governance" / "people.toml"), cwd=tmp_path)
    assert good.returncode == 0 and "0 error(s), 0 warning(s)" in good.stderr
    (tmp_path / "niche.toml").write_text('[people]\ncorrections = ["governance/bad.toml"]\n')
    broken = niche("sync", "git", str(repo), cwd=tmp_path)  # a file with a mistake stops the run, naming its line
    assert broken.returncode == 2 and "bad.toml:1:" in broken.stderr

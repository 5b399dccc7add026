"""People in a real store, as a user corrects them from the command line; and the standalone resolver."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import duckdb

from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, git, init

MAILMAP = "Ada Lovelace <ada@ibm.com> <ada.l@gmail.com>\n"


def _author(name: str, email: str, when: int) -> dict[str, str]:
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": f"{when} +0000"}


def _repo(tmp_path: Path) -> Path:
    """One person under three addresses (one joined only by .mailmap), who changed employer in
    2017; another person; a bot."""
    repo = init(tmp_path / "engine")
    (repo / ".mailmap").write_text(MAILMAP)
    commit(repo, {"a.py": "1"}, "at Red Hat", env=_author("Ada Lovelace", "ada@redhat.com", 1430000000))  # 2015-04
    commit(repo, {"b.py": "1"}, "at IBM", env=_author("Ada Lovelace", "ada@ibm.com", 1520000000))  # 2018-03
    commit(repo, {"c.py": "1"}, "weekend", env=_author("ada", "ada.l@gmail.com", 1530000000))  # 2018-06
    commit(repo, {"d.py": "1"}, "bob", env=_author("Bob Builder", "bob@builders.example", 1540000000))
    bot = _author("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 1550000000)
    commit(repo, {"e.py": "1"}, "Bump", env=bot)
    return repo


def _people(db: Path) -> dict[str, bool]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT name, is_bot FROM people").fetchall())


def test_people_agree_with_git_shortlog_and_employers_follow_dates(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert niche("sync", "git", str(repo), cwd=tmp_path).returncode == 0
    shortlog = git(repo, "shortlog", "-s", "HEAD")  # git's own count of people, .mailmap applied
    expected = {line.split("\t", 1)[1] for line in shortlog.splitlines()}
    people = _people(tmp_path / ".niche" / "niche.duckdb")
    assert set(people) == expected and people == {"Ada Lovelace": False, "Bob Builder": False, "dependabot[bot]": True}
    with duckdb.connect(str(tmp_path / ".niche" / "niche.duckdb"), read_only=True) as con:
        orgs = con.execute(
            "SELECT strftime(occurred_at, '%Y-%m'), org FROM person_activities "
            "WHERE kind = 'commit.authored' ORDER BY 1"
        ).fetchall()
    # the employer of the day; a personal address says nothing of one
    assert orgs == [("2015-04", "Red Hat"), ("2018-03", "IBM"), ("2018-06", None), ("2018-10", None)]


def test_corrections_stick_across_syncs_and_are_explained(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    niche("sync", "git", str(repo), cwd=tmp_path)
    why = niche("people", "why", "ada.l@gmail.com", "ada@redhat.com", cwd=tmp_path)
    assert why.returncode == 0 and "mailmap" in why.stdout and "same-name" in why.stdout, why.stdout

    assert niche("people", "split", "ada.l@gmail.com", cwd=tmp_path).returncode == 0
    assert niche("people", "merge", "bob@builders.example", "name:Ada Lovelace", cwd=tmp_path).returncode == 0
    setting = niche("people", "set", "bob@builders.example", "--name", "Ada L.", "--org", "Analytical Engines",
                    "--from", "2018-01-01", cwd=tmp_path)  # fmt: skip
    assert setting.returncode == 0, setting.stderr
    overrides = tomllib.loads((tmp_path / "niche-people.toml").read_text())
    assert [s["identity"] for s in overrides["split"]] == ["ada.l@gmail.com"]
    assert overrides["person"][0]["name"] == "Ada L."

    commit(repo, {"f.py": "1"}, "more", env=_author("Ada Lovelace", "ada@ibm.com", 1560000000))
    assert niche("sync", "git", str(repo), cwd=tmp_path).returncode == 0  # a re-sync re-resolves everyone
    people = _people(tmp_path / ".niche" / "niche.duckdb")
    assert people == {"Ada L.": False, "ada": False, "dependabot[bot]": True}
    shown = niche("people", "show", "ada@ibm.com", cwd=tmp_path)
    assert "Analytical Engines" in shown.stdout and "Red Hat" in shown.stdout
    assert "ada@ibm.com" not in shown.stdout and "(hidden)" in shown.stdout
    assert "ada@ibm.com" in niche("people", "show", "ada@ibm.com", "--show-emails", cwd=tmp_path).stdout
    listed = niche("people", "list", cwd=tmp_path).stdout
    assert "Ada L." in listed and "dependabot" not in listed
    assert "dependabot" in niche("people", "list", "--bots", cwd=tmp_path).stdout
    apart = niche("people", "why", "ada.l@gmail.com", "ada@ibm.com", cwd=tmp_path)
    assert apart.returncode == 0 and "different people" in apart.stdout  # an answer: exit 0


def test_the_cli_adds_to_a_hand_written_overrides_file_and_keeps_its_comments(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    written = (
        "# reviewed with the community team, 2026-10\n"
        "[domains]\n"
        '"builders.example" = "Builders Inc"  # since the 2018 acquisition\n'
    )
    (tmp_path / "niche-people.toml").write_text(written)
    assert niche("sync", "git", str(repo), cwd=tmp_path).returncode == 0
    assert niche("people", "set", "bob@builders.example", "--bot", cwd=tmp_path).returncode == 0
    assert niche("people", "set", "bob@builders.example", "--not-bot", cwd=tmp_path).returncode == 0  # updated in place
    bad = niche("people", "set", "bob@builders.example", "--org", "X", "--from", "2018-13-01", cwd=tmp_path)
    assert bad.returncode != 0 and "--from" in bad.stderr
    text = (tmp_path / "niche-people.toml").read_text()
    assert text.startswith(written)  # comments and layout as the user left them
    [person] = tomllib.loads(text)["person"]
    assert (person["identity"], person["bot"]) == ("bob@builders.example", False)
    assert "Builders Inc" in niche("people", "show", "bob@builders.example", cwd=tmp_path).stdout


def test_standalone_resolver_reads_and_writes_csv(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerows([
            ["name", "email", "source", "username"],
            ["Grace Hopper", "grace@navy.example", "git", ""],
            ["Hopper, Grace", "ghopper@cobol.example", "mail", ""],
            ["", "", "github", "ghopper"],
            ["Wei Wang", "wangwei@gmail.com", "git", ""],
            ["Wei Wang", "ww1987@163.com", "git", ""],
        ])  # fmt: skip
    done = niche("identities", "resolve", str(source), "-o", str(tmp_path / "out.csv"), "--explain", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["person_id"] for r in rows] == ["1", "1", "1", "2", "3"]
    assert rows[1]["reason"].startswith("same-name") and rows[0]["username"] == ""
    assert "5 identities, 3 people" in done.stderr
    bad = niche("identities", "resolve", str(tmp_path / "missing.csv"), cwd=tmp_path)
    assert bad.returncode != 0 and "missing.csv" in bad.stderr

"""People who look alike can be told apart: namesakes niche keeps apart are shown with what tells
them apart (employers, years, address domains, areas) in `people list`, `show`, the directory and
profile pages; `people why A B` names the guard that kept them apart and what would join them.

The history is shaped like nova's three "Dan Smith"s (at IBM 2012-2013, at Red Hat from 2013,
and a personal domain), written as a real git repository."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init

DANS = {  # address -> (dates, file touched)
    "danms@us.ibm.com": (("2012-06-22", "2013-03-01", "2013-11-20"), "nova/compute/manager.py"),
    "dansmith@redhat.com": (("2013-09-12", "2015-01-10", "2019-05-02"), "nova/objects/instance.py"),
    "dms@danplanet.com": (("2013-09-11", "2016-02-03"), "nova/virt/libvirt/driver.py"),
}


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lookalikes")
    repo = init(root / "nova")
    for address, (days, path) in DANS.items():
        for i, day in enumerate(days):
            env = {"GIT_AUTHOR_NAME": "Dan Smith", "GIT_AUTHOR_EMAIL": address, "GIT_AUTHOR_DATE": f"{day}T10:00:00Z"}
            commit(repo, {path: f"{address} {i}\n"}, f"Change {i} by {address}", env=env)
    shared = {"GIT_AUTHOR_NAME": "Ada Jones", "GIT_AUTHOR_EMAIL": "info@acme.example"}  # a role address, two names
    commit(repo, {"README": "a\n"}, "Docs by Ada", env=shared | {"GIT_AUTHOR_DATE": "2014-01-01T10:00:00Z"})
    commit(repo, {"README": "b\n"}, "Docs by Bo", env=shared | {"GIT_AUTHOR_NAME": "Bo Lindqvist",
                                                               "GIT_AUTHOR_DATE": "2014-02-01T10:00:00Z"})  # fmt: skip
    assert niche("sync", "git", "nova", cwd=root).returncode == 0
    return root


def _apart(text: str) -> set[str]:
    return set(re.findall(r"(IBM|Red Hat|no employer known); (\d{4}-\d{4})", text))


def test_namesakes_are_listed_with_what_tells_them_apart(community: Path) -> None:
    listed = niche("people", "list", cwd=community, env={"COLUMNS": "250"}).stdout
    assert listed.count("Dan Smith") == 3
    assert _apart(listed) == {("IBM", "2012-2013"), ("Red Hat", "2013-2019"), ("no employer known", "2013-2016")}
    assert "addresses at us.ibm.com" in listed and "nova: nova/compute" in listed
    assert "@" not in listed  # domains, never an address
    rows = json.loads(niche("people", "list", "--json", cwd=community).stdout)
    told = {r["told_apart"] for r in rows if r["name"] == "Dan Smith"}
    assert len(told) == 3 and all(t for t in told)
    assert all(r["told_apart"] is None for r in rows if r["name"] != "Dan Smith")  # only namesakes need it


def test_show_names_the_namesakes_and_a_plain_name_lists_them(community: Path) -> None:
    shown = niche("people", "show", "dansmith@redhat.com", cwd=community, env={"COLUMNS": "250"}).stdout
    assert "2 other people are shown as Dan Smith" in shown
    assert _apart(shown) == {("Red Hat", "2013-2019"), ("IBM", "2012-2013"), ("no employer known", "2013-2016")}
    ambiguous = niche("people", "show", "Dan Smith", cwd=community, env={"COLUMNS": "250"})
    assert ambiguous.returncode == 2 and "3 people have that name" in ambiguous.stderr
    assert len(re.findall(r"^  [0-9a-f]{16}  Dan Smith \((IBM|Red Hat|no employer)", ambiguous.stderr, re.M)) == 3


def test_why_names_the_guard_that_kept_them_apart(community: Path) -> None:
    why = niche("people", "why", "danms@us.ibm.com", "dansmith@redhat.com", cwd=community, env={"COLUMNS": "250"})
    assert why.returncode == 0 and "are different people" in why.stdout  # an answer: exit 0 (README's rule)
    assert "'dan smith' is a common name" in why.stdout
    assert "addresses at us.ibm.com and redhat.com" in why.stdout
    assert "what would join them" in why.stdout
    assert "niche people merge danms@us.ibm.com dansmith@redhat.com" in why.stdout
    role = niche("people", "why", "name:Ada Jones", "name:Bo Lindqvist", cwd=community, env={"COLUMNS": "250"})
    assert "one address at acme.example, under names that cannot be one person's" in role.stdout
    assert "info@" not in role.stdout  # the domain, never the address
    stranger = niche("people", "why", "danms@us.ibm.com", "name:Ada Jones", cwd=community, env={"COLUMNS": "250"})
    assert "no evidence joins them" in stranger.stdout


def test_a_merge_joins_namesakes_and_why_then_says_so(tmp_path: Path, community: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(community, root)
    merged = niche("people", "merge", "danms@us.ibm.com", "dansmith@redhat.com", "--why", "one Dan", cwd=root)
    assert merged.returncode == 0, merged.stderr
    why = niche("people", "why", "danms@us.ibm.com", "dansmith@redhat.com", cwd=root, env={"COLUMNS": "250"})
    assert why.returncode == 0 and "--override--" in why.stdout
    shown = niche("people", "show", "dansmith@redhat.com", cwd=root, env={"COLUMNS": "250"}).stdout
    assert "1 other person is shown as Dan Smith" in shown and "IBM then Red Hat; 2012-2019" in shown


def test_pages_tell_namesakes_apart(community: Path) -> None:
    assert niche("report", "-o", "site", cwd=community).returncode == 0
    directory = (community / "site" / "people.html").read_text()
    assert len(re.findall(r'<small class="apart">(IBM|Red Hat|no employer known); ', directory)) == 3
    person = re.search(r'href="people/([0-9a-f]+)\.html">Dan Smith</a><br><small class="apart">IBM;', directory)
    assert person
    page = (community / "site" / "people" / f"{person.group(1)}.html").read_text()
    assert "Not to be confused with 2 other people shown as Dan Smith" in page
    assert len(re.findall(r'<li><a href="\.\./people/[0-9a-f]+\.html">Dan Smith</a>: ', page)) == 2
    assert "Change 2 by an address at us.ibm.com" in page  # a commit subject's address is cut to its domain
    for written in (community / "site").rglob("*.html"):
        assert "@us.ibm.com" not in written.read_text(), written


def test_why_after_a_split_by_hand_names_the_split(tmp_path: Path, community: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(community, root)
    env = {"GIT_AUTHOR_NAME": "Dan Smith", "GIT_AUTHOR_EMAIL": "dan.smith@us.ibm.com",
           "GIT_AUTHOR_DATE": "2013-12-01T10:00:00Z"}  # fmt: skip
    commit(root / "nova", {"nova/compute/api.py": "x\n"}, "One more at IBM", env=env)
    assert niche("sync", "git", "nova", cwd=root).returncode == 0
    pair = ("dan.smith@us.ibm.com", "danms@us.ibm.com")  # a common name, and the same domain: one person
    assert niche("people", "why", *pair, cwd=root).returncode == 0
    split = niche("people", "split", pair[0], "--why", "a colleague with the same name", cwd=root)
    assert split.returncode == 0, split.stderr
    why = niche("people", "why", *pair, cwd=root, env={"COLUMNS": "250"})
    assert why.returncode == 0 and "are different people" in why.stdout  # an answer: exit 0 (README's rule)
    said = r"split off an address at us.ibm.com by \S+ on [\d-]+ \(log entry \w+\): a colleague with the same name"
    assert re.search(said, why.stdout), why.stdout
    assert "what would join them: `niche people revert" in why.stdout

"""Each metric's SQL against a small real repository whose answers were worked out by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from niche import metrics
from niche.classify import classify_pending
from niche.errors import NicheError
from niche.identity import resolve_people
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.gitrepos import commit, init

DAY = 86400
JAN_2024 = 1704067200  # 2024-01-01T00:00:00Z


def _by(name: str, when: int) -> dict[str, str]:
    email = f"{name.lower()}@example.org"
    date = f"{when} +0000"
    return {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
            for what, value in (("NAME", name), ("EMAIL", email), ("DATE", date))}  # fmt: skip


@pytest.fixture
def community(store: Store, tmp_path: Path) -> Store:
    """Who did what (all in repo 'nova'):

    Ann: 4 commits in nova/compute, Jan..Apr 2024 (one per month, on the 10th)
    Ben: 3 commits in nova/compute (Jan 2024) and 1 in doc (Jul 2024)
    Cid: 2 commits in nova/tests, Feb 2024 (first and only month)
    Dee: 1 commit in doc, Jun 2024
    """
    repo = init(tmp_path / "nova")
    n = 0

    def add(name: str, when: int, path: str) -> None:
        nonlocal n
        n += 1
        commit(repo, {path: f"{n}\n"}, f"change {n}", env=_by(name, when))

    for month in range(4):
        add("Ann", JAN_2024 + (9 + 31 * month) * DAY, f"nova/compute/a{month}.py")
    for i in range(3):
        add("Ben", JAN_2024 + (20 + i) * DAY, f"nova/compute/b{i}.py")
    add("Ben", JAN_2024 + 190 * DAY, "doc/ben.rst")  # 2024-07-09
    add("Cid", JAN_2024 + 35 * DAY, "nova/tests/t1.py")
    add("Cid", JAN_2024 + 36 * DAY, "nova/tests/t2.py")
    add("Dee", JAN_2024 + 160 * DAY, "doc/dee.rst")  # 2024-06-09
    sync(store, GitRepository(repo)).check()
    resolve_people(store)
    classify_pending(store)
    return store


AS_OF = datetime(2024, 7, 31)


def test_contributors_to_date(community: Store) -> None:
    [row] = metrics.run(community, "contributors_to_date", as_of=AS_OF)
    assert row["contributors"] == 4
    assert metrics.run(community, "contributors_to_date", as_of=datetime(2024, 1, 31))[0]["contributors"] == 2


def test_active_and_newcomers_monthly(community: Store) -> None:
    months = metrics.run(community, "monthly_contributors", as_of=AS_OF, months=7)
    assert [r["active_contributors"] for r in months] == [2, 2, 1, 1, 0, 1, 1]  # Jan..Jul
    assert [r["newcomers"] for r in months] == [2, 1, 0, 0, 0, 1, 0]
    assert [r["contributions"] for r in months] == [4, 3, 1, 1, 0, 1, 1]


def test_newcomer_retention(community: Store) -> None:
    rows = {str(r["cohort"]): r for r in metrics.run(community, "newcomer_retention", as_of=AS_OF, months=7)}
    # Jan cohort: Ann (Jan 10 -> Apr 10: exactly 3 months) and Ben (Jan 21 -> Jul 9: over 3, under 6).
    jan = rows["2024-01-01"]
    assert (jan["newcomers"], jan["retained_3m"], jan["retained_6m"]) == (2, 2, 0)
    assert jan["retained_12m"] is None  # too young to tell
    assert (rows["2024-02-01"]["newcomers"], rows["2024-02-01"]["retained_3m"]) == (1, 0)  # Cid left
    assert rows["2024-06-01"]["retained_3m"] is None


def test_bus_factor(community: Store) -> None:
    rows = {(r["repo"], r["area"]): r for r in metrics.run(community, "bus_factor", as_of=AS_OF, months=12)}
    # nova: Ann 4, Ben 4, Cid 2, Dee 1 = 11 commits; Ann (4) + Ben (4) >= 5.5, so 2 people.
    assert (rows[("nova", "*")]["bus_factor"], rows[("nova", "*")]["commits"]) == (2, 11)
    # nova/compute: Ann 4, Ben 3 of 7: Ann alone (4 >= 3.5).
    assert rows[("nova", "nova/compute")]["bus_factor"] == 1
    # doc: Ben 1, Dee 1 of 2: one of them reaches half.
    assert rows[("nova", "doc")]["bus_factor"] == 1
    assert rows[("nova", "nova/tests")]["contributors"] == 1


def test_contributors_by_role(community: Store) -> None:
    rows = {r["role"]: r for r in metrics.run(community, "contributors_by_role", as_of=AS_OF, months=3)}
    assert {k: v["contributors"] for k, v in rows.items()} == {"code": 2, "tests": 1, "docs": 2}
    assert rows["docs"]["recent_contributors"] == 2 and rows["code"]["recent_contributors"] == 0  # since May 1


def test_active_areas(community: Store) -> None:
    rows = metrics.run(community, "active_areas", as_of=AS_OF, months=12, limit=10)
    assert [(r["area"], r["commits"], r["contributors"]) for r in rows] == [
        ("nova/compute", 7, 2), ("doc", 2, 2), ("nova/tests", 2, 1)]  # fmt: skip


def test_every_metric_file_names_its_definition_and_parameters() -> None:
    for name in metrics.available():
        sql = metrics.sql_of(name)
        header = sql.split("\n\n")[0]
        assert header.startswith("--") and "Parameters:" in sql, name
        for param in metrics.parameters_of(sql):
            assert f"${param}" in header or param in header, (name, param)


def test_unknown_metric_and_missing_parameters(community: Store) -> None:
    with pytest.raises(NicheError, match="no metric named 'nope'"):
        metrics.run(community, "nope")
    with pytest.raises(NicheError, match="needs parameters: as_of"):
        metrics.run(community, "contributors_to_date")


def test_active_contributors_by_role_monthly(community: Store) -> None:
    rows = metrics.run(community, "active_contributors_by_role_monthly", as_of=AS_OF, months=7)
    got = {(str(r["month"]), r["role"]): r["active_contributors"] for r in rows}
    # Jan: Ann and Ben write code; Feb: Ann code, Cid tests; Mar, Apr: Ann code; Jun: Dee docs; Jul: Ben docs.
    assert got == {
        ("2024-01-01", "code"): 2, ("2024-02-01", "code"): 1, ("2024-02-01", "tests"): 1,
        ("2024-03-01", "code"): 1, ("2024-04-01", "code"): 1, ("2024-06-01", "docs"): 1, ("2024-07-01", "docs"): 1,
    }  # fmt: skip


def test_elephant_factor_gives_each_commit_to_the_employer_of_the_day(store: Store, tmp_path: Path) -> None:
    """nova: Ann (redhat.com) 4, Bob (intel.com) 2, Cat (gmail.com, personal) 4, and Eve 2 at intel.com
    (Jan, Feb) then 1 at redhat.com (May): Red Hat 5, Intel 4, unknown 4 of 13. Half of all 13
    commits is 6.5: Red Hat's 5 (38%) is not half, Red Hat and Intel's 9 is, so the factor is 2 (the
    unknown 4 count in the whole, for no company). docs: Ann 2, Bob 2, Dan (huawei.com) 1: half of
    5 is 2.5, so two companies are needed. solo: Cat 3, Ann 1: the known employers never reach half,
    so the factor is not known (None) rather than 1."""
    nova, docs, solo = init(tmp_path / "nova"), init(tmp_path / "docs"), init(tmp_path / "solo")
    n = 0

    def add(repo: Path, name: str, email: str, day: int) -> None:
        nonlocal n
        n += 1
        env = _by(name, JAN_2024 + day * DAY) | {"GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
        commit(repo, {f"f{n}.txt": f"{n}\n"}, f"change {n}", env=env)

    for day in range(4):
        add(nova, "Ann Example", "ann@redhat.com", day)
        add(nova, "Cat Example", "cat@gmail.com", day)
    for day in range(2):
        add(nova, "Bob Example", "bob@intel.com", day)
        add(docs, "Ann Example", "ann@redhat.com", day)
        add(docs, "Bob Example", "bob@intel.com", day)
    add(nova, "Eve Moved", "eve@intel.com", 10)
    add(nova, "Eve Moved", "eve@intel.com", 40)
    add(nova, "Eve Moved", "eve@redhat.com", 130)
    add(docs, "Dan Example", "dan@huawei.com", 5)
    for day in range(3):
        add(solo, "Cat Example", "cat@gmail.com", day)
    add(solo, "Ann Example", "ann@redhat.com", 3)
    for repo in (nova, docs, solo):
        sync(store, GitRepository(repo)).check()
    resolve_people(store)
    rows = {r["repo"]: r for r in metrics.run(store, "elephant_factor", as_of=AS_OF, months=12)}
    got = {k: (r["elephant_factor"], r["organisations"], r["largest"], r["commits"]) for k, r in rows.items()}
    assert got == {"nova": (2, 2, "Red Hat", 13), "docs": (2, 3, "Intel", 5), "solo": (None, 1, "Red Hat", 4),
                   "*": (2, 3, "Red Hat", 22)}  # fmt: skip
    assert (rows["nova"]["largest_share"], rows["nova"]["unaffiliated_share"]) == (0.385, 0.308)  # 5/13, 4/13
    assert rows["docs"]["unaffiliated_share"] == 0
    assert (rows["solo"]["largest_share"], rows["solo"]["unaffiliated_share"]) == (0.25, 0.75)
    # Whole community: Red Hat 8, Intel 6, Huawei 1, unknown 7 of 22: 8 < 11, 8 + 6 >= 11.

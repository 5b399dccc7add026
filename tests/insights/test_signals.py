"""Overload and disengagement signals, and their backtest, on a git history written for the test:
five people whose last months were chosen so each signal has exactly one person to find."""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from niche.classify import classify
from niche.identity import resolve_people
from niche.insights.signals import risks
from niche.insights.validate import backtest, roc_auc
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.cli import niche
from tests.helpers.gitrepos import init, scripted_history

AS_OF = datetime(2024, 1, 1)


def _days(start: str, end: str, step: int) -> list[datetime]:
    day, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=step)
    return out


def _epoch(local: datetime, hours_east: int) -> int:
    """Seconds since 1970 for a wall-clock time in a zone hours_east of UTC."""
    return int((local - timedelta(hours=hours_east)).replace(tzinfo=UTC).timestamp())


# name -> [(local time, hours east of UTC, path)]
PEOPLE = {
    "Steady Sam": [(d.replace(hour=10), 1, "nova/compute/api.py") for d in _days("2021-01-04", "2023-12-28", 7)],
    "Surge Sue": [(d.replace(hour=10), 2, "nova/compute/api.py") for d in _days("2022-10-03", "2023-09-25", 30)]
    + [(d.replace(hour=21, minute=30), 2, "nova/compute/api.py") for d in _days("2023-10-02", "2023-12-30", 2)],
    "Fading Fay": [(d.replace(hour=11), 0, "nova/virt/driver.py") for d in _days("2022-06-06", "2023-09-15", 7)],
    "Broad Bo": [(d.replace(hour=9), -5, "nova/api/x.py") for d in _days("2022-01-10", "2023-09-30", 14)]
    + [(datetime(2023, 12, day, 9), -5, path) for day, path in
       zip(range(1, 6), ("nova/api/x.py", "nova/tests/test_x.py", "doc/source/x.rst", ".zuul.yaml", "setup.cfg"),
           strict=True)],
    "Brief Ben": [(d.replace(hour=14), 0, "nova/network/y.py") for d in _days("2022-01-03", "2022-03-28", 7)],
}  # fmt: skip


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals")
    commits = sorted(
        (_epoch(local, east), name, f"{'+' if east >= 0 else '-'}{abs(east):02d}00", path)
        for name, work in PEOPLE.items()
        for local, east, path in work
    )
    repo = init(root / "nova")
    scripted_history(repo, [(name, f"{name.split()[1].lower()}@example.org", when, tz, path, f"Work by {name}")
                            for when, name, tz, path in commits])  # fmt: skip
    with Store(root / "niche.duckdb") as store:
        sync(store, GitRepository(repo)).check()
        resolve_people(store)
        classify(store)
    return root


def test_each_signal_finds_its_person_with_evidence(community: Path) -> None:
    with Store(community / "niche.duckdb", read_only=True) as store:
        found = {w.name: w for w in risks(store, AS_OF)}
    names = {name: {s.name for s in w.signals} for name, w in found.items()}
    assert "Brief Ben" not in names  # nothing for 21 months: not "active", nobody to check in with
    assert names["Steady Sam"] == set()
    assert {"sustained_load", "after_hours"} <= names["Surge Sue"]
    assert {"decline", "quiet"} <= names["Fading Fay"]
    assert "breadth" in names["Broad Bo"]
    evidence = {s.name: s.evidence for s in found["Surge Sue"].signals}
    recent = sum(local - timedelta(hours=east) > datetime(2023, 10, 1) for local, east, _ in PEOPLE["Surge Sue"])
    assert evidence["sustained_load"].startswith(f"{recent} contributions in the last 3 months")
    assert evidence["after_hours"].startswith(f"100% of their last 3 months' {recent} contributions")
    year_before = [local for local, east, _ in PEOPLE["Surge Sue"]
                   if datetime(2022, 10, 1) < local - timedelta(hours=east) <= datetime(2023, 10, 1)]  # fmt: skip
    off = sum(t.weekday() >= 5 or not 8 <= t.hour < 19 for t in year_before) / len(year_before)
    assert f"; {off:.0%} the year before" in evidence["after_hours"]
    fay = {s.name: s.evidence for s in found["Fading Fay"].signals}
    assert fay["quiet"].startswith(f"no contribution for {(AS_OF - datetime(2023, 9, 11, 11)).days} days")
    # the quietest for how much they usually do ranks first
    assert [w.name for w in workloads_of(community)][:1] == ["Fading Fay"]


def workloads_of(community: Path) -> list:
    with Store(community / "niche.duckdb", read_only=True) as store:
        return risks(store, AS_OF)


def test_backtest_labels_and_auc_match_the_history(community: Path) -> None:
    with Store(community / "niche.duckdb", read_only=True) as store:
        result = backtest(store, every_months=1, horizon_months=6, k=2)
    when = {name: sorted(local - timedelta(hours=east) for local, east, _ in work) for name, work in PEOPLE.items()}
    name_of = {}
    with Store(community / "niche.duckdb", read_only=True) as store:
        name_of = dict(store.con.execute("SELECT person_id, name FROM people").fetchall())
    assert result.dates[0] >= min(t for ts in when.values() for t in ts) + timedelta(days=15 * 28)
    for s in result.samples:  # recomputed from the commits this test wrote, not from the store
        times = when[name_of[s.person_id]]
        assert any(s.as_of - timedelta(days=184) <= t <= s.as_of for t in times)  # active in the 6 months before
        horizon_end = (s.as_of.replace(day=1) + timedelta(days=6 * 31 + 5)).replace(day=s.as_of.day)
        assert s.became_inactive == (not any(s.as_of < t <= horizon_end for t in times))
    inactive = {name_of[s.person_id] for s in result.samples if s.became_inactive}
    assert inactive == {"Brief Ben"}  # Fay stopped too late to be seen six months on
    pairs = [
        (p, n) for p, n in itertools.product(result.samples, repeat=2) if p.became_inactive and not n.became_inactive
    ]
    by_pairs = sum(1.0 if p.risk > n.risk else 0.5 if p.risk == n.risk else 0.0 for p, n in pairs) / len(pairs)
    assert result.auc() == pytest.approx(by_pairs)


@given(st.lists(st.tuples(st.integers(-5, 5), st.booleans()), min_size=2).filter(
    lambda xs: any(b for _, b in xs) and not all(b for _, b in xs)))  # fmt: skip
def test_roc_auc_is_the_share_of_correctly_ordered_pairs(xs: list[tuple[int, bool]]) -> None:
    scores, labels = [float(s) for s, _ in xs], [b for _, b in xs]
    pos = [s for s, b in xs if b]
    neg = [s for s, b in xs if not b]
    expected = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg) / (len(pos) * len(neg))
    assert roc_auc(scores, labels) == pytest.approx(expected)


def test_the_cli_backtests_and_a_community_can_turn_person_signals_off(community: Path) -> None:
    db = str(community / "niche.duckdb")
    ran = niche("--db", db, "validate", "overload", "--every", "1", "--k", "2", "--json", cwd=community)
    assert ran.returncode == 0, ran.stderr
    figures = json.loads(ran.stdout)
    assert figures["became_inactive"] > 0 and 0 <= figures["auc"] <= 1 and "baseline_auc" in figures
    shown = niche("--db", db, "signals", "--as-of", "2024-01-01", cwd=community)
    assert shown.returncode == 0 and "Surge Sue" in shown.stdout and "sustained_load" in shown.stdout
    (community / "niche.toml").write_text("[insights]\nperson_signals = false\n")
    refused = niche("--db", db, "signals", "--as-of", "2024-01-01", cwd=community)
    assert refused.returncode == 2 and "person_signals = false" in refused.stderr and not refused.stdout
    profile = niche("--db", db, "profile", "name:Surge Sue", "--as-of", "2024-01-01", cwd=community)
    assert profile.returncode == 0 and "Surge Sue" in profile.stdout and "sustained_load" not in profile.stdout
    (community / "niche.toml").unlink()


def test_risk_as_of_any_date_with_the_facts_behind_each_score(community: Path) -> None:
    """`niche risk --as-of DATE --json`: everyone active, riskiest first, each score recomputed here
    from the commits this test wrote."""
    db = str(community / "niche.duckdb")
    ran = niche("--db", db, "risk", "--as-of", "2023-12-31", "--json", cwd=community)  # to its end: AS_OF
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert found[0]["name"] == "Fading Fay" and "Brief Ben" not in {r["name"] for r in found}
    for r in found:
        when = sorted(local - timedelta(hours=east) for local, east, _ in PEOPLE[r["name"]])
        last = max(t for t in when if t <= AS_OF)
        recent = sum(AS_OF - timedelta(days=92) < t <= AS_OF for t in when)  # workload.sql: 3 calendar months
        before = sum(AS_OF - timedelta(days=457) < t <= AS_OF - timedelta(days=92) for t in when)
        assert r["days_since_last"] == (AS_OF - last).days
        assert (r["contributions_last_3_months"], r["contributions_12_months_before"]) == (recent, before)
        expected = math.log1p((AS_OF - last).days) - math.log1p(recent + before)
        assert r["score"] == pytest.approx(expected, abs=1e-4)
        assert [i["kind"] for i in r["identities"]] == ["git"] and r["identities"][0]["email"] == "(hidden)"
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)


def test_a_profile_by_plain_name(community: Path) -> None:
    db = str(community / "niche.duckdb")
    profile = niche("--db", db, "profile", "Surge Sue", "--as-of", "2024-01-01", "--json", cwd=community)
    assert profile.returncode == 0, profile.stderr
    assert json.loads(profile.stdout)["name"] == "Surge Sue"
    nobody = niche("--db", db, "profile", "Nobody Here", cwd=community)
    assert nobody.returncode == 2 and "Nobody Here: nobody by that name" in nobody.stderr

"""Review metrics on the real Gerrit recordings, with expectations computed from the raw JSON."""

from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime
from pathlib import Path

import pytest

from niche import metrics
from niche.identity import resolve_people
from niche.links.build import build_links
from niche.links.trail import follow
from niche.sources.gerrit import GerritExport
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.gitrepos import commit, init

AS_OF = datetime(2018, 3, 31)


@pytest.fixture
def reviews(store: Store, fixtures: Path, tmp_path: Path) -> tuple[Store, dict[int, dict]]:
    export = tmp_path / "export.json"
    pages = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
    export.write_bytes(b"".join((fixtures / "gerrit" / p).read_bytes() for p in pages))
    sync(store, GerritExport(export)).check()
    resolve_people(store)
    records = {}
    for line in export.read_text().splitlines():
        r = json.loads(line)
        if "project" in r:
            records[r["number"]] = r
    return store, records


def _human_reviews(r: dict) -> list[tuple[str, int]]:
    """(username, time) of every vote, and every message with words of its own, by someone other
    than the owner; bots excluded."""
    owner = r["owner"]["username"]
    votes = [(a["by"]["username"], a["grantedOn"]) for ps in r["patchSets"] for a in ps.get("approvals", [])]
    said = [(c["reviewer"]["username"], c["timestamp"]) for c in r["comments"] if "\n" in c["message"].strip()]
    return [(u, t) for u, t in votes + said if u != owner and "bot" not in u]


def test_velocity_matches_the_raw_records(reviews: tuple[Store, dict[int, dict]]) -> None:
    store, records = reviews
    rows = {
        (r["project"], str(r["month"])): r for r in metrics.run(store, "change_request_velocity", as_of=AS_OF, months=2)
    }

    def month(r: dict) -> str:
        return datetime.fromtimestamp(r["createdOn"], UTC).strftime("%Y-%m-01")

    groups = {(r["project"], month(r)) for r in records.values()}
    assert set(rows) == groups and len(groups) == 3  # Wikibase's change is from February, the rest March
    for project, first_day in groups:
        mine = [r for r in records.values() if (r["project"], month(r)) == (project, first_day)]
        row = rows[(project, first_day)]
        assert row["opened"] == len(mine)
        assert row["merged"] == sum(r["status"] == "MERGED" for r in mine)
        reviewers = [len({u for u, _ in _human_reviews(r)}) for r in mine]
        assert row["reviewers_per_change"] == round(sum(reviewers) / len(reviewers), 2)
        waits = [min(t for _, t in _human_reviews(r)) - r["createdOn"] for r in mine if _human_reviews(r)]
        expected = round(statistics.median(waits) / 3600, 1) if waits else None
        assert row["median_hours_to_first_review"] == expected, project


def test_review_load_shares(reviews: tuple[Store, dict[int, dict]]) -> None:
    store, records = reviews
    rows = metrics.run(store, "review_load", as_of=AS_OF, months=12)
    per_person: dict[str, int] = {}
    for r in records.values():
        for u in {u for u, _ in _human_reviews(r)}:
            per_person[u] = per_person.get(u, 0) + 1
    assert sorted(r["changes_reviewed"] for r in rows) == sorted(per_person.values())
    assert rows[-1]["cumulative_share"] == 1.0
    assert abs(sum(r["share"] for r in rows) - 1) < 0.001


def test_reviewers_vs_velocity_needs_six_months(reviews: tuple[Store, dict[int, dict]]) -> None:
    store, _ = reviews
    rows = metrics.run(store, "reviewers_vs_velocity", as_of=AS_OF, months=12)
    # operations/puppet's changes were only voted on by their owners and bots: no human review
    assert {r["project"] for r in rows} == {"operations/mediawiki-config", "mediawiki/extensions/Wikibase"}
    assert all(r["months"] <= 2 and r["correlation"] is None for r in rows)  # too little history to say


def test_trail_from_commit_to_gerrit_change(reviews: tuple[Store, dict[int, dict]], tmp_path: Path) -> None:
    store, records = reviews
    change = records[416443]
    repo = init(tmp_path / "puppet")
    sha = commit(repo, {"modules/wdqs/check.pp": "x\n"}, change["commitMessage"])
    sync(store, GitRepository(repo)).check()
    build_links(store)
    trail = follow(store, sha, hops=1)
    kinds = {(t.item_kind, t.item_id) for t in trail}
    assert kinds == {("commit", sha), ("change", "operations/puppet#416443")}
    by_change = follow(store, change["url"], hops=1)
    assert {t.item_kind for t in by_change} == {"commit", "change"}
    assert datetime.fromtimestamp(change["createdOn"], UTC).replace(tzinfo=None) in {t.occurred_at for t in by_change}


REVIEWERS = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra")


def _replayed(record: dict, number: int, start: int, reviewer: str) -> dict:
    """The recorded change moved to `start` (every timestamp shifted alike), renumbered, and
    reviewed by `reviewer` where the recording has MarcoAurelio and hashar."""
    shift = start - record["createdOn"]
    account = {"name": reviewer, "username": reviewer.split()[0].lower(), "email": f"{reviewer[:3]}@example.org"}

    def walk(value: object) -> object:
        if isinstance(value, dict):
            if value.get("username") in ("maurelio", "hashar"):
                return account
            return {k: v + shift if k in ("createdOn", "lastUpdated", "grantedOn", "timestamp") else walk(v)
                    for k, v in value.items()}  # fmt: skip
        return [walk(v) for v in value] if isinstance(value, list) else value

    return walk(record) | {"number": number, "url": f"https://gerrit.wikimedia.org/r/{number}"}


def test_reviewers_vs_velocity_correlation(store: Store, fixtures: Path, tmp_path: Path) -> None:
    """Change 416224 (reviewed by two people, merged in two days) replayed over seven months:
    month m has merged[m] copies, reviewed by the first reviewers[m] people in turn."""
    record = next(
        r for p in ("gerrit_reviews_page_2", "gerrit_reviews_page_3")
        for r in map(json.loads, (fixtures / "gerrit" / p).read_text().splitlines()) if r.get("number") == 416224
    )  # fmt: skip
    merged, reviewers = [1, 2, 3, 4, 5, 2, 6], [1, 1, 2, 2, 4, 2, 3]
    lines = []
    for m, (n, r) in enumerate(zip(merged, reviewers, strict=True)):
        start = int(datetime(2019, 1 + m, 3, tzinfo=UTC).timestamp())
        lines += [json.dumps(_replayed(record, 1000 * m + j, start + 3600 * j, REVIEWERS[j % r])) for j in range(n)]
    export = tmp_path / "replayed.json"
    export.write_text("\n".join(lines) + "\n")
    sync(store, GerritExport(export)).check()
    resolve_people(store)
    rows = metrics.run(store, "reviewers_vs_velocity", as_of=datetime(2019, 7, 31), months=12)
    assert len(rows) == 1 and rows[0]["months"] == 7
    assert rows[0]["correlation"] == round(statistics.correlation(reviewers, merged), 3)
    assert rows[0]["mean_merged_per_month"] == round(statistics.mean(merged), 2)

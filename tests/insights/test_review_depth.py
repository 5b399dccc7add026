"""Review depth, the trust network and the review backlog on the real Gerrit recordings, with
expectations read straight from the raw JSON; one recorded change gains a silent +1 from a new
reviewer to show a possible rubber stamp."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from niche import metrics
from niche.identity import resolve_people
from niche.sources.gerrit import GerritExport
from niche.store import Store
from niche.store.sync import sync

AS_OF = datetime(2018, 3, 31)
STAMPER = {"name": "Silent Stamper", "email": "stamper@example.org", "username": "stamper"}


def _utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


@pytest.fixture
def recorded(store: Store, fixtures: Path, tmp_path: Path) -> tuple[Store, dict[int, dict]]:
    pages = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
    records = {r["number"]: r for p in pages for line in (fixtures / "gerrit" / p).read_text().splitlines()
               if "project" in (r := json.loads(line))}  # fmt: skip
    big = records[415887]  # operations/puppet, 127 changed lines, merged
    last = big["patchSets"][-1]
    last["approvals"].append({"type": "Code-Review", "value": "1", "grantedOn": last["createdOn"] + 120, "by": STAMPER})
    export = tmp_path / "export.json"
    export.write_text("\n".join(json.dumps(r) for r in records.values()) + "\n")
    sync(store, GerritExport(export)).check()
    resolve_people(store)
    return store, records


def _reviewers(r: dict) -> set[str]:
    """Everyone but the owner and bots who voted, commented or left an inline comment."""
    who = {a["by"]["username"] for ps in r["patchSets"] for a in ps.get("approvals", [])}
    who |= {c["reviewer"]["username"] for c in r["comments"]}
    who |= {c["reviewer"]["username"] for ps in r["patchSets"] for c in ps.get("comments", [])}
    return {u for u in who if u != r["owner"]["username"] and "bot" not in u}


def test_one_row_per_review_with_votes_waits_and_inline_comments(recorded: tuple[Store, dict[int, dict]]) -> None:
    store, records = recorded
    rows = metrics.run(store, "review_depth", as_of=AS_OF, months=12)
    usernames = dict(
        store.con.execute(
            "SELECT pi.person_id, i.username FROM person_identities pi JOIN identities i USING (identity_id)"
        ).fetchall()
    )
    got = {(int(r["item_id"].split("#")[1]), usernames[r["person_id"]]): r for r in rows}
    assert set(got) == {(n, u) for n, r in records.items() for u in _reviewers(r)}
    for (number, user), row in got.items():
        r = records[number]
        assert row["change_size"] == r["patchSets"][-1]["sizeInsertions"] - r["patchSets"][-1]["sizeDeletions"]
        assert row["outcome"] == {"MERGED": "merged", "NEW": "open", "ABANDONED": "abandoned"}[r["status"]]
        assert row["inline_comments"] == sum(
            c["reviewer"]["username"] == user for ps in r["patchSets"] for c in ps.get("comments", [])
        )
        votes = [(a["grantedOn"], int(a["value"])) for ps in r["patchSets"] for a in ps.get("approvals", [])
                 if a["by"]["username"] == user and a["type"] == "Code-Review"]  # fmt: skip
        assert row["vote"] == (max(votes)[1] if votes else None)
        if votes:  # minutes from the newest upload at or before the vote, the earliest vote's wait
            waits = [
                (t - max(ps["createdOn"] for ps in r["patchSets"] if ps["createdOn"] <= t)) // 60 for t, _ in votes
            ]
            assert row["minutes_to_vote"] == min(waits)
    marco = got[(416224, "maurelio")]  # "Thanks." with +1 a day later, after two inline "lowercase"
    assert (marco["comments"], marco["inline_comments"], marco["vote"], marco["agrees_with_outcome"]) == (1, 2, 1, True)


def test_a_silent_plus_one_on_a_large_change_is_a_possible_rubber_stamp(
    recorded: tuple[Store, dict[int, dict]],
) -> None:
    store, _ = recorded
    rows = metrics.run(store, "review_depth", as_of=AS_OF, months=12)
    stamps = [r for r in rows if r["possible_rubber_stamp"]]
    assert [(r["reviewer"], r["item_id"], r["minutes_to_vote"]) for r in stamps] == [
        ("Silent Stamper", "operations/puppet#415887", 2)
    ]
    per_reviewer = {r["name"]: r for r in metrics.run(store, "reviewer_depth", as_of=AS_OF, months=12)}
    assert per_reviewer["Silent Stamper"]["possible_rubber_stamps"] == 1
    assert per_reviewer["Silent Stamper"]["reviews_with_comments"] == 0
    assert per_reviewer["MarcoAurelio"]["inline_comments"] == 2
    assert sum(r["reviews"] for r in per_reviewer.values()) == len(rows)


def test_who_reviews_whom(recorded: tuple[Store, dict[int, dict]]) -> None:
    store, records = recorded
    edges = {(e["reviewer"], e["author"]): e for e in metrics.run(store, "review_network", as_of=AS_OF, months=12)}
    names = {u: r["owner"]["name"] for r in records.values() for u in [r["owner"]["username"]]}
    expected: dict[tuple[str, str], int] = {}
    people = {a["by"]["username"]: a["by"].get("name") for r in records.values() for ps in r["patchSets"]
              for a in ps.get("approvals", [])} | {c["reviewer"]["username"]: c["reviewer"].get("name")
              for r in records.values() for c in r["comments"]}  # fmt: skip
    for r in records.values():
        for user in _reviewers(r):
            key = (people.get(user) or user, names[r["owner"]["username"]])
            expected[key] = expected.get(key, 0) + 1
    assert {k: e["reviews"] for k, e in edges.items()} == expected


def test_changes_waiting_for_a_first_look(recorded: tuple[Store, dict[int, dict]]) -> None:
    """At 14:40 on 5 March 2018, which open changes had no human word since their newest upload?
    (Uploading a rebase of someone's change is not a word on it.)"""
    store, records = recorded
    moment = datetime(2018, 3, 5, 14, 40)
    t = int(moment.replace(tzinfo=UTC).timestamp())
    expected = set()
    for n, r in records.items():
        closed = (
            r["status"] != "NEW"
            and r.get("lastUpdated", 0) <= t
            and any("merged" in c["message"].lower() and c["timestamp"] <= t for c in r["comments"])
        )
        uploads = [ps["createdOn"] for ps in r["patchSets"] if ps["createdOn"] <= t]
        if r["createdOn"] > t or closed or not uploads:
            continue
        reviewers = _reviewers(r)
        human = [a["grantedOn"] for ps in r["patchSets"] for a in ps.get("approvals", [])
                 if a["by"]["username"] in reviewers]  # fmt: skip
        said = [c for c in r["comments"] if not c["message"].startswith("Uploaded patch set")]
        human += [c["timestamp"] for c in said if c["reviewer"]["username"] in reviewers]
        if not any(max(uploads) <= h <= t for h in human):
            expected.add(f"{r['project']}#{n}")
    rows = metrics.run(store, "waiting_reviews", as_of=moment, since=datetime(2018, 1, 1))
    assert (
        {r["item_id"] for r in rows} == expected == {"operations/puppet#416443", "operations/mediawiki-config#416224"}
    )
    assert all(r["url"].startswith("https://gerrit.wikimedia.org/r/") for r in rows)

"""Every review report on the real OpenStack changes of 2011-2012 (nova, Essex), checked against
expectations computed here from the raw JSON in plain Python, never with niche's SQL.

Only the people layer's answer (which accounts are one person, who is CI, employers) is taken
from the store: the reports count people, and who a person is is not what these SQL files decide.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import pytest

from niche.metrics.cycles import load_cycles, report_windows
from niche.metrics.review_reports import run_report
from niche.store import Store
from niche.store.db import identity_id
from tests.helpers.openstack_reviews import changes_2011
from tests.sources.test_gerrit_messages import MEANING

HOST = "review.openstack.org"
NOVA = "openstack/nova"
ESSEX = (datetime(2011, 9, 22), datetime(2012, 4, 5))
CODE_KEEPING = ("TRIVIAL_REBASE", "NO_CODE_CHANGE", "NO_CHANGE")
NOTICE = re.compile(r"^(Uploaded patch set|Change has been|Change could not|Change cannot|Your change)")
RECHECK = re.compile(r"(?i)^\s*(recheck|reverify|re-?trigger\w*|rebuild)\b")
COUNT = re.compile(r"\((\d+) (?:inline )?comments?\)")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.split(".")[0])


@dataclass
class Message:
    person: str | None
    at: datetime
    patchset: int | None
    votes: list[tuple[str | None, int]]
    words: str
    inline: int
    action: str | None


@dataclass
class Change:
    project: str
    number: int
    status: str
    created: datetime
    owner: str
    revisions: list[tuple[int, str, datetime, str]]  # number, kind, created, uploader person
    messages: list[Message] = field(default_factory=list)
    merged_at: datetime | None = None

    @property
    def code_from(self) -> int:
        return max((n for n, kind, _, _ in self.revisions if kind not in CODE_KEEPING), default=1)


def _read(text: str) -> tuple[int | None, list, str, int, str | None]:
    lines = text.strip().split("\n")
    match = re.match(r"Patch Set (\d+):(.*)", lines[0])
    if not match:
        action = lines[0].strip() if lines[0].strip() in ("Abandoned", "Restored") else None
        return None, [], "\n".join(lines[1:]).strip() if action else text.strip(), 0, action
    first = match.group(2)
    inline = sum(int(n) for n in COUNT.findall(first)) + sum(
        int(m.group(1)) for x in lines[1:] if (m := COUNT.fullmatch(x.strip()))
    )
    parts = [p.strip() for p in COUNT.sub("", first).split(";") if p.strip()]
    action = next((p for p in parts if p in ("Abandoned", "Restored", "Reverted")), None)
    words = "\n".join(x for x in lines[1:] if not COUNT.fullmatch(x.strip())).strip()
    return int(match.group(1)), [MEANING[p] for p in parts if p in MEANING], words, inline, action


@cache
def _people(db: Path) -> tuple[dict[int, str], set[str], dict[str, str]]:
    """account -> person, the CI people, person -> name: the identity layer's answer."""
    con = duckdb.connect(str(db), read_only=True)
    person_of = dict(con.execute("SELECT identity_id, person_id FROM person_identities").fetchall())
    accounts = (
        {c["owner"] for c in changes_2011()}
        | {a["_account_id"] for c in changes_2011() for m in c["messages"] if (a := m.get("author"))}
        | {r["uploader"]["_account_id"] for c in changes_2011() for r in c["revisions"].values()}
    )
    people = {a: person_of[identity_id("gerrit", None, None, f"{HOST}/{a}")] for a in accounts}
    bots = {r[0] for r in con.execute("SELECT person_id FROM people WHERE is_bot").fetchall()}
    names = dict(con.execute("SELECT person_id, name FROM people").fetchall())
    return people, bots, names


@cache
def _changes(db: Path) -> list[Change]:
    people, _, _ = _people(db)
    out = []
    for c in changes_2011():
        revs = sorted(c["revisions"].values(), key=lambda r: r["_number"])
        change = Change(c["project"], int(revs[0]["ref"].split("/")[3]), c["status"], _at(c["created"]),
                        people[c["owner"]], [(r["_number"], r["kind"], _at(r["created"]),
                                              people[r["uploader"]["_account_id"]]) for r in revs])  # fmt: skip
        for m in c["messages"]:
            if c["status"] == "MERGED" and m["message"].startswith("Change has been successfully"):
                change.merged_at = change.merged_at or _at(m["date"])
            if NOTICE.match(m["message"]):
                continue
            patchset, votes, words, inline, action = _read(m["message"])
            author = people[m["author"]["_account_id"]] if "author" in m else None
            change.messages.append(Message(author, _at(m["date"]), patchset, votes, words, inline, action))
        out.append(change)
    return out


def _in(at: datetime | None, window: tuple[datetime, datetime] = ESSEX) -> bool:
    return at is not None and window[0] <= at < window[1]


def _nova(db: Path) -> list[Change]:
    return [c for c in _changes(db) if c.project == NOVA]


def _reviews(db: Path, c: Change) -> list[Message]:
    """Messages that are a human's review of someone else's change: a vote, words (not a recheck)
    or inline comments."""
    _, bots, _ = _people(db)
    return [m for m in c.messages if m.person and m.person not in bots and m.person != c.owner and not m.action
            and (m.votes or m.inline or (m.words and not RECHECK.match(m.words)))]  # fmt: skip


def _report(db: Path, name: str, **kw) -> tuple[list[dict], list[dict]]:
    cycles = load_cycles()
    with Store(db, read_only=True) as store:
        return run_report(store, name, cycles, report_windows(cycles, "essex"), NOVA, **kw)


def _votes(db: Path, c: Change, label: str | None = "Code-Review"):
    for m in c.messages:
        for lab, value in m.votes:
            if lab == label:
                yield m, value


@pytest.fixture
def db(openstack_2011: Path) -> Path:
    return openstack_2011


def test_cores(db: Path) -> None:
    _, bots, names = _people(db)
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in _nova(db):
        for m in c.messages:
            if m.person in bots or not _in(m.at):
                continue
            expected[m.person][0] += ("Code-Review", 2) in m.votes
            expected[m.person][1] += ("Workflow", 1) in m.votes
    expected = {p: v for p, v in expected.items() if any(v)}
    rows, _ = _report(db, "cores")
    assert {r["person_id"]: [r["plus_twos"], r["approvals"]] for r in rows} == expected
    assert len(expected) == 31 and {r["status"] for r in rows} == {"first seen"}  # nova's data starts in Essex
    assert names[rows[0]["person_id"]] == "Vish Ishaya"


def _cores(db: Path) -> set[str]:
    _, bots, _ = _people(db)
    return {m.person for c in _nova(db) for m in c.messages
            if _in(m.at) and m.person not in bots and {("Code-Review", 2), ("Workflow", 1)} & set(m.votes)}  # fmt: skip


def test_load(db: Path) -> None:
    cores = _cores(db)
    per_person: Counter[str] = Counter()
    for c in _nova(db):
        for person in {m.person for m in _reviews(db, c) if _in(m.at)}:
            per_person[person] += 1
    merged = sum(1 for c in _nova(db) if _in(c.merged_at))
    rows, _ = _report(db, "load")
    got = {r["reviewer_role"]: (r["reviewers"], r["reviews"], r["most_reviews"], r["merged"]) for r in rows}
    for role, members in (("core", cores), ("other", set(per_person) - cores)):
        counts = [per_person[p] for p in members if per_person[p]]
        assert got[role] == (len(counts), sum(counts), max(counts), merged)
        assert [r["median_reviews"] for r in rows if r["reviewer_role"] == role] == [statistics.median(counts)]


def test_velocity(db: Path) -> None:
    months: dict[str, set[str]] = defaultdict(set)
    merged: Counter[str] = Counter()
    for c in _nova(db):
        for m in _reviews(db, c):
            if _in(m.at):
                months[f"{m.at:%Y-%m}"].add(m.person)
        if _in(c.merged_at):
            merged[f"{c.merged_at:%Y-%m}"] += 1
    rows, _ = _report(db, "velocity")
    assert {f"{r['month']:%Y-%m}": (r["reviewers"], r["merged"]) for r in rows} == {
        month: (len(months[month]), merged[month]) for month in months.keys() | merged.keys()
    }


def test_open(db: Path) -> None:
    as_of = datetime(2012, 1, 15)
    _, bots, _ = _people(db)
    expected = {}
    for c in _nova(db):
        states = [(m.at, m.action) for m in c.messages if m.action in ("Abandoned", "Restored") and m.at <= as_of]
        if c.merged_at and c.merged_at <= as_of:
            continue
        if c.created > as_of or (states and max(states)[1] == "Abandoned"):
            continue
        human = [m.at for m in c.messages if m.person and m.person not in bots and m.at <= as_of]
        human += [at for _, _, at, who in c.revisions if who not in bots and at <= as_of] + [c.created]
        expected[c.number] = ((as_of - c.created).days, (as_of - max(human)).days)
    rows, _ = _report(db, "open", as_of=as_of)
    assert {r["number"]: (r["age_days"], r["idle_days"]) for r in rows} == expected
    assert len(expected) > 50


def _approvals(db: Path, c: Change) -> tuple[set[str], bool]:
    """The non-owner people whose last Code-Review vote on the merged code is +2; whether the owner
    approved it (+2 or Approved) there."""
    _, bots, _ = _people(db)
    last: dict[str, tuple[datetime, int]] = {}
    owner_approved = False
    for m in c.messages:
        if m.person in bots or m.person is None or (m.patchset or 0) < c.code_from:
            continue
        for label, value in m.votes:
            if label == "Code-Review" and (m.person not in last or m.at >= last[m.person][0]):
                last[m.person] = (m.at, value)
            owner_approved |= m.person == c.owner and label == "Workflow" and value == 1
    owner_approved |= last.get(c.owner, (None, 0))[1] == 2
    return {p for p, (_, v) in last.items() if v == 2 and p != c.owner}, owner_approved


def test_single_approval_and_self_approved(db: Path) -> None:
    merged = [c for c in _nova(db) if c.status == "MERGED" and _in(c.merged_at)]
    single = {c.number: len(_approvals(db, c)[0]) for c in merged if len(_approvals(db, c)[0]) <= 1}
    rows, totals = _report(db, "single-approval")
    assert {r["number"]: r["approvers"] for r in rows} == single
    assert totals == [{"project": NOVA, "cycle": "essex", "merged": len(merged),
                       "single_approval": sum(1 for n in single.values() if n == 1),
                       "no_approval": sum(1 for n in single.values() if n == 0),
                       "self_approved": sum(1 for c in merged if _approvals(db, c)[1])}]  # fmt: skip
    rows, _ = _report(db, "self-approved")
    assert {r["number"] for r in rows} == {c.number for c in merged if _approvals(db, c)[1]}


def test_disagreement(db: Path) -> None:
    _, bots, _ = _people(db)
    all_cores = {m.person for c in _changes(db) if c.project == NOVA for m in c.messages
                 if m.person not in bots and {("Code-Review", 2), ("Workflow", 1)} & set(m.votes)}  # fmt: skip
    verdicts: Counter[str] = Counter()
    contradicted: Counter[str] = Counter()
    for c in _nova(db):
        if c.status not in ("MERGED", "ABANDONED"):
            continue
        last: dict[tuple[str, int], tuple[datetime, int]] = {}
        for m in c.messages:
            if m.person in bots or m.person == c.owner or not _in(m.at):
                continue
            for label, value in m.votes:
                key = (m.person, m.patchset)
                if label == "Code-Review" and (key not in last or m.at >= last[key][0]):
                    last[key] = (m.at, value)
        core_minus = {(m.person, m.patchset) for m in c.messages if m.person in all_cores
                      for label, value in m.votes if label == "Code-Review" and value < 0}  # fmt: skip
        reworked = [n for n, kind, _, _ in c.revisions if kind not in CODE_KEEPING]
        for (person, patchset), (_, value) in last.items():
            if value == 0:
                continue
            verdicts[person] += 1
            if value > 0:
                core_said_no = any(p != person and ps == patchset for p, ps in core_minus)
                wrong = c.status == "ABANDONED" or (core_said_no and any(n > patchset for n in reworked))
            else:
                wrong = c.status == "MERGED" and patchset >= c.code_from
            contradicted[person] += wrong
    rows, _ = _report(db, "disagreement")
    assert {r["person_id"]: (r["verdicts"], r["contradicted"]) for r in rows} == {
        p: (n, contradicted[p]) for p, n in verdicts.items()
    }
    assert all(len(r["examples"] or []) == min(3, r["contradicted"]) for r in rows)


def test_spread(db: Path) -> None:
    _, bots, _ = _people(db)
    expected: dict[str, Counter] = defaultdict(Counter)
    for c in _nova(db):
        for m in c.messages:
            if m.person in bots or m.person == c.owner or not _in(m.at):
                continue
            for label, value in m.votes:
                expected[m.person][(label or "Code-Review", value)] += 1
    rows, _ = _report(db, "spread")
    columns = {"minus_two": ("Code-Review", -2), "minus_one": ("Code-Review", -1), "zero": ("Code-Review", 0),
               "plus_one": ("Code-Review", 1), "plus_two": ("Code-Review", 2), "approved": ("Workflow", 1),
               "verified": ("Verified", 1), "verified_failed": ("Verified", -1)}  # fmt: skip
    assert {r["person_id"]: {c: r[c] for c in columns} for r in rows} == {
        p: {c: counts[key] for c, key in columns.items()} for p, counts in expected.items()
    }


def test_punchcard(db: Path) -> None:
    _, _, names = _people(db)
    vish = next(p for p, n in names.items() if n == "Vish Ishaya")
    merges = {(c["project"], int(next(iter(c["revisions"].values()))["ref"].split("/")[3])): _at(m["date"])
              for c in changes_2011() for m in c["messages"] if m.get("author", {}).get("name") == "Vish Ishaya"
              and re.match(r"Change has been successfully (merged|cherry-picked|pushed)", m["message"])}  # fmt: skip
    cells: Counter[tuple[int, int]] = Counter()
    for c in _nova(db):  # everything Vish did on nova's changes: created, uploaded, voted, said, merged
        moments = [c.created] if c.owner == vish else []
        moments += [at for _, _, at, who in c.revisions if who == vish]
        moments += [m.at for m in c.messages if m.person == vish
                    for _ in range(len(m.votes) + m.inline + bool(m.words or m.action))]  # fmt: skip
        moments += [at for (project, number), at in merges.items() if (project, number) == (NOVA, c.number)]
        for at in moments:
            if _in(at):
                cells[(at.isoweekday(), at.hour)] += 1
    rows, _ = _report(db, "punchcard", person_id=vish)
    assert {(r["weekday"], r["hour"]): r["activities"] for r in rows} == dict(cells)
    assert sum(cells.values()) > 1000
    assert {how for r in rows for how in r["offset_from"]} == {"none known: UTC"}  # Gerrit says no offsets


def test_timing(db: Path) -> None:
    opened = [c for c in _nova(db) if _in(c.created)]
    first = {c.number: min((m.at for m in _reviews(db, c)), default=None) for c in opened}
    waits = [(first[c.number] - c.created).total_seconds() for c in opened if first[c.number]]
    merges = [(c.merged_at - c.created).total_seconds() for c in opened if c.merged_at]
    [row], _ = _report(db, "timing")
    assert (row["opened"], row["merged"], row["reviewed"]) == (len(opened), len(merges), len(waits))
    assert row["median_hours_to_first_review"] == round(statistics.median(waits) / 3600, 1)
    assert row["median_days_to_merge"] == round(statistics.median(merges) / 86400, 2)


def test_employers(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    periods = defaultdict(list)
    for person, org, start, end in con.execute(
        "SELECT person_id, org, valid_from, valid_until FROM affiliations"
    ).fetchall():
        periods[person].append((org, start, end))

    def org(person: str, at: datetime) -> str:
        found = sorted(o for o, s, e in periods[person] if (s is None or at >= s) and (e is None or at < e))
        return found[0] if found else "unknown"

    expected: Counter[str] = Counter()
    for c in _nova(db):
        first: dict[str, datetime] = {}
        for m in _reviews(db, c):
            if _in(m.at):
                first[m.person] = min(first.get(m.person, m.at), m.at)
        for person, at in first.items():
            expected[org(person, at)] += 1
    rows, _ = _report(db, "employers")
    assert {r["org"]: r["reviews"] for r in rows} == dict(expected)
    assert sum(r["share"] for r in rows) == pytest.approx(1, abs=0.001)


def test_outcomes(db: Path) -> None:
    asked: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    for c in _nova(db):
        per_patchset: dict[tuple[str, int], list[Message]] = defaultdict(list)
        for m in _reviews(db, c):
            if m.patchset is not None:
                per_patchset[(m.person, m.patchset)].append(m)
        for (person, patchset), messages in per_patchset.items():
            last = max(m.at for m in messages)  # a review is dated by its last message
            if not _in(last):
                continue
            reviews[person] += 1
            asks = any(v < 0 for m in messages for lab, v in m.votes if lab == "Code-Review") or any(
                m.inline or (m.words and not RECHECK.match(m.words)) for m in messages
            )
            if not asks:
                continue
            asked[person] += 1
            changed[person] += any(n > patchset and at >= last and kind not in CODE_KEEPING
                                   for n, kind, at, _ in c.revisions)  # fmt: skip
    rows, _ = _report(db, "outcomes")
    assert {r["person_id"]: (r["reviews"], r["asked_for_change"], r["led_to_new_code"]) for r in rows} == {
        p: (n, asked[p], changed[p]) for p, n in reviews.items()
    }
    roles = [r["reviewer_role"] for r in rows]
    assert roles == sorted(roles)  # ranked within a role, never across

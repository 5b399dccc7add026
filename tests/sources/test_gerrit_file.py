"""Saved Gerrit REST answers: the real OpenStack set of 2011-2012 in every file shape, checked
against what the raw JSON says, computed here in plain Python."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from niche.sources.contract import BadRecord
from niche.sources.gerrit_file import GerritFile, read_saved_changes
from niche.store import Store
from niche.store.db import identity_id
from niche.store.sync import SyncResult, sync
from tests.helpers.openstack_reviews import changes_2011
from tests.sources.test_gerrit_messages import MEANING

HOST = "review.openstack.org"


def import_gerrit_file(store: Store, path: Path, url: str | None = None) -> SyncResult:
    return sync(store, GerritFile(path, url)).check()


def _number(change: dict) -> int:
    return int(next(iter(change["revisions"].values()))["ref"].split("/")[3])


def _shapes(changes: list[dict]) -> dict[str, bytes]:
    array = json.dumps(changes).encode()
    return {
        "array.json": array,
        "array.json.gz": gzip.compress(array),
        "xssi.json": b")]}'\n" + json.dumps(changes, indent=1).encode(),
        "lines.jsonl": b"\n".join(json.dumps(c).encode() for c in changes) + b"\n",
        "lines-xssi-gzip.bin": gzip.compress(b")]}'\n" + b"\n".join(json.dumps(c).encode() for c in changes)),
        "back-to-back.json": b"".join(json.dumps(c, indent=2).encode() for c in changes),
    }


@pytest.mark.parametrize("name", sorted(_shapes([])))
def test_every_file_shape_reads_the_same(tmp_path: Path, name: str) -> None:
    changes = changes_2011()[:40]
    path = tmp_path / name
    path.write_bytes(_shapes(changes)[name])
    read = [c for c, _ in read_saved_changes(path, HOST, f"https://{HOST}")]
    assert [(c.project, c.number) for c in read] == [(c["project"], _number(c)) for c in changes]
    assert read[0].url == f"https://{HOST}/c/{read[0].project}/+/{read[0].number}"


def test_a_bad_change_is_set_aside_and_the_rest_read(tmp_path: Path) -> None:
    good = changes_2011()[:3]
    nameless = {k: v for k, v in good[1].items() if k not in ("project", "id")}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([good[0], 7, nameless, good[2]]))
    read = [c for c, _ in read_saved_changes(path)]
    assert [c.number for c in read if not isinstance(c, BadRecord)] == [_number(good[0]), _number(good[2])]
    bad = [c for c in read if isinstance(c, BadRecord)]
    assert [b.location for b in bad] == [f"{path}: change 2", f"{path}: change 3"]
    assert "JSON object" in bad[0].error and "project" in bad[1].error


def test_a_truncated_file_keeps_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "cut.json.gz"
    text = json.dumps(changes_2011()[:5]).encode()
    path.write_bytes(gzip.compress(text)[: len(gzip.compress(text)) // 2])
    read = [c for c, _ in read_saved_changes(path)]
    assert isinstance(read[-1], BadRecord) and read[-1].location == f"{path}: after change {len(read) - 1}"
    assert all(not isinstance(c, BadRecord) for c in read[:-1])


def test_a_file_read_before_is_not_read_again(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "few.json"
    path.write_text(json.dumps(changes_2011()[:4]))
    assert import_gerrit_file(store, path).new == 4
    assert import_gerrit_file(store, path).details == {"unchanged file": 1}
    path.write_text(json.dumps(changes_2011()[:5]))
    assert import_gerrit_file(store, path).written == 5
    assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == 5


# -- the whole set, in the session's store ---------------------------------------------------


def _vote_words(message: str) -> list[str]:
    match = re.match(r"Patch Set \d+: ([^\n]+)", message)
    words = re.sub(r"\(\d+ inline comments?\)", "", match.group(1)).strip() if match else ""
    return [w.strip() for w in words.split(";") if w.strip()]


def _account_identity(account_id: int) -> str:
    return identity_id("gerrit", None, None, f"{HOST}/{account_id}")


def test_the_whole_2011_set(openstack_2011: Path) -> None:
    raw = changes_2011()
    con = duckdb.connect(str(openstack_2011), read_only=True)
    stored = dict(con.execute("SELECT project, count(*) FROM changes GROUP BY project").fetchall())
    assert stored == Counter(c["project"] for c in raw) and sum(stored.values()) == 5934
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    status = dict(con.execute("SELECT status, count(merged_at) FROM changes GROUP BY status").fetchall())
    assert status == {"MERGED": 4795, "ABANDONED": 0}  # 11 abandoned changes carry a stray merge notice

    # Every vote of every wording, by its account, as the raw messages state them.
    expected: Counter[tuple] = Counter()
    wordings: set[str] = set()
    actions = {"Abandoned", "Restored", "Reverted"}
    for c in raw:
        for m in c["messages"]:
            for word in _vote_words(m["message"]):
                wordings.add(word)
                if word in MEANING:
                    label, value = MEANING[word]
                    expected[(_account_identity(m["author"]["_account_id"]), label, value)] += 1
    assert wordings <= set(MEANING) | actions  # the file holds no wording niche cannot read
    got = Counter(
        dict(((i, label, v), n) for i, label, v, n in con.execute(
            "SELECT identity_id, label, value, count(*) FROM review_events WHERE kind = 'vote' GROUP BY ALL"
        ).fetchall())
    )  # fmt: skip
    assert got == expected and sum(got.values()) == 27547
    assert con.execute("SELECT count(*) FROM review_events WHERE kind = 'unread'").fetchone()[0] == 0

    # "(N inline comments)" on the vote line or on a line of its own: N inline comments, not words.
    counted = re.compile(r"\((\d+) (?:inline )?comments?\)")
    inline = sum(int(n) for c in raw for m in c["messages"] for i, line in enumerate(m["message"].split("\n"))
                 for n in counted.findall(line) if i == 0 or counted.fullmatch(line.strip()))  # fmt: skip
    assert con.execute("SELECT count(*) FROM review_events WHERE inline").fetchone()[0] == inline


def test_accounts_are_identities_whatever_a_record_says_of_them(openstack_2011: Path) -> None:
    """An owner given as a bare number, an author by name and number, an uploader in full: one identity."""
    raw = changes_2011()
    known: dict[int, dict] = {}
    for c in raw:
        for r in c["revisions"].values():
            known.setdefault(r["uploader"]["_account_id"], {}).update(r["uploader"])
        for m in c["messages"]:
            if "author" in m:
                known.setdefault(m["author"]["_account_id"], {}).setdefault("name", m["author"]["name"])
        known.setdefault(c["owner"], {})
    con = duckdb.connect(str(openstack_2011), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute("SELECT identity_id, name, email, username FROM identities").fetchall()}
    assert len(rows) == len(known)
    for account, fields in known.items():
        assert rows[_account_identity(account)] == tuple(fields.get(f) or None for f in ("name", "email", "username"))
    bots = {r[0] for r in con.execute(
        "SELECT i.name FROM identities i JOIN person_identities USING (identity_id) JOIN people p USING (person_id) "
        "WHERE p.is_bot").fetchall()}  # fmt: skip
    assert bots == {"Jenkins", "SmokeStack CI"}  # Jenkins by name; SmokeStack CI as "<name> CI" and by behaviour


def test_a_human_recheck_is_ci_care(openstack_2011: Path) -> None:
    raw = changes_2011()
    ci = {"Jenkins", "SmokeStack CI"}
    rechecks = sum(
        1 for c in raw for m in c["messages"] if "author" in m and m["author"]["name"] not in ci
        and re.match(r"(?i)\s*(recheck|reverify|re-?trigger\w*|rebuild)\b", m["message"].partition("\n\n")[2])
    )  # fmt: skip
    con = duckdb.connect(str(openstack_2011), read_only=True)
    roles = dict(con.execute("SELECT role, count(*) FROM person_activities WHERE kind = 'review.recheck' "
                             "GROUP BY role").fetchall())  # fmt: skip
    assert rechecks > 0 and roles == {"ci_infra": rechecks}
    # A message that only asks for a recheck is no review of the change.
    change, message = next((c, m) for c in raw for m in c["messages"]
                           if m["message"].partition("\n\n")[2].strip() == "recheck")  # fmt: skip
    item = f"{change['project']}#{_number(change)}"
    at = message["date"].split(".")[0]
    reviews = con.execute("SELECT count(*) FROM human_reviews WHERE item_id = ? AND occurred_at = ?", [item, at])
    assert reviews.fetchone()[0] == 0

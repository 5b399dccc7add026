"""Gerrit: the real recorded query export read in place, and the REST API replayed from it."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from niche.errors import SourceError
from niche.sources import gerrit
from niche.sources.gerrit import GerritExport, GerritServer
from niche.sources.http import HttpClient
from niche.store import Store
from niche.store.db import identity_id
from niche.store.sync import SyncResult, sync
from tests.helpers.gerrit_server import serve_gerrit
from tests.helpers.openstack_reviews import changes_2015
from tests.sources.test_gerrit_messages import MEANING

PAGES = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")


def sync_gerrit(store: Store, client: HttpClient, project: str | None = None) -> SyncResult:
    return sync(store, GerritServer(client, project)).check()


def import_gerrit_export(store: Store, path: Path) -> SyncResult:
    return sync(store, GerritExport(path)).check()


def _records(fixtures: Path) -> list[dict]:
    out = []
    for page in PAGES:
        out += [
            json.loads(line) for line in (fixtures / "gerrit" / page).read_text().splitlines() if '"project"' in line
        ]
    return out


def _distinct(records: list[dict]) -> dict[int, dict]:
    return {r["number"]: r for r in records}


def test_ssh_export_changes(fixtures: Path) -> None:
    record = _records(fixtures)[0]
    change = gerrit.from_ssh(record)
    assert (change.number, change.project, change.status, change.host) == (
        416443,
        "operations/puppet",
        "MERGED",
        "gerrit.wikimedia.org",
    )
    assert [e.kind for e in change.events].count("patchset") == len(record["patchSets"])
    votes = [(e.label, e.value, e.who.username) for e in change.events if e.kind == "vote"]
    assert ("Code-Review", 2, "gehel") in votes and ("Verified", 2, "jenkins-bot") in votes
    # Gerrit's own lines are not anyone's words: the vote line is stripped, uploads are not comments.
    comments = [e.text for e in change.events if e.kind == "comment"]
    assert all(not t.startswith(("Patch Set", "Uploaded patch set")) for t in comments)
    assert [e.who.username for e in change.events if e.kind == "merged"] == ["gehel"]


def test_import_export_into_the_store(store: Store, fixtures: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(b"".join((fixtures / "gerrit" / p).read_bytes() for p in PAGES) + b"{not json\n")
    result = import_gerrit_export(store, export)
    distinct = _distinct(_records(fixtures))
    assert (result.new, result.quarantined) == (4, 1)  # 6 records, 2 of them repeats
    assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == len(distinct) == 4
    # --all-approvals repeats a vote Gerrit copied onto a rebased patch set, with its first time.
    approvals = {(r["number"], a["by"]["username"], a["type"], a["value"], a["grantedOn"])
                 for r in distinct.values() for ps in r["patchSets"] for a in ps.get("approvals", [])}  # fmt: skip
    assert store.con.execute("SELECT count(*) FROM review_events WHERE kind = 'vote'").fetchone()[0] == len(approvals)
    inline = sum(len(ps.get("comments", [])) for r in distinct.values() for ps in r["patchSets"])
    assert store.con.execute("SELECT count(*) FROM review_events WHERE inline").fetchone()[0] == inline == 2
    [(location, error)] = store.con.execute("SELECT location, error FROM quarantine").fetchall()
    assert location == f"{export}:10" and error.startswith("unreadable Gerrit change")


# -- REST, replayed from the real changes -------------------------------------------------------


def _when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.000000000")


def _account(a: dict | None) -> dict | None:
    if not a:
        return None
    return {
        "_account_id": sum(map(ord, a["username"])),
        "name": a.get("name"),
        "email": a.get("email") or None,
        "username": a["username"],
    }


def to_change_info(r: dict) -> dict:
    """The REST ChangeInfo Gerrit would answer for this recorded change (same people, times, words)."""
    last = r["patchSets"][-1]
    return {
        "id": f"{r['project'].replace('/', '%2F')}~{r['branch']}~{r['id']}",
        "project": r["project"], "branch": r["branch"], "change_id": r["id"], "subject": r["subject"],
        "status": r["status"], "created": _when(r["createdOn"]), "updated": _when(r["lastUpdated"]),
        "_number": r["number"], "owner": _account(r["owner"]),
        "insertions": last["sizeInsertions"], "deletions": abs(last["sizeDeletions"]),
        "messages": [
            {"author": _account(c["reviewer"]), "date": _when(c["timestamp"]), "message": c["message"]}
            for c in r["comments"]
        ],
        "revisions": {
            ps["revision"]: {"_number": ps["number"], "created": _when(ps["createdOn"]),
                             "uploader": _account(ps["uploader"]), "kind": ps["kind"]}
            for ps in r["patchSets"]
        },
    }  # fmt: skip


def _inline(r: dict) -> dict:
    out: dict[str, list] = {}
    for ps in r["patchSets"]:
        for c in ps.get("comments", []):
            out.setdefault(c["file"], []).append(
                {
                    "author": _account(c["reviewer"]),
                    "patch_set": ps["number"],
                    "message": c["message"],
                    "updated": _when(r["lastUpdated"]),
                }
            )
    return out  # fmt: skip


def _serve(httpserver: HTTPServer, changes: list[dict], page_size: int = 2) -> None:
    by_number = {r["number"]: r for r in changes}
    serve_gerrit(httpserver, [to_change_info(r) for r in changes], lambda info: _inline(by_number[info["_number"]]),
                 page_size)  # fmt: skip


def test_rest_paging_and_incremental_resync(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    changes = list(_distinct(_records(fixtures)).values())
    _serve(httpserver, changes)
    with HttpClient(httpserver.url_for("")) as client:
        full = sync_gerrit(store, client, project="operations/puppet")
    assert (full.new, full.requests) == (4, 2 + 4)  # two pages of two, one comments request each
    first_query = httpserver.log[0][0].args["q"]
    assert first_query == "project:operations/puppet after:1970-01-01"
    votes_from_messages = store.con.execute("SELECT count(*) FROM review_events WHERE kind = 'vote'").fetchone()[0]
    assert votes_from_messages > 0
    # Incremental: the server now has one change updated after the cursor.
    httpserver.clear()
    updated = dict(changes[1], lastUpdated=changes[1]["lastUpdated"] + 86400)
    _serve(httpserver, [updated])
    with HttpClient(httpserver.url_for("")) as client:
        again = sync_gerrit(store, client, project="operations/puppet")
    latest = max(r["lastUpdated"] for r in changes)
    assert (
        httpserver.log[0][0].args["q"]
        == f'project:operations/puppet after:"{datetime.fromtimestamp(latest, UTC):%Y-%m-%d %H:%M:%S}"'
    )
    assert (again.new, again.changed, again.requests) == (0, 1, 2)
    assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == 4  # replaced, not added
    assert (
        store.con.execute("SELECT count(*) FROM review_events WHERE kind = 'vote'").fetchone()[0] == votes_from_messages
    )


@pytest.mark.parametrize(
    "fault",
    [
        Response("slow down", status=429, headers={"Retry-After": "0"}),
        Response("oops", status=500),
        Response("busy", status=503),
    ],
)
def test_rest_faults_then_success(store: Store, fixtures: Path, httpserver: HTTPServer, fault: Response) -> None:
    changes = list(_distinct(_records(fixtures)).values())[:1]
    httpserver.expect_ordered_request("/changes/").respond_with_response(fault)
    _serve(httpserver, changes)
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert result.new == 1 and result.requests == 3


def test_rest_invalid_json_is_quarantined(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/changes/").respond_with_data(')]}\'\n[{"_number": 1, "proj')
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert (result.new, result.quarantined) == (0, 1)
    error = store.con.execute("SELECT error FROM quarantine").fetchone()[0]
    assert error.startswith("unreadable page of changes (S=0)")


def test_a_change_of_the_wrong_shape_is_quarantined(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """An owner that is a string, not an account (AttributeError in the reader): that change is set
    aside, the others are stored."""
    changes = list(_distinct(_records(fixtures)).values())[:3]
    page = [to_change_info(r) for r in changes]
    page[1]["owner"] = "jdoe"
    serve_gerrit(httpserver, page, page_size=3)
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert (result.new, result.quarantined) == (2, 1)
    error = store.con.execute("SELECT error FROM quarantine").fetchone()[0]
    assert error.startswith("unreadable change: TypeError: an account is an object or an account number")


def test_a_change_missing_fields_still_counts(store: Store, fixtures: Path) -> None:
    record = dict(_records(fixtures)[0])
    del record["owner"], record["patchSets"]
    change = gerrit.from_ssh(record)
    assert change.owner is None and change.insertions is None
    kinds = {e.kind for e in change.events}
    assert "merged" in kinds and "vote" not in kinds  # votes live in patch sets, which are missing


def test_a_vote_copied_onto_a_rebased_patch_set_is_one_vote(fixtures: Path) -> None:
    record = _distinct(_records(fixtures))[416224]
    copied = [ps["number"] for ps in record["patchSets"] for a in ps.get("approvals", [])
              if a["by"]["username"] == "maurelio"]  # fmt: skip
    assert copied == [2, 3]  # Gerrit lists maurelio's +1 on patch set 3 too, with the same time
    votes = [
        (e.patchset, e.value)
        for e in gerrit.from_ssh(record).events
        if e.kind == "vote" and e.who.username == "maurelio"
    ]
    assert votes == [(2, 1)]


def test_changes_are_addressed_as_gerrit_reads_them(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """The id Gerrit returns is URL-encoded already; quoting it again (%252F) is a 404 on a real
    server, and on the replay server too, which reads paths as Gerrit does."""
    changes = list(_distinct(_records(fixtures)).values())
    _serve(httpserver, changes)
    info = to_change_info(changes[0])
    assert "%2F" in info["id"]
    with HttpClient(httpserver.url_for("")) as client:
        with pytest.raises(SourceError, match="HTTP 404"):
            client.get(f"/changes/{quote(info['id'], safe='')}/comments")
        assert client.get(f"/changes/{info['id']}/comments").status_code == 200
        result = sync_gerrit(store, client)
    assert (result.new, result.quarantined) == (len(changes), 0)
    asked = [request.path for request, _ in httpserver.log if request.path.endswith("/comments")]
    assert asked[-len(changes) :] == [f"/changes/{r['number']}/comments" for r in changes]


def _votes_stated(message: str) -> list[tuple[str | None, int]]:
    """The votes on a message's first line, read here with the test's own table of wordings."""
    match = re.match(r"Patch Set \d+: ([^\n]+)", message)
    words = re.sub(r"\(\d+ (inline )?comments?\)", "", match.group(1)).strip() if match else ""
    if words and all(re.fullmatch(r"[A-Za-z][\w-]*[+-]\d+|-[A-Za-z][\w-]*", t) for t in words.split()):
        return [(label, int(value)) for label, value in re.findall(r"([A-Za-z][\w-]*?)([+-]\d+)", words)]
    return [MEANING[w.strip()] for w in words.split(";") if w.strip() in MEANING]


def test_the_2015_answer_replayed_as_a_live_sync(store: Store, httpserver: HTTPServer) -> None:
    """The 102 changes exactly as review.openstack.org answered in 2015, through the live REST path."""
    raw = changes_2015()
    serve_gerrit(httpserver, raw, page_size=25)
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert (result.new, result.quarantined, result.requests, result.warnings) == (102, 0, 5 + 102, ())
    stored = store.con.execute(
        "SELECT project, number, subject, status, insertions, deletions, change_id FROM changes ORDER BY number"
    ).fetchall()
    assert stored == sorted(
        [(c["project"], c["_number"], c["subject"], c["status"], c["insertions"], c["deletions"], c["change_id"])
         for c in raw], key=lambda row: row[1])  # fmt: skip
    expected = Counter(
        (m["author"]["_account_id"], label, value) for c in raw for m in c["messages"]
        for label, value in _votes_stated(m["message"])
    )  # fmt: skip
    accounts = {identity_id("gerrit", None, None, f"localhost/{a}"): a for a, _, _ in expected}
    rows = store.con.execute(
        "SELECT identity_id, label, value, count(*) FROM review_events WHERE kind = 'vote' GROUP BY ALL"
    ).fetchall()
    got = Counter({(accounts[i], label, v): n for i, label, v, n in rows})
    assert got == expected and sum(got.values()) > 400
    uploads = sum(len(c["revisions"]) for c in raw)
    assert store.con.execute("SELECT count(*) FROM review_events WHERE kind = 'patchset'").fetchone()[0] == uploads

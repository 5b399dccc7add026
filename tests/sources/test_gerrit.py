"""Gerrit: the real recorded query export read in place, and the REST API replayed from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.sources import gerrit
from niche.sources.http import HttpClient
from niche.store import Store
from niche.store.reviews import import_gerrit_export, sync_gerrit

PAGES = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")


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
    assert (result.changes, result.quarantined) == (4, 1)  # 6 records, 2 of them repeats
    assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == len(distinct) == 4
    approvals = sum(len(ps.get("approvals", [])) for r in distinct.values() for ps in r["patchSets"])
    assert store.con.execute("SELECT count(*) FROM review_events WHERE kind = 'vote'").fetchone()[0] == approvals
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
    def listing(request: Request) -> Response:
        start = int(request.args.get("S", 0))
        page = [to_change_info(r) for r in changes[start : start + page_size]]
        if start + page_size < len(changes):
            page[-1]["_more_changes"] = True
        return Response(")]}'\n" + json.dumps(page), content_type="application/json")

    httpserver.expect_request("/changes/").respond_with_handler(listing)
    for r in changes:
        change_id = to_change_info(r)["id"]
        httpserver.expect_request(f"/changes/{change_id}/comments").respond_with_data(")]}'\n" + json.dumps(_inline(r)))


def test_rest_paging_and_incremental_resync(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    changes = list(_distinct(_records(fixtures)).values())
    _serve(httpserver, changes)
    with HttpClient(httpserver.url_for("")) as client:
        full = sync_gerrit(store, client, project="operations/puppet")
    assert (full.changes, full.requests) == (4, 2 + 4)  # two pages of two, one comments request each
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
    assert (again.changes, again.requests) == (1, 2)
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
    assert result.changes == 1 and result.requests == 3


def test_rest_invalid_json_is_quarantined(store: Store, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/changes/").respond_with_data(')]}\'\n[{"_number": 1, "proj')
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert (result.changes, result.quarantined) == (0, 1)
    error = store.con.execute("SELECT error FROM quarantine").fetchone()[0]
    assert error.startswith("unreadable page of changes (S=0)")


def test_a_change_of_the_wrong_shape_is_quarantined(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    """An owner that is a string, not an account (AttributeError in the reader): that change is set
    aside, the others are stored."""
    changes = list(_distinct(_records(fixtures)).values())[:3]
    page = [to_change_info(r) for r in changes]
    page[1]["owner"] = "jdoe"
    httpserver.expect_request("/changes/").respond_with_data(")]}'\n" + json.dumps(page))
    for info, r in zip(page, changes, strict=True):
        httpserver.expect_request(f"/changes/{info['id']}/comments").respond_with_data(
            ")]}'\n" + json.dumps(_inline(r))
        )
    with HttpClient(httpserver.url_for("")) as client:
        result = sync_gerrit(store, client)
    assert (result.changes, result.quarantined) == (2, 1)
    error = store.con.execute("SELECT error FROM quarantine").fetchone()[0]
    assert error.startswith("unreadable change: AttributeError")


def test_a_change_missing_fields_still_counts(store: Store, fixtures: Path) -> None:
    record = dict(_records(fixtures)[0])
    del record["owner"], record["patchSets"]
    change = gerrit.from_ssh(record)
    assert change.owner is None and change.insertions is None
    kinds = {e.kind for e in change.events}
    assert "merged" in kinds and "vote" not in kinds  # votes live in patch sets, which are missing


def test_votes_in_rest_messages() -> None:
    votes = gerrit.votes_in_message(None, 1, "Patch Set 3: Code-Review+2 Workflow+1 Verified-1\n\nlgtm")
    assert [(v.patchset, v.label, v.value) for v in votes] == [
        (3, "Code-Review", 2),
        (3, "Workflow", 1),
        (3, "Verified", -1),
    ]
    assert gerrit.votes_in_message(None, 1, "Patch Set 2: -Code-Review") == []

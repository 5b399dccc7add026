"""Gerrit: changes, patch sets, votes, review messages and inline comments.

Two inputs give the same `Change`s: the REST API (`/changes/`, paged with `S=` while
`_more_changes` is set, incremental with `after:`), and the JSON an administrator gets from
`ssh -p 29418 HOST gerrit query --format=JSON --all-approvals --comments --patch-sets ...`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from niche.errors import SourceError
from niche.sources.bounds import SUBJECT_LIMIT, bounded
from niche.sources.changes import Account, Change, Event, epoch
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.gerrit_messages import read_message
from niche.sources.http import HttpClient

XSSI_PREFIX = ")]}'"
REST_OPTIONS = ("DETAILED_ACCOUNTS", "ALL_REVISIONS", "MESSAGES", "DETAILED_LABELS")
PAGE_SIZE = 100
_CHANGE_REF = re.compile(r"^refs/changes/\d+/(\d+)/\d+$")


def _account(data: dict[str, Any] | int | None) -> Account | None:
    """An account as any Gerrit record names it: in full, by name and number, or (as some saved
    data does) by its bare number."""
    if isinstance(data, int) and not isinstance(data, bool):
        return Account(None, None, None, data)
    if not data:
        return None
    if not isinstance(data, dict):
        raise TypeError(f"an account is an object or an account number, not {data!r}")
    number = data.get("_account_id")
    return Account(data.get("name") or None, data.get("email") or None, data.get("username") or None,
                   number if isinstance(number, int) else None)  # fmt: skip


def from_ssh(record: dict[str, Any]) -> Change:
    """A change from `gerrit query --format=JSON --all-approvals --comments --patch-sets`."""
    owner = _account(record.get("owner"))
    events = [Event("created", owner, record.get("createdOn"))]
    patchsets = record.get("patchSets") or []
    # The export has no time for inline comments; they were published with the reviewer's
    # "Patch Set N: ... (K comments)" message on that patch set.
    published: dict[tuple[str | None, int], int] = {}
    for message in record.get("comments") or []:
        text = message.get("message") or ""
        match = re.match(r"Patch Set (\d+):", text)
        if match and re.search(r"\(\d+ (inline )?comments?\)", text):
            key = ((message.get("reviewer") or {}).get("username"), int(match.group(1)))
            published.setdefault(key, message.get("timestamp"))
    seen_approvals: set[tuple] = set()
    for ps in patchsets:
        number = ps.get("number")
        events.append(
            Event("patchset", _account(ps.get("uploader")), ps.get("createdOn"), number, detail=ps.get("kind"))
        )
        for approval in ps.get("approvals") or []:
            # --all-approvals lists a vote Gerrit copied onto a rebased patch set again, with the
            # time it was first given: one vote, kept under the patch set it was cast on.
            vote = ((approval.get("by") or {}).get("username"), approval.get("type"), str(approval.get("value")),
                    approval.get("grantedOn"))  # fmt: skip
            if vote in seen_approvals:
                continue
            seen_approvals.add(vote)
            events.append(
                Event("vote", _account(approval.get("by")), approval.get("grantedOn"), number,
                      label=approval.get("type"), value=int(approval.get("value", 0)))
            )  # fmt: skip
        for comment in ps.get("comments") or []:
            when = published.get(((comment.get("reviewer") or {}).get("username"), number))
            events.append(
                Event("comment", _account(comment.get("reviewer")), when, number, text=comment.get("message") or "",
                      inline=True, file=comment.get("file"))
            )  # fmt: skip
    for message in record.get("comments") or []:
        said = read_message(_account(message.get("reviewer")), message.get("timestamp"), message.get("message") or "",
                            None)  # fmt: skip
        events += [e for e in said if e.kind not in ("vote", "unread")]  # the approvals say them in full
    last = patchsets[-1] if patchsets else {}
    return Change(
        platform="gerrit",
        host=urlsplit(record.get("url") or "").hostname or "",
        project=record["project"],
        number=int(record["number"]),
        subject=bounded(record.get("subject"), SUBJECT_LIMIT) or "",
        owner=owner,
        status=record.get("status") or ("NEW" if record.get("open") else "UNKNOWN"),
        created=record.get("createdOn"),
        updated=record.get("lastUpdated"),
        url=record.get("url"),
        change_id=record.get("id"),
        branch=record.get("branch"),
        insertions=last.get("sizeInsertions"),
        deletions=abs(last["sizeDeletions"]) if "sizeDeletions" in last else None,
        description=record.get("commitMessage"),
        events=tuple(events),
    )


def from_rest(info: dict[str, Any], host: str, base_url: str | None,
              inline: dict[str, list[dict[str, Any]]] | None = None) -> Change:  # fmt: skip
    """A change from REST ChangeInfo (asked with REST_OPTIONS, or saved in any era) and its inline comments.

    Saved answers may be reshaped: the owner a bare account number, the change number only in a
    revision's `refs/changes/NN/NUMBER/PS`, no subject or size (then taken from the revisions).
    Votes come from the messages (their whole history, every wording) and from DETAILED_LABELS
    for any vote no message states. Without `inline` (a saved answer), the inline comments a
    message counts stand in for the comments themselves.
    """
    owner = _account(info.get("owner"))
    events = [Event("created", owner, epoch(info.get("created")))]
    revisions = sorted((info.get("revisions") or {}).values(), key=lambda r: r.get("_number", 0))
    for rev in revisions:
        events.append(Event("patchset", _account(rev.get("uploader")), epoch(rev.get("created")), rev.get("_number"),
                            detail=rev.get("kind")))  # fmt: skip
    for message in info.get("messages") or []:
        events += read_message(_account(message.get("author")), epoch(message.get("date")),
                               message.get("message") or "", message.get("_revision_number"),
                               count_inline=inline is None)  # fmt: skip
    events += _label_votes(info, [e for e in events if e.kind == "vote"], revisions)
    for path, comments in (inline or {}).items():
        for c in comments:
            events.append(Event("comment", _account(c.get("author")), epoch(c.get("updated")), c.get("patch_set"),
                                text=c.get("message") or "", inline=True, file=path))  # fmt: skip
    if info.get("status") == "MERGED" and not any(e.kind == "merged" for e in events):
        events.append(Event("merged", _account(info.get("submitter")), epoch(info.get("submitted"))))
    project, branch, number = _project_branch_number(info, revisions)
    last = revisions[-1] if revisions else {}
    files = last.get("files") or {}
    return Change(
        platform="gerrit",
        host=host,
        project=project,
        number=number,
        subject=bounded(info.get("subject") or (last.get("commit") or {}).get("subject"), SUBJECT_LIMIT) or "",
        owner=owner,
        status=info.get("status") or "UNKNOWN",
        created=epoch(info.get("created")),
        updated=epoch(info.get("updated")),
        url=f"{base_url}/c/{project}/+/{number}" if base_url else None,
        change_id=info.get("change_id"),
        branch=branch,
        insertions=info.get("insertions", sum(f.get("lines_inserted", 0) for f in files.values()) if files else None),
        deletions=info.get("deletions", sum(f.get("lines_deleted", 0) for f in files.values()) if files else None),
        files=len(files) or len(info.get("files") or ()) or None,
        description=(last.get("commit") or {}).get("message"),
        events=tuple(events),
    )


def _project_branch_number(info: dict[str, Any], revisions: list[dict[str, Any]]) -> tuple[str, str | None, int]:
    """From the fields, else from the change's id (`project~branch~Change-Id`) and a revision's ref."""
    id_parts = unquote(info.get("id") or "").split("~")
    project = info.get("project") or (id_parts[0] if len(id_parts) == 3 else None)
    if not project:
        raise KeyError("project")
    branch = info.get("branch") or (id_parts[1] if len(id_parts) == 3 else None)
    number = info.get("_number") or info.get("number")
    for rev in revisions if not number else ():
        match = _CHANGE_REF.match(rev.get("ref") or "")
        if match:
            number = match.group(1)
            break
    if not number:
        raise KeyError("_number (nor a revision ref refs/changes/NN/NUMBER/PS)")
    return project, branch, int(number)


def _same_account(a: Account | None, b: Account | None) -> bool:
    if a is None or b is None:
        return False
    if a.account_id is not None and b.account_id is not None:
        return a.account_id == b.account_id
    return (a.username or a.name) == (b.username or b.name)


def _label_votes(info: dict[str, Any], stated: list[Event], revisions: list[dict[str, Any]]) -> list[Event]:
    """Votes DETAILED_LABELS holds that no message states (e.g. set through the API without a
    message). A vote a message states is the same vote, whatever patch set Gerrit copied it to."""
    current = revisions[-1].get("_number") if revisions else None
    found = []
    for label, detail in (info.get("labels") or {}).items():
        for approval in (detail or {}).get("all") or []:
            value, who = approval.get("value"), _account(approval)
            if not value or any(e.label == label and e.value == value and _same_account(e.who, who) for e in stated):
                continue
            found.append(Event("vote", who, epoch(approval.get("date")), current, label=label, value=int(value),
                               detail=f"{label}{int(value):+d}"))  # fmt: skip
    return found


def parse_rest_json(text: str) -> Any:
    """Gerrit prefixes JSON with )]}' against XSSI; strip it, then parse."""
    return json.loads(text.removeprefix(XSSI_PREFIX))


def _from_export_line(line: bytes) -> Change | None:
    """The change on one line of an export; None for the statistics line that ends it."""
    record = json.loads(line)
    return None if record.get("type") == "stats" else from_ssh(record)


def read_ssh_export(path: Path) -> Iterator[tuple[Change | BadRecord, bytes]]:
    """Changes from a file of `gerrit query --format=JSON` output, one JSON object per line."""
    with path.open("rb") as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            change = read_item(partial(_from_export_line, line), line, f"{path}:{lineno}", "unreadable Gerrit change")
            if change is not None:
                yield change, line


def _from_rest_with_comments(client: HttpClient, host: str, info: dict[str, Any]) -> Change:
    # By number: the id comes URL-encoded already (project%2Fname~branch~I...), and quoting it
    # again sends %252F, which Gerrit answers with 404.
    comments = client.get(f"/changes/{int(info['_number'])}/comments")
    return from_rest(info, host, client.base_url, parse_rest_json(comments.text))


def fetch_changes(client: HttpClient, query: str, host: str) -> Iterator[tuple[Change | BadRecord, bytes]]:
    """Every change matching query, newest first, with its inline comments (one request each)."""
    start = 0
    while True:
        params = (("q", query), ("n", str(PAGE_SIZE)), ("S", str(start)), *(("o", o) for o in REST_OPTIONS))
        response = client.get("/changes/", params=httpx.QueryParams(params))  # "o" given many times
        try:
            page = parse_rest_json(response.text)
        except ValueError as exc:
            where = f"{response.url}"
            yield BadRecord(where, f"unreadable page of changes (S={start}): {exc}", response.content), response.content
            return  # the next page's offset is unknown; the next sync retries from the cursor
        for info in page:
            raw = json.dumps(info).encode()
            where = f"{client.base_url} change {info.get('_number', '?') if isinstance(info, dict) else '?'}"
            yield read_item(partial(_from_rest_with_comments, client, host, info), raw, where, "unreadable change"), raw
        if not page or not page[-1].get("_more_changes"):
            return
        start += len(page)


BATCH_CHANGES = 50


def _gerrit_time(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


class GerritServer:
    """Changes updated since the last sync (or `since`) on a Gerrit server, through its REST API.

    Gerrit lists newest first, so the cursor (the latest update seen) moves once the whole
    listing is in; a sync cut short is redone from the previous cursor, replacing, not adding.
    """

    kind, noun, batch = "gerrit", "change", BATCH_CHANGES

    def __init__(self, client: HttpClient, project: str | None = None, since: str | None = None):
        self.client, self.project, self.since = client, project, since
        self.host = urlsplit(client.base_url).hostname or client.base_url
        self.id = self.label = f"gerrit:{self.host}" + (f"/{project}" if project else "")
        self.name, self.location = project or self.host, client.base_url
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {"project": self.project}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        after = cursor.get("updated") or self.since
        terms = [f"project:{self.project}" if self.project else "", f'after:"{after}"' if after else "after:1970-01-01"]
        latest = cursor.get("updated_epoch", 0)
        for change, raw in fetch_changes(self.client, " ".join(t for t in terms if t), self.host):
            self.tally.requests = self.client.requests
            if isinstance(change, BadRecord):
                yield change
            else:
                latest = max(latest, change.updated or 0)
                yield Item(change.key, "gerrit-change", raw, change)
        self.tally.requests = self.client.requests
        if latest:
            yield Checkpoint({"updated": _gerrit_time(latest), "updated_epoch": latest})


class GerritExport:
    """A `gerrit query --format=JSON` export file (one change per line), read whole each time."""

    kind, noun, batch = "gerrit", "change", BATCH_CHANGES

    def __init__(self, path: Path):
        self.path = path
        self.location = str(path.resolve())
        self.id = self.label = f"gerrit-export:{self.location}"
        self.name = path.name
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        if not self.path.is_file():
            raise SourceError(f"{self.path}: no such file")
        for change, raw in read_ssh_export(self.path):
            yield change if isinstance(change, BadRecord) else Item(change.key, "gerrit-change", raw, change)

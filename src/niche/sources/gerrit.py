"""Gerrit: changes, patch sets, votes, review messages and inline comments.

Two inputs give the same `Change`s: the REST API (`/changes/`, paged with `S=` while
`_more_changes` is set, incremental with `after:`), and the JSON an administrator gets from
`ssh -p 29418 HOST gerrit query --format=JSON --all-approvals --comments --patch-sets ...`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from niche.sources.changes import Account, Change, Event, epoch
from niche.sources.contract import BadRecord, read_item
from niche.sources.http import HttpClient

XSSI_PREFIX = ")]}'"
REST_OPTIONS = ("DETAILED_ACCOUNTS", "ALL_REVISIONS", "MESSAGES", "DETAILED_LABELS")
PAGE_SIZE = 100
_VOTE = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)([+-]\d+)\b")
_PATCH_SET_LINE = re.compile(r"^Patch Set (\d+):?(.*)$", re.M)
_COMMENT_COUNT = re.compile(r"^\s*\(\d+ (inline )?comments?\)\s*$", re.M)


def _account(data: dict[str, Any] | None) -> Account | None:
    if not data:
        return None
    username = data.get("username") or (str(data["_account_id"]) if "_account_id" in data else None)
    return Account(data.get("name"), data.get("email") or None, username)


def message_events(who: Account | None, at: int | None, message: str, patchset: int | None) -> list[Event]:
    """What a Gerrit change message records: a merge, an abandon, a restore, or a comment.

    Uploads are left out (patch sets are events of their own); the `Patch Set N: Label+1` line
    and `(3 comments)` counters are Gerrit's, not the person's words, so they are stripped.
    """
    lines = message.strip().splitlines()
    first = lines[0] if lines else ""
    if first.startswith("Uploaded patch set") or re.match(r"Patch Set \d+: Patch Set \d+ was rebased", first):
        return []
    if re.match(r"Change has been successfully (merged|cherry-picked|pushed|rebased and submitted)", first):
        return [Event("merged", who, at, patchset)]
    for kind in ("abandoned", "restored"):
        if first.lower().startswith(kind):
            return [Event(kind, who, at, patchset, text="\n".join(lines[1:]).strip() or None)]
    match = _PATCH_SET_LINE.match(first)
    if match:
        patchset = int(match.group(1))
        lines = lines[1:]
    words = "\n".join(line for line in lines if not _COMMENT_COUNT.fullmatch(line)).strip()
    return [Event("comment", who, at, patchset, text=words)] if words else []


def votes_in_message(who: Account | None, at: int | None, message: str) -> list[Event]:
    """Votes stated on a message's first line, e.g. 'Patch Set 3: Code-Review+2 Workflow+1' (REST)."""
    match = _PATCH_SET_LINE.match(message.strip().split("\n", 1)[0])
    if not match:
        return []
    return [
        Event("vote", who, at, int(match.group(1)), label=label, value=int(value))
        for label, value in _VOTE.findall(match.group(2))
    ]


def from_ssh(record: dict[str, Any]) -> Change:
    """A change from `gerrit query --format=JSON --all-approvals --comments --patch-sets`."""
    owner = _account(record.get("owner"))
    events = [Event("created", owner, record.get("createdOn"))]
    patchsets = record.get("patchSets") or []
    # The export has no time for inline comments; they were published with the reviewer's
    # "Patch Set N: ... (K comments)" message on that patch set.
    published: dict[tuple[str | None, int], int] = {}
    for message in record.get("comments") or []:
        match = _PATCH_SET_LINE.match(message.get("message") or "")
        if match and _COMMENT_COUNT.search(message.get("message") or ""):
            key = ((message.get("reviewer") or {}).get("username"), int(match.group(1)))
            published.setdefault(key, message.get("timestamp"))
    for ps in patchsets:
        number = ps.get("number")
        events.append(
            Event("patchset", _account(ps.get("uploader")), ps.get("createdOn"), number, detail=ps.get("kind"))
        )
        for approval in ps.get("approvals") or []:
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
        events += message_events(
            _account(message.get("reviewer")), message.get("timestamp"), message.get("message") or "", None
        )
    last = patchsets[-1] if patchsets else {}
    return Change(
        platform="gerrit",
        host=urlsplit(record.get("url") or "").hostname or "",
        project=record["project"],
        number=int(record["number"]),
        subject=record.get("subject") or "",
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


def from_rest(host: str, base_url: str, info: dict[str, Any], inline: dict[str, list[dict[str, Any]]] | None) -> Change:
    """A change from REST ChangeInfo (with the options in REST_OPTIONS) and its inline comments."""
    owner = _account(info.get("owner"))
    events = [Event("created", owner, epoch(info.get("created")))]
    revisions = sorted((info.get("revisions") or {}).values(), key=lambda r: r.get("_number", 0))
    for rev in revisions:
        events.append(
            Event(
                "patchset",
                _account(rev.get("uploader")),
                epoch(rev.get("created")),
                rev.get("_number"),
                detail=rev.get("kind"),
            )
        )
    for message in info.get("messages") or []:
        who, at, text = _account(message.get("author")), epoch(message.get("date")), message.get("message") or ""
        events += votes_in_message(who, at, text)
        events += message_events(who, at, text, message.get("_revision_number"))
    for path, comments in (inline or {}).items():
        for c in comments:
            events.append(Event("comment", _account(c.get("author")), epoch(c.get("updated")), c.get("patch_set"),
                                text=c.get("message") or "", inline=True, file=path))  # fmt: skip
    if info.get("status") == "MERGED" and not any(e.kind == "merged" for e in events):
        events.append(Event("merged", _account(info.get("submitter")), epoch(info.get("submitted"))))
    number = int(info["_number"])
    return Change(
        platform="gerrit",
        host=host,
        project=info["project"],
        number=number,
        subject=info.get("subject") or "",
        owner=owner,
        status=info.get("status") or "UNKNOWN",
        created=epoch(info.get("created")),
        updated=epoch(info.get("updated")),
        url=f"{base_url}/c/{info['project']}/+/{number}",
        change_id=info.get("change_id"),
        branch=info.get("branch"),
        insertions=info.get("insertions"),
        deletions=info.get("deletions"),
        description=(revisions[-1].get("commit") or {}).get("message") if revisions else None,
        events=tuple(events),
    )


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
    comments = client.get(f"/changes/{quote(info['id'], safe='')}/comments")
    return from_rest(host, client.base_url, info, parse_rest_json(comments.text))


def fetch_changes(client: HttpClient, query: str, host: str) -> Iterator[tuple[Change | BadRecord, bytes]]:
    """Every change matching query, newest first, with its inline comments (one request each)."""
    start = 0
    while True:
        params = [("q", query), ("n", str(PAGE_SIZE)), ("S", str(start))] + [("o", o) for o in REST_OPTIONS]
        response = client.get("/changes/", params=params)
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

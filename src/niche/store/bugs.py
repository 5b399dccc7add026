"""Write bugs (Launchpad) and GitHub issues into the store: reporters, commenters and triagers.

A bug is one item, rewritten whole when it changed; the cursor is the last-update time of the
last bug stored, and tasks come oldest change first, so a stopped sync resumes from there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from niche.sources.changes import Account
from niche.sources.contract import BadRecord
from niche.sources.github import Issue
from niche.sources.http import HttpClient
from niche.sources.launchpad import Bug, LaunchpadReader, Person
from niche.store.db import Store
from niche.store.rows import Rows


@dataclass
class BugSync:
    source: str
    bugs: int = 0
    quarantined: int = 0
    requests: int = 0


def write_issue(store: Store, source: str, issue: Issue, raw: bytes) -> None:
    """Replace one GitHub issue (call inside a transaction)."""
    rows = Rows()
    item_id = str(issue.number)

    def person(account: Account | None) -> str | None:
        return rows.identity("github", account.name, account.email, account.username) if account else None

    security = any("security" in label.lower() for label in issue.labels)
    rows.raw(source, item_id, "github-issue", raw)
    rows.add("bugs", source=source, item_id=item_id, tracker="github", project=issue.repo, number=issue.number,
             title=issue.title, description=issue.body, owner_id=person(issue.author), created_at=issue.created,
             updated_at=issue.updated, status=issue.state, assignee=next(iter(issue.assignees), None),
             tags=list(issue.labels), security=security, private=False, url=issue.url)  # fmt: skip
    for e in issue.events:
        who = person(e.who)
        if who is None:
            continue
        attrs = {"number": issue.number, "security": security, "title": issue.title,
                 "own_issue": e.who == issue.author}  # fmt: skip
        if e.text is not None:
            attrs["length"] = len(e.text)
        if e.detail:
            attrs["detail"] = e.detail
        kind = "issue.marked_duplicate" if e.kind == "marked_as_duplicate" else f"issue.{e.kind}"
        rows.add("activities", source=source, item_id=item_id, kind=kind, identity_id=who, occurred_at=e.at,
                 project=issue.repo, repo=issue.repo, object_id=item_id, attrs=json.dumps(attrs))  # fmt: skip
    rows.write(store, source, [item_id])


def write_bug(store: Store, source: str, project: str, bug: Bug, raw: bytes) -> None:
    """Replace one bug (call inside a transaction)."""
    rows = Rows()
    item_id = str(bug.number)

    def person(p: Person | None) -> str | None:
        return rows.identity("launchpad", p.name, None, p.username) if p else None

    task = bug.tasks[0] if bug.tasks else {}
    rows.raw(source, item_id, "launchpad-bug", raw)
    rows.add("bugs", source=source, item_id=item_id, tracker="launchpad", project=project, number=bug.number,
             title=bug.title, description=bug.description, owner_id=person(bug.owner), created_at=bug.created,
             updated_at=bug.updated, status=task.get("status"), importance=task.get("importance"),
             assignee=task.get("assignee"), tags=bug.tags, security=bug.security, private=bug.private,
             duplicate_of=bug.duplicate_of, url=bug.url)  # fmt: skip
    for e in bug.events:
        who = person(e.who)
        if who is None:
            continue
        attrs = {"bug": bug.number, "security": bug.security, "title": bug.title} | e.detail
        rows.add("activities", source=source, item_id=item_id, kind=f"bug.{e.kind}", identity_id=who,
                 occurred_at=e.at, project=project, object_id=item_id, attrs=json.dumps(attrs))  # fmt: skip
    rows.write(store, source, [item_id])


def sync_launchpad(store: Store, client: HttpClient, project: str, since: str | None = None,
                   progress: Callable[[int], None] | None = None) -> BugSync:  # fmt: skip
    """Fetch the bugs of a Launchpad project (or 'distro/+source/package') changed since the last sync."""
    host = urlsplit(client.base_url).hostname or client.base_url
    source = f"launchpad:{host}/{project}"
    result = BugSync(source)
    with store.transaction():
        store.register_source(source, "launchpad", project, f"{client.base_url}/{project}", {})
    cursor = store.cursor(source) or {}
    reader = LaunchpadReader(client, project)
    for task in reader.tasks(cursor.get("since") or since):
        bug, raw = reader.bug(task)
        with store.transaction():
            if isinstance(bug, BadRecord):
                store.quarantine(source, bug.location, bug.location, bug.error, bug.raw)
                result.quarantined += 1
            else:
                write_bug(store, source, project, bug, raw)
                result.bugs += 1
            if updated := _updated(bug):
                store.set_cursor(source, {"since": updated})
        if progress:
            progress(result.bugs)
    with store.transaction():
        store.mark_synced(source)
    result.requests = client.requests
    return result


def _updated(bug: Bug | BadRecord) -> str | None:
    if isinstance(bug, BadRecord) or bug.updated is None:
        return None
    return datetime.fromtimestamp(bug.updated, UTC).isoformat()

"""Bugs (Launchpad) and GitHub issues into rows: reporters, commenters and triagers.

A bug is one item, rewritten whole when it changed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from niche.sources.changes import Account
from niche.sources.contract import Item, Source
from niche.sources.github import Issue
from niche.sources.launchpad import Bug, Person
from niche.store.rows import Rows


def issue_rows(source: Source, items: Sequence[Item[Issue]]) -> Rows:
    rows = Rows()
    for item in items:
        _issue(rows, source.id, item.record, item.raw)
    return rows


def bug_rows(source: Source, items: Sequence[Item[Bug]]) -> Rows:
    rows = Rows()
    for item in items:
        _bug(rows, source.id, source.name, item.record, item.raw)
    return rows


def _issue(rows: Rows, source: str, issue: Issue, raw: bytes) -> None:
    item_id = str(issue.number)

    def person(account: Account | None) -> str | None:
        return rows.identity(issue.tracker, account.name, account.email, account.username) if account else None

    security = any("security" in label.lower() for label in issue.labels)
    rows.raw(source, item_id, f"{issue.tracker}-issue", raw)
    rows.add("bugs", source=source, item_id=item_id, tracker=issue.tracker, project=issue.repo, number=issue.number,
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


def _bug(rows: Rows, source: str, project: str, bug: Bug, raw: bytes) -> None:
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

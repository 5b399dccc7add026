"""Launchpad bugs through its REST API 1.0 (anonymous): who reported, commented and triaged.

Bug tasks are listed with `searchTasks`, oldest change first, from `modified_since`, so a sync
can resume from the last bug it stored. Each bug then brings its messages and its activity log:
the log is where triage lives (status, importance, assignee and tag changes, duplicates,
security flags), each change with who made it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from niche.errors import SourceError
from niche.sources.bounds import SUBJECT_LIMIT, bounded
from niche.sources.changes import epoch
from niche.sources.contract import BadRecord, Cursor, Item, Tally, Yielded, read_item
from niche.sources.http import HttpClient

DEFAULT_API_URL = "https://api.launchpad.net/1.0"
STATUSES = ("New", "Incomplete", "Opinion", "Invalid", "Won't Fix", "Expired", "Confirmed", "Triaged", "In Progress",
            "Fix Committed", "Fix Released", "Incomplete (with response)", "Incomplete (without response)")  # fmt: skip
TRIAGE_STATUSES = {"Confirmed", "Triaged", "Incomplete", "Invalid", "Won't Fix", "Opinion", "Expired"}


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str | None


@dataclass(frozen=True, slots=True)
class BugEvent:
    kind: str  # reported, comment, triaged, status_changed, importance_changed, assigned, tagged, ...
    who: Person | None
    at: int | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bug:
    number: int
    title: str
    description: str
    owner: Person | None
    created: int | None
    updated: int | None
    tags: list[str]
    security: bool
    private: bool
    duplicate_of: int | None
    tasks: list[dict[str, Any]]  # target, status, importance, assignee
    events: list[BugEvent]
    url: str


def _link_path(link: str, client: HttpClient) -> str:
    """A link Launchpad gave, as a path under the client's base URL (self-hosted or test servers
    answer with links to their own host)."""
    base_path = urlsplit(client.base_url).path.rstrip("/")
    split = urlsplit(link)
    path = split.path[len(base_path) :] if base_path and split.path.startswith(base_path) else split.path
    if path.startswith("/1.0/"):
        path = path[4:]
    return path + (f"?{split.query}" if split.query else "")


def _collection(client: HttpClient, path: str, params: dict | None = None) -> Iterator[dict[str, Any]]:
    """Every entry of a collection, following next_collection_link."""
    answer = client.get(path, params=params).json()
    while True:
        yield from answer.get("entries", [])
        following = answer.get("next_collection_link")
        if not following:
            return
        answer = client.get(_link_path(following, client)).json()


class LaunchpadReader:
    """Reads one project's (or distribution package's) bugs."""

    def __init__(self, client: HttpClient, target: str):
        self.client, self.target = client, target.strip("/")
        self.people: dict[str, Person] = {}

    def person(self, link: str | None) -> Person | None:
        if not link:
            return None
        username = link.rstrip("/").rsplit("~", 1)[-1]
        if username not in self.people:
            try:
                name = self.client.get(_link_path(link, self.client)).json().get("display_name")
            except (SourceError, ValueError):
                name = None  # a deleted or suspended account: known by its username only
            self.people[username] = Person(username, name)
        return self.people[username]

    def tasks(self, since: str | None) -> Iterator[dict[str, Any]]:
        """Bug tasks changed since `since` (ISO date), oldest change first."""
        params = {"ws.op": "searchTasks", "order_by": "date_last_updated", "omit_duplicates": "false",
                  "status": list(STATUSES), "modified_since": since or "1970-01-01T00:00:00+00:00"}  # fmt: skip
        yield from _collection(self.client, f"/{self.target}", params)

    def bug(self, task: dict[str, Any]) -> tuple[Bug | BadRecord, bytes]:
        """The bug a task belongs to, with its messages and activity log; raw is what was read."""
        link = task.get("bug_link") or ""
        read: dict[str, Any] = {}

        def parse() -> Bug:
            read["bug"] = data = self.client.get(_link_path(link, self.client)).json()
            read["messages"] = list(_collection(self.client, f"/bugs/{data['id']}/messages"))
            read["activity"] = list(_collection(self.client, f"/bugs/{data['id']}/activity"))
            return self._bug(task, data, read["messages"], read["activity"])

        found = read_item(parse, json.dumps(task).encode(), link or "bug task", "unusable bug")
        return found, b"" if isinstance(found, BadRecord) else json.dumps({"task": task, **read}).encode()

    def _bug(self, task: dict, data: dict, messages: list[dict], activity: list[dict]) -> Bug:
        return bug_record(task, data, messages, activity, self.person)


def bug_record(task: dict, data: dict, messages: list[dict], activity: list[dict],
               person: Callable[[str | None], Person | None]) -> Bug:  # fmt: skip
    """A bug task's bug with its messages and activity log; `person` names the account of a link."""
    owner = person(data.get("owner_link"))
    events = [BugEvent("reported", owner, epoch(data.get("date_created")))]
    for m in messages[1:]:  # the first message is the bug's description
        events.append(BugEvent("comment", person(m.get("owner_link")), epoch(m.get("date_created")),
                               {"length": len(m.get("content") or "")}))  # fmt: skip
    for change in activity:
        kind = _activity_kind(change.get("whatchanged") or "", change.get("newvalue"), change.get("message"))
        if kind:
            events.append(BugEvent(kind, person(change.get("person_link")), epoch(change.get("datechanged")),
                                   {"what": change.get("whatchanged"), "old": change.get("oldvalue"),
                                    "new": change.get("newvalue")}))  # fmt: skip
    information_type = data.get("information_type") or ""
    duplicate = data.get("duplicate_of_link")
    return Bug(
        number=int(data["id"]),
        title=bounded(data.get("title"), SUBJECT_LIMIT) or "",
        description=data.get("description") or "",
        owner=owner,
        created=epoch(data.get("date_created")),
        updated=epoch(data.get("date_last_updated")),
        tags=list(data.get("tags") or []),
        security=bool(data.get("security_related")) or "Security" in information_type,
        private=bool(data.get("private")),
        duplicate_of=int(duplicate.rstrip("/").rsplit("/", 1)[-1]) if duplicate else None,
        tasks=[{"target": task.get("bug_target_name"), "status": task.get("status"),
                "importance": task.get("importance"), "assignee": (person(task.get("assignee_link"))
                                                                   or Person("", None)).username or None}],
        events=events,
        url=data.get("web_link") or f"https://bugs.launchpad.net/bugs/{data['id']}",
    )  # fmt: skip


def _activity_kind(what: str, new: str | None, message: str | None) -> str | None:
    """The kind of triage an activity-log entry records; None for the report itself."""
    field_name = what.rsplit(": ", 1)[-1].lower()
    if what == "bug" and (message or "").startswith("added bug"):
        return None  # the report itself, credited from the bug's owner and date
    if field_name == "status":
        if new == "Fix Released":
            return "fix_released"
        return "triaged" if new in TRIAGE_STATUSES else "status_changed"
    if field_name == "importance":
        return "importance_changed"
    if field_name == "assignee":
        return "assigned"
    if field_name == "tags":
        return "tagged"
    if "duplicate" in what:
        return "marked_duplicate"
    if what in ("security vulnerability", "information type", "visibility", "private"):
        return "security_changed"
    return "edited"


class LaunchpadBugs:
    """The bugs of a Launchpad project (or 'distro/+source/package') changed since the last sync.

    Tasks come oldest change first, so the cursor (the last change stored) advances with every bug
    and a stopped sync resumes from there.
    """

    kind, noun, batch = "launchpad", "bug", 1

    def __init__(self, client: HttpClient, project: str, since: str | None = None):
        self.client, self.project, self.since = client, project, since
        host = urlsplit(client.base_url).hostname or client.base_url
        self.id = self.label = f"launchpad:{host}/{project}"
        self.name, self.location = project, f"{client.base_url}/{project}"
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        reader = LaunchpadReader(self.client, self.project)
        for task in reader.tasks(cursor.get("since") or self.since):
            bug, raw = reader.bug(task)
            self.tally.requests = self.client.requests
            if isinstance(bug, BadRecord):
                yield bug
            else:
                updated = datetime.fromtimestamp(bug.updated, UTC).isoformat() if bug.updated is not None else None
                yield Item(str(bug.number), "launchpad-bug", raw, bug, {"since": updated} if updated else None)
        self.tally.requests = self.client.requests

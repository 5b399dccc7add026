"""GitLab: merge requests with their pushed versions, approvals, notes and merges; issues with
their notes and triage.

GitLab answers in the same terms as Gerrit and GitHub once read: a merge request is a `Change`
(each pushed version a patch set, an approval a +1 review, a note a comment, inline when it
sits on a diff line), an issue is an `Issue` whose label, assignee, milestone and state changes
are triage. What the API does not say outright (who approved when, who pushed a version, who
merged before GitLab recorded `merged_by`) it says in system notes, which every GitLab version
writes and which a Perceval item carries too, so both routes read the same events. Newer
servers keep label, state and milestone changes as resource events instead of notes; those are
read where the server has them (an older server answers 404, read as none).

Listings are ordered by last update, oldest first, and paged by the Link header, so the cursor
advances with every item. A merge request updated while its listing is read moves to the end
of the listing and shifts the pages under it, so the listing is asked again from the last
update seen, as Perceval does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from niche.errors import SourceError
from niche.sources.changes import Account, Change, Event, epoch
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.github import Issue
from niche.sources.http import HttpClient

DEFAULT_API_URL = "https://gitlab.com/api/v4"
STATUS = {"opened": "open", "locked": "open", "reopened": "open"}  # merged and closed stay as they are


def api_url(url: str) -> str:
    """The API root of a GitLab server named by its address (https://gitlab.gnome.org) or its API."""
    url = url.rstrip("/")
    return url if urlsplit(url).path.endswith("/api/v4") else f"{url}/api/v4"


def _account(user: Any) -> Account | None:
    if not isinstance(user, dict) or not user.get("username"):
        return None
    return Account(user.get("name"), user.get("email") or user.get("public_email") or None, user["username"])


# System notes, as GitLab has worded them over the years (API v4 `body` of notes with system=true).
_NOTE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("approved", r"^approved this merge request"),
        ("unapproved", r"^unapproved this merge request"),
        ("changes_requested", r"^requested changes"),
        ("pushed", r"^added \d+ (new )?commits?"),
        ("merged", r"^(merged|status changed to merged)\b"),
        ("closed", r"^(closed|status changed to closed)\b"),
        ("reopened", r"^(reopened|status changed to reopened)\b"),
        ("marked_as_duplicate", r"^marked this (issue|merge request) as a duplicate"),
        ("transferred", r"^moved (to|from) "),
        ("renamed", r"^changed title from "),
        ("locked", r"^locked (this|the discussion)"),
        ("demilestoned", r"^removed milestone"),
        ("milestoned", r"^(changed milestone to|milestone changed to) "),
    )
)
# Each label starts at its own "~" and holds none, so a note splits into labels one way only
# (linear time on any body, however hostile).
_LABELS = re.compile(r'\b(added|removed) ((?:~(?:"[^"~]*"|[^\s~"]+)\s*)+?) labels?\b', re.IGNORECASE)
_LABEL = re.compile(r'~"([^"~]*)"|~([^\s~"]+)')
_ASSIGNEES = re.compile(r"\b(assigned to|unassigned) ((?:@[\w.\-]+(?:,\s*|\s+and\s+|\s*))+)", re.IGNORECASE)


def system_note_events(note: dict[str, Any]) -> list[Event]:
    """What one system note says someone did: label and assignee changes (several may share a
    note), or one of the actions in _NOTE_RULES. Notifications ("mentioned in") say nothing."""
    body = str(note.get("body") or "")[:2000]  # a system note is one line of GitLab's own words
    who, at = _account(note.get("author")), epoch(note.get("created_at"))
    found = [
        Event("labeled" if verb.lower() == "added" else "unlabeled", who, at, detail=quoted or bare)
        for verb, labels in _LABELS.findall(body)
        for quoted, bare in _LABEL.findall(labels)
    ]
    for verb, users in _ASSIGNEES.findall(body):
        kind = "assigned" if verb.lower() == "assigned to" else "unassigned"
        found += [Event(kind, who, at, detail=u) for u in re.findall(r"@([\w.\-]+)", users)]
    if not found:
        said = next((kind for kind, rule in _NOTE_RULES if rule.search(body.strip())), None)
        if said:
            found.append(Event(said, who, at, detail=body.strip()[:200] if said == "transferred" else None))
    return found


def _comments(notes: list[Any]) -> list[Event]:
    """A note in a person's own words is a comment; one on a diff line is inline, on its file."""
    events = []
    for note in notes:
        if note.get("system"):
            continue
        position = note.get("position") if isinstance(note.get("position"), dict) else {}
        inline = note.get("type") == "DiffNote" or bool(position)
        path = (position.get("new_path") or position.get("old_path")) if inline else None
        events.append(Event("comment", _account(note.get("author")), epoch(note.get("created_at")),
                            text=str(note.get("body") or ""), inline=inline, file=path))  # fmt: skip
    return events


def _lines(version: dict[str, Any]) -> tuple[int, int] | None:
    """Lines added and deleted in a version's diffs, when the version was read with them."""
    diffs = version.get("diffs")
    if not isinstance(diffs, list):
        return None
    added = deleted = 0
    for d in diffs:
        for line in str(d.get("diff") or "").splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                deleted += 1
    return added, deleted


def merge_request_change(host: str, project: str, merge: dict[str, Any], notes: list[Any], versions: list[Any]
                         ) -> Change:  # fmt: skip
    """One merge request as read from GitLab (the single-MR answer, its notes, its versions; the
    `data` of a Perceval item holds the same as `notes_data` and `versions_data`)."""
    owner = _account(merge.get("author"))
    said = [e for n in notes if n.get("system") for e in system_note_events(n)]
    events = [Event("created", owner, epoch(merge.get("created_at")), text=merge.get("description") or None)]
    pushes = [e for e in said if e.kind == "pushed"]
    ordered = sorted(versions, key=lambda v: (epoch(v.get("created_at")) or 0, v.get("id") or 0))
    for number, version in enumerate(ordered, start=1):
        at = epoch(version.get("created_at"))
        pusher = min(pushes, key=lambda e: abs((e.at or 0) - (at or 0)), default=None)
        who = pusher.who if pusher and at and pusher.at and abs(pusher.at - at) <= 120 else owner
        events.append(Event("patchset", who, at, number, detail=version.get("head_commit_sha")))
    last = len(ordered) or None
    for e in said:
        if e.kind in ("approved", "unapproved", "changes_requested"):
            value = {"approved": 1, "unapproved": 0, "changes_requested": -1}[e.kind]
            events.append(Event("vote", e.who, e.at, last, label="review", value=value, detail=e.kind.upper()))
        elif e.kind == "reopened":
            events.append(Event("restored", e.who, e.at))
    events += _comments(notes)
    status = STATUS.get(merge.get("state") or "", merge.get("state") or "unknown")
    note_of = {e.kind: e for e in said}
    if status == "merged":
        noted = note_of.get("merged")
        who = _account(merge.get("merged_by")) or (noted.who if noted else None)
        at = epoch(merge.get("merged_at")) or (noted.at if noted else None)
        if at is not None:
            events.append(Event("merged", who, at))
    elif status == "closed":
        noted = note_of.get("closed")
        events.append(Event("abandoned", _account(merge.get("closed_by")) or (noted.who if noted else None),
                            epoch(merge.get("closed_at")) or (noted.at if noted else None)))  # fmt: skip
    lines = _lines(ordered[-1]) if ordered else None
    diffs = ordered[-1].get("diffs") if ordered else None
    return Change(
        platform="gitlab",
        host=host,
        project=project,
        number=int(merge["iid"]),
        subject=merge.get("title") or "",
        owner=owner,
        status=status,
        created=epoch(merge.get("created_at")),
        updated=epoch(merge.get("updated_at")),
        url=merge.get("web_url"),
        branch=merge.get("target_branch"),
        insertions=lines[0] if lines else None,
        deletions=lines[1] if lines else None,
        files=len(diffs) if isinstance(diffs, list) else None,
        description=merge.get("description"),
        events=tuple(events),
    )


TRIAGE = {"labeled", "unlabeled", "assigned", "unassigned", "closed", "reopened", "milestoned", "demilestoned",
          "marked_as_duplicate", "locked", "transferred", "renamed"}  # fmt: skip


def resource_events(label_events: list[Any], state_events: list[Any], milestone_events: list[Any]) -> list[Event]:
    """Label, state and milestone changes as newer GitLab keeps them (resource_*_events)."""
    events = []
    for e in label_events:
        kind = "labeled" if e.get("action") == "add" else "unlabeled"
        events.append(Event(kind, _account(e.get("user")), epoch(e.get("created_at")),
                            detail=(e.get("label") or {}).get("name")))  # fmt: skip
    for e in state_events:
        if e.get("state") in ("closed", "reopened"):
            events.append(Event(e["state"], _account(e.get("user")), epoch(e.get("created_at"))))
    for e in milestone_events:
        kind = "milestoned" if e.get("action") == "add" else "demilestoned"
        events.append(Event(kind, _account(e.get("user")), epoch(e.get("created_at")),
                            detail=(e.get("milestone") or {}).get("title")))  # fmt: skip
    return events


def issue_record(project: str, issue: dict[str, Any], notes: list[Any], resource: Sequence[Event] = ()) -> Issue:
    """One issue: who opened it, commented, and triaged it (system notes and resource events; a
    change a server reports both ways, within a minute by the same person, counts once)."""
    author = _account(issue.get("author"))
    done = [Event("opened", author, epoch(issue.get("created_at")), text=issue.get("description") or None)]
    done += _comments(notes)
    triage = list(resource)
    for e in (e for n in notes if n.get("system") for e in system_note_events(n)):
        if e.kind in TRIAGE and not any(
            r.kind == e.kind and r.who == e.who and abs((r.at or 0) - (e.at or 0)) <= 60 for r in resource
        ):
            triage.append(e)
    done += sorted(triage, key=lambda e: e.at or 0)
    return Issue(
        repo=project,
        number=int(issue["iid"]),
        title=issue.get("title") or "",
        body=issue.get("description") or "",
        author=author,
        state=STATUS.get(issue.get("state") or "", issue.get("state") or "unknown"),
        created=epoch(issue.get("created_at")),
        updated=epoch(issue.get("updated_at")),
        labels=tuple(
            str(label.get("name", "") if isinstance(label, dict) else label) for label in issue.get("labels") or []
        ),
        assignees=tuple(a.get("username", "") for a in issue.get("assignees") or [] if isinstance(a, dict)),
        url=issue.get("web_url"),
        events=tuple(done),
        tracker="gitlab",
    )


class Restart(SourceError):
    """The listing moved under us (an item changed while it was read): list again from `since`.
    A SourceError so that reading the one item does not quarantine it; `merge_requests` catches it."""

    def __init__(self, since: str | None):
        super().__init__(f"merge request listing changed while read; listing again from {since}")
        self.since = since


class GitLabProject:
    """Reads one project's merge requests and issues through the REST API v4."""

    def __init__(self, client: HttpClient, path: str):
        self.client, self.path = client, path.strip("/")
        self.host = urlsplit(client.base_url).hostname or "gitlab.com"
        self._base: str | None = None

    @property
    def base(self) -> str:
        """The project's API path, by its numeric id (asked once: it also says the project exists)."""
        if self._base is None:
            project = self.client.get(f"/projects/{quote(self.path, safe='')}").json()
            if not isinstance(project, dict) or "id" not in project:
                raise SourceError(f"{self.client.base_url}/projects/{self.path}: not a GitLab project answer")
            self.path = project.get("path_with_namespace") or self.path
            self._base = f"/projects/{project['id']}"
        return self._base

    def _pages(self, url: str, params: dict[str, str] | None = None) -> Iterator[list[Any]]:
        page_url: str | None = url
        while page_url:
            response = self.client.get(page_url, params=params)
            page = response.json()
            if not isinstance(page, list):
                raise SourceError(f"{response.url}: expected a list, got {type(page).__name__}")
            yield page
            page_url, params = response.links.get("next", {}).get("url"), None  # the next link carries the query

    def _all(self, url: str, params: dict[str, str] | None = None) -> list[Any]:
        return [item for page in self._pages(url, params) for item in page]

    def _optional(self, url: str) -> list[Any]:
        """A list newer servers have and older ones answer 404 to (resource events)."""
        try:
            return self._all(url)
        except SourceError as exc:
            if "HTTP 404" in str(exc):
                return []
            raise

    def _listing(self, what: str, since: str | None, seen: frozenset[int] = frozenset()) -> Iterator[dict[str, Any]]:
        """Items updated at or after `since` (GitLab's updated_after is inclusive), less those in
        `seen`: read at exactly `since` by the last sync, and unchanged since."""
        params = {"state": "all", "order_by": "updated_at", "sort": "asc", "per_page": "100"}
        if what == "merge_requests":
            params["view"] = "simple"
        if since:
            params["updated_after"] = since
        for page in self._pages(f"{self.base}/{what}", params):
            yield from (i for i in page if not (i.get("updated_at") == since and i.get("iid") in seen))

    def merge_requests(self, since: str | None, seen: frozenset[int] = frozenset()
                       ) -> Iterator[tuple[Change | BadRecord, bytes, str]]:  # fmt: skip
        """Merge requests updated since `since` (less those `seen` at exactly then), oldest update
        first, with the update time of each."""
        restarted: object = Restart  # where the listing was last asked again from; nowhere yet
        while True:
            try:
                for listed in self._listing("merge_requests", since, seen if restarted is Restart else frozenset()):
                    # A listing asked again from the same point is taken as it is: never loop.
                    change, raw, updated = self._merge_request(listed, strict=restarted != since)
                    yield change, raw, updated
                    since = updated or since
                return
            except Restart as restart:
                restarted = since = restart.since

    def _merge_request(self, listed: dict[str, Any], strict: bool) -> tuple[Change | BadRecord, bytes, str]:
        iid = listed.get("iid")
        base = f"{self.base}/merge_requests/{iid}"
        read: dict[str, Any] = {}

        def parse() -> Change:
            read["merge_request"] = merge = self.client.get(base).json()
            if strict and epoch(merge.get("updated_at")) != epoch(listed.get("updated_at")):
                raise Restart(listed.get("updated_at"))
            read["notes"] = self._all(f"{base}/notes", {"sort": "asc", "order_by": "updated_at", "per_page": "100"})
            read["versions"] = [self.client.get(f"{base}/versions/{v['id']}").json()
                                for v in self._all(f"{base}/versions")]  # fmt: skip
            return merge_request_change(self.host, self.path, merge, read["notes"], read["versions"])

        found = read_item(parse, json.dumps(listed).encode(), f"{self.client.base_url}{base}",
                          f"unreadable merge request !{iid}")  # fmt: skip
        raw = b"" if isinstance(found, BadRecord) else json.dumps(read).encode()
        return found, raw, str(listed.get("updated_at") or "")

    def issues(self, since: str | None, seen: frozenset[int] = frozenset()
               ) -> Iterator[tuple[Issue | BadRecord, bytes, str]]:  # fmt: skip
        """Issues updated since `since` (less those `seen` at exactly then), oldest update first,
        with their notes and resource events."""
        for listed in self._listing("issues", since, seen):
            iid = listed.get("iid")
            base = f"{self.base}/issues/{iid}"
            read: dict[str, Any] = {"issue": listed}

            def parse(base: str = base, listed: dict[str, Any] = listed, read: dict[str, Any] = read) -> Issue:
                read["notes"] = self._all(f"{base}/notes", {"sort": "asc", "order_by": "updated_at", "per_page": "100"})
                for kind in ("label", "state", "milestone"):
                    read[f"{kind}_events"] = self._optional(f"{base}/resource_{kind}_events")
                events = resource_events(read["label_events"], read["state_events"], read["milestone_events"])
                return issue_record(self.path, listed, read["notes"], events)

            found = read_item(parse, json.dumps(listed).encode(), f"{self.client.base_url}{base}",
                              f"unreadable issue #{iid}")  # fmt: skip
            raw = b"" if isinstance(found, BadRecord) else json.dumps(read).encode()
            yield found, raw, str(listed.get("updated_at") or "")


class GitLabListing:
    """A project's merge requests or, with issues, its issues, updated since the last sync.

    The cursor is the last update time read and the items read at exactly that time: GitLab's
    `updated_after` includes its bound, so a resync of an unchanged project reads no item again.
    """

    kind, batch = "gitlab", 1

    def __init__(self, client: HttpClient, project: str, since: str | None = None, issues: bool = False):
        self.client, self.since, self.issues = client, since, issues
        self.reader = GitLabProject(client, project)
        self.id = self.label = f"gitlab{'-issues' if issues else ''}:{self.reader.host}/{self.reader.path}"
        self.name, self.location = self.reader.path, f"{client.base_url}/projects/{quote(self.reader.path, safe='')}"
        self.noun = "issue" if issues else "merge request"
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        latest, seen = cursor.get("since") or self.since, list(cursor.get("seen") or [])
        found = (self.reader.issues if self.issues else self.reader.merge_requests)(latest, frozenset(seen))
        for record, raw, updated in found:
            self.tally.requests = self.client.requests
            if isinstance(record, BadRecord):
                yield record
                continue
            seen = [*seen, record.number] if updated == latest else [record.number]
            latest = updated or latest
            key = str(record.number) if isinstance(record, Issue) else record.key
            kind = "gitlab-issue" if isinstance(record, Issue) else "gitlab-change"
            yield Item(key, kind, raw, record, {"since": latest, "seen": seen} if updated else None)
        self.tally.requests = self.client.requests
        yield Checkpoint({"since": latest, "seen": seen})

"""GitHub: pull requests with their reviews and comments; issues with their comments and triage.

Pull requests are found through the issues listing (`/repos/O/R/issues?state=all&sort=updated
&direction=asc&since=...`), which is ordered by last update, so a sync can advance its cursor
after every pull request. The listing is asked with If-None-Match: an unchanged repository
answers 304 and a resync costs one request. Lists are paged by the Link header.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from niche.sources.bounds import SUBJECT_LIMIT, bounded
from niche.sources.changes import Account, Change, Event, epoch
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.http import HttpClient

DEFAULT_API_URL = "https://api.github.com"
REVIEW_VALUES = {"APPROVED": 1, "CHANGES_REQUESTED": -1, "COMMENTED": 0, "DISMISSED": 0}


def _account(user: dict[str, Any] | None) -> Account | None:
    if not user or not user.get("login"):
        return None
    return Account(user.get("name"), user.get("email"), user["login"])


def pull_request_change(
    host: str, repo: str, pull: dict, reviews: list, review_comments: list, comments: list
) -> Change:
    """One pull request and everything said and decided on it."""
    owner = _account(pull.get("user"))
    events = [Event("created", owner, epoch(pull.get("created_at")), text=pull.get("body") or None)]
    for r in reviews:
        state = r.get("state") or "COMMENTED"
        if state == "PENDING":
            continue  # a draft review nobody else can see yet
        events.append(
            Event("vote", _account(r.get("user")), epoch(r.get("submitted_at")), label="review",
                  value=REVIEW_VALUES.get(state, 0), text=r.get("body") or None, detail=state)
        )  # fmt: skip
    for c in review_comments:
        events.append(Event("comment", _account(c.get("user")), epoch(c.get("created_at")), text=c.get("body") or "",
                            inline=True, file=c.get("path")))  # fmt: skip
    for c in comments:
        events.append(Event("comment", _account(c.get("user")), epoch(c.get("created_at")), text=c.get("body") or ""))
    if pull.get("merged_at"):
        events.append(Event("merged", _account(pull.get("merged_by")), epoch(pull["merged_at"])))
    elif pull.get("state") == "closed":
        events.append(Event("abandoned", None, epoch(pull.get("closed_at"))))
    status = "merged" if pull.get("merged_at") else pull.get("state") or "unknown"
    return Change(
        platform="github",
        host=host,
        project=repo,
        number=int(pull["number"]),
        subject=bounded(pull.get("title"), SUBJECT_LIMIT) or "",
        owner=owner,
        status=status,
        created=epoch(pull.get("created_at")),
        updated=epoch(pull.get("updated_at")),
        url=pull.get("html_url"),
        branch=(pull.get("base") or {}).get("ref"),
        insertions=pull.get("additions"),
        deletions=pull.get("deletions"),
        files=pull.get("changed_files"),
        description=pull.get("body"),
        events=tuple(events),
    )


# Issue events that are triage, by GitHub's event name (the rest — subscribed, mentioned,
# referenced — are notifications, not work).
TRIAGE_EVENTS = {"labeled", "unlabeled", "assigned", "unassigned", "closed", "reopened", "milestoned",
                 "demilestoned", "marked_as_duplicate", "locked", "transferred", "renamed", "pinned"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Issue:
    repo: str
    number: int
    title: str
    body: str
    author: Account | None
    state: str
    created: int | None
    updated: int | None
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    url: str | None
    events: tuple[Event, ...]  # opened, comment, and the triage events above
    tracker: str = "github"  # or "gitlab": the same shape, the tracker it was read from


def issue_record(repo: str, issue: dict, comments: list, events: list) -> Issue:
    """One issue and everything said and done on it."""
    author = _account(issue.get("user"))
    done = [Event("opened", author, epoch(issue.get("created_at")), text=issue.get("body") or None)]
    done += [Event("comment", _account(c.get("user")), epoch(c.get("created_at")), text=c.get("body") or "")
             for c in comments]  # fmt: skip
    for e in events:
        if e.get("event") in TRIAGE_EVENTS:
            detail = (e.get("label") or {}).get("name") or (e.get("assignee") or {}).get("login")
            done.append(Event(e["event"], _account(e.get("actor")), epoch(e.get("created_at")), detail=detail))
    return Issue(
        repo=repo,
        number=int(issue["number"]),
        title=bounded(issue.get("title"), SUBJECT_LIMIT) or "",
        body=issue.get("body") or "",
        author=author,
        state=issue.get("state") or "unknown",
        created=epoch(issue.get("created_at")),
        updated=epoch(issue.get("updated_at")),
        labels=tuple(label.get("name", "") for label in issue.get("labels") or []),
        assignees=tuple(a.get("login", "") for a in issue.get("assignees") or []),
        url=issue.get("html_url"),
        events=tuple(done),
    )


@dataclass
class Listing:
    """What the issues listing said: its ETag (for the next sync) and whether it changed."""

    etag: str | None = None
    unchanged: bool = False


class GitHubRepo:
    """Reads one repository's pull requests through the REST API."""

    def __init__(self, client: HttpClient, repo: str):
        self.client, self.repo = client, repo
        host = urlsplit(client.base_url).hostname or "github.com"
        self.host = "github.com" if host == "api.github.com" else host

    def _pages(self, url: str, params: dict | None = None, headers: dict | None = None) -> Iterator[Any]:
        page: str | None = url
        while page:
            response = self.client.get(page, params=params, headers=headers)
            yield response
            page = response.links.get("next", {}).get("url")
            params = headers = None  # the next link carries the query

    def _all(self, url: str) -> list[Any]:
        items: list[Any] = []
        for response in self._pages(url):
            items.extend(response.json())
        return items

    def _listing_params(self, since: str | None) -> dict[str, str]:
        params = {"state": "all", "sort": "updated", "direction": "asc", "per_page": "100"}
        return params | ({"since": since} if since else {})

    def listing_etag(self, since: str | None) -> str | None:
        """The ETag of the listing's first page as a sync starting at `since` will ask for it."""
        return self.client.get(f"/repos/{self.repo}/issues", params=self._listing_params(since)).headers.get("ETag")

    def pull_requests(
        self, since: str | None, etag: str | None, listing: Listing
    ) -> Iterator[tuple[Change | BadRecord, bytes, str]]:
        """Pull requests updated since `since`, oldest update first, with the update time of each."""
        for issue in self._updated(since, etag, listing):
            if isinstance(issue, BadRecord):
                yield issue, issue.raw, ""
            elif "pull_request" in issue:
                yield (*self._pull_request(issue), issue.get("updated_at") or "")

    def issues(
        self, since: str | None, etag: str | None, listing: Listing
    ) -> Iterator[tuple[Issue | BadRecord, bytes, str]]:
        """Issues (not pull requests) updated since `since`, with their comments and timeline events."""
        for issue in self._updated(since, etag, listing):
            if isinstance(issue, BadRecord):
                yield issue, issue.raw, ""
            elif "pull_request" not in issue:
                yield (*self._issue(issue), issue.get("updated_at") or "")

    def _updated(self, since: str | None, etag: str | None, listing: Listing) -> Iterator[dict | BadRecord]:
        """The issues listing (issues and pull requests share it), oldest update first; asked with
        If-None-Match, so an unchanged repository costs one request."""
        first = True
        headers = {"If-None-Match": etag} if etag else None
        for response in self._pages(f"/repos/{self.repo}/issues", self._listing_params(since), headers):
            if first:
                listing.etag, first = response.headers.get("ETag"), False
                if response.status_code == 304:
                    listing.unchanged = True
                    return
            try:
                issues = response.json()
            except ValueError as exc:
                yield BadRecord(str(response.url), f"unreadable issue listing: {exc}", response.content)
                return
            yield from issues

    def _issue(self, issue: dict) -> tuple[Issue | BadRecord, bytes]:
        number = issue.get("number")
        base = f"/repos/{self.repo}/issues/{number}"
        read: dict[str, Any] = {}

        def parse() -> Issue:
            read["comments"] = self._all(f"{base}/comments") if issue.get("comments") else []
            read["events"] = self._all(f"{base}/events")
            return issue_record(self.repo, issue, read["comments"], read["events"])

        found = read_item(parse, json.dumps(issue).encode(), f"{self.client.base_url}{base}",
                          f"unreadable issue #{number}")  # fmt: skip
        return found, b"" if isinstance(found, BadRecord) else json.dumps({"issue": issue, **read}).encode()

    def _pull_request(self, issue: dict) -> tuple[Change | BadRecord, bytes]:
        number = issue.get("number")
        base = f"/repos/{self.repo}"
        read: dict[str, Any] = {}

        def parse() -> Change:
            read["pull"] = self.client.get(f"{base}/pulls/{number}").json()
            read["reviews"] = self._all(f"{base}/pulls/{number}/reviews")
            read["review_comments"] = self._all(f"{base}/pulls/{number}/comments")
            read["comments"] = self._all(f"{base}/issues/{number}/comments") if issue.get("comments") else []
            return pull_request_change(self.host, self.repo, **read)

        found = read_item(parse, json.dumps(issue).encode(), f"{self.client.base_url}{base}/pulls/{number}",
                          f"unreadable pull request #{number}")  # fmt: skip
        return found, b"" if isinstance(found, BadRecord) else json.dumps(read).encode()


class GitHubListing:
    """A repository's pull requests or, with issues, its issues, updated since the last sync.

    Both come from GitHub's one issues listing, oldest update first, so the cursor advances with
    every item; each keeps its own source. The listing is asked with the ETag of the last sync:
    an unchanged repository answers 304 and a resync costs one request.
    """

    kind, batch = "github", 1

    def __init__(self, client: HttpClient, repo: str, since: str | None = None, issues: bool = False):
        self.client, self.repo, self.since, self.issues = client, repo, since, issues
        self.reader = GitHubRepo(client, repo)
        self.id = self.label = f"github{'-issues' if issues else ''}:{self.reader.host}/{repo}"
        self.name, self.location = repo, f"{client.base_url}/repos/{repo}"
        self.noun = "issue" if issues else "pull request"
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        latest = cursor.get("since") or self.since
        listing = Listing()
        found = (self.reader.issues if self.issues else self.reader.pull_requests)(latest, cursor.get("etag"), listing)
        for record, raw, updated in found:
            self.tally.requests = self.client.requests
            if isinstance(record, BadRecord):
                yield record
                continue
            latest = updated or latest
            key = str(record.number) if isinstance(record, Issue) else record.key
            kind = "github-issue" if isinstance(record, Issue) else "github-change"
            yield Item(key, kind, raw, record, {"since": updated, "etag": None} if updated else None)
        if listing.unchanged:
            self.tally.details["unchanged listing"] = 1
        # The ETag must be that of the listing the next sync will ask for, i.e. with the new `since`.
        etag = cursor.get("etag") if listing.unchanged else self.reader.listing_etag(latest)
        self.tally.requests = self.client.requests
        yield Checkpoint({"since": latest, "etag": etag})

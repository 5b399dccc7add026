"""Code review as Gerrit and GitHub both report it: a change and the events in its life.

One shape for both platforms, so review metrics (time to first review, reviewers per change,
review depth, rubber stamps) are one SQL query each, whatever the forge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Account:
    name: str | None
    email: str | None
    username: str | None  # Gerrit username, GitHub login
    account_id: int | None = None  # Gerrit's account number: one account, however thinly a record names it


@dataclass(frozen=True, slots=True)
class Event:
    """One thing someone did to a change."""

    kind: str  # created, patchset, vote, comment, merged, abandoned, restored
    who: Account | None
    at: int | None  # epoch seconds, UTC
    patchset: int | None = None
    label: str | None = None  # vote label: Code-Review, Workflow, Verified; GitHub: review
    value: int | None = None  # vote value: -2..+2; GitHub review: +1 approved, -1 changes requested, 0 commented
    text: str | None = None  # the person's own words (a comment, a review body), without boilerplate
    inline: bool = False  # an inline (file/line) comment
    file: str | None = None
    detail: str | None = None  # e.g. patch set kind (REWORK, TRIVIAL_REBASE), GitHub review state


@dataclass(frozen=True, slots=True)
class Change:
    platform: str  # 'gerrit' or 'github'
    host: str
    project: str
    number: int
    subject: str
    owner: Account | None
    status: str  # NEW/open, MERGED/merged, ABANDONED/closed
    created: int | None
    updated: int | None
    url: str | None
    change_id: str | None = None  # Gerrit Change-Id
    branch: str | None = None
    insertions: int | None = None
    deletions: int | None = None
    files: int | None = None
    description: str | None = None  # commit message or pull request body
    events: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"{self.project}#{self.number}"


def epoch(text: str | None) -> int | None:
    """Seconds since 1970 for Gerrit's '2013-02-01 09:59:32.126000000' and GitHub's ISO 8601."""
    if not text:
        return None
    text = text.strip().replace("Z", "+00:00")
    if " " in text and "+" not in text:  # Gerrit REST: UTC with nanoseconds
        text = text.split(".")[0].replace(" ", "T") + "+00:00"
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp())

"""Commits into rows: the commit, its files, and who authored, co-authored and committed it.

Reading a repository (what is new, history rewrites, resuming) is the source's job
(`niche.sources.git_repository`); the sync loop (`niche.store.sync`) writes what this builds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from niche.sources import git
from niche.sources.bounds import Cut
from niche.sources.contract import Item, Source
from niche.store.db import identity_id, valid_epoch
from niche.store.rows import cut_note


def commit_rows(source: Source, items: Sequence[Item[git.Commit]]) -> CommitRows:
    rows = CommitRows(source.id, source.name)
    for item in items:
        rows.add(item.record)
    return rows


class CommitRows:
    """Columns for one batch of commits, built row by row and handed to the store at once; built
    by hand rather than with `Rows` because git histories are the largest input by far."""

    def __init__(self, source: str, repo: str):
        self.source, self.repo = source, repo
        self.fetched_at = datetime.now(UTC).replace(tzinfo=None)
        self.ids: list[str] = []
        self.identities: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.bots: set[str] = set()  # git never says an author is a bot; niche's own rules do
        self.raw: dict[str, list] = {k: [] for k in ("item_id", "payload")}
        self.commits: dict[str, list] = {k: [] for k in _COMMIT_COLUMNS}
        self.files: dict[str, list] = {k: [] for k in ("item_id", "path", "old_path", "added", "deleted", "removed")}
        self.acts: dict[str, list] = {
            k: [] for k in ("item_id", "kind", "identity_id", "occurred_at", "tz_offset_minutes", "attrs")
        }
        self.flags: dict[str, list] = {"item_id": [], "detail": []}  # fields cut to their bound

    def _identity(self, name: str, email: str) -> str:
        ident = identity_id("git", name, email)
        self.identities.setdefault(ident, ("git", name, email, None))
        return ident

    def _activity(self, sha: str, kind: str, ident: str, epoch: int | None, tz: int | None, attrs: str) -> None:
        for column, value in zip(self.acts, (sha, kind, ident, epoch, tz, attrs), strict=True):
            self.acts[column].append(value)

    def add(self, c: git.Commit) -> None:
        sha = c.sha
        self.ids.append(sha)
        self.raw["item_id"].append(sha)
        self.raw["payload"].append(c.raw)
        author = self._identity(c.author.name, c.author.email)
        committer = self._identity(c.committer.name, c.committer.email)
        added = None if c.lines_unknown else sum(f.added or 0 for f in c.files)
        deleted = None if c.lines_unknown else sum(f.deleted or 0 for f in c.files)
        author_at, committer_at = valid_epoch(c.author.epoch), valid_epoch(c.committer.epoch)
        values = (
            sha,
            sha,
            c.parents,
            c.is_merge,
            author,
            c.author.name,
            c.author.email,
            author_at,
            c.author.tz_minutes,
            committer,
            c.committer.name,
            c.committer.email,
            committer_at,
            c.committer.tz_minutes,
            c.message,
            [{"key": k, "value": v} for k, v in c.trailers],
            len(c.files),
            added,
            deleted,
            c.lossy_text,
            c.lines_unknown,
        )
        for column, value in zip(self.commits, values, strict=True):
            self.commits[column].append(value)
        for f in c.files:
            for column, value in zip(self.files, (sha, f.path, f.old_path, f.added, f.deleted, f.removed), strict=True):
                self.files[column].append(value)
        facts = {"files": len(c.files), "added": added, "deleted": deleted, "merge": c.is_merge}
        attrs = json.dumps(facts | {"lines_unknown": True} if c.lines_unknown else facts)
        self._activity(sha, "commit.authored", author, author_at, c.author.tz_minutes, attrs)
        for name, email in c.co_authors:
            # A co-author's own clock is unknown: the commit's time, no offset.
            self._activity(sha, "commit.co_authored", self._identity(name, email), author_at, None, attrs)
        if committer != author:
            self._activity(sha, "commit.committed", committer, committer_at, c.committer.tz_minutes, attrs)
        fields = [("author name", c.author.name), ("author email", c.author.email),
                  ("committer name", c.committer.name), ("committer email", c.committer.email)]  # fmt: skip
        fields += [(f"co-author {part}", v) for co in c.co_authors for part, v in zip(("name", "email"), co)]  # noqa: B905
        fields += [("file path", f.path) for f in c.files]
        for what, value in fields:
            if isinstance(value, Cut):
                self.flags["item_id"].append(sha)
                self.flags["detail"].append(cut_note(what, value))

    def columns(self) -> dict[str, dict[str, Any]]:
        n_acts = len(self.acts["item_id"])
        common = {"source": pa.array([self.source] * len(self.ids), pa.string()), "repo": [self.repo] * len(self.ids)}
        return {
            "raw_items": {
                "source": common["source"],
                "item_id": self.raw["item_id"],
                "kind": ["git-log-record"] * len(self.ids),
                "payload": pa.array(self.raw["payload"], pa.binary()),
                "fetched_at": pa.array([self.fetched_at] * len(self.ids), pa.timestamp("us")),
            },
            "commits": {
                **common,
                **self.commits,
                "parents": pa.array(self.commits["parents"], pa.list_(pa.string())),
                "author_at": pa.array(self.commits["author_at"], pa.timestamp("s")),
                "committer_at": pa.array(self.commits["committer_at"], pa.timestamp("s")),
                "trailers": pa.array(
                    self.commits["trailers"],
                    pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())])),
                ),
            },
            "commit_files": {
                "source": [self.source] * len(self.files["item_id"]),
                "repo": [self.repo] * len(self.files["item_id"]),
                "sha": self.files["item_id"],
                **self.files,
                "added": pa.array(self.files["added"], pa.int32()),
                "deleted": pa.array(self.files["deleted"], pa.int32()),
            },
            "item_flags": {
                "source": [self.source] * len(self.flags["item_id"]),
                **self.flags,
                "flag": ["field-cut"] * len(self.flags["item_id"]),
            },
            "activities": {
                **self.acts,
                "source": [self.source] * n_acts,
                "project": [self.repo] * n_acts,
                "repo": [self.repo] * n_acts,
                "object_id": self.acts["item_id"],
                "occurred_at": pa.array(self.acts["occurred_at"], pa.timestamp("s")),
                "tz_offset_minutes": pa.array(self.acts["tz_offset_minutes"], pa.int32()),
            },
        }


_COMMIT_COLUMNS = (
    "item_id",
    "sha",
    "parents",
    "is_merge",
    "author_id",
    "author_name",
    "author_email",
    "author_at",
    "author_tz",
    "committer_id",
    "committer_name",
    "committer_email",
    "committer_at",
    "committer_tz",
    "message",
    "trailers",
    "files_changed",
    "lines_added",
    "lines_deleted",
    "lossy_text",
    "lines_unknown",
)

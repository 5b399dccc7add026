"""Sync git repositories into the store: incremental, resumable, and exact under history rewrites.

The cursor of a repository is the set of ref tips it was last synced up to. A sync lists what is
reachable from the current tips but not from those, and logs it in blocks, several at once; each
block is committed in order together with a progress mark, so a sync killed at any point
resumes where it stopped. Commits that no ref
reaches any more (a force-push, a deleted branch) are removed, so rewritten history is never
counted twice.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pyarrow as pa

from niche.sources import git
from niche.sources.commit_log import CommitLog
from niche.sources.contract import BadRecord
from niche.store.db import Store, identity_id, valid_epoch

BATCH_COMMITS = 2000

Progress = Callable[[int, int], None]  # (commits done, commits expected)


@dataclass
class RepoSync:
    """What one repository's sync did, for the CLI to report."""

    path: Path
    name: str = ""
    new_commits: int = 0
    removed_commits: int = 0
    quarantined: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def repo_name(gdir: Path) -> str:
    """'nova' for /src/nova/.git and for /mirrors/nova.git."""
    path = gdir.parent if gdir.name == ".git" else gdir
    return path.name.removesuffix(".git") or str(path)


def _digest(tips: list[str]) -> str:
    return hashlib.blake2b("\n".join(tips).encode(), digest_size=16).hexdigest()


class _Batch:
    """Columns for one batch of commits, built row by row and handed to the store at once."""

    def __init__(self, source: str, repo: str):
        self.source, self.repo = source, repo
        self.fetched_at = datetime.now(UTC).replace(tzinfo=None)
        self.ids: list[str] = []
        self.identities: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.raw: dict[str, list] = {k: [] for k in ("item_id", "payload")}
        self.commits: dict[str, list] = {k: [] for k in _COMMIT_COLUMNS}
        self.files: dict[str, list] = {k: [] for k in ("item_id", "path", "old_path", "added", "deleted", "removed")}
        self.acts: dict[str, list] = {
            k: [] for k in ("item_id", "kind", "identity_id", "occurred_at", "tz_offset_minutes", "attrs")
        }

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

    def write(self, store: Store) -> None:
        n_acts = len(self.acts["item_id"])
        common = {"source": pa.array([self.source] * len(self.ids), pa.string()), "repo": [self.repo] * len(self.ids)}
        store.add_identities(self.identities)
        store.write_items(
            self.source,
            self.ids,
            {
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
                "activities": {
                    **self.acts,
                    "source": [self.source] * n_acts,
                    "project": [self.repo] * n_acts,
                    "repo": [self.repo] * n_acts,
                    "object_id": self.acts["item_id"],
                    "occurred_at": pa.array(self.acts["occurred_at"], pa.timestamp("s")),
                    "tz_offset_minutes": pa.array(self.acts["tz_offset_minutes"], pa.int32()),
                },
            },
        )


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


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def git_jobs() -> int:
    """How many `git log` processes run at once: one per core unless NICHE_GIT_JOBS says otherwise."""
    return max(1, int(os.environ.get("NICHE_GIT_JOBS") or os.cpu_count() or 1))


def _logged(log: CommitLog, blocks: Iterable[list[str]]) -> Iterator[tuple[list[str], list[git.Commit | BadRecord]]]:
    """The commits of each block, in block order, with up to git_jobs() blocks logged at once.

    Computing diffs is what costs; it runs in git processes on every core while this process
    parses and writes the previous block. At most jobs + 1 blocks are held in memory.
    """
    jobs = git_jobs()
    with ThreadPoolExecutor(jobs, thread_name_prefix="git-log") as pool:
        pending: deque[tuple[list[str], Future[list[git.Commit | BadRecord]]]] = deque()
        for block in blocks:
            pending.append((block, pool.submit(log.read, block)))
            if len(pending) > jobs:
                shas, future = pending.popleft()
                yield shas, future.result()
        while pending:
            shas, future = pending.popleft()
            yield shas, future.result()


def sync_repository(store: Store, path: Path, progress: Progress | None = None) -> RepoSync:
    """Bring one repository's commits in the store up to date with its refs."""
    result = RepoSync(path=path)
    gdir = git.git_dir(path)
    source = f"git:{gdir}"
    result.name = name = repo_name(gdir)
    cursor = store.cursor(source) or {"tips": []}
    tips = git.ref_tips(gdir)
    if git.is_shallow(gdir):
        result.warnings.append(
            f"{path}: shallow clone, history before its boundary is missing; `git fetch --unshallow` for all of it"
        )
    with store.transaction():
        store.register_source(
            source,
            "git",
            name,
            str(path.resolve()),
            {"remote_url": git.remote_url(gdir), "shallow": git.is_shallow(gdir), "mailmap": git.mailmap_text(gdir)},
        )
    if not tips:
        result.warnings.append(f"{path}: no commits yet (empty repository)")
    old_tips = cursor["tips"]
    base = git.existing_commits(gdir, old_tips)
    if set(tips) != set(old_tips) and old_tips:
        with store.transaction():
            if len(base) == len(old_tips):
                gone = git.unreachable_commits(gdir, base, tips)
                store.delete_items(source, gone)
            else:  # some old tips were garbage-collected: compare the store with what is reachable
                reachable = git.reachable_commits(gdir, tips)
                gone = store.retain_items(source, reachable)
                base = sorted(reachable.intersection(store.item_ids(source)))
        result.removed_commits = len(gone)
    resume = cursor.get("progress") or {}
    skip = resume["done"] if resume.get("tips") == _digest(tips) and resume.get("base") == _digest(base) else 0
    total = git.count_commits(gdir, tips, base) if tips != base else 0
    done = skip
    if progress:
        progress(done, total)
    if total > skip:
        log = CommitLog(gdir, name, tips, base)
        with git.rev_list(gdir, tips, base) as hashes:
            blocks = _batches(islice(hashes, skip, None), BATCH_COMMITS)
            for shas, items in _logged(log, blocks):
                batch = _Batch(source, name)
                with store.transaction():
                    for item in items:
                        if isinstance(item, BadRecord):
                            store.quarantine(
                                source, item.location.rpartition("@")[2], item.location, item.error, item.raw
                            )
                            result.quarantined += 1
                        else:
                            batch.add(item)
                    batch.write(store)
                    done += len(shas)
                    store.set_cursor(
                        source,
                        {"tips": old_tips, "progress": {"tips": _digest(tips), "base": _digest(base), "done": done}},
                    )
                result.new_commits += len(batch.ids)
                if progress:
                    progress(done, total)
        if note := log.note(path):
            result.warnings.append(note)
    with store.transaction():
        store.set_cursor(source, {"tips": tips})
        store.mark_synced(source)
    return result

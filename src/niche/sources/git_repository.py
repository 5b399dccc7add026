"""A git repository as a source: incremental, resumable, and exact under history rewrites.

The cursor is the set of ref tips the repository was last synced up to. A sync lists what is
reachable from the current tips but not from those, and logs it in blocks, several at once (one
`git log` process per core); each block's last commit carries a progress mark, so a sync killed
at any point resumes at the block where it stopped. Commits that no ref reaches any more (a
force-push, a deleted branch) are given up as `Gone`, so rewritten history is never counted twice.
A repository missing objects (a partial clone) still gives every commit (`commit_log.CommitLog`).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from niche.sources import git
from niche.sources.commit_log import CommitLog
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Gone, Item, Retain, Tally, Yielded

BATCH_COMMITS = 2000


def repo_name(gdir: Path) -> str:
    """'nova' for /src/nova/.git and for /mirrors/nova.git."""
    path = gdir.parent if gdir.name == ".git" else gdir
    return path.name.removesuffix(".git") or str(path)


def git_jobs() -> int:
    """How many `git log` processes run at once: one per core unless NICHE_GIT_JOBS says otherwise."""
    return max(1, int(os.environ.get("NICHE_GIT_JOBS") or os.cpu_count() or 1))


class GitRepository:
    """One repository (a clone or a bare repository); SourceError when path is not one."""

    kind, noun, batch = "git", "commit", BATCH_COMMITS
    in_worker = True  # shares nothing with other sources: `niche.store.parallel` reads it in a worker thread

    def __init__(self, path: Path):
        self.path = path
        self.gdir = git.git_dir(path)
        self.id = f"git:{self.gdir}"
        # named as the user's folder names it: a link to a mirror's `repo` directory is still nova
        self.name = self.label = repo_name(Path(os.path.abspath(path)))
        self.location = str(path.resolve())
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        mailmap, warning = git.mailmap_text(self.gdir)  # never through a link, at most a size cap
        if warning:
            self.tally.warnings.append(warning)
        return {"remote_url": git.remote_url(self.gdir), "shallow": git.is_shallow(self.gdir), "mailmap": mailmap}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        gdir = self.gdir
        tips = git.ref_tips(gdir)
        if git.is_shallow(gdir):
            self.tally.warnings.append(
                f"{self.path}: shallow clone, history before its boundary is missing; "
                "`git fetch --unshallow` for all of it"
            )
        if not tips:
            self.tally.warnings.append(f"{self.path}: no commits yet (empty repository)")
        old_tips = cursor.get("tips", [])
        base = git.existing_commits(gdir, old_tips)
        if set(tips) != set(old_tips) and old_tips:
            if len(base) == len(old_tips):
                yield Gone(tuple(git.unreachable_commits(gdir, base, tips)))
            else:  # some old tips were garbage-collected: compare the store with what is reachable
                reachable = git.reachable_commits(gdir, tips)
                yield Retain(frozenset(reachable))
                base = sorted(reachable.intersection(stored()))
        resume = cursor.get("progress") or {}
        skip = resume["done"] if resume.get("tips") == _digest(tips) and resume.get("base") == _digest(base) else 0
        total = git.count_commits(gdir, tips, base) if tips != base else 0
        self.tally.expected = max(total - skip, 0)
        done = skip
        if total > skip:
            log = CommitLog(gdir, self.name, tips, base)
            with git.rev_list(gdir, tips, base) as hashes:
                blocks = _batches(islice(hashes, skip, None), BATCH_COMMITS)
                for shas, records in _logged(log, blocks):
                    done += len(shas)
                    mark = {"tips": old_tips, "progress": {"tips": _digest(tips), "base": _digest(base), "done": done}}
                    yield from _block(records, mark)
            if note := log.note(self.path):
                self.tally.warnings.append(note)
        yield Checkpoint({"tips": tips, "progress": None})


def _block(records: Iterable[git.Commit | BadRecord], mark: Mapping[str, Any]) -> Iterator[Yielded]:
    """One logged block as items, its last item carrying the progress mark."""
    last: Yielded | None = None
    for record in records:
        if last is not None:
            yield last
        last = record if isinstance(record, BadRecord) else Item(record.sha, "git-log-record", record.raw, record)
    if isinstance(last, Item):
        yield Item(last.id, last.kind, last.raw, last.record, mark)
    else:
        if last is not None:
            yield last
        yield Checkpoint(mark)


def _digest(tips: list[str]) -> str:
    return hashlib.blake2b("\n".join(tips).encode(), digest_size=16).hexdigest()


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _logged(log: CommitLog, blocks: Iterable[list[str]]
            ) -> Iterator[tuple[list[str], list[git.Commit | BadRecord]]]:  # fmt: skip
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

"""The one sync loop: any source (see `niche.sources.contract`) into the store, incrementally.

For every source the same steps, so each connector keeps only what is its own (reading, paging,
rate limits): register the source, read its cursor, write its items in batches — each batch in
one transaction with the cursor that covers it, so a sync killed at any point (kill -9 included)
resumes where it stopped and never stores an item twice — quarantine what could not be read,
mark the source synced, and say what happened in one `SyncResult`.

Items become rows through the writer of their kind (WRITERS below): a connector that yields a new
kind of item adds its writer there, and what must be rebuilt after its sync to FINISH.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from typing import Any

from niche.errors import NicheError, StoreError
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Gone, Item, Retain, Source, merge
from niche.store import bugs, commits, irc, mail, posts, reviews
from niche.store.db import Store, storage_failure
from niche.store.rows import Batch

Writer = Callable[[Source, Sequence[Item[Any]]], Batch]
WRITERS: dict[str, Writer] = {
    "git-log-record": commits.commit_rows,
    "gerrit-change": reviews.change_rows,
    "github-change": reviews.change_rows,
    "github-issue": bugs.issue_rows,
    "gitlab-change": reviews.change_rows,
    "gitlab-issue": bugs.issue_rows,
    "launchpad-bug": bugs.bug_rows,
    "mail-message": mail.message_rows,
    "irc-log": irc.log_rows,
    "post-thread": posts.thread_rows,
}

# What must be rebuilt or said once a source of a kind is synced, whatever it brought (mail threads
# span lists; a chat answer and its question may be two items); it may add to the source's tally.
Finish = Callable[[Store, Source], None]


def _thread_mail(store: Store, source: Source) -> None:
    mail.thread_messages(store)


def _find_answers(store: Store, source: Source) -> None:
    source.tally.details["answer"] = posts.thread_posts(store, source.id)


def _unread_votes(store: Store, source: Source) -> None:
    source.tally.warnings.extend(reviews.unread_wordings(store, source.id))


FINISH: dict[str, Finish] = {
    "mail": _thread_mail,
    "gerrit": _unread_votes,
    **dict.fromkeys(posts.PLATFORMS, _find_answers),
}

Progress = Callable[[str, int, int | None], None]  # (source label, items done, items expected if known)


@dataclass(frozen=True)
class SyncResult:
    """What one source's sync did. `new` items were not stored before, `changed` ones replaced
    what was; `removed` ones the source no longer has; `quarantined` could not be read."""

    source: str
    label: str
    noun: str  # what one item is called: commit, change, message, ...
    new: int = 0
    changed: int = 0
    removed: int = 0
    quarantined: int = 0
    requests: int = 0
    cursor_before: Cursor | None = None
    cursor_after: Cursor | None = None
    details: Mapping[str, int] = field(default_factory=dict)  # the source's own counts, e.g. archives read
    warnings: tuple[str, ...] = ()
    error: str | None = None  # why the source stopped early; what was read before is kept
    failure: BaseException | None = field(default=None, compare=False, repr=False)

    @property
    def written(self) -> int:
        """Items stored by this sync, new or replacing what was."""
        return self.new + self.changed

    def check(self) -> SyncResult:
        """This result, or the error that stopped the sync, raised."""
        if self.failure is not None:
            raise self.failure
        return self


class _Run:
    """One source's sync in progress: pending items and the cursor that covers them."""

    def __init__(self, store: Store, source: Source, progress: Progress | None):
        self.store, self.source, self.progress = store, source, progress
        self.before = store.cursor(source.id)
        self.cursor: Cursor = copy.deepcopy(self.before) if self.before else {}
        self.after = copy.deepcopy(self.before)  # the cursor as last committed
        self.pending: dict[str, Item[Any]] = {}  # by id: a later copy of an item replaces an earlier one
        self.bad: list[BadRecord] = []
        self.moved = False  # the cursor changed since the last commit
        self.committing = False
        self.new = self.changed = self.removed = self.quarantined = self.done = 0

    def add(self, thing: object) -> None:
        if isinstance(thing, Item):
            self.pending.pop(thing.id, None)
            self.pending[thing.id] = thing
            self._move(thing.cursor)
        elif isinstance(thing, BadRecord):
            self.bad.append(thing)
        elif isinstance(thing, Checkpoint):
            self._move(thing.cursor)
        elif isinstance(thing, Gone | Retain):
            self.commit()
            with self.store.transaction():
                if isinstance(thing, Gone):
                    self.store.delete_items(self.source.id, thing.ids)
                    self.removed += len(thing.ids)
                else:
                    self.removed += len(self.store.retain_items(self.source.id, set(thing.ids)))
        else:
            raise TypeError(f"{self.source.id}: a source yielded {type(thing).__name__}, not an Item")
        if len(self.pending) + len(self.bad) >= self.source.batch:
            self.commit()

    def _move(self, patch: Mapping[str, Any] | None) -> None:
        if patch:
            merge(self.cursor, patch)
            self.moved = True

    def salvage(self) -> None:
        """After a failure: keep what was read, unless writing it is what failed."""
        if not self.committing:
            self.commit()

    def commit(self) -> None:
        """Write the pending items and bad records with the cursor that covers them, in one transaction."""
        if not (self.pending or self.bad or self.moved):
            return
        self.committing = True
        items = list(self.pending.values())
        with self.store.transaction():
            self.store.clear_quarantine(self.source.id, [i.id for i in items])  # what an earlier read set aside
            for bad in self.bad:
                self.store.quarantine(self.source.id, bad.key, bad.location, bad.error, bad.raw)
            replaced = 0
            for kind in dict.fromkeys(i.kind for i in items):
                group = [i for i in items if i.kind == kind]
                rows = WRITERS[kind](self.source, group)
                self.store.add_identities(rows.identities)
                self.store.mark_bots(rows.bots)
                replaced += self.store.write_items(self.source.id, [i.id for i in group], rows.columns())
            self.store.set_cursor(self.source.id, self.cursor)
        self.after = copy.deepcopy(self.cursor)
        self.new += len(items) - replaced
        self.changed += replaced
        self.quarantined += len(self.bad)
        self.done += len(items) + len(self.bad)
        self.pending, self.bad, self.moved, self.committing = {}, [], False, False
        if self.progress:
            self.progress(self.source.label, self.done, self.source.tally.expected)

    def finished(self) -> SyncResult:
        """Commit what is pending, mark the source synced and rebuild what its kind needs."""
        try:
            self.commit()
        except Exception as exc:
            return self.failed(exc)
        with self.store.transaction():
            self.store.mark_synced(self.source.id)
        if self.source.kind in FINISH:
            FINISH[self.source.kind](self.store, self.source)
        return self.result()

    def failed(self, exc: Exception) -> SyncResult:
        """The source failed: keep what was read and say why; SyncStopped when the store itself failed."""
        failure = storage_failure(self.store.path, exc)
        if failure is not None:  # a store that cannot be written stops every source
            raise SyncStopped(failure, self.result(str(failure), exc)) from None
        self.salvage()
        said = str(exc) if isinstance(exc, NicheError) else f"{self.source.label}: {type(exc).__name__}: {exc}"
        return self.result(said, exc)

    def interrupted(self) -> SyncInterrupted:
        """Ctrl-C: keep what was read; the exception to raise."""
        self.salvage()
        return SyncInterrupted(self.result("interrupted"))

    def result(self, error: str | None = None, failure: BaseException | None = None) -> SyncResult:
        tally = self.source.tally
        return SyncResult(
            self.source.id, self.source.label, self.source.noun, self.new, self.changed, self.removed,
            self.quarantined, tally.requests, self.before, self.after, dict(tally.details),
            tuple(tally.warnings), error, failure,
        )  # fmt: skip


class SyncInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sync; `result` says what was kept (everything committed before it)."""

    def __init__(self, result: SyncResult):
        super().__init__(f"{result.label}: interrupted")
        self.result = result


class SyncStopped(StoreError):
    """The store itself failed during a sync (a full disk, a damaged file): no source could be
    written after it, so the whole sync stops; `result` says what this source had written."""

    def __init__(self, failure: StoreError, result: SyncResult):
        super().__init__(f"{failure}. Of {result.label}, {result.written:,} {result.noun}(s) were stored before it")
        self.result = result


def sync(store: Store, source: Source, progress: Progress | None = None) -> SyncResult:
    """Bring one source up to date in the store; see the module's docstring for what it guarantees.

    A source that fails part way (a server gone, a repository unreadable, anything unexpected)
    does not raise: what it read before is committed and the result's `error` says what happened,
    so a caller syncing many sources goes on with the next; `result.check()` raises it instead.
    Ctrl-C raises SyncInterrupted, after committing what was read; a store that cannot be written
    (a full disk, a damaged file) raises SyncStopped, since no later source could be written either.
    """
    run = start(store, source, progress)
    things = source.read(copy.deepcopy(run.cursor), lambda: set(store.item_ids(source.id)))
    try:
        with closing(things) if isinstance(things, Generator) else nullcontext():  # its finally blocks run now
            for thing in things:
                run.add(thing)
    except KeyboardInterrupt:
        raise run.interrupted() from None
    except Exception as exc:  # one source failing never stops the others (see the docstring)
        return run.failed(exc)
    return run.finished()


def start(store: Store, source: Source, progress: Progress | None = None, attrs: Mapping[str, Any] | None = None
          ) -> _Run:  # fmt: skip
    """Register source (with attrs, when read elsewhere) and begin its run from its cursor."""
    with store.transaction():
        store.register_source(source.id, source.kind, source.name, source.location,
                              source.attrs() if attrs is None else attrs)  # fmt: skip
    run = _Run(store, source, progress)
    if progress:
        progress(source.label, 0, None)
    return run

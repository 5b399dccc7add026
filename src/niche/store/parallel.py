"""Many sources at once: each read in a worker thread, every write by this one.

Reading a repository is mostly waiting for git: `git log` computing diffs costs over ten times
what parsing its output does. So several repositories are read at once, each in a thread that
runs its git processes (which use every core) and parses what they print; the threads hand what
they read to this one, which writes each source's items exactly as `sync` does (`_Run`: batches
committed with the cursor that covers them), so a sync killed at any point still loses and
duplicates nothing. A source that fails is one result with its error; the others go on.

Only sources that can be read in another thread (`in_worker`: a repository on disk, no client
shared with other sources) go to the workers; the rest are synced here, one after the other.
"""

from __future__ import annotations

import copy
import os
import queue as queues
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import Cursor, Item, Source
from niche.store.db import Store
from niche.store.sync import SyncResult, _Run, start, sync

# (label, done, expected, bar): bar names the bar to update, when it is not the label's own
Overall = Callable[[str, int, int | None, str], None]
CHUNK = 500  # items a worker hands over at a time
POLL_SECONDS = 1.0  # how often a wait for the workers checks that none has stopped without a word


def default_jobs() -> int:
    return os.cpu_count() or 1


def runs_in_worker(source: Source) -> bool:
    return bool(getattr(source, "in_worker", False))


@dataclass
class _Channel:
    """What the workers hand to the writer, at most `size` chunks ahead of it (memory stays flat)."""

    size: int
    queue: queues.Queue[tuple[int, str, Any]] = field(init=False)
    stop: threading.Event = field(default_factory=threading.Event)  # the writer gave up: workers end

    def __post_init__(self) -> None:
        self.queue = queues.Queue(self.size)

    def put(self, message: tuple[int, str, Any]) -> None:
        while not self.stop.is_set():
            try:
                return self.queue.put(message, timeout=POLL_SECONDS)
            except queues.Full:
                continue
        raise _Stopped


class _Stopped(Exception):
    """The writer stopped (Ctrl-C, a store that cannot be written): a worker ends quietly."""


def _read(channel: _Channel, index: int, source: Source, cursor: Cursor, stored: set[str] | None) -> None:
    """In a worker: read one source and hand over what it yields, in chunks, then its end or error."""
    try:
        channel.put((index, "start", dict(source.attrs())))
        chunk: list[Any] = []
        for thing in source.read(cursor, lambda: stored or set()):
            chunk.append(thing)
            if len(chunk) >= CHUNK or not isinstance(thing, Item):
                channel.put((index, "things", chunk))
                chunk = []
        channel.put((index, "things", chunk))
        channel.put((index, "end", None))
    except _Stopped:
        return
    except Exception as exc:
        channel.put((index, "error", exc))


@dataclass
class _Parallel:
    """The writer's side: one `_Run` per source begun, and the overall progress."""

    store: Store
    sources: Sequence[Source]
    progress: Overall | None
    runs: dict[int, _Run] = field(default_factory=dict)
    results: dict[int, SyncResult] = field(default_factory=dict)
    done: dict[int, int] = field(default_factory=dict)

    def handle(self, index: int, what: str, payload: Any) -> None:
        if index in self.results:  # it failed already: the rest its worker sends is not written
            return
        source = self.sources[index]
        if what == "start":
            self.runs[index] = start(self.store, source, self._counting(index), payload)
            return
        run = self.runs.get(index)
        if run is None:  # failed before it began (its attributes could not be read)
            run = self.runs[index] = start(self.store, source, self._counting(index), {})
        if what == "things":
            try:
                for thing in payload:
                    run.add(thing)
            except Exception as exc:
                self._end(index, run.failed(exc))
        elif what == "end":
            self._end(index, run.finished())
        else:
            self._end(index, run.failed(payload))

    def _end(self, index: int, result: SyncResult) -> None:
        self.results[index] = result
        self._say()

    def _counting(self, index: int) -> Callable[[str, int, int | None], None]:
        def progress(label: str, done: int, expected: int | None) -> None:
            self.done[index] = done
            self._say()

        return progress

    def _say(self) -> None:
        if self.progress:
            total = len(self.sources)
            noun = self.sources[0].noun if self.sources else "item"
            label = f"{len(self.results)} of {total} repositories done, {sum(self.done.values()):,} {noun}s"
            self.progress(label, len(self.results), total, "parallel")


def sync_parallel(store: Store, sources: Sequence[Source], jobs: int, progress: Overall | None = None
                  ) -> list[SyncResult]:  # fmt: skip
    """Sync sources that can be read in a worker (`runs_in_worker`), jobs at a time; results in the
    order of sources. Ctrl-C and a store that cannot be written stop them all, as in `sync`."""
    state = _Parallel(store, sources, progress)
    channel = _Channel(4 * jobs)
    with ThreadPoolExecutor(jobs, thread_name_prefix="sync") as pool:
        futures: dict[int, Future[None]] = {}
        try:
            for index, source in enumerate(sources):
                cursor = copy.deepcopy(store.cursor(source.id) or {})
                stored = set(store.item_ids(source.id)) if cursor else None
                futures[index] = pool.submit(_read, channel, index, source, cursor, stored)
            state._say()
            while len(state.results) < len(sources):
                try:
                    state.handle(*channel.queue.get(timeout=POLL_SECONDS))
                except queues.Empty:
                    _check_workers(state, futures)
        except KeyboardInterrupt:
            channel.stop.set()
            interrupted = [run.interrupted() for i, run in state.runs.items() if i not in state.results]
            raise interrupted[0] if interrupted else KeyboardInterrupt() from None
        except BaseException:
            channel.stop.set()
            for index, run in state.runs.items():
                if index not in state.results:
                    run.salvage()
            raise
    return [state.results[i] for i in range(len(sources))]


def _check_workers(state: _Parallel, futures: dict[int, Future[None]]) -> None:
    """A worker that ended without a word (a bug): its source fails, the others go on."""
    for index, future in futures.items():
        if index not in state.results and future.done() and future.exception() is not None:
            source = state.sources[index]
            state.handle(index, "error", SourceError(f"{source.label}: {future.exception()}"))


def sync_all(store: Store, sources: Sequence[Source | SyncResult], jobs: int | None = None,
             progress: Overall | None = None) -> list[SyncResult]:  # fmt: skip
    """Sync every source: those a worker can read, jobs at a time (default: one per core), then the
    others one by one; jobs=1 (or a single repository) syncs all one by one here. A SyncResult
    given is passed through."""
    jobs = jobs or default_jobs()
    parallel = [s for s in sources if not isinstance(s, SyncResult) and runs_in_worker(s)]
    if jobs < 2 or len(parallel) < 2:  # one repository reads its blocks on every core already
        parallel = []
    done = {}
    if parallel:
        done = dict(zip(map(id, parallel), sync_parallel(store, parallel, min(jobs, len(parallel)), progress),
                        strict=True))  # fmt: skip
    plain = _plain(progress)
    results = []
    for source in sources:
        if isinstance(source, SyncResult):
            results.append(source)
        else:
            results.append(done[id(source)] if id(source) in done else sync(store, source, plain))
    return results


def _plain(progress: Overall | None) -> Callable[[str, int, int | None], None] | None:
    if progress is None:
        return None
    return lambda label, done, expected: progress(label, done, expected, label)

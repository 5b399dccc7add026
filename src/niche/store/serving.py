"""How `niche serve` reads a store that `niche sync` keeps writing.

DuckDB lets one process write a database file, and while it does no other process may open it,
not even to read; a reader that keeps it open locks every writer out. So the server never keeps
the store open. It reads a private copy (a snapshot): whenever the file has changed, has stayed
unchanged for a moment and no sync holds it, the server opens it read-only just long enough to
copy it (a sync starting meanwhile waits that out: `Store` retries a held file briefly), opens the
copy, and swaps it in at once. Requests in flight finish on the snapshot they started with; the
next ones see the new data; the old copy is closed and deleted when its last reader is done.

Why not a connection per request: opening the file costs about 225 ms on a 9 MB python-novaclient
store (measured), more than a whole page, and while a sync writes (minutes on nova) nothing could
be served at all. A snapshot costs disk (one copy of the file) and a copy per finished sync.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from niche.errors import StoreError
from niche.store.db import Store, connect

SNAPSHOT_PREFIX = ".niche-serve-"
log = logging.getLogger(__name__)


class SharedReader(Store):
    """A read-only store that many threads query at once: each thread gets its own cursor on the
    one database, and DuckDB runs their queries in parallel (one connection would run one at a time)."""

    def __init__(self, path: Path) -> None:
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._cursors_lock = threading.Lock()
        super().__init__(path, read_only=True, wait=0)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
            with self._cursors_lock:
                self._cursors.append(cursor)
        return cursor

    def close(self) -> None:
        with self._cursors_lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
        super().close()


def _signature(path: Path) -> tuple:
    """What changes when a sync commits: the file's and its write-ahead log's identity, size and time."""

    def of(p: Path) -> tuple | None:
        try:
            s = p.stat()
        except FileNotFoundError:
            return None
        return s.st_ino, s.st_size, s.st_mtime_ns

    return of(path), of(_wal(path))


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@dataclass
class Snapshot:
    """One private copy of the store and the requests reading it."""

    store: SharedReader
    version: int
    signature: tuple
    prepared: Any = None  # what the server built from it before serving it
    readers: int = 0
    retired: bool = False
    files: list[Path] = field(default_factory=list)

    def close(self) -> None:
        self.store.close()
        for f in self.files:
            f.unlink(missing_ok=True)


class Snapshots:
    """The store at `path` as a server sees it: always the newest complete state a sync left.

    Use as a context manager; `reading()` lends the current snapshot to one request. `refresh()`
    checks the file (the watcher thread calls it every `check_every` seconds). `prepare(store,
    version)` builds what is served from a snapshot before it is swapped in (kept as `prepared`)."""

    def __init__(
        self, path: Path, prepare: Callable[[Store, int], Any] | None = None, check_every: float = 2.0
    ) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise StoreError(f"{self.path}: no niche database here yet; run `niche sync` or `niche analyze` first")
        self.prepare = prepare
        self.check_every = check_every
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._seen: tuple | None = None  # the file's signature at the last check
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._dir: Path | None = None

    def __enter__(self) -> Snapshots:
        self._dir = _workdir(self.path)
        try:
            self._take(wait=365 * 24 * 3600.0)  # a sync running at start: wait for it, then serve
        except BaseException:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise
        self._watcher = threading.Thread(target=self._watch, name="niche-snapshots", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._watcher:
            self._watcher.join()
        with self._lock:
            if self._current:
                self._current.close()
            self._current = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def version(self) -> int:
        return self._current.version if self._current else 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[Snapshot]:
        with self._lock:
            snapshot = self._current
            if snapshot is None:
                raise StoreError(f"{self.path}: the server is shutting down")
            snapshot.readers += 1
        try:
            yield snapshot
        finally:
            with self._lock:
                snapshot.readers -= 1
                done = snapshot.retired and snapshot.readers == 0
            if done:
                snapshot.close()

    def refresh(self) -> bool:
        """Take a new snapshot if the file changed since the last one and has been quiet since the
        last check, and no sync holds it now; True when one was swapped in."""
        seen, self._seen = self._seen, _signature(self.path)
        if self._current is None or self._seen == self._current.signature or self._seen != seen:
            return False
        try:
            return self._take(wait=0)
        except StoreError:
            return False  # a sync holds the file (or it is mid-write): keep serving, try again later

    def _watch(self) -> None:
        while not self._stop.wait(self.check_every):
            try:
                self.refresh()
            except Exception as exc:
                log.warning("%s: could not take a new snapshot, still serving the last one: %s", self.path, exc)

    def _take(self, wait: float) -> bool:
        """Copy the file while holding it read-only (no writer can start meanwhile), open the copy
        and make it current."""
        assert self._dir is not None
        version = self.version + 1
        copy = self._dir / f"v{version}.duckdb"
        files = [copy, _wal(copy)]
        holder = connect(self.path, read_only=True, wait=wait)
        try:
            signature = _signature(self.path)
            shutil.copyfile(self.path, copy)
            if _wal(self.path).exists():
                shutil.copyfile(_wal(self.path), _wal(copy))
        finally:
            holder.close()
        store: SharedReader | None = None
        try:
            store = SharedReader(copy)
            prepared = self.prepare(store, version) if self.prepare else None
        except BaseException as exc:
            if store:
                store.close()
            for f in files:
                f.unlink(missing_ok=True)
            if isinstance(exc, StoreError):  # about the user's file, not the private copy
                raise type(exc)(str(exc).replace(str(copy), str(self.path))) from None
            raise
        snapshot = Snapshot(store, version, signature, prepared, files=files)
        with self._lock:
            old, self._current = self._current, snapshot
            self._seen = signature
            if old:
                old.retired = True
                idle = old.readers == 0
        if old and idle:
            old.close()
        return True


def _workdir(db: Path) -> Path:
    """A private folder for snapshots beside the store (same disk, so copies are quick), or in the
    temporary folder when the store's folder is read-only; leftovers of killed servers are removed."""
    for stale in db.parent.glob(f"{SNAPSHOT_PREFIX}*"):
        pid = stale.name.removeprefix(SNAPSHOT_PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    prefix = f"{SNAPSHOT_PREFIX}{os.getpid()}-"
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=db.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=prefix))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

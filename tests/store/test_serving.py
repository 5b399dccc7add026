"""Snapshots: how `niche serve` reads a store while syncs write it (real DuckDB files, real locks)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from niche.errors import StoreError
from niche.store import Store
from niche.store.serving import SNAPSHOT_PREFIX, SharedReader, Snapshots


def _store_with(path: Path, sources: int) -> None:
    with Store(path) as store, store.transaction():
        for i in range(sources):
            store.register_source(f"git:{i}", "git", f"repo{i}", f"/r/{i}", {})


def _sources(store: Store) -> int:
    return store.con.execute("SELECT count(*) FROM sources").fetchone()[0]


@contextmanager
def held(db: Path, read_only: bool) -> Iterator[None]:
    """Another process holding the file, as a sync (read_only=False) or a server copying it does:
    DuckDB's file lock works between processes (within one, it shares the open database)."""
    code = (
        f"import duckdb, sys; c = duckdb.connect({str(db)!r}, read_only={read_only}); "
        "print('held', flush=True); sys.stdin.read()"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout.readline().strip() == "held"
        try:
            yield
        finally:
            p.stdin.close()
            p.wait(30)


def test_a_writer_waits_for_a_brief_reader_instead_of_failing(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    opened = threading.Event()

    def write() -> None:
        _store_with(db, 2)
        opened.set()

    with held(db, read_only=True):  # what the server holds while it copies
        writer = threading.Thread(target=write)
        writer.start()
        assert not opened.wait(0.5)  # still waiting: the file is held
    writer.join(30)
    assert opened.is_set()
    with Store(db, read_only=True) as store:
        assert _sources(store) == 2


def test_a_held_file_is_a_clear_error_after_the_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    monkeypatch.setenv("NICHE_LOCK_WAIT", "0.2")
    with held(db, read_only=False), pytest.raises(StoreError, match="in use by another niche process"):
        Store(db, read_only=True)


def test_snapshots_follow_each_finished_sync_and_never_hold_the_file(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    with Snapshots(db, prepare=lambda store, version: (_sources(store), version), check_every=3600) as snapshots:
        with snapshots.reading() as first:
            assert first.prepared == (1, 1)
            _store_with(db, 3)  # a sync writes while the server serves: no lock stands in its way
            assert not snapshots.refresh()  # changed since the last look: wait until it is quiet
            assert snapshots.refresh()
            with snapshots.reading() as second:
                assert second.prepared == (3, 2)
            assert _sources(first.store) == 1  # a request in flight keeps reading what it started with
        assert not first.files[0].exists()  # the old copy goes once its last reader is done
        assert not snapshots.refresh()  # nothing new
    assert not list(tmp_path.glob(f"{SNAPSHOT_PREFIX}*"))


def test_a_snapshot_is_not_taken_while_a_sync_writes(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    with Snapshots(db, prepare=lambda store, version: _sources(store), check_every=3600) as snapshots:
        _store_with(db, 2)
        with held(db, read_only=False):  # a sync writing: the server keeps its snapshot, tries later
            snapshots.refresh()
            assert not snapshots.refresh() and snapshots.version == 1
        assert snapshots.refresh() and snapshots.version == 2
        with snapshots.reading() as snapshot:
            assert snapshot.prepared == 2


def test_threads_read_at_once_each_with_its_own_cursor(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 5)
    reader = SharedReader(db)
    seen: list[int] = []
    cursors: set[int] = set()

    def read() -> None:
        cursors.add(id(reader.con))
        seen.append(reader.con.execute("SELECT count(*) FROM sources, range(200000)").fetchone()[0])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader.close()
    assert seen == [1_000_000] * 8 and len(cursors) == 8


def test_threads_read_through_the_store_helpers_each_on_its_own_cursor(tmp_path: Path) -> None:
    """rows(), one() and value() are what pages call: on one shared connection two threads' queries
    refused each other ("connection is busy") or read each other's column names."""
    db = tmp_path / "niche.duckdb"
    _store_with(db, 5)
    reader = SharedReader(db)
    failures: list[str] = []

    def read(n: int) -> None:
        for _ in range(20):
            try:
                rows = reader.rows(f"SELECT count(*) AS c{n}, {n} AS t{n} FROM sources, range(20000)")
                value = reader.value(f"SELECT {n} * count(*) FROM sources")
            except Exception as exc:  # noqa: BLE001 - a failure in a thread is what is being tested
                failures.append(f"{type(exc).__name__}: {exc}")
                return
            if rows != [{f"c{n}": 100_000, f"t{n}": n}] or value != 5 * n:
                failures.append(f"thread {n} read {rows} and {value}")

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader.close()
    assert failures == []


def test_stale_snapshot_folders_of_dead_servers_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    stale = tmp_path / f"{SNAPSHOT_PREFIX}999999999-abc"  # no such process
    stale.mkdir()
    (stale / "v1.duckdb").write_bytes(b"old")
    with Snapshots(db, check_every=3600):
        assert not stale.exists()


def test_an_old_store_is_named_in_the_error_not_the_private_copy(tmp_path: Path) -> None:
    db = tmp_path / "niche.duckdb"
    _store_with(db, 1)
    with Store(db) as store:
        store.con.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)")
    with pytest.raises(StoreError, match="needs upgrading") as raised, Snapshots(db):
        pass
    assert str(raised.value).startswith(f"{db}:") and SNAPSHOT_PREFIX not in str(raised.value)

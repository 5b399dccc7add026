"""The store's schema versioning and item-keyed writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from niche.errors import NicheError, SchemaError
from niche.store import Store, db


def test_new_database_has_the_latest_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "x" / "n.duckdb") as store:
        assert store.schema_version() == db.SCHEMA_VERSION
        assert {"raw_items", "activities", "identities", "sync_state", "quarantine"} <= {
            r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }


def test_older_database_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.duckdb"
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:1])
    monkeypatch.setattr(db, "SCHEMA_VERSION", 1)
    Store(path).close()
    monkeypatch.undo()
    with Store(path) as store:
        versions = [r[0] for r in store.con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    assert versions == [v for v, _ in db.MIGRATIONS]


def test_each_migration_has_a_number_of_its_own() -> None:
    """Two branches that each add migration N leave a store already at N without one of them:
    the second to land renumbers its migration after main's."""
    versions = [v for v, _ in db.MIGRATIONS]
    assert sorted(v for v in set(versions) if versions.count(v) > 1) == []


def test_newer_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "n.duckdb"
    with Store(path) as store:
        store.con.execute("INSERT INTO schema_version VALUES (999, now())")
    with pytest.raises(SchemaError, match=r"newer niche \(schema 999"):
        Store(path)


def test_read_only_needs_an_existing_database(tmp_path: Path) -> None:
    with pytest.raises(NicheError, match="no niche database here yet"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_write_items_replaces_instead_of_duplicating(store: Store) -> None:
    def write(text: str) -> None:
        with store.transaction():
            store.write_items(
                "test:1",
                ["a"],
                {
                    "raw_items": {
                        "source": ["test:1"],
                        "item_id": ["a"],
                        "kind": ["k"],
                        "payload": [text.encode()],
                        "fetched_at": [db._now()],
                    }
                },
            )

    write("first")
    write("second")
    assert store.con.execute("SELECT payload FROM raw_items").fetchall() == [(b"second",)]


def test_quarantine_keeps_the_bad_item(store: Store) -> None:
    with store.transaction():
        store.quarantine("git:/r", "abc", "r@abc", "unparseable commit record", b"\x1eabc")
    assert store.con.execute("SELECT location, error, payload FROM quarantine").fetchall() == [
        ("r@abc", "unparseable commit record", b"\x1eabc")
    ]

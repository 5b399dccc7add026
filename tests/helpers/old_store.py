"""A database as an older niche left it: the schema up to, not including, one migration, so a
test can fill it as that version did and check what the upgrade makes of it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from niche.store.db import MIGRATIONS


def migration_with(text: str) -> int:
    """The version of the migration whose SQL holds text (numbers change as branches land)."""
    return next(version for version, sql in MIGRATIONS if text in sql)


def store_before(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A connection to a new database at the schema just before `version`."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)")
    for number, sql in MIGRATIONS:
        if number < version:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [number])
    return con

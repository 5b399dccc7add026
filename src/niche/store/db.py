"""The DuckDB store: one file, a versioned schema, and item-keyed writes that are idempotent.

Connectors hand over batches of rows per table; every derived table is keyed by
(source, item_id), so writing an item replaces what an earlier sync stored for it. Sync cursors
are written inside the same transaction as the rows they cover, which is what makes a sync
killed at any point resumable without loss or duplicates.

Rows are written to the tables of schema `stored`, every copy as its route delivered it; the
same names in the main schema are views that show one copy of each item (niche.store.folds),
and those views are what metrics, pages and users read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from niche.credentials import strip_credentials
from niche.errors import ConfigError, SchemaError, StoreError

DEFAULT_DB = Path(".niche") / "niche.duckdb"
# DuckDB would cache up to 80% of RAM; a bound keeps niche's memory flat however long the history
# (larger joins spill to disk). NICHE_MEMORY_LIMIT overrides it, e.g. "2GB" on a big server.
DEFAULT_MEMORY_LIMIT = "256MB"
# DuckDB lets one process hold a file while it writes, and no process open it then; `niche serve`
# holds it read-only for the seconds it copies a snapshot. Opening waits this long for a holder to
# let go before saying the database is in use (NICHE_LOCK_WAIT, seconds).
DEFAULT_LOCK_WAIT = 30.0
log = logging.getLogger(__name__)


def default_db_path() -> Path:
    return Path(os.environ.get("NICHE_DB") or DEFAULT_DB)


# DuckDB timestamps and most tools handle years 1..9999; a date outside is kept as NULL.
MIN_EPOCH, MAX_EPOCH = -62135596800, 253402300799


def valid_epoch(epoch: int | None) -> int | None:
    """The epoch when it is a usable date, else None (the item is kept, without that date)."""
    return epoch if epoch is not None and MIN_EPOCH <= epoch <= MAX_EPOCH else None


def identity_id(source_kind: str, name: str | None, email: str | None, username: str | None = None) -> str:
    """Stable id of one identity exactly as a source shows it (emails compare case-insensitively)."""
    key = "\x1f".join((source_kind, name or "", (email or "").lower(), username or ""))
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _migrations() -> list[tuple[int, str]]:
    found = []
    for entry in resources.files("niche.store.migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_\w+\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text()))
    return sorted(found)


MIGRATIONS = _migrations()
SCHEMA_VERSION = MIGRATIONS[-1][0]


class Store:
    """An open niche database. Use as a context manager, or call close()."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False, wait: float | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no niche database here yet; run `niche sync` or `niche analyze` first")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot make its folder ({exc.strerror}); nothing was written; "
                             "give a path you can write with --db") from None  # fmt: skip
        self._con = connect(self.path, read_only, lock_wait() if wait is None else wait)
        self._con.execute("SET memory_limit = ?", [os.environ.get("NICHE_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT])
        self._con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would cut into niche's output
        self._item_tables: list[str] | None = None
        self._stored_names: set[str] | None = None
        self._migrate(read_only)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection queries go through."""
        return self._con

    def one(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> tuple[Any, ...]:
        """The one row a query must return (an aggregate's); a StoreError naming the query if none."""
        row = self.con.execute(sql, params).fetchone()
        if row is None:
            raise StoreError(f"no row from the query {' '.join(sql.split())[:100]}")
        return row

    def value(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> Any:
        """An aggregate's value: the first column of the one row."""
        return self.one(sql, params)[0]

    def rows(self, sql: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """A query's rows as dicts of column name to value."""
        cursor = self.con.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.value("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"):
            return 0
        return int(self.value("SELECT coalesce(max(version), 0) FROM schema_version"))

    def _migrate(self, read_only: bool) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: written by a newer niche (schema {current}; this niche knows up to "
                f"{SCHEMA_VERSION}); upgrade niche or use another --db"
            )
        pending = [(v, sql) for v, sql in MIGRATIONS if v > current]
        if not pending:
            return
        if read_only:
            raise SchemaError(
                f"{self.path}: schema {current} needs upgrading; sync any source (or run `niche analyze`) once"
            )
        with self.transaction():
            if current == 0:
                self.con.execute(
                    "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
            for version, sql in pending:
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])

    # -- transactions and cursors -----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def cursor(self, source: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT cursor FROM sync_state WHERE source = ?", [source]).fetchone()
        return json.loads(row[0]) if row else None

    def set_cursor(self, source: str, cursor: Mapping[str, Any]) -> None:
        self.con.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?)", [source, json.dumps(cursor), _now()])

    def register_source(self, source: str, kind: str, name: str, location: str, attrs: Mapping[str, Any]) -> None:
        self.con.execute(
            """INSERT INTO sources VALUES (?, ?, ?, ?, ?, NULL)
               ON CONFLICT (source) DO UPDATE SET name = excluded.name, location = excluded.location,
               attrs = excluded.attrs""",
            [source, kind, name, strip_credentials(location), strip_credentials(json.dumps(attrs))],
        )

    def mark_synced(self, source: str) -> None:
        self.con.execute("UPDATE sources SET synced_at = ? WHERE source = ?", [_now(), source])

    # -- item-keyed writes ------------------------------------------------------------------

    def item_tables(self) -> list[str]:
        """Every table whose rows belong to a raw item (it has source and item_id columns), as
        schema.table; folded_items is not one: it is derived from all items at once."""
        if self._item_tables is None:
            rows = self.con.execute(
                """SELECT c.table_schema || '.' || c.table_name FROM information_schema.columns c
                   JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
                   WHERE c.column_name IN ('source', 'item_id') AND c.table_schema IN ('main', 'stored')
                     AND t.table_type = 'BASE TABLE' AND c.table_name <> 'folded_items'
                     AND c.table_catalog = current_database()
                   GROUP BY ALL HAVING count(*) = 2 ORDER BY 1"""
            ).fetchall()
            self._item_tables = [r[0] for r in rows]
        return self._item_tables

    def stored_table(self, table: str) -> str:
        """Where rows of `table` are written: `stored.<table>` when its main name is the view that
        folds duplicate copies, else the table itself."""
        if self._stored_names is None:
            rows = self.con.execute(
                """SELECT table_name FROM information_schema.tables
                   WHERE table_schema = 'stored' AND table_catalog = current_database()"""
            ).fetchall()
            self._stored_names = {r[0] for r in rows}
        return f"stored.{table}" if table in self._stored_names else table

    def delete_items(self, source: str, item_ids: Sequence[str]) -> None:
        """Remove items and everything derived from them (e.g. commits a force-push dropped)."""
        if not item_ids:
            return
        ids = pa.table({"item_id": pa.array(item_ids, pa.string())})
        self.con.register("_niche_ids", ids)
        try:
            for table in self.item_tables():
                self.con.execute(
                    f"DELETE FROM {table} WHERE source = ? AND item_id IN (SELECT item_id FROM _niche_ids)",
                    [source],
                )
        finally:
            self.con.unregister("_niche_ids")

    def item_ids(self, source: str) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT item_id FROM raw_items WHERE source = ?", [source]).fetchall()]

    def retain_items(self, source: str, item_ids: set[str]) -> list[str]:
        """Delete every item of source not in item_ids; returns the ids deleted."""
        gone = [i for i in self.item_ids(source) if i not in item_ids]
        self.delete_items(source, gone)
        return gone

    def write_items(
        self, source: str, item_ids: Sequence[str], rows: Mapping[str, Mapping[str, pa.Array | list]]
    ) -> int:
        """Replace items: delete whatever was stored for item_ids, then insert rows per table;
        returns how many of the items were stored before.

        rows maps a table name to its columns (name -> values); columns are matched by name, so a
        table's optional columns may be left out. Call inside transaction() with the cursor.
        """
        stored = self._stored(source, item_ids)
        self.delete_items(source, stored)
        for table, columns in rows.items():
            self.insert(table, columns)
        return len(stored)

    def _stored(self, source: str, item_ids: Sequence[str]) -> list[str]:
        """Those of item_ids stored already. Every item has its raw_items row, so one look there
        spares deleting from every table when (as in a first sync) the items are all new."""
        if not item_ids:
            return []
        self.con.register("_niche_ids", pa.table({"item_id": pa.array(list(item_ids), pa.string())}))
        try:
            rows = self.con.execute(
                "SELECT item_id FROM raw_items WHERE source = ? AND item_id IN (SELECT item_id FROM _niche_ids)",
                [source],
            ).fetchall()
        finally:
            self.con.unregister("_niche_ids")
        return [r[0] for r in rows]

    def insert(
        self, table: str, columns: Mapping[str, pa.Array | Sequence], where: str = "", conflict: str = ""
    ) -> None:
        """Insert columnar rows (matched to the table's columns by name) in one statement.

        where filters the new rows, e.g. to skip those already present; conflict says what to do
        with a row whose key is there already (an ON CONFLICT clause).
        """
        batch = pa.table(dict(columns))
        if batch.num_rows == 0:
            return
        self.con.register("_niche_batch", batch)
        try:
            self.con.execute(
                f"INSERT INTO {self.stored_table(table)} BY NAME SELECT * FROM _niche_batch {where} {conflict}"
            )
        finally:
            self.con.unregister("_niche_batch")

    def add_identities(self, identities: Mapping[str, tuple[str, str | None, str | None, str | None]]) -> None:
        """Insert identities not seen before, and fill in what an identity's earlier records left out
        (an account first seen by number, later with its name): identity_id -> (source_kind, name,
        email, username)."""
        if not identities:
            return
        kinds, names, emails, usernames = zip(*identities.values(), strict=True)
        self.insert(
            "identities",
            {
                "identity_id": pa.array(list(identities), pa.string()),
                "source_kind": pa.array(kinds, pa.string()),
                "name": pa.array(names, pa.string()),
                "email": pa.array(emails, pa.string()),
                "username": pa.array(usernames, pa.string()),
            },
            conflict="ON CONFLICT (identity_id) DO UPDATE SET name = coalesce(identities.name, excluded.name), "
            "email = coalesce(identities.email, excluded.email), "
            "username = coalesce(identities.username, excluded.username)",
        )

    def mark_bots(self, identity_ids: set[str]) -> None:
        """Record that the service itself calls these identities bots (they never count as people)."""
        if identity_ids:
            self.con.execute(
                "UPDATE identities SET is_bot = true WHERE identity_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(identity_ids)],
            )

    def clear_quarantine(self, source: str | None = None, item_ids: Sequence[str] | None = None) -> int:
        """Forget set-aside input: all of it, one source's, or what some items of a source left there
        (their own entries and those of their parts, 'ITEM: line 12'); returns how many entries went."""
        where, params = "WHERE true", list[Any]()
        if source is not None:
            where, params = "WHERE source = ?", [source]
        if item_ids is not None:
            where += " AND list_has_any(?::VARCHAR[], [item_id, split_part(item_id, ': ', 1)])"
            params += [list(item_ids)]
        return int(self.value(f"DELETE FROM quarantine {where}", params))  # DELETE returns its count

    def quarantine(self, source: str, item_id: str, location: str, error: str, payload: bytes | None) -> None:
        """Keep a bad item with its error, replacing an earlier quarantine of the same item."""
        self.con.execute("DELETE FROM quarantine WHERE source = ? AND item_id = ?", [source, item_id])
        location, error = strip_credentials(location), strip_credentials(error)
        self.con.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)", [source, item_id, location, error, payload, _now()]
        )


def lock_wait() -> float:
    try:
        return float(os.environ.get("NICHE_LOCK_WAIT") or DEFAULT_LOCK_WAIT)
    except ValueError:
        raise ConfigError(f"NICHE_LOCK_WAIT={os.environ['NICHE_LOCK_WAIT']!r}: expected seconds, e.g. 30") from None


# What DuckDB says when the file or the machine, not niche, is at fault: what to call it and what
# the user can do. Every write is a transaction, so what was committed before is always kept.
_FAILURES = (
    (("no space left", "disk full", "file too large"), "the disk is full",
     "everything written before is kept; free some space and run it again (a sync resumes where it stopped)"),
    (("corrupt", "not a valid duckdb database", "could not read enough bytes"), "the database file is damaged",
     "niche changed nothing in it; restore it from a backup, or sync into a new file with --db"),
    (("permission denied", "read-only file system", "is a directory"), "the database cannot be written here",
     "nothing was written; give a path you can write with --db"),
)  # fmt: skip


def storage_failure(path: Path | str, exc: BaseException) -> StoreError | None:
    """The one-line StoreError for a DuckDB error the environment caused (a full disk, a damaged or
    unwritable file, too little memory), or None for any other, which is a bug worth its traceback."""
    if not isinstance(exc, duckdb.Error):
        return None
    said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    for words, what, todo in _FAILURES:
        if any(word in said.lower() for word in words):
            return StoreError(f"{path}: {what} ({said}); {todo}")
    if isinstance(exc, duckdb.OutOfMemoryException):
        limit = os.environ.get("NICHE_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
        return StoreError(f"{path}: out of memory ({said}); give DuckDB more than {limit} with NICHE_MEMORY_LIMIT")
    if isinstance(exc, duckdb.IOException | duckdb.FatalException):
        return StoreError(f"{path}: {said}")
    return None


def connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open path, waiting up to `wait` seconds while another process holds it (a sync writing, or a
    server copying its snapshot); then a StoreError that says so."""
    deadline = time.monotonic() + wait
    delay, said = 0.05, False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise storage_failure(path, exc) or StoreError(f"{path}: cannot open the database: {exc}") from None
            if time.monotonic() + delay > deadline:
                raise StoreError(
                    f"{path}: the database is in use by another niche process (a sync writing it); "
                    "wait for it to finish" + (f" (waited {wait:.0f} s)" if wait >= 1 else "")
                ) from None
        if not said and delay >= 0.4:
            log.warning("%s is in use by another niche process; waiting up to %.0f s", path, wait)
            said = True
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)

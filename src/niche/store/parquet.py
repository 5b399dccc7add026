"""Export the normalized tables as Parquet, for engines other than DuckDB (Spark) to read.

Every table or view the metric SQL reads is written under its main name: the views that leave out
folded copies, and what derive() made (people, identities as shown, roles, links). Activities are
split by source kind and month (hive-style folders), every other table is one file. Beside them,
`_niche.json` says the schema version, when the export was made and each table's rows and columns (partition folders add columns a reader should not take for the table's).

What the export holds is what outputs may show: people who opted out only under their pseudonym,
and no e-mail address unless asked for (`show_emails`): an address column keeps only its domain
('@redhat.com', which tells namesakes apart), an address in text is cut to "an address at
redhat.com". Raw payloads and the people log stay in the DuckDB file.

An export is atomic: it is written to a hidden sibling folder, then swapped in with one rename, so
a reader sees the old export or the new one, never half of one, and a crash leaves the old intact.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from niche import __version__
from niche.errors import ConfigError
from niche.store.db import Store

METADATA = "_niche.json"
BATCH_ROWS = 100_000  # rows per batch from DuckDB to the Parquet writer: memory stays flat
# Every table or view the metric SQL reads (tests/metrics/test_spark_parity.py checks the list).
TABLES = (
    "activities", "affiliations", "approval_power", "authored_commits", "bugs", "change_code", "change_commits",
    "changes", "commit_files", "commits", "file_areas", "folded_items", "human_reviews", "item_flags", "item_refs",
    "link_items", "mail_messages", "people", "person_activities", "person_identities", "posts", "quarantine",
    "raw_items", "review_depth", "review_events", "review_outcomes", "review_votes", "shown_identities", "sources",
)  # fmt: skip
# Tables split by the kind of source their rows came from and the month they happened in.
PARTITIONED = {"activities": "occurred_at", "person_activities": "occurred_at"}
LEFT_OUT = {  # columns not exported: raw bytes, and accounts outputs show through shown_identities
    "raw_items": {"payload"},
    "quarantine": {"payload"},
    "posts": {"author_key"},
}
ADDRESS_COLUMNS = {"email", "author_email", "committer_email"}
TEXT_COLUMNS = {  # free text that may hold an address
    "bugs": {"title", "description"},
    "changes": {"subject", "description"},
    "commits": {"message"},
    "item_flags": {"detail"},
    "link_items": {"title"},
    "mail_messages": {"subject", "thread_subject", "own_text"},
    "posts": {"title", "text"},
    "quarantine": {"location", "error"},
    "review_events": {"text", "detail"},
    "sources": {"name", "location"},
}
# An address as niche.identity.normalize finds one; its domain is group 1.
ADDRESS = r"[\w.+'-]+@([\w-]+(?:\.[\w-]+)*)"
_ADDRESS_SQL = ADDRESS.replace("'", "''")  # as a SQL string literal


@dataclass(frozen=True)
class ParquetExport:
    """An export on disk: its folder, rows per table, the store's schema version and when it was made."""

    directory: Path
    tables: dict[str, int]
    schema_version: int
    exported_at: datetime
    show_emails: bool
    columns: dict[str, list[str]]

    def path_of(self, table: str) -> Path:
        """The file or folder holding one table."""
        return self.directory / (table if table in PARTITIONED else f"{table}.parquet")


def export(store: Store, directory: Path | str, show_emails: bool = False) -> ParquetExport:
    """Write every table the metrics read to directory as Parquet, replacing an earlier export there
    in one step; addresses only with show_emails."""
    directory = Path(directory).absolute()
    _check_replaceable(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{directory.name}.partial-", dir=directory.parent))
    try:
        tables, columns = {}, {}
        for table in TABLES:
            select, names = _select(store, table, show_emails)
            columns[table] = names
            tables[table] = _write(store, table, select, partial)
        exported_at = datetime.now(UTC).replace(tzinfo=None)
        made = ParquetExport(directory, tables, store.schema_version(), exported_at, show_emails, columns)
        (partial / METADATA).write_text(json.dumps(_metadata(made), indent=2) + "\n")
        _swap_in(partial, directory)
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # the old export after a swap, or a failed new one
    return made


def read(directory: Path | str) -> ParquetExport:
    """The export in directory, as its _niche.json describes it."""
    directory = Path(directory).absolute()
    try:
        meta = json.loads((directory / METADATA).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{directory}: not a niche Parquet export (no {METADATA}); "
                          "write one with `niche export parquet DIR`") from None  # fmt: skip
    return ParquetExport(
        directory,
        {t: d["rows"] for t, d in meta["tables"].items()},
        meta["schema_version"],
        datetime.fromisoformat(meta["exported_at"]),
        meta["show_emails"],
        {t: d["columns"] for t, d in meta["tables"].items()},
    )


def person_ids(directory: Path | str) -> set[str]:
    """The id of every person in the export."""
    return set(pq.read_table(read(directory).path_of("people"), columns=["person_id"]).column(0).to_pylist())


def _metadata(made: ParquetExport) -> dict[str, Any]:
    return {
        "format": "niche Parquet export",
        "niche_version": __version__,
        "schema_version": made.schema_version,
        "exported_at": made.exported_at.isoformat(),
        "show_emails": made.show_emails,
        "tables": {
            t: {"rows": n, "columns": made.columns[t], "path": made.path_of(t).name,
                "partitioned_by": ["source_kind", "month"] if t in PARTITIONED else []}
            for t, n in made.tables.items()
        },
    }  # fmt: skip


def _check_replaceable(directory: Path) -> None:
    """Only an earlier export (or an empty folder) is replaced: never a folder of other files."""
    if directory.exists() and (not directory.is_dir() or
                               (any(directory.iterdir()) and not (directory / METADATA).is_file())):  # fmt: skip
        raise ConfigError(f"{directory}: exists and is not a niche Parquet export; give a new or empty folder")


def _select(store: Store, table: str, show_emails: bool) -> tuple[str, list[str]]:
    """The query that reads one table as it is exported, and its column names."""
    described = store.con.execute(f"DESCRIBE {table}").fetchall()
    parts, names = [], []
    for name, kind, *_ in described:
        if name in LEFT_OUT.get(table, ()):
            continue
        column = f't."{name}"'
        if kind == "HUGEINT":  # a sum DuckDB widened; Spark and Parquet readers want 64 bits
            column = f"CAST({column} AS BIGINT)"
        elif kind == "JSON":
            column = f"CAST({column} AS VARCHAR)"
        elif not show_emails and name in ADDRESS_COLUMNS:
            column = f"CASE WHEN {column} LIKE '%@%' THEN '@' || split_part({column}, '@', -1) END"
        elif not show_emails and name in TEXT_COLUMNS.get(table, ()):
            column = f"regexp_replace({column}, '{_ADDRESS_SQL}', 'an address at \\1', 'g')"
        if table == "commits" and name in ("author_name", "committer_name"):  # as shown: pseudonyms, no addresses
            who = name.removesuffix("_name")
            column = f"(SELECT s.name FROM shown_identities s WHERE s.identity_id = t.{who}_id)"
        parts.append(f'{column} AS "{name}"')
        names.append(name)
    if table not in PARTITIONED:
        return f"SELECT {', '.join(parts)} FROM {table} t", names
    parts += [
        "coalesce((SELECT k.kind FROM sources k WHERE k.source = t.source), 'unknown') AS source_kind",
        f"coalesce(strftime(t.{PARTITIONED[table]}, '%Y-%m'), 'undated') AS month",
    ]
    # In folder order, so each folder's file is written in one run of large row groups, whatever the size.
    return f"SELECT {', '.join(parts)} FROM {table} t ORDER BY source_kind, month", names


def _write(store: Store, table: str, select: str, into: Path) -> int:
    """Write one table's rows (streamed in batches) under into; returns how many. A table without
    rows is still one file with its columns, so a reader finds every table."""
    reader = store.con.sql(select).to_arrow_reader(BATCH_ROWS)
    written = 0
    if table not in PARTITIONED:
        with pq.ParquetWriter(into / f"{table}.parquet", reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                written += batch.num_rows
        return written

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal written
        for batch in reader:
            written += batch.num_rows
            yield batch

    folder = into / table
    ds.write_dataset(ds.Scanner.from_batches(counted(), schema=reader.schema), folder, format="parquet",
                     partitioning=["source_kind", "month"], partitioning_flavor="hive",
                     basename_template="part-{i}.parquet", max_partitions=1_000_000)  # fmt: skip
    if not written:
        folder.mkdir(exist_ok=True)
        pq.write_table(reader.schema.empty_table().drop_columns(["source_kind", "month"]), folder / "part-0.parquet")
    return written


def _swap_in(new: Path, directory: Path) -> None:
    """Put the folder new where directory is, in one step where the system can (Linux exchanges the
    two atomically); afterwards new holds the old export (if any), to be removed."""
    if not directory.exists():
        os.rename(new, directory)
        return
    if _exchange(new, directory):
        return
    # Elsewhere: two renames; between them the export is missing for a moment, never half written.
    aside = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
    os.rename(directory, aside / "old")
    os.rename(new, directory)
    os.rename(aside / "old", new.with_name(new.name + "-old"))
    aside.rmdir()
    shutil.rmtree(new.with_name(new.name + "-old"), ignore_errors=True)
    new.mkdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0

"""Collect the rows of one batch of items, table by table, and write them in one go.

Every connector's writer turns a batch of items into rows of several tables (raw_items, its own
tables, activities) plus the identities they mention; this is the one place that shapes them
into columns for `Store.write_items`, which replaces whatever those items had before (the sync
loop, `niche.store.sync`, calls it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

import pyarrow as pa

from niche.sources.bounds import Cut, bounded
from niche.store.db import identity_id, valid_epoch


class Batch(Protocol):
    """What a writer hands the sync loop for one batch of items: the identities and bots it saw,
    and its rows per table (`Rows`, or a writer's own columns where speed asks for it)."""

    @property
    def identities(self) -> Mapping[str, tuple[str, str | None, str | None, str | None]]: ...

    @property
    def bots(self) -> set[str]: ...

    def columns(self) -> Mapping[str, Mapping[str, Any]]: ...


class Rows:
    """Rows per table for a batch. Columns named `*_at` hold epoch seconds (None when unknown or
    outside the dates DuckDB can store); `payload` holds bytes."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, list]] = {}
        self.identities: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.bots: set[str] = set()  # identities the service itself calls bots
        self.fetched_at = int(time.time())
        self._cut_identities: dict[str, list[tuple[str, Cut]]] = {}  # identity -> its fields cut to bound
        self._flagged: set[tuple[object, object, str]] = set()

    def add(self, table: str, **values: object) -> None:
        """One row; columns it leaves out are NULL. A value cut to its bound (a Cut), or an
        identity with one, flags the row's item (item_flags)."""
        columns = self.tables.setdefault(table, {})
        count = len(next(iter(columns.values()))) if columns else 0
        for column, value in values.items():
            columns.setdefault(column, [None] * count).append(value)
            if isinstance(value, Cut):
                self._flag(values, f"{table}.{column}", value)
            elif self._cut_identities and isinstance(value, str) and value in self._cut_identities:
                for what, cut in self._cut_identities[value]:
                    self._flag(values, what, cut)
        for cells in columns.values():
            if len(cells) == count:
                cells.append(None)

    def _flag(self, row: dict[str, object], what: str, value: Cut) -> None:
        key = (row.get("source"), row.get("item_id"), what)
        if key[1] is not None and key not in self._flagged:
            self._flagged.add(key)
            self.add("item_flags", source=key[0], item_id=key[1], flag="field-cut", detail=cut_note(what, value))

    def raw(self, source: str, item_id: str, kind: str, payload: bytes) -> None:
        self.add("raw_items", source=source, item_id=item_id, kind=kind, payload=payload, fetched_at=self.fetched_at)

    def identity(self, source_kind: str, name: str | None, email: str | None, username: str | None = None,
                 account: str | None = None, bot: bool = False) -> str:  # fmt: skip
        """The identity's id. With `account` (e.g. a Gerrit account number on one server), the
        account is the identity, however fully each record names it: what one record leaves out
        (a name, an address, a username) another fills in. bot: the source says it is automation."""
        name, email, username = bounded(name), bounded(email), bounded(username)  # cut ones flag their items
        key = identity_id(source_kind, None, None, account) if account else None
        key = key or identity_id(source_kind, name, email, username)
        known = self.identities.get(key)
        if known:
            name, email, username = (a or b for a, b in zip(known[1:], (name, email, username), strict=True))
        self.identities[key] = (source_kind, name, email, username)
        if bot:
            self.bots.add(key)
        cut = [(f"{source_kind} {f}", v) for f, v in (("name", name), ("email", email), ("username", username))
               if isinstance(v, Cut)]  # fmt: skip
        if cut:
            self._cut_identities[key] = cut
        return key

    def columns(self) -> dict[str, dict[str, pa.Array | list]]:
        """Every table's columns, typed for the store (`Store.write_items`)."""
        return {table: {c: _column(c, v) for c, v in columns.items()} for table, columns in self.tables.items()}


def cut_note(what: str, value: Cut) -> str:
    """What item_flags says of a field cut to its bound."""
    return f"{what}: {value.length:,} characters, the first {len(value):,} kept; the raw item holds all of it"


def _column(name: str, values: list) -> pa.Array | list:
    if name.endswith("_at"):
        return pa.array([valid_epoch(v) for v in values], pa.timestamp("s"))
    if name == "payload":
        return pa.array(values, pa.binary())
    return values

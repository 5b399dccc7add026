"""The sources a store holds: list them, find one by what a user calls it, remove one whole.

Removing a source removes everything that came from it (its items in every table, its raw
items, quarantine, cursor, and identities nothing else mentions); copies of its items that
another route also brought are counted from that route at the next derive, without a resync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from niche.errors import NicheError
from niche.store.db import Store


@dataclass(frozen=True, slots=True)
class Source:
    source: str  # the key: 'git:/srv/nova/.git', 'mail:https://lists.example.org/...'
    kind: str
    name: str
    location: str
    synced_at: datetime | None
    items: int
    folded: int  # items counted from another source that brought them too
    quarantined: int


def list_sources(store: Store) -> list[Source]:
    rows = store.con.execute(
        """SELECT s.source, s.kind, s.name, s.location, s.synced_at,
                  (SELECT count(*) FROM raw_items r WHERE r.source = s.source),
                  (SELECT count(*) FROM folded_items f WHERE f.source = s.source),
                  (SELECT count(*) FROM quarantine q WHERE q.source = s.source)
           FROM sources s ORDER BY s.kind, s.name, s.source"""
    ).fetchall()
    return [Source(*row) for row in rows]


def find_source(store: Store, selector: str) -> str:
    """The key of the one source that selector names: its key, its location (a path may be
    relative), or its name; a NicheError when it names none, or several."""
    path = str(Path(selector).expanduser().resolve()) if "://" not in selector else selector
    sources = list_sources(store)
    for match in (
        lambda s: selector in (s.source, s.location) or path == s.location or s.source.endswith(f":{path}"),
        lambda s: s.name == selector,
    ):
        found = [s.source for s in sources if match(s)]
        if len(found) == 1:
            return found[0]
        if found:
            raise NicheError(f"{selector}: names {len(found)} sources; give one of their keys: {', '.join(found)}")
    raise NicheError(f"{selector}: no such source in {store.path}; `niche sources` lists them")


def remove_source(store: Store, source: str) -> int:
    """Remove a source and everything that came from it; returns how many items it had. Call
    the derive steps after it (copies folded into its items come back then)."""
    with store.transaction():
        items = store.con.execute("SELECT count(*) FROM raw_items WHERE source = ?", [source]).fetchone()[0]
        mentioned = store.con.execute(
            "SELECT DISTINCT identity_id FROM stored.activities WHERE source = ?", [source]
        ).fetchall()
        for table in store.item_tables():
            store.con.execute(f"DELETE FROM {table} WHERE source = ?", [source])
        store.con.execute("DELETE FROM folded_items WHERE ? IN (source, kept_source)", [source])
        for table in ("sync_state", "sources"):
            store.con.execute(f"DELETE FROM {table} WHERE source = ?", [source])
        store.con.execute(
            """DELETE FROM identities WHERE identity_id IN (SELECT unnest(?::VARCHAR[]))
                 AND identity_id NOT IN (SELECT identity_id FROM stored.activities)""",
            [[i for (i,) in mentioned]],
        )
    return items

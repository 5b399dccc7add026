"""Find a source by what a user calls it, remove one whole (metrics/sql/sources.sql lists them).

Removing a source removes everything that came from it (its items in every table, its raw
items, quarantine, cursor, and identities nothing else mentions); copies of its items that
another route also brought are counted from that route at the next derive, without a resync.
"""

from __future__ import annotations

from pathlib import Path

from niche.errors import NicheError
from niche.store.db import Store


def find_source(store: Store, selector: str) -> str:
    """The key of the one source that selector names: its key, its location (a path may be
    relative), or its name; a NicheError when it names none, or several."""
    path = str(Path(selector).expanduser().resolve()) if "://" not in selector else selector
    sources = store.con.execute("SELECT source, name, location FROM sources ORDER BY source").fetchall()
    for match in (
        lambda key, name, location: selector in (key, location) or path == location or key.endswith(f":{path}"),
        lambda key, name, location: name == selector,
    ):
        found = [key for key, name, location in sources if match(key, name, location)]
        if len(found) == 1:
            return found[0]
        if found:
            raise NicheError(f"{selector}: names {len(found)} sources; give one of their keys: {', '.join(found)}")
    raise NicheError(f"{selector}: no such source in {store.path}; `niche sources` lists them")


def remove_source(store: Store, source: str) -> int:
    """Remove a source and everything that came from it; returns how many items it had. Call
    the derive steps after it (copies folded into its items come back then)."""
    with store.transaction():
        items = int(store.value("SELECT count(*) FROM raw_items WHERE source = ?", [source]))
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

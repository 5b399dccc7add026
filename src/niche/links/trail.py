"""Follow the breadcrumbs from one item (a URL, Change-Id, bug number, commit, Message-ID).

Items are linked through keys: an item is known by its own keys and mentions others. Starting
from the keys the user's query names, the trail takes every item that has or mentions one of
them, then the keys of those items, and so on for `hops` rounds, and returns the items in time
order with who did them and which key joined each to the trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from niche.links.extract import extract_refs, key_url
from niche.store import Store

MAX_ITEMS = 500  # a trail past this is a hub (a release note mentioning everything), not a thread


@dataclass(frozen=True)
class TrailItem:
    source: str
    source_name: str
    item_id: str
    item_kind: str
    title: str | None
    url: str | None
    occurred_at: datetime | None
    person: str | None
    via: tuple[str, ...]  # the keys that brought this item into the trail
    # What the item mentions that nothing in the store is known by (a Launchpad bug never
    # synced): (key, a URL to open it, when the key alone gives one).
    outside: tuple[tuple[str, str | None], ...] = ()


def like_literal(text: str) -> str:
    """text as a LIKE pattern that matches only itself: a user's % or _ is no wildcard."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_patterns(query: str) -> list[str]:
    """LIKE patterns (escaped with a backslash) for the keys a user's query can mean; the only
    wildcards are niche's own, around a number or a commit hash's prefix."""
    q = query.strip()
    found = [like_literal(r.key) for r in extract_refs(q)]
    if found:
        return found
    bare = q.strip("<>")
    if re.fullmatch(r"I[0-9a-f]{40}", q):
        return [f"change-id:{q}"]
    if re.fullmatch(r"#?\d+", q):  # a number: a bug, change, issue or story (or a hash's prefix)
        n = q.lstrip("#")
        numbered = [f"lp-bug:{n}", f"gerrit:%/{n}", f"github:%#{n}", f"gitlab:%!{n}", f"gitlab:%#{n}", f"story:{n}"]
        return numbered + ([f"commit:{n}%"] if len(n) >= 7 else [])
    if re.fullmatch(r"[0-9a-fA-F]{7,40}", q):
        return [f"commit:{q.lower()}%"]
    if "@" in bare and " " not in bare:
        return [f"message-id:{like_literal(bare)}"]
    if re.fullmatch(r"T\d+", q):
        return [f"phabricator:{q}"]
    return [like_literal(q)]


def _keys_matching(store: Store, patterns: list[str]) -> set[str]:
    """The keys the patterns match, at most MAX_ITEMS of each (a pattern matching more names a hub)."""
    keys: set[str] = set()
    for pattern in patterns:
        for table in ("item_keys", "item_refs"):
            rows = store.con.execute(
                f"SELECT DISTINCT key FROM {table} WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT {MAX_ITEMS}",
                [pattern],
            ).fetchall()
            keys.update(r[0] for r in rows)
    return keys


def follow(store: Store, query: str, hops: int = 2) -> list[TrailItem]:
    """The items connected to what query names, oldest first."""
    frontier = _keys_matching(store, query_patterns(query))
    seen_keys: set[str] = set()
    via: dict[tuple[str, str], set[str]] = {}
    for _ in range(hops + 1):
        frontier -= seen_keys
        if not frontier or len(via) >= MAX_ITEMS:
            break
        seen_keys |= frontier
        store.con.register("_niche_keys", pa.table({"key": sorted(frontier)}))
        try:  # the cap is inside the query: a hub key never loads its 200,000 items
            rows = store.con.execute(
                f"""SELECT source, item_id, list(DISTINCT key ORDER BY key) FROM (
                        SELECT source, item_id, key FROM item_keys WHERE key IN (SELECT key FROM _niche_keys)
                        UNION ALL
                        SELECT source, item_id, key FROM item_refs WHERE key IN (SELECT key FROM _niche_keys))
                    GROUP BY source, item_id ORDER BY source, item_id LIMIT {2 * MAX_ITEMS}"""
            ).fetchall()
        finally:
            store.con.unregister("_niche_keys")
        new_items: set[tuple[str, str]] = set()
        for source, item_id, keys in rows:
            item = (source, item_id)
            if item in via:
                continue  # reached in an earlier round: keep the keys that first brought it
            if len(via) >= MAX_ITEMS:
                break
            new_items.add(item)
            via[item] = set(keys)
        frontier = _keys_of(store, new_items)
    return _describe(store, via)


def _keys_of(store: Store, items: set[tuple[str, str]]) -> set[str]:
    if not items:
        return set()
    sources, ids = zip(*items, strict=True)
    store.con.register("_niche_items", pa.table({"source": list(sources), "item_id": list(ids)}))
    try:
        rows = store.con.execute(
            """SELECT key FROM item_keys JOIN _niche_items USING (source, item_id)
               UNION SELECT key FROM item_refs JOIN _niche_items USING (source, item_id)"""
        ).fetchall()
    finally:
        store.con.unregister("_niche_items")
    return {r[0] for r in rows}


def _describe(store: Store, via: dict[tuple[str, str], set[str]]) -> list[TrailItem]:
    if not via:
        return []
    sources, ids = zip(*via, strict=True)
    store.con.register("_niche_items", pa.table({"source": list(sources), "item_id": list(ids)}))
    try:
        rows = store.con.execute(
            """SELECT l.source, coalesce(s.name, l.source), l.item_id, l.item_kind, l.title, l.url, l.occurred_at,
                      p.name
               FROM link_items l
               JOIN _niche_items USING (source, item_id)
               LEFT JOIN sources s ON s.source = l.source
               LEFT JOIN person_identities pi ON pi.identity_id = l.identity_id
               LEFT JOIN people p ON p.person_id = pi.person_id
               ORDER BY l.occurred_at NULLS LAST, l.source, l.item_id"""
        ).fetchall()
        outside: dict[tuple[str, str], list[str]] = {}
        for source, item_id, key in store.con.execute(
            """SELECT r.source, r.item_id, r.key FROM item_refs r JOIN _niche_items USING (source, item_id)
               WHERE NOT EXISTS (SELECT 1 FROM item_keys k WHERE k.key = r.key) ORDER BY r.key"""
        ).fetchall():
            outside.setdefault((source, item_id), []).append(key)
    finally:
        store.con.unregister("_niche_items")
    return [
        TrailItem(source, name, item_id, kind, title, url, at, person, via=tuple(sorted(via[(source, item_id)])),
                  outside=tuple((key, key_url(key)) for key in outside.get((source, item_id), ())))
        for source, name, item_id, kind, title, url, at, person in rows
    ]  # fmt: skip

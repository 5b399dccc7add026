"""Fold the copies of one item that arrived by different routes into one.

OpenStack publishes each list both as pipermail and as HyperKitty archives; mbox files overlap;
a Gerrit change sits in two export pages, or in an export and a REST sync; one repository is
cloned twice. Each route is a source of its own and stores its copy, as it should: the copies
are what each route said. But a figure must count the item once. Each kind of item has a key
that names it whatever the route (a Gerrit change by host and number, a message by Message-ID,
a commit by hash), and of the copies sharing a key the most complete one is counted; the others
are listed in folded_items, which every normalised view (the tables under their usual names)
leaves out. Nothing is deleted, so when a route is removed the next fold counts the other copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from niche.store.db import Store


@dataclass(frozen=True)
class Fold:
    """One kind of item that can arrive by several routes. `copies` selects, over every stored
    copy (schema `stored`, never the folded views), source, item_id and key; `best` orders the
    copies of one key, the one to count first."""

    copies: str
    best: str


FOLDS = (
    Fold(
        """SELECT c.source, c.item_id, c.updated_at, count(e.kind) AS events,
                  CASE WHEN c.platform = 'gerrit' AND c.host <> '' THEN 'gerrit:' || c.host || '/' || c.number
                       ELSE c.platform || ':' || lower(c.host) || '/' || lower(c.project) || '#' || c.number END AS key
           FROM stored.changes c LEFT JOIN stored.review_events e USING (source, item_id)
           GROUP BY ALL""",
        "updated_at DESC NULLS LAST, events DESC",  # the latest snapshot of the change, then the fullest
    ),
    Fold(
        """SELECT source, item_id, date_from_envelope, lossy_text, 'message-id:' || item_id AS key
           FROM stored.mail_messages""",
        "date_from_envelope, lossy_text",  # a copy with its own Date header and clean text
    ),
    Fold("SELECT source, item_id, 'commit:' || sha AS key FROM stored.commits", "source"),
    Fold(
        # A Launchpad bug synced through two projects is two tasks with their own status: only
        # copies of the same project's task are one item.
        """SELECT source, item_id, updated_at,
                  tracker || ':' || lower(coalesce(project, '')) || '#' || number AS key
           FROM stored.bugs""",
        "updated_at DESC NULLS LAST",
    ),
    Fold(
        # The same log read through two folders, or kept both plain and gzipped: the same file
        # name (without .gz) and the same text. Only names seen twice are hashed.
        """WITH logs AS (
               SELECT source, item_id, payload,
                      regexp_replace(regexp_extract(item_id, '[^/]*$'), '\\.gz$', '') AS name
               FROM raw_items WHERE kind = 'irc-log'
           )
           SELECT source, item_id, 'irc-log:' || name || ':' || md5(payload) AS key
           FROM logs WHERE name IN (SELECT name FROM logs GROUP BY name HAVING count(*) > 1)""",
        "source",
    ),
)


def _folded(fold: Fold) -> str:
    """The copies of `fold` not counted: source, item_id, key, and the copy counted instead."""
    return f"""
        WITH copies AS (
            SELECT source, item_id, key,
                   row_number() OVER (PARTITION BY key ORDER BY {fold.best}, source, item_id) AS rank
            FROM ({fold.copies})
            QUALIFY count(*) OVER (PARTITION BY key) > 1
        )
        SELECT c.source, c.item_id, c.key, k.source, k.item_id
        FROM copies c JOIN copies k ON k.key = c.key AND k.rank = 1
        WHERE c.rank > 1"""


def fold_duplicates(store: Store) -> int:
    """Rebuild folded_items from every stored copy; returns how many copies are left out."""
    with store.transaction():
        store.con.execute("DELETE FROM folded_items")
        for fold in FOLDS:
            store.con.execute(f"INSERT INTO folded_items {_folded(fold)}")
        return int(store.value("SELECT count(*) FROM folded_items"))

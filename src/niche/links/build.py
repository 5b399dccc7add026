"""Derive the breadcrumb tables (link_items, item_keys, item_refs) from the normalised tables.

Each kind of linkable item is described once, by a provider query that says what the item is,
the keys it is known by and the text whose references it makes. Only items not yet indexed are
read, so the build after an incremental sync costs what the sync brought.
"""

from __future__ import annotations

from dataclasses import dataclass

from niche.links.extract import extract_refs
from niche.store import Store

BATCH = 5000
TEXT_WINDOW = 64 * 1024  # characters read from each end of a long text (nova's longest commit message: 4.6 KB)


@dataclass(frozen=True)
class Provider:
    """One table of linkable items. The query must return, in order: source, item_id, item_kind,
    title, url, occurred_at, identity_id, own_keys (a list of keys), text."""

    table: str
    query: str


PROVIDERS: list[Provider] = [
    Provider(
        "commits",
        """SELECT c.source, c.item_id, 'commit', split_part(c.message, chr(10), 1), NULL, c.author_at, c.author_id,
                  list_concat(['commit:' || c.sha],
                              [('change-id:' || t.value) FOR t IN c.trailers IF t.key = 'Change-Id']),
                  c.message
           FROM commits c""",
    ),
    Provider(
        "changes",
        """SELECT c.source, c.item_id, 'change', c.subject, c.url, c.created_at, c.owner_id,
                  list_filter([CASE WHEN c.platform = 'gerrit' THEN 'gerrit:' || c.host || '/' || c.number
                                    WHEN c.platform = 'gitlab'
                                    THEN 'gitlab:' || lower(regexp_extract(c.url, '^[a-z]+://([^/:]+)', 1)) || '/'
                                         || lower(c.project) || '!' || c.number
                                    ELSE 'github:' || lower(c.project) || '#' || c.number END,
                               'change-id:' || c.change_id], lambda k: k IS NOT NULL),
                  concat_ws(chr(10), c.description,
                            (SELECT string_agg(e.text, chr(10)) FROM review_events e
                             WHERE e.source = c.source AND e.item_id = c.item_id))
           FROM changes c""",
    ),
    Provider(
        "bugs",
        """SELECT b.source, b.item_id, 'bug', b.title, b.url, b.created_at, b.owner_id,
                  [CASE WHEN b.tracker = 'launchpad' THEN 'lp-bug:' || b.number
                        WHEN b.tracker = 'gitlab'
                        THEN 'gitlab:' || lower(regexp_extract(b.url, '^[a-z]+://([^/:]+)', 1)) || '/'
                             || lower(b.project) || '#' || b.number
                        ELSE 'github:' || lower(b.project) || '#' || b.number END],
                  concat_ws(chr(10), b.title, b.description)
           FROM bugs b""",
    ),
    Provider(
        "mail_messages",
        """SELECT m.source, m.item_id, 'mail', m.subject, NULL, m.sent_at, m.sender_id, ['message-id:' || m.item_id],
                  concat_ws(chr(10), m.own_text, 'In-Reply-To: <' || m.in_reply_to || '>')
           FROM mail_messages m""",
    ),
    Provider(
        # One item per thread (a question with its answers, a topic, a chat message, a blog entry),
        # shown as its first post; the words and links of all its posts make its references.
        "posts",
        """SELECT p.source, p.item_id,
                  first(CASE p.kind WHEN 'message' THEN 'chat' WHEN 'blog_post' THEN 'blog' ELSE p.kind END
                        ORDER BY p.post_id <> p.thread_id, p.posted_at),
                  first(coalesce(p.title, left(p.text, 80)) ORDER BY p.post_id <> p.thread_id, p.posted_at),
                  first(p.url ORDER BY p.post_id <> p.thread_id, p.posted_at),
                  min(p.posted_at),
                  first(p.author_id ORDER BY p.post_id <> p.thread_id, p.posted_at),
                  [],
                  string_agg(concat_ws(chr(10), p.text, array_to_string(p.links, chr(10))), chr(10))
           FROM posts p
           GROUP BY p.source, p.item_id""",
    ),
]


def _tables(store: Store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def build_links(store: Store) -> int:
    """Index every item not indexed yet; returns how many were added."""
    present = _tables(store)
    added = 0
    for provider in PROVIDERS:
        if provider.table not in present:
            continue
        # A bounded query per batch: writing on the connection would end a streaming result.
        # A batch holds at most BATCH texts of TEXT_WINDOW each: a 20 MB message is read by its
        # head and tail (where references and trailers are), not loaded whole 5,000 times over.
        pending = f"""SELECT * EXCLUDE (text), CASE WHEN length(text) <= {2 * TEXT_WINDOW} THEN text
                             ELSE left(text, {TEXT_WINDOW}) || chr(10) || right(text, {TEXT_WINDOW}) END
                      FROM ({provider.query}) AS p(source, item_id, item_kind, title, url, occurred_at,
                                                   identity_id, own_keys, text)
                      ANTI JOIN link_items l USING (source, item_id) LIMIT {BATCH}"""
        while rows := store.con.execute(pending).fetchall():
            added += _write(store, rows)
    return added


def _write(store: Store, rows: list[tuple]) -> int:
    items: dict[str, list] = {
        k: [] for k in ("source", "item_id", "item_kind", "title", "url", "occurred_at", "identity_id")
    }
    keys: dict[str, list] = {"source": [], "item_id": [], "key": []}
    refs: dict[str, list] = {"source": [], "item_id": [], "key": [], "how": []}
    for source, item_id, kind, title, url, occurred_at, identity_id, own_keys, text in rows:
        for column, value in zip(items, (source, item_id, kind, title, url, occurred_at, identity_id), strict=True):
            items[column].append(value)
        own = set(own_keys or ())
        for key in own:
            keys["source"].append(source)
            keys["item_id"].append(item_id)
            keys["key"].append(key)
        for ref in extract_refs(text):
            if ref.key not in own:
                for column, value in zip(refs, (source, item_id, ref.key, ref.how), strict=True):
                    refs[column].append(value)
    with store.transaction():
        store.insert("link_items", items)
        store.insert("item_keys", keys)
        store.insert("item_refs", refs)
    return len(rows)

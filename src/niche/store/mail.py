"""Mail messages into rows, and the threads rebuilt across every list once a mail sync is done.

Reading archives (what is new, where to resume, conditional requests) is the source's job
(`niche.sources.mail.source`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyarrow as pa

from niche.sources.contract import Item, Source
from niche.sources.mail import MAX_REFERENCES
from niche.sources.mail.source import Post
from niche.store.db import Store
from niche.store.rows import Rows


def message_rows(source: Source, items: Sequence[Item[Post]]) -> Rows:
    """Rows of a batch of messages: the message and the activity of its sender (a thread started,
    or a reply); the list is the message's List-Id, else the source's name."""
    rows = Rows()
    for item in items:
        m, item_id = item.record.message, item.id
        sender = rows.identity("mail", m.from_name, m.from_email)
        place = m.list_id or source.name
        rows.raw(source.id, item_id, "mail-message", item.raw)
        rows.add("mail_messages", source=source.id, item_id=item_id, list=place, archive=item.record.archive,
                 archive_offset=item.record.offset, synthetic_id=m.synthetic_id, subject=m.subject,
                 thread_subject=m.thread_subject, is_reply=m.is_reply, sender_id=sender, sent_at=m.sent_at,
                 tz_offset_minutes=m.tz_offset_minutes, date_from_envelope=m.date_from_envelope,
                 in_reply_to=m.in_reply_to, refs=list(m.references), own_text=m.own_text,
                 own_length=len(m.own_text), quoted_lines=m.quoted_lines, is_patch=m.is_patch,
                 asks_question=m.asks_question, attachments=list(m.attachments), lossy_text=m.lossy)  # fmt: skip
        attrs = {"subject": m.subject, "length": len(m.own_text), "quoted_lines": m.quoted_lines,
                 "is_patch": m.is_patch, "asks_question": m.asks_question}  # fmt: skip
        rows.add("activities", source=source.id, item_id=item_id,
                 kind="mail.reply" if m.is_reply else "mail.thread_started", identity_id=sender,
                 occurred_at=m.sent_at, tz_offset_minutes=m.tz_offset_minutes, project=place, object_id=item_id,
                 attrs=json.dumps(attrs))  # fmt: skip
    return rows


# -- threads --------------------------------------------------------------------------------------


def thread_messages(store: Store) -> int:
    """Give every message its parent, thread and whether it answers someone else's question.

    The parent is the nearest message named by In-Reply-To or References that is in the store;
    a reply naming none that is stored (a "Re:" subject, or a parent from before the archive
    began) follows the latest earlier message of the same list with the same subject. Threads are
    rebuilt over all lists at once, since posts are cross-posted and replies arrive out of order.
    Activities whose answer flag changes are unclassified, so roles follow. Every stored copy of a
    message (one per route it came by) gets the same thread, so a folded copy is ready to count.
    """
    # What threading needs of every message, each field bounded whatever a message held (a store
    # written before subjects were bounded may hold a 20 MB one): a digest of the subject, which
    # is only compared, and the nearest references.
    rows = store.con.execute(
        f"""SELECT m.item_id, m.list, m.in_reply_to, m.refs[-{MAX_REFERENCES}:],
                  CASE WHEN m.thread_subject <> '' THEN md5(m.thread_subject) END, m.is_reply, epoch(m.sent_at),
                  i.email, m.asks_question, m.answers_question
           FROM mail_messages m LEFT JOIN identities i ON i.identity_id = m.sender_id
           QUALIFY row_number() OVER (PARTITION BY m.item_id ORDER BY m.source) = 1  -- copies not folded yet
           ORDER BY m.sent_at NULLS LAST, m.item_id"""
    ).fetchall()
    present = {r[0] for r in rows}
    by_id = {r[0]: r for r in rows}
    parent: dict[str, str | None] = {}
    latest_by_subject: dict[tuple[str, str], str] = {}
    for item, list_name, in_reply_to, refs, subject, is_reply, _, _, _, _ in rows:
        candidates = ([in_reply_to] if in_reply_to else []) + list(reversed(refs or []))
        found = next((c for c in candidates if c in present and c != item), None)
        if found is None and is_reply and subject:
            found = latest_by_subject.get((list_name, subject))
        parent[item] = found
        if subject:
            latest_by_subject[(list_name, subject)] = item
    updates: dict[str, list] = {"item_id": [], "parent_id": [], "thread_id": [], "answers_question": []}
    changed_answers = []
    for item, *_, sender, _, answered_before in rows:
        root, seen = item, {item}
        while parent.get(root) and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        up = parent[item]
        answers = bool(up and by_id[up][8] and by_id[up][7] != sender)
        updates["item_id"].append(item)
        updates["parent_id"].append(up)
        updates["thread_id"].append(root)
        updates["answers_question"].append(answers)
        if answers != bool(answered_before):
            changed_answers.append(item)
    if not rows:
        return 0
    with store.transaction():
        store.con.register("_niche_threads", pa.table(updates))
        try:
            store.con.execute(
                """UPDATE stored.mail_messages m SET parent_id = t.parent_id, thread_id = t.thread_id,
                          answers_question = t.answers_question
                   FROM _niche_threads t WHERE m.item_id = t.item_id"""
            )
            store.con.execute(
                """UPDATE stored.activities a SET role_rule = NULL, attrs = json_merge_patch(a.attrs, json_object(
                          'answers_question', t.answers_question, 'thread', t.thread_id)), role = NULL
                   FROM _niche_threads t
                   WHERE a.source LIKE 'mail:%' AND a.item_id = t.item_id
                     AND (a.role IS NULL OR t.item_id IN (SELECT unnest(?::VARCHAR[])))""",
                [changed_answers],
            )
        finally:
            store.con.unregister("_niche_threads")
    return len(rows)

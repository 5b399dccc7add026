"""Mentoring: reviewing a newcomer's change or answering a newcomer's message or bug.

Whether someone is a newcomer depends on people (identity resolution) and on all history, so
this runs after the rule-based roles (`niche.classify.roles.classify`) and is recomputed on
every derive: activities it marked before go back to their rule-based role first.
"""

from __future__ import annotations

from niche.store import Store

# Each activity that answers someone: who it answers (an identity) and what, in words. Activities
# are read with their rowid from stored.activities (every copy: views have no rowid).
_COUNTERPARTS = """
SELECT a.rowid AS rid, c.owner_id AS other, 'reviewed change ' || c.project || '#' || c.number AS what
FROM stored.activities a JOIN changes c USING (source, item_id)
WHERE a.role = 'review'
UNION ALL
SELECT DISTINCT a.rowid, parent.sender_id, 'answered the mail "' || coalesce(parent.subject, '') || '"'
FROM stored.activities a
JOIN mail_messages m USING (source, item_id)
JOIN mail_messages parent ON parent.item_id = m.parent_id
WHERE a.kind = 'mail.reply' AND a.role IN ('user_support', 'discussion')
UNION ALL
SELECT a.rowid, b.owner_id, 'answered bug ' || coalesce(b.project || ' ', '') || '#' || b.number
FROM stored.activities a JOIN bugs b USING (source, item_id)
WHERE a.kind LIKE '%.comment%' AND a.role IN ('user_support', 'discussion')
UNION ALL
SELECT a.rowid, parent.author_id, 'answered "' || coalesce(parent.title, left(parent.text, 60)) || '"'
FROM stored.activities a
JOIN posts p ON p.source = a.source AND p.post_id = a.object_id
JOIN posts parent ON parent.source = p.source AND parent.post_id = p.parent_id
WHERE a.kind IN ('forum.answer', 'forum.reply', 'chat.message') AND a.role IN ('user_support', 'discussion')
"""

_MARK = f"""
WITH counterparts AS ({_COUNTERPARTS}),
first_seen AS (SELECT person_id, min(occurred_at) AS since FROM person_activities GROUP BY person_id),
mentoring AS (
    SELECT c.rid, any_value(c.what || ' by ' || coalesce(them.name, '?') || ', a newcomer since '
                            || strftime(f.since, '%Y-%m-%d')) AS why
    FROM counterparts c
    JOIN stored.activities a ON a.rowid = c.rid
    JOIN person_identities me ON me.identity_id = a.identity_id
    JOIN people my ON my.person_id = me.person_id
    JOIN person_identities other ON other.identity_id = c.other
    JOIN people them ON them.person_id = other.person_id
    JOIN first_seen f ON f.person_id = other.person_id
    WHERE me.person_id <> other.person_id
      AND NOT my.is_bot AND NOT them.is_bot
      AND a.occurred_at >= f.since
      AND a.occurred_at < f.since + to_days($newcomer_days)
    GROUP BY c.rid
)
UPDATE stored.activities a SET role = 'mentoring', role_rule = m.why
FROM mentoring m WHERE a.rowid = m.rid
"""


def unmark_mentoring(store: Store) -> None:
    """Send what was mentoring back to the rules, before they run again."""
    with store.transaction():
        store.con.execute("UPDATE stored.activities SET role = NULL, role_rule = NULL WHERE role = 'mentoring'")


def mark_mentoring(store: Store, newcomer_days: int) -> int:
    """Mark answers to newcomers (within newcomer_days of their first contribution) as mentoring;
    returns how many activities are mentoring."""
    with store.transaction():
        store.con.execute(_MARK, {"newcomer_days": newcomer_days})
        return int(store.value("SELECT count(*) FROM activities WHERE role = 'mentoring'"))

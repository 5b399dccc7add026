-- The people one person works with most, up to $as_of: who reviewed their changes and whose
-- changes they reviewed, who answered their mail, questions, topics and chat threads and whom
-- they answered, and who wrote commits with them (Co-authored-by). Each interaction is counted
-- once per change, message, post or commit.
-- Parameters: $as_of TIMESTAMP (UTC), $person_id VARCHAR (NULL: everyone, for a whole report at once).
WITH mail AS (
    SELECT m.source, m.item_id, ps.person_id AS sender, pp.person_id AS parent_sender, m.sent_at
    FROM mail_messages m
    JOIN mail_messages parent ON parent.source = m.source AND parent.item_id = m.parent_id
    JOIN person_identities ps ON ps.identity_id = m.sender_id
    JOIN person_identities pp ON pp.identity_id = parent.sender_id
    WHERE m.sent_at <= $as_of AND ps.person_id <> pp.person_id
),
replies AS (
    SELECT ps.person_id AS sender, pp.person_id AS parent_sender, p.posted_at AS sent_at
    FROM posts p
    JOIN posts parent ON parent.source = p.source AND parent.post_id = p.parent_id
    JOIN person_identities ps ON ps.identity_id = p.author_id
    JOIN person_identities pp ON pp.identity_id = parent.author_id
    WHERE p.posted_at <= $as_of AND ps.person_id <> pp.person_id
),
commit_people AS (
    SELECT DISTINCT source, item_id, person_id, occurred_at
    FROM person_activities
    WHERE kind IN ('commit.authored', 'commit.co_authored') AND occurred_at <= $as_of
),
together AS (
    SELECT person_id AS me, author_id AS other, 'reviewed their changes' AS how, last_at AS at
    FROM review_depth WHERE last_at <= $as_of AND author_id IS NOT NULL
    UNION ALL
    SELECT author_id, person_id, 'reviewed by them', last_at
    FROM review_depth WHERE last_at <= $as_of AND author_id IS NOT NULL
    UNION ALL
    SELECT sender, parent_sender, 'answered their mail', sent_at FROM mail
    UNION ALL
    SELECT parent_sender, sender, 'answered by them on a list', sent_at FROM mail
    UNION ALL
    SELECT sender, parent_sender, 'replied to their posts', sent_at FROM replies
    UNION ALL
    SELECT parent_sender, sender, 'answered by them in a forum or chat', sent_at FROM replies
    UNION ALL
    SELECT me.person_id, other.person_id, 'wrote commits together', me.occurred_at
    FROM commit_people me
    JOIN commit_people other ON other.source = me.source AND other.item_id = me.item_id
    WHERE me.person_id <> other.person_id
)
SELECT
    t.me,
    t.other AS person_id,
    p.name,
    count(*) AS interactions,
    string_agg(DISTINCT t.how, ', ' ORDER BY t.how) AS how,
    max(t.at) AS last_at
FROM together t
JOIN people p ON p.person_id = t.other
WHERE NOT p.is_bot AND ($person_id IS NULL OR t.me = $person_id)
GROUP BY t.me, t.other, p.name
ORDER BY t.me, interactions DESC, last_at DESC, t.other

-- Questions nobody has answered, as of $as_of: mailing-list threads whose first message asks a
-- question and that no one else has replied to, questions on Q&A sites and forum topics that
-- ask one with no answer or reply by anyone else, and open bugs and issues on which no one but
-- the reporter has said anything. For niche's "find your niche" guide.
-- CHAOSS metric: Issue Response Time (https://chaoss.community/kb/metric-issue-response-time/), unanswered.
-- Parameters: $as_of TIMESTAMP (UTC); $since TIMESTAMP: only questions asked since then, oldest first
-- (one unanswered for years is a backlog, not an opportunity).
WITH senders AS (
    SELECT m.source, m.item_id, m.thread_id, m.subject, m.list, m.archive, m.sent_at, m.asks_question, m.is_reply,
           pi.person_id
    FROM mail_messages m
    LEFT JOIN person_identities pi ON pi.identity_id = m.sender_id
    WHERE m.sent_at <= $as_of
)
SELECT
    q.source,
    q.item_id,
    q.subject AS title,
    CASE WHEN q.archive LIKE 'http%' THEN q.archive END AS url,
    q.list AS place,
    '' AS area,
    q.sent_at AS since,
    'unanswered question on a mailing list' AS detail
FROM senders q
WHERE q.asks_question AND NOT q.is_reply AND q.sent_at >= $since
  AND NOT EXISTS (
      SELECT 1 FROM senders r
      WHERE r.thread_id = q.thread_id AND r.source = q.source AND r.item_id <> q.item_id
        AND r.person_id IS DISTINCT FROM q.person_id
  )
UNION ALL
SELECT
    q.source,
    q.item_id,
    coalesce(q.title, left(q.text, 80)),
    q.url,
    q.place,
    array_to_string(q.tags, ' '),
    q.posted_at,
    'unanswered question on ' || coalesce(q.place, 'a forum')
FROM posts q
LEFT JOIN person_identities asker ON asker.identity_id = q.author_id
WHERE q.kind IN ('question', 'topic') AND q.asks_question AND q.posted_at <= $as_of AND q.posted_at >= $since
  AND NOT EXISTS (
      SELECT 1 FROM posts r
      LEFT JOIN person_identities pi ON pi.identity_id = r.author_id
      WHERE r.source = q.source AND r.item_id = q.item_id AND r.kind IN ('answer', 'reply')
        AND r.posted_at <= $as_of AND pi.person_id IS DISTINCT FROM asker.person_id
  )
UNION ALL
SELECT
    b.source,
    b.item_id,
    b.title,
    b.url,
    b.project,
    array_to_string(b.tags, ' '),
    b.created_at,
    'no answer on the ' || b.tracker || ' ' || CASE WHEN b.tracker IN ('github', 'gitlab') THEN 'issue' ELSE 'bug' END
FROM bugs b
LEFT JOIN person_identities reporter ON reporter.identity_id = b.owner_id
WHERE b.created_at <= $as_of AND b.created_at >= $since
  AND b.status IN ('New', 'Incomplete', 'Confirmed', 'Triaged', 'open')
  AND NOT EXISTS (
      SELECT 1 FROM activities a
      LEFT JOIN person_identities pi USING (identity_id)
      WHERE a.source = b.source AND a.item_id = b.item_id AND a.kind IN ('bug.comment', 'issue.comment')
        AND a.occurred_at <= $as_of AND pi.person_id IS DISTINCT FROM reporter.person_id
  )
ORDER BY since, source, item_id

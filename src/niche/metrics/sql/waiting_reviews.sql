-- Changes waiting longest for review, as of $as_of: changes open then whose newest patch set (or the
-- pull request itself) has had no vote or comment from anyone but its author and bots since it
-- was uploaded. For niche's "find your niche" guide: a first review is how most people start.
-- CHAOSS metric: Change Request Review Duration (https://chaoss.community/kb/metric-change-request-review-duration/), its backlog.
-- Parameters: $as_of TIMESTAMP (UTC); $since TIMESTAMP: only changes uploaded since then, oldest first.
WITH uploads AS (
    SELECT source, item_id, max(occurred_at) AS uploaded_at
    FROM review_events
    WHERE kind IN ('created', 'patchset') AND occurred_at <= $as_of
    GROUP BY ALL
)
SELECT
    c.source,
    c.item_id,
    c.subject AS title,
    c.url,
    c.project AS place,
    coalesce(c.branch, '') AS area,
    u.uploaded_at AS since,
    (coalesce(c.insertions, 0) + coalesce(c.deletions, 0)) || ' changed lines' AS detail
FROM changes c
JOIN uploads u USING (source, item_id)
WHERE c.created_at <= $as_of AND u.uploaded_at >= $since
  AND NOT EXISTS (  -- still open on $as_of: not merged or abandoned by then
      SELECT 1 FROM review_events e
      WHERE e.source = c.source AND e.item_id = c.item_id AND e.kind IN ('merged', 'abandoned') AND e.occurred_at <= $as_of
  )
  AND (c.status IN ('NEW', 'open')
       OR EXISTS (SELECT 1 FROM review_events e
                  WHERE e.source = c.source AND e.item_id = c.item_id AND e.kind IN ('merged', 'abandoned')))
  AND NOT EXISTS (
      SELECT 1 FROM human_reviews h
      WHERE h.source = c.source AND h.item_id = c.item_id
        AND h.occurred_at >= u.uploaded_at AND h.occurred_at <= $as_of
  )
ORDER BY u.uploaded_at, c.source, c.item_id

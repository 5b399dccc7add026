-- Untriaged bugs, oldest first, as of $as_of: open Launchpad bugs still New, and open GitHub and GitLab issues
-- with no label and no assignee, that nobody has triaged (no triage activity by anyone).
-- The area is the project and the bug's tags. For niche's "find your niche" guide.
-- CHAOSS metric: Issue Response Time (https://chaoss.community/kb/metric-issue-response-time/), its backlog.
-- Parameters: $as_of TIMESTAMP (UTC); $since TIMESTAMP: only bugs reported since then, oldest first.
SELECT
    b.source,
    b.item_id,
    b.title,
    b.url,
    b.project AS place,
    array_to_string(b.tags, ' ') AS area,
    b.created_at AS since,
    coalesce(b.importance, '') AS detail
FROM bugs b
WHERE b.created_at <= $as_of AND b.created_at >= $since
  AND (
      (b.tracker = 'launchpad' AND b.status = 'New')
      OR (b.tracker IN ('github', 'gitlab') AND b.status = 'open' AND array_length(coalesce(b.tags, [])) = 0 AND b.assignee IS NULL)
  )
  AND NOT EXISTS (
      SELECT 1 FROM activities a
      WHERE a.source = b.source AND a.item_id = b.item_id AND a.role = 'triage' AND a.occurred_at <= $as_of
  )
ORDER BY b.created_at, b.source, b.item_id

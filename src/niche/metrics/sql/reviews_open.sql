-- Changes open as of $as_of: created by then and, by then, not merged and not abandoned (or
-- restored after being abandoned), with their age and the time since the last thing a person did
-- on them (an upload, a vote, a comment, a restore; CI's runs do not count). A change that waits
-- long after its last human action is one nobody is looking at.
-- CHAOSS: Change Requests (open), Change Request Duration (https://chaoss.community/kb/metric-change-requests/).
-- Parameters: $as_of TIMESTAMP, $project VARCHAR (NULL: all).
WITH states AS (
    SELECT e.source, e.item_id,
           arg_max(e.kind, e.occurred_at) FILTER (WHERE e.kind IN ('merged', 'abandoned', 'restored')) AS last_state,
           max(e.occurred_at) FILTER (WHERE NOT coalesce(p.is_bot, false) AND e.identity_id IS NOT NULL
                                        AND e.kind <> 'unread') AS last_human_at
    FROM review_events e
    LEFT JOIN person_identities pi ON pi.identity_id = e.identity_id
    LEFT JOIN people p ON p.person_id = pi.person_id
    WHERE e.occurred_at <= $as_of
    GROUP BY e.source, e.item_id
)
SELECT c.source, c.item_id, c.project, c.number, c.subject, c.url, o.person_id AS owner_id, p.name AS owner,
       c.created_at, s.last_human_at,
       date_diff('second', c.created_at, $as_of) // 86400 AS age_days,  -- whole days
       date_diff('second', coalesce(s.last_human_at, c.created_at), $as_of) // 86400 AS idle_days
FROM changes c
LEFT JOIN states s USING (source, item_id)
LEFT JOIN person_identities o ON o.identity_id = c.owner_id
LEFT JOIN people p ON p.person_id = o.person_id
WHERE c.created_at <= $as_of
  AND coalesce(s.last_state, 'restored') = 'restored'
  AND (c.merged_at IS NULL OR c.merged_at > $as_of)
  AND ($project IS NULL OR c.project = $project)
ORDER BY idle_days DESC, age_days DESC, c.item_id

-- Cores: who holds approval power, per project and cycle, inferred from votes actually cast (a
-- human's Code-Review +2 or Workflow +1 "Approved"; only cores can cast them), and how that
-- changed from one cycle of $cycles to the next: 'new' (approved nothing in the project the cycle
-- before), 'continuing', or 'left' (approved in the cycle before, nothing in this one). The first
-- cycle a project has votes in says 'first seen': there is nothing to compare it with.
-- CHAOSS: Change Request Reviews / Maintainers (https://chaoss.community/kb/metric-change-request-reviews/).
-- Parameters: $cycles LIST of {name, start_at, end_at} in time order, $project VARCHAR (NULL: all).
WITH windows AS (
    SELECT w.*, row_number() OVER (ORDER BY w.start_at) AS n
    FROM (SELECT unnest($cycles, recursive := true)) w
),
power AS (
    SELECT a.project, w.n, a.person_id,
           count(*) FILTER (WHERE a.label = 'Code-Review') AS plus_twos,
           count(*) FILTER (WHERE a.label = 'Workflow') AS approvals,
           count(DISTINCT a.item_id) AS changes,
           count(DISTINCT a.item_id) FILTER (WHERE a.own_change) AS own_changes
    FROM approval_power a
    JOIN windows w ON a.occurred_at >= w.start_at AND a.occurred_at < w.end_at
    WHERE $project IS NULL OR a.project = $project
    GROUP BY ALL
),
active AS (  -- the cycles each project had any vote in
    SELECT DISTINCT v.project, w.n
    FROM review_votes v
    JOIN windows w ON v.occurred_at >= w.start_at AND v.occurred_at < w.end_at
    WHERE $project IS NULL OR v.project = $project
),
cores AS (
    SELECT coalesce(now.project, before.project) AS project,
           coalesce(now.n, before.n + 1) AS n,
           coalesce(now.person_id, before.person_id) AS person_id,
           coalesce(now.plus_twos, 0) AS plus_twos,
           coalesce(now.approvals, 0) AS approvals,
           coalesce(now.changes, 0) AS changes,
           coalesce(now.own_changes, 0) AS own_changes,
           CASE WHEN now.person_id IS NULL THEN 'left'
                WHEN before.person_id IS NOT NULL THEN 'continuing'
                WHEN prior.n IS NULL THEN 'first seen'
                ELSE 'new' END AS status
    FROM power now
    FULL JOIN power before
      ON before.project = now.project AND before.person_id = now.person_id AND before.n = now.n - 1
    LEFT JOIN active prior ON prior.project = coalesce(now.project, before.project)
                          AND prior.n = coalesce(now.n, before.n + 1) - 1
)
SELECT c.project, w.name AS cycle, w.start_at, c.person_id, p.name, c.status,
       c.plus_twos, c.approvals, c.changes, c.own_changes
FROM cores c
JOIN windows w USING (n)
JOIN people p USING (person_id)
ORDER BY c.project, w.start_at, CASE c.status WHEN 'left' THEN 1 ELSE 0 END, c.changes DESC, p.name

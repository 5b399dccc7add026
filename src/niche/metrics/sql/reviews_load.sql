-- Review load per project and cycle, cores apart from everyone else: how many people reviewed,
-- how many reviews they gave (a review: one person's votes and comments on one change of someone
-- else's, counted once per cycle; CI and "recheck" requests are not reviews), the reviews per
-- reviewer (mean and median), the most any one of them gave, and the changes merged in the
-- cycle, so load reads against what got done. A core is someone who used approval power
-- (Code-Review +2 or Approved) in that project in that cycle.
-- CHAOSS: Change Request Reviews (https://chaoss.community/kb/metric-change-request-reviews/).
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
reviews AS (
    SELECT h.project, w.name AS cycle, w.start_at, h.person_id, count(DISTINCT (h.source, h.item_id)) AS reviews
    FROM human_reviews h
    JOIN windows w ON h.occurred_at >= w.start_at AND h.occurred_at < w.end_at
    WHERE $project IS NULL OR h.project = $project
    GROUP BY ALL
),
cores AS (
    SELECT DISTINCT a.project, w.name AS cycle, a.person_id
    FROM approval_power a
    JOIN windows w ON a.occurred_at >= w.start_at AND a.occurred_at < w.end_at
),
merged AS (
    SELECT c.project, w.name AS cycle, count(*) AS merged
    FROM changes c
    JOIN windows w ON c.merged_at >= w.start_at AND c.merged_at < w.end_at
    GROUP BY ALL
)
SELECT r.project, r.cycle, r.start_at,
       CASE WHEN k.person_id IS NULL THEN 'other' ELSE 'core' END AS reviewer_role,
       count(*) AS reviewers,
       sum(r.reviews) AS reviews,
       round(avg(r.reviews), 1) AS mean_reviews,
       median(r.reviews) AS median_reviews,
       max(r.reviews) AS most_reviews,
       coalesce(any_value(m.merged), 0) AS merged
FROM reviews r
LEFT JOIN cores k USING (project, cycle, person_id)
LEFT JOIN merged m USING (project, cycle)
GROUP BY r.project, r.cycle, r.start_at, reviewer_role
ORDER BY r.project, r.start_at, reviewer_role

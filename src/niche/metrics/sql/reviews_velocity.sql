-- Reviewers against velocity, month by month, per project: people who reviewed that month, of
-- them cores (who used approval power that month), reviews given, changes merged. The essay's
-- claim, "the number of code reviewers on a project has the greatest influence on its velocity",
-- can be read off it (`niche stats` gives the correlation).
-- Parameters: $cycles LIST of {name, start_at, end_at} (the months within them), $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
reviews AS (
    SELECT h.project, date_trunc('month', h.occurred_at) AS month, h.person_id, h.source, h.item_id
    FROM human_reviews h
    JOIN windows w ON h.occurred_at >= w.start_at AND h.occurred_at < w.end_at
    WHERE $project IS NULL OR h.project = $project
),
cores AS (
    SELECT DISTINCT project, date_trunc('month', occurred_at) AS month, person_id FROM approval_power
),
merged AS (
    SELECT c.project, date_trunc('month', c.merged_at) AS month, count(*) AS merged
    FROM changes c
    JOIN windows w ON c.merged_at >= w.start_at AND c.merged_at < w.end_at
    WHERE $project IS NULL OR c.project = $project
    GROUP BY ALL
),
months AS (SELECT DISTINCT project, month FROM reviews UNION SELECT project, month FROM merged)
SELECT m.project, CAST(m.month AS DATE) AS month,
       count(DISTINCT r.person_id) AS reviewers,
       count(DISTINCT k.person_id) AS core_reviewers,
       count(DISTINCT (r.person_id, r.source, r.item_id)) FILTER (WHERE r.person_id IS NOT NULL) AS reviews,
       coalesce(any_value(g.merged), 0) AS merged
FROM months m
LEFT JOIN reviews r USING (project, month)
LEFT JOIN cores k ON k.project = r.project AND k.month = r.month AND k.person_id = r.person_id
LEFT JOIN merged g ON g.project = m.project AND g.month = m.month
GROUP BY m.project, m.month
ORDER BY m.project, m.month

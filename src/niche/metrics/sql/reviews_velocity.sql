-- Reviewers against velocity, month by month, per project: people who reviewed that month, of
-- them cores (who used approval power that month), reviews given, changes merged. The essay's
-- claim, "the number of code reviewers on a project has the greatest influence on its velocity",
-- can be read off it (`niche stats` gives the correlation).
-- Parameters: $cycles LIST of {name, start_at, end_at} (the months within them), $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
reviews AS (  -- each person's review of a change in a month, once
    SELECT DISTINCT h.project, date_trunc('month', h.occurred_at) AS month, h.person_id, h.source, h.item_id
    FROM human_reviews h
    JOIN windows w ON h.occurred_at >= w.start_at AND h.occurred_at < w.end_at
    WHERE h.person_id IS NOT NULL AND ($project IS NULL OR h.project = $project)
),
cores AS (
    SELECT DISTINCT project, date_trunc('month', occurred_at) AS month, person_id FROM approval_power
),
reviewers AS (  -- each reviewer of a project's month once: how many reviews, and whether a core then
    SELECT r.project, r.month, r.person_id, count(*) AS reviews, bool_or(k.person_id IS NOT NULL) AS core
    FROM reviews r
    LEFT JOIN cores k ON k.project = r.project AND k.month = r.month AND k.person_id = r.person_id
    GROUP BY r.project, r.month, r.person_id
),
reviewed AS (
    SELECT project, month, count(*) AS reviewers, count(*) FILTER (WHERE core) AS core_reviewers,
           CAST(sum(reviews) AS BIGINT) AS reviews
    FROM reviewers
    GROUP BY project, month
),
merged AS (
    SELECT c.project, date_trunc('month', c.merged_at) AS month, count(*) AS merged
    FROM changes c
    JOIN windows w ON c.merged_at >= w.start_at AND c.merged_at < w.end_at
    WHERE $project IS NULL OR c.project = $project
    GROUP BY ALL
),
months AS (SELECT project, month FROM reviewed UNION SELECT project, month FROM merged)
SELECT m.project, CAST(m.month AS DATE) AS month,
       coalesce(r.reviewers, 0) AS reviewers,
       coalesce(r.core_reviewers, 0) AS core_reviewers,
       coalesce(r.reviews, 0) AS reviews,
       coalesce(g.merged, 0) AS merged
FROM months m
LEFT JOIN reviewed r ON r.project = m.project AND r.month = m.month
LEFT JOIN merged g ON g.project = m.project AND g.month = m.month
ORDER BY m.project, m.month

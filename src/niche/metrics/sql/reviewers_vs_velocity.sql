-- Does reviewer count drive velocity? Per project, over the $months months up to $as_of: the
-- Pearson correlation between the number of distinct human reviewers active in a month and the
-- number of changes merged that month, with the months it rests on. The essay's claim ("the
-- number of code reviewers on a project has the greatest influence on its velocity") predicts a
-- clearly positive value; fewer than 6 months of data is too little to say (NULL), and so is a
-- count that never changed (nothing merged all year: no correlation to measure, NULL).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH months AS (
    SELECT DISTINCT project, date_trunc('month', occurred_at) AS month
    FROM human_reviews
    WHERE occurred_at <= $as_of AND occurred_at > $as_of - to_months($months)
),
reviewers AS (
    SELECT project, date_trunc('month', occurred_at) AS month, count(DISTINCT person_id) AS reviewers
    FROM human_reviews
    WHERE occurred_at <= $as_of AND occurred_at > $as_of - to_months($months)
    GROUP BY ALL
),
merged AS (
    SELECT project, date_trunc('month', merged_at) AS month, count(*) AS merged
    FROM changes
    WHERE merged_at <= $as_of AND merged_at > $as_of - to_months($months)
    GROUP BY ALL
)
SELECT
    m.project,
    count(*) AS months,
    CASE WHEN count(*) >= 6 AND var_pop(coalesce(r.reviewers, 0)) > 0 AND var_pop(coalesce(g.merged, 0)) > 0
         THEN round(corr(coalesce(r.reviewers, 0), coalesce(g.merged, 0)), 3) END AS correlation,
    round(avg(coalesce(r.reviewers, 0)), 2) AS mean_reviewers_per_month,
    round(avg(coalesce(g.merged, 0)), 2) AS mean_merged_per_month
FROM months m
LEFT JOIN reviewers r USING (project, month)
LEFT JOIN merged g USING (project, month)
GROUP BY m.project
ORDER BY m.project

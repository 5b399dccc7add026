-- Newcomer retention: for each monthly cohort of newcomers (people whose first contribution
-- fell in that month), how many were still contributing 3, 6 and 12 months later, i.e. made
-- any contribution at least that long after their first one, up to $as_of. A cohort too young
-- to tell has NULL for that horizon.
-- CHAOSS metrics: New Contributors and Contributor retention
-- (https://chaoss.community/kb/metric-new-contributors/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER (how many cohorts, ending with $as_of's month).
WITH spans AS (
    SELECT person_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM person_activities
    WHERE occurred_at <= $as_of
    GROUP BY person_id
)
SELECT
    CAST(date_trunc('month', first_at) AS DATE) AS cohort,
    count(*) AS newcomers,
    CASE WHEN max(first_at) + to_months(3) <= $as_of
         THEN count(*) FILTER (WHERE last_at >= first_at + to_months(3)) END AS retained_3m,
    CASE WHEN max(first_at) + to_months(6) <= $as_of
         THEN count(*) FILTER (WHERE last_at >= first_at + to_months(6)) END AS retained_6m,
    CASE WHEN max(first_at) + to_months(12) <= $as_of
         THEN count(*) FILTER (WHERE last_at >= first_at + to_months(12)) END AS retained_12m
FROM spans
WHERE first_at >= date_trunc('month', $as_of) - to_months($months - 1)
GROUP BY cohort
ORDER BY cohort

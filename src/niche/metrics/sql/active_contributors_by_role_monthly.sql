-- Active contributors per calendar month and role, for the $months months ending with the month
-- of $as_of: people (bots excluded) with at least one contribution of that role in the month.
-- CHAOSS metrics: Active contributors over time, split by Types of Contributions.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT
    CAST(date_trunc('month', occurred_at) AS DATE) AS month,
    role,
    count(DISTINCT person_id) AS active_contributors,
    count(*) AS contributions
FROM person_activities
WHERE occurred_at <= $as_of
  AND occurred_at >= date_trunc('month', $as_of) - to_months($months - 1)
  AND role IS NOT NULL
GROUP BY ALL
ORDER BY month, role

-- Newcomers per calendar month: people whose first-ever contribution (any source) falls in the
-- month, for the $months months ending with the month of $as_of.
-- CHAOSS metric: New contributors (https://chaoss.community/kb/metric-new-contributors/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH months AS (
    SELECT unnest(generate_series(
        date_trunc('month', $as_of) - to_months($months - 1),
        date_trunc('month', $as_of),
        INTERVAL 1 MONTH
    )) AS month
),
firsts AS (
    SELECT person_id, date_trunc('month', min(occurred_at)) AS month
    FROM person_activities
    WHERE occurred_at <= $as_of
    GROUP BY person_id
)
SELECT CAST(m.month AS DATE) AS month, count(f.person_id) AS newcomers
FROM months m
LEFT JOIN firsts f ON f.month = m.month
GROUP BY m.month
ORDER BY m.month

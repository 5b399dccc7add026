-- Active contributors per calendar month: people (bots excluded) with at least one contribution
-- in the month, for the $months months ending with the month of $as_of (the last may be partial).
-- CHAOSS metric: Active contributors over time (https://chaoss.community/kb/metric-contributors/),
-- the "monthly active" figure OpenStack reports to its Board.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH months AS (
    SELECT unnest(generate_series(
        date_trunc('month', $as_of) - to_months($months - 1),
        date_trunc('month', $as_of),
        INTERVAL 1 MONTH
    )) AS month
)
SELECT
    CAST(m.month AS DATE) AS month,
    count(DISTINCT a.person_id) AS active_contributors,
    count(a.person_id) AS contributions
FROM months m
LEFT JOIN person_activities a
    ON date_trunc('month', a.occurred_at) = m.month AND a.occurred_at <= $as_of
GROUP BY m.month
ORDER BY m.month

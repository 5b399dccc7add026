-- Active contributors and newcomers per calendar month, for the $months months ending with the
-- month of $as_of (the last month may be partial). Active: people (bots excluded) with at least
-- one contribution in the month, the "monthly active" figure OpenStack reports to its Board.
-- Newcomers: people whose first-ever contribution (any source) falls in the month.
-- CHAOSS metrics: Contributors, active over time (https://chaoss.community/kb/metric-contributors/)
-- and New Contributors (https://chaoss.community/kb/metric-new-contributors/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH months AS (
    SELECT unnest(generate_series(
        date_trunc('month', $as_of) - to_months($months - 1),
        date_trunc('month', $as_of),
        INTERVAL 1 MONTH
    )) AS month
),
activity AS (
    SELECT person_id, date_trunc('month', occurred_at) AS month, count(*) AS contributions
    FROM person_activities
    WHERE occurred_at <= $as_of
    GROUP BY ALL
),
firsts AS (
    SELECT person_id, min(month) AS month FROM activity GROUP BY person_id
)
SELECT
    CAST(m.month AS DATE) AS month,
    (SELECT count(*) FROM activity a WHERE a.month = m.month) AS active_contributors,
    (SELECT count(*) FROM firsts f WHERE f.month = m.month) AS newcomers,
    (SELECT coalesce(sum(a.contributions), 0) FROM activity a WHERE a.month = m.month) AS contributions
FROM months m
ORDER BY m.month

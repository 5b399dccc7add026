-- People directory: every person (bots excluded) with their contributions to $as_of and in the
-- $months months before it, first and last contribution, the roles they played (most frequent
-- first) and their employer on their last day.
-- CHAOSS metric: Contributors (https://chaoss.community/kb/metric-contributors/), per person.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH done AS (
    SELECT person_id, role, occurred_at, org
    FROM person_activities
    WHERE occurred_at <= $as_of
),
per_role AS (
    SELECT person_id, role, count(*) AS n FROM done GROUP BY ALL
)
SELECT
    d.person_id,
    p.name,
    count(*) AS contributions,
    count(*) FILTER (WHERE d.occurred_at > $as_of - to_months($months)) AS recent_contributions,
    min(d.occurred_at) AS first_at,
    max(d.occurred_at) AS last_at,
    arg_max(d.org, d.occurred_at) AS org,
    (SELECT list(r.role ORDER BY r.n DESC, r.role) FROM per_role r WHERE r.person_id = d.person_id) AS roles
FROM done d
JOIN people p USING (person_id)
GROUP BY d.person_id, p.name
ORDER BY recent_contributions DESC, contributions DESC, d.person_id

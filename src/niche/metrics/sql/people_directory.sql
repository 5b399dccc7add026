-- People directory: every person (bots excluded) with their contributions to $as_of and in the
-- $months months before it, first and last contribution, the roles they played (most frequent
-- first), their employer on their last day and how many identities niche joined into them.
-- `niche people list` and the dashboard's People page both read it.
-- CHAOSS metric: Contributors (https://chaoss.community/kb/metric-contributors/), per person.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH done AS (
    SELECT person_id, role, occurred_at, org
    FROM person_activities
    WHERE occurred_at <= $as_of
),
per_role AS (
    SELECT person_id, role, count(*) AS n FROM done GROUP BY ALL
),
roles AS (
    SELECT person_id, list(role ORDER BY n DESC, role) AS roles FROM per_role GROUP BY person_id
),
identities AS (
    SELECT person_id, count(*) AS identities FROM person_identities GROUP BY person_id
)
SELECT
    d.person_id,
    p.name,
    p.email,
    coalesce(any_value(i.identities), 0) AS identities,
    count(*) AS contributions,
    count(*) FILTER (WHERE d.occurred_at > $as_of - to_months($months)) AS recent_contributions,
    min(d.occurred_at) AS first_at,
    max(d.occurred_at) AS last_at,
    arg_max(d.org, d.occurred_at) AS org,
    any_value(r.roles) AS roles
FROM done d
JOIN people p USING (person_id)
LEFT JOIN identities i USING (person_id)
LEFT JOIN roles r USING (person_id)
GROUP BY d.person_id, p.name, p.email
ORDER BY recent_contributions DESC, contributions DESC, d.person_id

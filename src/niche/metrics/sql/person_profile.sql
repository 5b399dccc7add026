-- One person's work month by month and role by role, up to $as_of: the activity behind their
-- role mix over time, with the repositories or places it happened in.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/), per person.
-- Parameters: $as_of TIMESTAMP (UTC), $person_id VARCHAR.
SELECT
    CAST(date_trunc('month', occurred_at) AS DATE) AS month,
    role,
    coalesce(repo, project, kind) AS place,
    count(*) AS contributions
FROM person_activities
WHERE person_id = $person_id AND occurred_at <= $as_of
GROUP BY ALL
ORDER BY month, role, place

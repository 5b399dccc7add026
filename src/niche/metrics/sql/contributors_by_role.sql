-- Contributors by role: for each role, how many people did that kind of work up to $as_of and
-- in the last $months months, and how much of it. A person counts in every role they played.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/).
-- Roles come from niche's classification (each activity keeps the rule that gave its role).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT
    role,
    count(DISTINCT person_id) AS contributors,
    count(DISTINCT person_id) FILTER (WHERE occurred_at > $as_of - to_months($months)) AS recent_contributors,
    count(*) AS contributions,
    count(*) FILTER (WHERE occurred_at > $as_of - to_months($months)) AS recent_contributions
FROM person_activities
WHERE occurred_at <= $as_of AND role IS NOT NULL
GROUP BY role
ORDER BY recent_contributors DESC, contributors DESC, role

-- Contributors to date: people (bots excluded) with at least one contribution up to $as_of.
-- CHAOSS metric: Contributors (https://chaoss.community/kb/metric-contributors/).
-- Identities are counted as people after identity resolution, so one person with three
-- email addresses counts once.
-- Parameters: $as_of TIMESTAMP (UTC).
SELECT
    count(DISTINCT person_id) AS contributors,
    count(*) AS contributions,
    min(occurred_at) AS first_contribution,
    max(occurred_at) AS last_contribution
FROM person_activities
WHERE occurred_at <= $as_of

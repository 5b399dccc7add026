-- One person's contributions per role (unclassified ones too), with the first and last of each.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/), per person.
-- Parameters: $person_id VARCHAR.
SELECT coalesce(role, 'unclassified') AS role, count(*) AS contributions, min(occurred_at) AS first_at,
       max(occurred_at) AS last_at
FROM activities
JOIN person_identities USING (identity_id)
WHERE person_id = $person_id
GROUP BY ALL
ORDER BY contributions DESC, role

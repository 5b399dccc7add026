-- One person's latest contributions up to $as_of, newest first: what they did, the role it was
-- given and the rule that gave it, and (where the breadcrumb index knows the item) its title and link.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/), per person.
-- Parameters: $as_of TIMESTAMP (UTC), $person_id VARCHAR, $limit INTEGER.
SELECT
    a.occurred_at,
    a.role,
    a.role_rule,
    a.kind,
    coalesce(a.repo, a.project) AS place,
    l.title,
    l.url
FROM activities a
JOIN person_identities pi USING (identity_id)
LEFT JOIN link_items l USING (source, item_id)
WHERE pi.person_id = $person_id AND a.occurred_at <= $as_of
ORDER BY a.occurred_at DESC, a.kind
LIMIT $limit

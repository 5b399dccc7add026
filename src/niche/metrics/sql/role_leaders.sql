-- Who does the most of each role: the five people with the most contributions per role in the
-- $months months up to $as_of, each with their latest example and the rule that classified it.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT role, person_id, name, n AS contributions, example, kind, rule
FROM (
    SELECT a.role, a.person_id, p.name, count(*) AS n,
           arg_max(l.title, a.occurred_at) AS example, arg_max(a.kind, a.occurred_at) AS kind,
           arg_max(a.role_rule, a.occurred_at) AS rule,
           row_number() OVER (PARTITION BY a.role ORDER BY count(*) DESC, a.person_id) AS rank
    FROM person_activities a
    JOIN people p USING (person_id)
    LEFT JOIN link_items l USING (source, item_id)
    WHERE a.occurred_at > $as_of - to_months($months) AND a.occurred_at <= $as_of
    GROUP BY a.role, a.person_id, p.name
)
WHERE rank <= 5
ORDER BY role, contributions DESC, person_id

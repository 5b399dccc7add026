-- Who does the most of each role: the five people with the most contributions per role in the
-- $months months up to $as_of, each with their latest example (of two at the same moment, the first
-- by source, item and kind) and the rule that classified it.
-- CHAOSS metric: Types of Contributions (https://chaoss.community/kb/metric-types-of-contributions/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH done AS (
    SELECT a.role, a.person_id, a.occurred_at, a.source, a.item_id, a.kind, a.role_rule, l.title
    FROM person_activities a
    LEFT JOIN link_items l USING (source, item_id)
    WHERE a.occurred_at > $as_of - to_months($months) AND a.occurred_at <= $as_of
),
counted AS (
    SELECT role, person_id, count(*) AS n,
           row_number() OVER (PARTITION BY role ORDER BY count(*) DESC, person_id) AS rank
    FROM done
    GROUP BY role, person_id
),
latest AS (
    SELECT role, person_id, title, kind, role_rule,
           row_number() OVER (PARTITION BY role, person_id ORDER BY occurred_at DESC, source, item_id, kind) AS n
    FROM done
)
SELECT c.role, c.person_id, p.name, c.n AS contributions, l.title AS example, l.kind, l.role_rule AS rule
FROM counted c
JOIN people p USING (person_id)
JOIN latest l ON l.role = c.role AND l.person_id = c.person_id AND l.n = 1
WHERE c.rank <= 5
ORDER BY c.role, contributions DESC, c.person_id

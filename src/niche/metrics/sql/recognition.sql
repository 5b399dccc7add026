-- Recognition: the people behind the work that usually goes unseen, in the $months months up to
-- $as_of, ranked within each role other than code (triage, deep review, user support, discussion,
-- CI/infra, docs, tests, security, mentoring, meetings, ...), with up to three of their recent
-- examples, linked where the source gives a link. Review counts only reviews with the reviewer's
-- own words or inline comments (deep review, from review_depth), not bare votes; meetings count
-- chairing and owning actions above attending. A contribution is an item (a change, bug, message,
-- commit, channel log) on one day. The top $limit people of each role are listed.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER, $limit INTEGER.
WITH work AS (
    SELECT role, person_id, source, item_id, occurred_at, role_rule AS why,
           CASE WHEN kind = 'meeting.attended' THEN 0.25 ELSE 1.0 END AS weight
    FROM person_activities
    WHERE role NOT IN ('code', 'review')
      AND occurred_at <= $as_of AND occurred_at > $as_of - to_months($months)
    UNION ALL
    SELECT 'review', person_id, source, item_id, last_at,
           comments || ' comment(s), ' || inline_comments || ' inline, on a ' || change_size || '-line change', 1.0
    FROM review_depth
    WHERE (comments > 0 OR inline_comments > 0)
      AND last_at <= $as_of AND last_at > $as_of - to_months($months)
),
item_days AS (
    SELECT role, person_id, source, item_id, CAST(occurred_at AS DATE) AS day,
           max(occurred_at) AS occurred_at, arg_max(why, occurred_at) AS why, max(weight) AS weight
    FROM work
    GROUP BY ALL
),
per_person AS (
    SELECT role, person_id, count(*) AS contributions,
           rank() OVER (PARTITION BY role ORDER BY sum(weight) DESC) AS rank,
           count(*) OVER (PARTITION BY role) AS people_in_role
    FROM item_days
    GROUP BY role, person_id
),
titled AS (  -- one example per title: a fix and its backports read as one
    SELECT d.role, d.person_id, coalesce(l.title, d.item_id) AS title, arg_max(l.url, d.occurred_at) AS url,
           max(d.occurred_at) AS occurred_at, arg_max(d.why, d.occurred_at) AS why, max(d.weight) AS weight
    FROM item_days d
    LEFT JOIN link_items l USING (source, item_id)
    GROUP BY ALL
),
examples AS (
    SELECT *, row_number() OVER (PARTITION BY role, person_id
                                 ORDER BY url IS NULL, weight DESC, occurred_at DESC, title) AS n
    FROM titled
)
SELECT
    pp.role,
    pp.rank,
    pp.person_id,
    p.name,
    pp.contributions,
    pp.people_in_role,
    e.title AS example,
    e.url AS example_url,
    e.occurred_at AS example_at,
    e.why AS example_why
FROM per_person pp
JOIN people p USING (person_id)
JOIN examples e ON e.role = pp.role AND e.person_id = pp.person_id AND e.n <= 3
WHERE pp.rank <= $limit
ORDER BY pp.role, pp.rank, pp.person_id, e.n

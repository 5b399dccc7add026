-- Recognition: the people behind the work that usually goes unseen, in the $months months up to
-- $as_of, ranked within each role other than code (triage, deep review, user support, discussion,
-- CI/infra, docs, tests, security, mentoring, meetings, ...), with up to three of their recent
-- examples, linked where the source gives a link. Outcome over volume: work that changed
-- something counts twice (a review, or a newcomer's mentoring review, that asked for a change and
-- got new code, see the review_outcomes view; a bug report that was fixed; an answer the asker
-- accepted), a bug report that was confirmed but not yet fixed one and a half times, and each
-- says what it led to (`outcome`, `with_outcome`); work that changed nothing counts once. Review counts reviews with
-- the reviewer's own words or inline comments (deep review, from review_depth) and reviews that
-- got new code, not bare votes; meetings count chairing and owning actions above attending. A
-- contribution is an item (a change, bug, message, commit, channel log) on one day. The top
-- $limit people of each role are listed; there is no ranking across roles.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER, $limit INTEGER.
WITH activity_outcomes AS (
    SELECT a.role, a.person_id, a.source, a.item_id, a.occurred_at, a.role_rule AS why, a.kind,
           CASE WHEN b.status IN ('Fix Committed', 'Fix Released') THEN 'confirmed and fixed (' || b.status || ')'
                WHEN b.status IN ('Confirmed', 'Triaged', 'In Progress') THEN 'confirmed (' || b.status || ')'
                WHEN a.role = 'user_support' AND coalesce(json_extract(a.attrs, '$.accepted')::BOOLEAN, false)
                    THEN 'accepted by the asker'
                WHEN r.led_to_new_code THEN 'asked for a change on patch set ' || r.patchset || ' and got new code'
           END AS outcome
    FROM person_activities a
    LEFT JOIN bugs b ON a.role = 'bug_reporting' AND b.source = a.source AND b.item_id = a.item_id
    LEFT JOIN review_outcomes r  -- a review of a newcomer's change is mentoring: what did it lead to?
      ON a.role = 'mentoring' AND starts_with(a.kind, 'review.') AND r.source = a.source AND r.item_id = a.item_id
     AND r.person_id = a.person_id AND r.patchset = json_extract(a.attrs, '$.patchset')::INTEGER
    WHERE a.role NOT IN ('code', 'review')
      AND a.occurred_at <= $as_of AND a.occurred_at > $as_of - to_months($months)
),
work AS (
    SELECT role, person_id, source, item_id, occurred_at, why,
           CASE WHEN kind = 'meeting.attended' THEN 0.25
                WHEN outcome LIKE 'confirmed (%' THEN 1.5
                WHEN outcome IS NOT NULL THEN 2.0
                ELSE 1.0 END AS weight,
           outcome
    FROM activity_outcomes
    UNION ALL
    SELECT 'review', person_id, source, item_id, last_at,
           comments || ' comment(s), ' || inline_comments || ' inline, on a ' || change_size || '-line change', 1.0,
           NULL
    FROM review_depth
    WHERE (comments > 0 OR inline_comments > 0)
      AND last_at <= $as_of AND last_at > $as_of - to_months($months)
    UNION ALL
    SELECT 'review', person_id, source, item_id, reviewed_at, NULL, 2.0,
           'asked for a change on patch set ' || patchset || ' and got new code'
    FROM review_outcomes
    WHERE led_to_new_code AND reviewed_at <= $as_of AND reviewed_at > $as_of - to_months($months)
),
item_days AS (  -- a review's words and what it led to, on one change on one day, are one contribution
    SELECT role, person_id, source, item_id, CAST(occurred_at AS DATE) AS day, max(occurred_at) AS occurred_at,
           arg_max(why, occurred_at) FILTER (WHERE why IS NOT NULL) AS why, max(weight) AS weight,
           arg_max(outcome, occurred_at) FILTER (WHERE outcome IS NOT NULL) AS outcome
    FROM work
    GROUP BY role, person_id, source, item_id, day
),
per_person AS (
    SELECT role, person_id, count(*) AS contributions, count(outcome) AS with_outcome,
           rank() OVER (PARTITION BY role ORDER BY sum(weight) DESC) AS rank,
           count(*) OVER (PARTITION BY role) AS people_in_role
    FROM item_days
    GROUP BY role, person_id
),
titled AS (  -- one example per title: a fix and its backports read as one
    SELECT d.role, d.person_id, coalesce(nullif(l.title, ''), d.item_id) AS title, arg_max(l.url, d.occurred_at) AS url,
           max(d.occurred_at) AS occurred_at, arg_max(d.why, d.occurred_at) FILTER (WHERE d.why IS NOT NULL) AS why,
           max(d.weight) AS weight,
           arg_max(d.outcome, d.occurred_at) FILTER (WHERE d.outcome IS NOT NULL) AS outcome
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
    pp.with_outcome,
    pp.people_in_role,
    e.title AS example,
    e.url AS example_url,
    e.occurred_at AS example_at,
    e.why AS example_why,
    e.outcome AS example_outcome
FROM per_person pp
JOIN people p USING (person_id)
JOIN examples e ON e.role = pp.role AND e.person_id = pp.person_id AND e.n <= 3
WHERE pp.rank <= $limit
ORDER BY pp.role, pp.rank, pp.person_id, e.n

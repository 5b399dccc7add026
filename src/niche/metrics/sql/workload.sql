-- Everyone's workload as of $as_of, for overload and disengagement signals (niche.insights.signals):
-- each person active in the 6 months up to $as_of, with their last 3 months next to their own
-- baseline (the 12 months before those) and the facts each signal needs. Shares of a place's
-- reviews and triage are over the last 3 months, in the place where the person's share is largest.
-- Local time comes from the activity's own timezone offset; "after hours" is before 08:00 or from
-- 19:00 on, weekend is Saturday and Sunday; activities without an offset are left out of both.
-- Parameters: $as_of TIMESTAMP (UTC).
WITH work AS (
    SELECT person_id, role, kind, coalesce(repo, project) AS place, occurred_at,
           occurred_at + to_minutes(tz_offset_minutes) AS local_at
    FROM person_activities
    WHERE occurred_at <= $as_of AND occurred_at > $as_of - to_months(15)
),
people_now AS (
    SELECT person_id FROM work WHERE occurred_at > $as_of - to_months(6) GROUP BY person_id
),
per_person AS (
    SELECT
        person_id,
        count(*) FILTER (WHERE occurred_at > $as_of - to_months(3)) AS recent,
        count(*) FILTER (WHERE occurred_at <= $as_of - to_months(3)) AS baseline,
        count(DISTINCT date_trunc('month', occurred_at)) FILTER (WHERE occurred_at > $as_of - to_months(3)) AS recent_months,
        count(DISTINCT role) FILTER (WHERE occurred_at > $as_of - to_months(3)) AS recent_roles,
        string_agg(DISTINCT role, ', ' ORDER BY role) FILTER (WHERE occurred_at > $as_of - to_months(3)) AS recent_role_list,
        count(local_at) FILTER (WHERE occurred_at > $as_of - to_months(3)) AS recent_timed,
        count(*) FILTER (WHERE occurred_at > $as_of - to_months(3)
                         AND (hour(local_at) < 8 OR hour(local_at) >= 19 OR isodow(local_at) >= 6)) AS recent_off_hours,
        count(local_at) FILTER (WHERE occurred_at <= $as_of - to_months(3)) AS baseline_timed,
        count(*) FILTER (WHERE occurred_at <= $as_of - to_months(3)
                         AND (hour(local_at) < 8 OR hour(local_at) >= 19 OR isodow(local_at) >= 6)) AS baseline_off_hours,
        max(occurred_at) AS last_at
    FROM work
    WHERE person_id IN (SELECT person_id FROM people_now)
    GROUP BY person_id
),
carried AS (  -- reviews and triage in the last 3 months, per place
    SELECT person_id, role, place, count(*) AS n, sum(count(*)) OVER (PARTITION BY role, place) AS place_total
    FROM work
    WHERE role IN ('review', 'triage') AND occurred_at > $as_of - to_months(3)
    GROUP BY person_id, role, place
),
largest_share AS (
    SELECT person_id,
           arg_max(role, n / place_total) AS carried_role,
           arg_max(place, n / place_total) AS carried_place,
           max(n / place_total) AS carried_share,
           arg_max(place_total, n / place_total) AS carried_total
    FROM carried
    WHERE place_total >= 20
    GROUP BY person_id
),
response AS (  -- minutes from a patch set's upload to this person's vote
    SELECT person_id,
           median(minutes_to_vote) FILTER (WHERE last_at > $as_of - to_months(3)) AS recent_minutes_to_vote,
           count(minutes_to_vote) FILTER (WHERE last_at > $as_of - to_months(3)) AS recent_votes,
           median(minutes_to_vote) FILTER (WHERE last_at <= $as_of - to_months(3)) AS baseline_minutes_to_vote,
           count(minutes_to_vote) FILTER (WHERE last_at <= $as_of - to_months(3)) AS baseline_votes
    FROM review_depth
    WHERE last_at <= $as_of AND last_at > $as_of - to_months(15)
    GROUP BY person_id
)
SELECT
    p.person_id,
    pe.name,
    p.last_at,
    p.recent,
    p.baseline,
    p.recent_months,
    p.recent_roles,
    p.recent_role_list,
    p.recent_timed,
    p.recent_off_hours,
    p.baseline_timed,
    p.baseline_off_hours,
    s.carried_role,
    s.carried_place,
    s.carried_share,
    s.carried_total,
    r.recent_minutes_to_vote,
    r.recent_votes,
    r.baseline_minutes_to_vote,
    r.baseline_votes
FROM per_person p
JOIN people pe USING (person_id)
LEFT JOIN largest_share s USING (person_id)
LEFT JOIN response r USING (person_id)
ORDER BY p.person_id

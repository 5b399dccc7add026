-- Review that changed something, per reviewer, cores apart from everyone else: of their reviews
-- in the cycles of $cycles (one person's votes and comments on one patch set of someone else's
-- change), those that asked for a change (a -1/-2, or words or inline comments) and, of those,
-- the ones the owner answered with new code (a new patch set that changed code, uploaded after
-- the review): a review that led to a new patch set, a -1 that was addressed. Outcome over
-- volume: these count for more than reviews that changed nothing, and each comes with examples
-- to check. Ranked only within one role (core or not), never across the community.
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
events AS (
    SELECT e.source, e.item_id, c.project, c.url, c.subject, pi.person_id, e.patchset, e.occurred_at,
           (e.kind = 'vote' AND e.label = 'Code-Review' AND e.value < 0)
           OR (e.kind = 'comment' AND (e.inline OR e.text_length > 0)) AS asks
    FROM review_events e
    JOIN changes c USING (source, item_id)
    JOIN person_identities pi ON pi.identity_id = e.identity_id
    JOIN people p ON p.person_id = pi.person_id
    LEFT JOIN person_identities owner ON owner.identity_id = c.owner_id
    WHERE e.kind IN ('vote', 'comment') AND e.detail IS DISTINCT FROM 'recheck' AND NOT p.is_bot
      AND pi.person_id IS DISTINCT FROM owner.person_id AND e.patchset IS NOT NULL
      AND EXISTS (SELECT 1 FROM windows w WHERE e.occurred_at >= w.start_at AND e.occurred_at < w.end_at)
      AND ($project IS NULL OR c.project = $project)
),
reviews AS (
    SELECT source, item_id, project, url, subject, person_id, patchset, bool_or(asks) AS asks,
           max(occurred_at) AS reviewed_at
    FROM events GROUP BY ALL
),
answered AS (
    SELECT r.*, EXISTS (
        SELECT 1 FROM review_events u
        WHERE u.source = r.source AND u.item_id = r.item_id AND u.kind = 'patchset' AND u.patchset > r.patchset
          AND u.occurred_at >= r.reviewed_at
          AND coalesce(u.detail, 'REWORK') NOT IN ('TRIVIAL_REBASE', 'NO_CODE_CHANGE', 'NO_CHANGE')
    ) AS led_to_new_code
    FROM reviews r
),
cores AS (SELECT DISTINCT project, person_id FROM approval_power)
SELECT CASE WHEN bool_or(k.person_id IS NOT NULL) THEN 'core' ELSE 'other' END AS reviewer_role,
       a.person_id, p.name,
       count(*) AS reviews,
       count(*) FILTER (WHERE a.asks) AS asked_for_change,
       count(*) FILTER (WHERE a.asks AND a.led_to_new_code) AS led_to_new_code,
       round(count(*) FILTER (WHERE a.asks AND a.led_to_new_code) / count(*), 3) AS share_that_changed_code,
       list({'item_id': a.item_id, 'url': a.url, 'subject': a.subject, 'patchset': a.patchset}
            ORDER BY a.reviewed_at DESC) FILTER (WHERE a.asks AND a.led_to_new_code)[1:3] AS examples
FROM answered a
JOIN people p USING (person_id)
LEFT JOIN cores k ON k.project = a.project AND k.person_id = a.person_id
GROUP BY a.person_id, p.name
ORDER BY reviewer_role, led_to_new_code DESC, reviews DESC, p.name

-- Review that changed something, per reviewer, cores apart from everyone else: of their reviews
-- finished in the cycles of $cycles (one person's votes and comments on one patch set of someone
-- else's change, see the review_outcomes view), those that asked for a change (a -1/-2, or words
-- or inline comments) and, of those, the ones the owner answered with new code (a new patch set
-- that changed code, uploaded after the review): a review that led to a new patch set, a -1 that
-- was addressed. Outcome over volume: these count for more than reviews that changed nothing, and
-- each comes with examples to check. Ranked only within one role (core or not), never across the
-- community.
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
answered AS (
    SELECT o.*, c.url, c.subject
    FROM review_outcomes o
    JOIN changes c USING (source, item_id)
    WHERE EXISTS (SELECT 1 FROM windows w WHERE o.reviewed_at >= w.start_at AND o.reviewed_at < w.end_at)
      AND ($project IS NULL OR o.project = $project)
),
cores AS (SELECT DISTINCT project, person_id FROM approval_power)
SELECT CASE WHEN bool_or(k.person_id IS NOT NULL) THEN 'core' ELSE 'other' END AS reviewer_role,
       a.person_id, p.name,
       count(*) AS reviews,
       count(*) FILTER (WHERE a.asked_for_change) AS asked_for_change,
       count(*) FILTER (WHERE a.led_to_new_code) AS led_to_new_code,
       round(count(*) FILTER (WHERE a.led_to_new_code) / count(*), 3) AS share_that_changed_code,
       list({'item_id': a.item_id, 'url': a.url, 'subject': a.subject, 'patchset': a.patchset}
            ORDER BY a.reviewed_at DESC) FILTER (WHERE a.led_to_new_code)[1:3] AS examples
FROM answered a
JOIN people p USING (person_id)
LEFT JOIN cores k ON k.project = a.project AND k.person_id = a.person_id
GROUP BY a.person_id, p.name
ORDER BY reviewer_role, led_to_new_code DESC, reviews DESC, p.name

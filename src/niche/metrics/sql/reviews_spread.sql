-- Each reviewer's spread of votes on other people's changes in the cycles of $cycles: Code-Review
-- -2, -1, 0 ("No score" included), +1, +2; Workflow +1 (Approved) and -1 (Work In Progress);
-- Verified +/- cast by a person. Every vote counts once (a vote Gerrit copied onto a rebased
-- patch set is one vote); CI accounts are left out. Someone whose every vote is +1 and someone
-- who mostly says -1 are doing different work; both show here.
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true))
SELECT v.person_id, p.name,
       count(*) AS votes,
       count(*) FILTER (WHERE v.label = 'Code-Review' AND v.value = -2) AS minus_two,
       count(*) FILTER (WHERE v.label = 'Code-Review' AND v.value = -1) AS minus_one,
       count(*) FILTER (WHERE (v.label = 'Code-Review' OR v.label IS NULL) AND v.value = 0) AS zero,
       count(*) FILTER (WHERE v.label = 'Code-Review' AND v.value = 1) AS plus_one,
       count(*) FILTER (WHERE v.label = 'Code-Review' AND v.value = 2) AS plus_two,
       count(*) FILTER (WHERE v.label = 'Workflow' AND v.value > 0) AS approved,
       count(*) FILTER (WHERE v.label = 'Workflow' AND v.value < 0) AS work_in_progress,
       count(*) FILTER (WHERE v.label = 'Verified' AND v.value > 0) AS verified,
       count(*) FILTER (WHERE v.label = 'Verified' AND v.value < 0) AS verified_failed
FROM review_votes v
JOIN people p USING (person_id)
WHERE NOT v.is_bot AND NOT v.own_change
  AND EXISTS (SELECT 1 FROM windows w WHERE v.occurred_at >= w.start_at AND v.occurred_at < w.end_at)
  AND ($project IS NULL OR v.project = $project)
GROUP BY v.person_id, p.name
ORDER BY votes DESC, p.name

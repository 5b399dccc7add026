-- Disagreement with the outcome, per reviewer: of their Code-Review verdicts on changes that were
-- decided (merged or abandoned), the share the outcome contradicted: a +1/+2 on a change then
-- abandoned, or reworked (a new patch set with new code) after a core's -1/-2 on the patch set
-- they approved; a -1/-2 on a change merged unchanged (the code they voted against is the code
-- merged). A verdict is a person's last Code-Review vote on one patch set of someone else's
-- change, cast in the cycles of $cycles; CI is left out. A core is anyone who used approval
-- power in the project. High disagreement is a prompt to look at the examples, not a verdict;
-- reviewers with fewer than 10 decided verdicts come last (1 of 1 says little).
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
cores AS (SELECT DISTINCT project, person_id FROM approval_power),
verdicts AS (
    SELECT v.source, v.item_id, v.project, v.person_id, v.patchset,
           arg_max(v.value, v.occurred_at) AS value, max(v.occurred_at) AS voted_at
    FROM review_votes v
    WHERE v.label = 'Code-Review' AND NOT v.is_bot AND NOT v.own_change
      AND EXISTS (SELECT 1 FROM windows w WHERE v.occurred_at >= w.start_at AND v.occurred_at < w.end_at)
      AND ($project IS NULL OR v.project = $project)
    GROUP BY ALL
),
core_negatives AS (
    SELECT DISTINCT v.source, v.item_id, v.patchset, v.person_id
    FROM review_votes v JOIN cores k USING (project, person_id)
    WHERE v.label = 'Code-Review' AND v.value < 0
),
reworks AS (
    SELECT source, item_id, patchset FROM review_events
    WHERE kind = 'patchset' AND coalesce(detail, 'REWORK') NOT IN ('TRIVIAL_REBASE', 'NO_CODE_CHANGE', 'NO_CHANGE')
),
judged AS (
    SELECT d.*, c.status, c.url, c.subject, c.number,
           CASE
               WHEN d.value > 0 AND c.status IN ('ABANDONED', 'closed') THEN 'abandoned'
               WHEN d.value > 0
                    AND EXISTS (SELECT 1 FROM core_negatives n WHERE n.source = d.source AND n.item_id = d.item_id
                                AND n.patchset = d.patchset AND n.person_id <> d.person_id)
                    AND EXISTS (SELECT 1 FROM reworks r WHERE r.source = d.source AND r.item_id = d.item_id
                                AND r.patchset > d.patchset) THEN 'reworked after a core''s -1/-2'
               WHEN d.value < 0 AND c.status IN ('MERGED', 'merged') AND d.patchset >= cc.code_from
                   THEN 'merged unchanged'
           END AS contradicted_by
    FROM verdicts d
    JOIN changes c USING (source, item_id)
    JOIN change_code cc USING (source, item_id)
    WHERE d.value <> 0 AND c.status IN ('MERGED', 'merged', 'ABANDONED', 'closed')
)
SELECT j.person_id, p.name,
       count(*) AS verdicts,
       count(*) FILTER (WHERE j.value > 0) AS positive,
       count(*) FILTER (WHERE j.value < 0) AS negative,
       count(j.contradicted_by) AS contradicted,
       round(count(j.contradicted_by) / count(*), 3) AS share,
       list({'item_id': j.item_id, 'url': j.url, 'subject': j.subject, 'patchset': j.patchset, 'vote': j.value,
             'outcome': j.contradicted_by} ORDER BY j.voted_at DESC)
           FILTER (WHERE j.contradicted_by IS NOT NULL)[1:3] AS examples
FROM judged j
JOIN people p USING (person_id)
GROUP BY j.person_id, p.name
ORDER BY count(*) >= 10 DESC, share DESC, verdicts DESC, p.name

-- How each merged change was approved: the people whose last Code-Review vote on the code as
-- merged (its patch sets from code_from on, see change_code) was +2, the change's owner among
-- them or not, and whether the owner also approved it (Workflow +1) there. 'single approval':
-- one approver besides the owner; 'no approval': none; 'self-approved': the owner's own +2 or
-- Approved is among the votes that merged it. Merged in the cycles of $cycles.
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
merged AS (
    SELECT c.source, c.item_id, c.project, c.number, c.subject, c.url, c.merged_at, w.name AS cycle,
           coalesce(c.insertions, 0) + coalesce(c.deletions, 0) AS change_size
    FROM changes c
    JOIN windows w ON c.merged_at >= w.start_at AND c.merged_at < w.end_at
    WHERE c.status IN ('MERGED', 'merged') AND ($project IS NULL OR c.project = $project)
),
code_votes AS (  -- each human's last vote per label on the merged code
    SELECT v.source, v.item_id, v.person_id, v.label, bool_or(v.own_change) AS own,
           arg_max(v.value, v.occurred_at) AS value
    FROM review_votes v
    JOIN change_code cc USING (source, item_id)
    JOIN merged m USING (source, item_id)
    WHERE NOT v.is_bot AND v.label IN ('Code-Review', 'Workflow') AND v.patchset >= cc.code_from
    GROUP BY ALL
),
approvals AS (
    SELECT source, item_id,
           list(p.name ORDER BY p.name)
               FILTER (WHERE label = 'Code-Review' AND value = 2 AND NOT own AND p.name IS NOT NULL) AS approver_names,
           list(DISTINCT person_id ORDER BY person_id)
               FILTER (WHERE label = 'Code-Review' AND value = 2 AND NOT own) AS approvers,
           bool_or(own AND ((label = 'Code-Review' AND value = 2) OR (label = 'Workflow' AND value = 1)))
               AS self_approved
    FROM code_votes
    LEFT JOIN people p USING (person_id)
    GROUP BY ALL
)
SELECT m.*, o.person_id AS owner_id, op.name AS owner,
       coalesce(array_length(a.approvers), 0) AS approvers,
       a.approver_names,
       coalesce(a.self_approved, false) AS self_approved
FROM merged m
JOIN changes c USING (source, item_id)
LEFT JOIN approvals a USING (source, item_id)
LEFT JOIN person_identities o ON o.identity_id = c.owner_id
LEFT JOIN people op ON op.person_id = o.person_id
ORDER BY m.project, m.merged_at, m.item_id

-- niche schema 16: the facts every review report starts from, defined once.
--
-- review_votes: every vote on a change, by a person (human or CI: is_bot tells), with the patch
-- set it was cast on and whether it was on the voter's own change. Labels: Code-Review (-2..+2),
-- Workflow (+1 Approved, -1 Work In Progress), Verified (CI), and NULL for a 2.x "No score".
CREATE OR REPLACE VIEW review_votes AS
SELECT e.source, e.item_id, c.project, c.status, e.occurred_at, e.patchset, e.label, e.value,
       pi.person_id, p.is_bot, owner.person_id AS owner_id,
       pi.person_id IS NOT DISTINCT FROM owner.person_id AS own_change
FROM review_events e
JOIN changes c USING (source, item_id)
JOIN person_identities pi ON pi.identity_id = e.identity_id
JOIN people p ON p.person_id = pi.person_id
LEFT JOIN person_identities owner ON owner.identity_id = c.owner_id
WHERE e.kind = 'vote';

-- change_code: per change, the first patch set of the code it finally carries: its last upload
-- that changed code (a rebase, a commit-message edit or no change keeps the code, and Gerrit
-- copies votes across them), and its last patch set. A vote on a patch set from code_from on
-- was a vote on the code as it stands (as merged, for a merged change).
CREATE OR REPLACE VIEW change_code AS
SELECT source, item_id,
       coalesce(max(patchset) FILTER (WHERE kind = 'patchset'
                AND coalesce(detail, 'REWORK') NOT IN ('TRIVIAL_REBASE', 'NO_CODE_CHANGE', 'NO_CHANGE')), 1)
           AS code_from,
       max(patchset) FILTER (WHERE kind = 'patchset') AS last_patchset
FROM review_events
GROUP BY source, item_id;

-- approval_power: who used approval power, where and when: a human's Code-Review +2 or Workflow
-- +1 (Approved). Inferred from votes actually cast, since only cores can cast them.
CREATE OR REPLACE VIEW approval_power AS
SELECT source, item_id, project, person_id, occurred_at, label, value, own_change
FROM review_votes
WHERE NOT is_bot AND ((label = 'Code-Review' AND value = 2) OR (label = 'Workflow' AND value = 1));

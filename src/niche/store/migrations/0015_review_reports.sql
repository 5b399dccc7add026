-- niche schema 15: the facts every review report starts from, defined once.
--
-- review_votes: every vote on a change, by a person (human or CI: is_bot tells), with the patch
-- set it was cast on and whether it was on the voter's own change. Labels: Code-Review (-2..+2),
-- Workflow (+1 Approved, -1 Work In Progress), Verified (CI), and NULL for a 2.x "No score".
CREATE VIEW review_votes AS
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
CREATE VIEW change_code AS
SELECT source, item_id,
       coalesce(max(patchset) FILTER (WHERE kind = 'patchset'
                AND coalesce(detail, 'REWORK') NOT IN ('TRIVIAL_REBASE', 'NO_CODE_CHANGE', 'NO_CHANGE')), 1)
           AS code_from,
       max(patchset) FILTER (WHERE kind = 'patchset') AS last_patchset
FROM review_events
GROUP BY source, item_id;

-- approval_power: who used approval power, where and when: a human's Code-Review +2 or Workflow
-- +1 (Approved). Inferred from votes actually cast, since only cores can cast them.
CREATE VIEW approval_power AS
SELECT source, item_id, project, person_id, occurred_at, label, value, own_change
FROM review_votes
WHERE NOT is_bot AND ((label = 'Code-Review' AND value = 2) OR (label = 'Workflow' AND value = 1));

-- change_commits: each merged Gerrit change with the commit it became, joined by Change-Id and
-- project: a commit whose Change-Id trailer is the change's, in a repository that is the
-- project (its name is the project's last part, 'nova' for openstack/nova, or its origin remote
-- names the project). A Change-Id can be on several commits (a backport to a stable branch keeps
-- it): the one committed nearest the change's merge is the change's own.
CREATE VIEW change_commits AS
WITH ids AS (
    SELECT source, item_id, sha, repo, committer_at, t.value AS change_id
    FROM (SELECT source, item_id, sha, repo, committer_at, unnest(trailers) AS t FROM commits)
    WHERE t.key = 'Change-Id'
)
SELECT c.source, c.item_id, c.project, c.number, c.merged_at,
       i.source AS commit_source, i.item_id AS commit_item_id, i.sha, i.repo, i.committer_at
FROM changes c
JOIN ids i ON i.change_id = c.change_id
JOIN sources s ON s.source = i.source
WHERE c.platform = 'gerrit' AND c.merged_at IS NOT NULL
  AND (i.repo = split_part(c.project, '/', -1)
       OR regexp_matches(coalesce(json_extract_string(s.attrs, '$.remote_url'), ''),
                         '[/:]' || c.project || '(\.git)?/?$'))
QUALIFY row_number() OVER (PARTITION BY c.source, c.item_id
                           ORDER BY abs(date_diff('second', i.committer_at, c.merged_at)), i.sha) = 1;

-- niche schema 17: change_commits: each merged Gerrit change with the commit it became, joined by
-- Change-Id and project: a commit whose message carries the change's Change-Id (read as Gerrit
-- reads it, from any "Change-Id: I..." line, not only from a trailer block git recognises: nova's
-- commits of 2011-2012 often have it right after the body, with no blank line between), in a
-- repository that is the project (its name is the project's last part, 'nova' for
-- openstack/nova, or its origin remote names the project). A Change-Id can be on several commits
-- (a backport to a stable branch keeps it): the one committed nearest the change's merge is the
-- change's own.
CREATE OR REPLACE VIEW change_commits AS
WITH ids AS (
    SELECT source, item_id, sha, repo, committer_at, unnest(regexp_extract_all(
               message, '(?m)^Change-Id:[ \t]*(I[0-9a-f]{40})[ \t]*$', 1)) AS change_id
    FROM commits
    WHERE message LIKE '%Change-Id:%'
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

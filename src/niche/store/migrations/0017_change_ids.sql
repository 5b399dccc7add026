-- niche schema 17: change_commits: each merged Gerrit change with the commit it became, joined by
-- Change-Id and project: a commit whose message carries the change's Change-Id (read as Gerrit
-- reads it, from any "Change-Id: I..." line, not only from a trailer block git recognises: nova's
-- commits of 2011-2012 often have it right after the body, with no blank line between), in a
-- repository that is the project (its name is the project's last part, 'nova' for
-- openstack/nova, or its origin remote names the project). A Change-Id can be on several commits
-- (a backport to a stable branch keeps it) and several changes (the backport's own change):
-- changes on the main branch (master, main) take the commit nearest their merge in time first,
-- then each backport the nearest one left. So a backport whose own commit is not in the store
-- (its branch deleted) finds none rather than its master twin's.
CREATE OR REPLACE VIEW change_commits AS
WITH ids AS (
    SELECT source, item_id, sha, repo, committer_at, unnest(regexp_extract_all(
               message, '(?m)^Change-Id:[ \t]*(I[0-9a-f]{40})[ \t]*$', 1)) AS change_id
    FROM commits
    WHERE message LIKE '%Change-Id:%'
),
candidates AS (
    SELECT c.source, c.item_id, c.project, c.number, c.merged_at, c.branch,
           i.source AS commit_source, i.item_id AS commit_item_id, i.sha, i.repo, i.committer_at,
           abs(date_diff('second', i.committer_at, c.merged_at)) AS apart
    FROM changes c
    JOIN ids i ON i.change_id = c.change_id
    JOIN sources s ON s.source = i.source
    WHERE c.platform = 'gerrit' AND c.merged_at IS NOT NULL
      AND (i.repo = split_part(c.project, '/', -1)
           OR regexp_matches(coalesce(json_extract_string(s.attrs, '$.remote_url'), ''),
                             '[/:]' || c.project || '(\.git)?/?$'))
),
main_line AS (  -- changes on the main branch take their nearest commit first
    SELECT * FROM candidates WHERE branch IN ('master', 'main')
    QUALIFY row_number() OVER (PARTITION BY source, item_id ORDER BY apart, sha) = 1
),
backports AS (  -- then every other change the nearest commit no main-line change took
    SELECT * FROM candidates c
    WHERE c.branch IS DISTINCT FROM 'master' AND c.branch IS DISTINCT FROM 'main'
      AND NOT EXISTS (SELECT 1 FROM main_line m WHERE m.commit_source = c.commit_source AND m.sha = c.sha)
    QUALIFY row_number() OVER (PARTITION BY source, item_id ORDER BY apart, sha) = 1
)
SELECT * EXCLUDE (apart, branch) FROM (SELECT * FROM main_line UNION ALL SELECT * FROM backports)
QUALIFY row_number() OVER (PARTITION BY commit_source, sha ORDER BY apart, item_id) = 1;

-- Merged changes joined to git, per project and cycle: of the Gerrit changes merged in the cycles
-- of $cycles, how many found the commit they became (by Change-Id and project: the
-- change_commits view), and up to three that did not, to look at (a commit whose Change-Id was
-- dropped or rewritten on its way in, a backport whose branch is gone). Only projects whose
-- repository is in the store: those with at least one change joined to a commit.
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
merged AS (
    SELECT c.source, c.item_id, c.project, c.url, c.subject, cc.last_patchset, w.name AS cycle, w.start_at,
           EXISTS (SELECT 1 FROM change_commits j WHERE j.source = c.source AND j.item_id = c.item_id) AS found
    FROM changes c
    JOIN windows w ON c.merged_at >= w.start_at AND c.merged_at < w.end_at
    LEFT JOIN change_code cc USING (source, item_id)
    WHERE c.platform = 'gerrit' AND ($project IS NULL OR c.project = $project)
      AND c.project IN (SELECT project FROM change_commits)
)
SELECT project, cycle, start_at,
       count(*) AS merged,
       count(*) FILTER (WHERE found) AS found_commit,
       round(count(*) FILTER (WHERE found) / count(*), 3) AS share_found,
       list({'item_id': item_id, 'url': url, 'subject': subject, 'patchset': last_patchset,
             'outcome': 'no commit found'} ORDER BY item_id) FILTER (WHERE NOT found)[1:3] AS examples
FROM merged
GROUP BY project, cycle, start_at
ORDER BY project, start_at

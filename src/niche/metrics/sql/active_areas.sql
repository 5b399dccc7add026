-- Most active areas: where the code changed most in the $months months up to $as_of.
-- An area is a repository plus the first two directories of a path ('nova: nova/compute');
-- files at the top of a repository fall in '(top level)'. Merge commits carry no files, so
-- each change is counted once. Ranked by the number of distinct commits touching the area.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER, $limit INTEGER.
WITH human_commits AS (
    SELECT DISTINCT a.source, a.item_id, a.person_id
    FROM person_activities a
    WHERE a.kind = 'commit.authored'
      AND a.occurred_at > $as_of - to_months($months)
      AND a.occurred_at <= $as_of
),
touched AS (
    SELECT DISTINCT
        f.repo,
        CASE
            WHEN strpos(f.path, '/') = 0 THEN '(top level)'
            ELSE array_to_string(list_slice(string_split(f.path, '/'), 1, least(2, len(string_split(f.path, '/')) - 1)), '/')
        END AS area,
        f.item_id,
        c.person_id
    FROM commit_files f
    JOIN human_commits c ON c.source = f.source AND c.item_id = f.item_id
)
SELECT
    repo,
    area,
    count(DISTINCT item_id) AS commits,
    count(DISTINCT person_id) AS contributors
FROM touched
GROUP BY repo, area
ORDER BY commits DESC, contributors DESC, repo, area
LIMIT $limit

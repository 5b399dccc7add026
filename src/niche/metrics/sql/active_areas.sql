-- Most active areas: where the code changed most in the $months months up to $as_of.
-- Areas are defined once, in the file_areas view (repository + first two directories).
-- Merge commits carry no files, so each change is counted once. Ranked by the number of
-- distinct commits touching the area.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER, $limit INTEGER.
WITH human_commits AS (
    SELECT source, item_id, person_id
    FROM authored_commits
    WHERE occurred_at > $as_of - to_months($months)
      AND occurred_at <= $as_of
)
SELECT
    f.repo,
    f.area,
    count(DISTINCT f.item_id) AS commits,
    count(DISTINCT c.person_id) AS contributors
FROM file_areas f
JOIN human_commits c ON c.source = f.source AND c.item_id = f.item_id
GROUP BY f.repo, f.area
ORDER BY commits DESC, contributors DESC, f.repo, f.area
LIMIT $limit

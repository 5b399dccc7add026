-- Bus factor per repository and per area: the smallest number of people who together authored
-- at least half of the commits in the $months months up to $as_of. 1 means one person's
-- absence would stall half of the work.
-- CHAOSS metric: Contributor Absence Factor
-- (https://chaoss.community/kb/metric-contributor-absence-factor/), with commits as the
-- contributions and the CHAOSS default threshold of 50%.
-- Rows with area '*' are whole repositories. Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH commits_in_window AS (
    SELECT source, item_id, repo, person_id
    FROM authored_commits
    WHERE occurred_at > $as_of - to_months($months)
      AND occurred_at <= $as_of
),
per_person AS (
    SELECT repo, '*' AS area, person_id, count(*) AS n
    FROM commits_in_window
    GROUP BY ALL
    UNION ALL
    SELECT f.repo, f.area, c.person_id, count(DISTINCT f.item_id) AS n
    FROM file_areas f
    JOIN commits_in_window c ON c.source = f.source AND c.item_id = f.item_id
    GROUP BY ALL
),
ranked AS (
    SELECT
        repo,
        area,
        person_id,
        n,
        sum(n) OVER (PARTITION BY repo, area ORDER BY n DESC, person_id ROWS UNBOUNDED PRECEDING) - n AS before,
        sum(n) OVER (PARTITION BY repo, area) AS total
    FROM per_person
)
SELECT
    repo,
    area,
    count(*) FILTER (WHERE before < total * 0.5) AS bus_factor,
    count(*) AS contributors,
    max(n) AS top_commits,  -- the busiest person's
    max(total) AS commits
FROM ranked
GROUP BY repo, area
ORDER BY bus_factor, commits DESC, repo, area

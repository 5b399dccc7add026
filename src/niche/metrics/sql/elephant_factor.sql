-- Elephant factor per repository and for the whole community (repo '*'): the smallest number of
-- organisations whose people together authored at least half of the commits with a known
-- employer in the $months months up to $as_of. 1 means one company carries half the work.
-- CHAOSS metric: Elephant Factor (https://chaoss.community/kb/metric-elephant-factor/), with
-- commits as the contributions, each given to the author's employer of the day (affiliations over
-- time, see person_activities). Commits from personal or unknown addresses belong to no
-- organisation; their share is reported beside the factor rather than counted as one company.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH commits_in_window AS (
    SELECT source, item_id, repo, org
    FROM authored_commits
    WHERE occurred_at > $as_of - to_months($months)
      AND occurred_at <= $as_of
),
per_org AS (
    SELECT repo, org, count(*) AS n FROM commits_in_window GROUP BY ALL
    UNION ALL
    SELECT '*' AS repo, org, count(*) AS n FROM commits_in_window GROUP BY ALL
),
ranked AS (
    SELECT
        repo,
        org,
        n,
        sum(n) OVER (PARTITION BY repo ORDER BY n DESC, org ROWS UNBOUNDED PRECEDING) - n AS before,
        sum(n) OVER (PARTITION BY repo) AS affiliated
    FROM per_org
    WHERE org IS NOT NULL
),
totals AS (
    SELECT repo, sum(n) AS commits, coalesce(sum(n) FILTER (WHERE org IS NULL), 0) AS unaffiliated
    FROM per_org
    GROUP BY repo
)
SELECT
    t.repo,
    count(r.org) FILTER (WHERE r.before < r.affiliated * 0.5) AS elephant_factor,
    count(r.org) AS organisations,
    min(r.org) FILTER (WHERE r.before = 0) AS largest,
    round(coalesce(max(r.n), 0) / t.commits, 3) AS largest_share,
    t.commits,
    round(t.unaffiliated / t.commits, 3) AS unaffiliated_share
FROM totals t
LEFT JOIN ranked r USING (repo)
GROUP BY t.repo, t.commits, t.unaffiliated
ORDER BY t.repo = '*' DESC, elephant_factor, t.commits DESC, t.repo

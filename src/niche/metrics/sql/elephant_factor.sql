-- Elephant factor per repository and for the whole community (repo '*'): the smallest number of
-- organisations whose people together authored at least half of all the commits in the $months
-- months up to $as_of. 1 means one company carries half the work.
-- CHAOSS metric: Elephant Factor (https://chaoss.community/kb/metric-elephant-factor/): "the
-- minimum number of companies whose employees perform 50% of the total commits", each commit
-- given to the author's employer of the day (affiliations over time, see person_activities).
-- Unknown employers: a commit from a personal address, or from an employer niche does not know,
-- counts in the total but for no company. So the factor is 1 exactly when the largest employer's
-- share is half or more, and it is NULL (not known) when the known employers together did less
-- than half: unaffiliated_share says how much is unattributed either way.
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
totals AS (
    SELECT repo, sum(n) AS commits, coalesce(sum(n) FILTER (WHERE org IS NULL), 0) AS unknown
    FROM per_org
    GROUP BY repo
),
ranked AS (
    SELECT
        p.repo,
        p.org,
        p.n,
        sum(p.n) OVER (PARTITION BY p.repo ORDER BY p.n DESC, p.org ROWS UNBOUNDED PRECEDING) - p.n AS before,
        t.commits,
        t.commits - t.unknown AS known
    FROM per_org p
    JOIN totals t USING (repo)
    WHERE p.org IS NOT NULL
)
SELECT
    t.repo,
    CASE WHEN 2 * (t.commits - t.unknown) >= t.commits
         THEN count(r.org) FILTER (WHERE 2 * r.before < t.commits) END AS elephant_factor,
    count(r.org) AS organisations,
    min(r.org) FILTER (WHERE r.before = 0) AS largest,
    round(coalesce(max(r.n), 0) / t.commits, 3) AS largest_share,
    t.commits,
    round(t.unknown / t.commits, 3) AS unaffiliated_share
FROM totals t
LEFT JOIN ranked r USING (repo)
GROUP BY t.repo, t.commits, t.unknown
ORDER BY t.repo = '*' DESC, elephant_factor NULLS LAST, t.commits DESC, t.repo

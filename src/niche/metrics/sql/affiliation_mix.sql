-- Affiliation mix: the commits of the $months months up to $as_of per organisation (the
-- author's employer of the day), with each one's share and how many of its people took part.
-- Commits from personal or unknown addresses are grouped as organisation NULL.
-- CHAOSS metric: Organizational Diversity (https://chaoss.community/kb/metric-organizational-diversity/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH commits_in_window AS (
    SELECT source, item_id, person_id, org
    FROM authored_commits
    WHERE occurred_at > $as_of - to_months($months)
      AND occurred_at <= $as_of
)
SELECT
    org,
    count(DISTINCT source || item_id) AS commits,
    count(DISTINCT person_id) AS contributors,
    round(count(DISTINCT source || item_id) / (SELECT count(*) FROM commits_in_window), 4) AS share
FROM commits_in_window
GROUP BY org
ORDER BY commits DESC, org

-- Review share per employer of the day, per project and cycle: reviews (one person's votes and
-- comments on one change of someone else's, counted once per cycle, CI and rechecks left out)
-- credited to the organisation the reviewer worked for on the day of their first vote or
-- comment there. Reviewers whose employer niche does not know are one line, 'unknown', never
-- spread over the others.
-- CHAOSS: Organizational Diversity (https://chaoss.community/kb/metric-organizational-diversity/).
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
reviews AS (
    SELECT h.project, w.name AS cycle, w.start_at, h.person_id, h.source, h.item_id, min(h.occurred_at) AS at
    FROM human_reviews h
    JOIN windows w ON h.occurred_at >= w.start_at AND h.occurred_at < w.end_at
    WHERE $project IS NULL OR h.project = $project
    GROUP BY ALL
),
credited AS (
    SELECT r.*, coalesce(a.org, 'unknown') AS org
    FROM reviews r
    LEFT JOIN affiliations a
      ON a.person_id = r.person_id
     AND (a.valid_from IS NULL OR r.at >= a.valid_from)
     AND (a.valid_until IS NULL OR r.at < a.valid_until)
    QUALIFY row_number() OVER (PARTITION BY r.project, r.cycle, r.person_id, r.source, r.item_id ORDER BY a.org) = 1
)
SELECT project, cycle, start_at, org,
       count(*) AS reviews,
       count(DISTINCT person_id) AS reviewers,
       round(count(*) / sum(count(*)) OVER (PARTITION BY project, cycle), 4) AS share
FROM credited
GROUP BY project, cycle, start_at, org
ORDER BY project, start_at, reviews DESC, org

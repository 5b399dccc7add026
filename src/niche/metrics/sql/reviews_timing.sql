-- Time to first human review and time to merge, per project and cycle (of the change's
-- creation): changes opened, merged (by now), the median and 90th-percentile hours until the
-- first vote or comment by a person other than the owner (CI and "recheck" requests are not
-- reviews), the changes still without one, and the median days from creation to merge.
-- CHAOSS: Time to First Response, Change Request Duration
-- (https://chaoss.community/kb/metric-time-to-first-response/).
-- Parameters: $cycles LIST of {name, start_at, end_at}, $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
opened AS (
    SELECT c.source, c.item_id, c.project, w.name AS cycle, w.start_at, c.created_at, c.merged_at
    FROM changes c
    JOIN windows w ON c.created_at >= w.start_at AND c.created_at < w.end_at
    WHERE $project IS NULL OR c.project = $project
),
first_review AS (
    SELECT o.source, o.item_id, min(h.occurred_at) AS first_review_at
    FROM opened o JOIN human_reviews h USING (source, item_id)
    GROUP BY ALL
)
SELECT o.project, o.cycle, o.start_at,
       count(*) AS opened,
       count(o.merged_at) AS merged,
       count(f.first_review_at) AS reviewed,
       round(median(date_diff('second', o.created_at, f.first_review_at)) / 3600.0, 1) AS median_hours_to_first_review,
       round(quantile_cont(date_diff('second', o.created_at, f.first_review_at), 0.9) / 3600.0, 1)
           AS p90_hours_to_first_review,
       round(median(date_diff('second', o.created_at, o.merged_at)) / 86400.0, 2) AS median_days_to_merge
FROM opened o
LEFT JOIN first_review f USING (source, item_id)
GROUP BY o.project, o.cycle, o.start_at
ORDER BY o.project, o.start_at

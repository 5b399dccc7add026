-- Change request velocity per project and month (of creation), for the $months months ending
-- with the month of $as_of: changes opened and merged, median hours to the first human review,
-- median days to merge, and reviewers per change.
-- CHAOSS metrics: Change Requests, Change Requests Accepted, Time to First Response and
-- Change Request Duration (https://chaoss.community/kb/metric-time-to-first-response/,
-- https://chaoss.community/kb/metric-change-request-reviews/). A first response is the first
-- vote or comment by a person other than the owner, bots excluded (see the human_reviews view).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH per_change AS (
    SELECT
        c.project,
        c.source,
        c.item_id,
        date_trunc('month', c.created_at) AS month,
        c.created_at,
        c.merged_at,
        min(r.occurred_at) AS first_review_at,
        count(DISTINCT r.person_id) AS reviewers
    FROM changes c
    LEFT JOIN human_reviews r ON r.source = c.source AND r.item_id = c.item_id AND r.occurred_at <= $as_of
    WHERE c.created_at <= $as_of
      AND c.created_at >= date_trunc('month', $as_of) - to_months($months - 1)
    GROUP BY ALL
)
SELECT
    project,
    CAST(month AS DATE) AS month,
    count(*) AS opened,
    count(*) FILTER (WHERE merged_at IS NOT NULL AND merged_at <= $as_of) AS merged,
    round(median(date_diff('second', created_at, first_review_at)) / 3600.0, 1) AS median_hours_to_first_review,
    round(median(date_diff('second', created_at, merged_at)) FILTER (WHERE merged_at <= $as_of) / 86400.0, 2)
        AS median_days_to_merge,
    round(avg(reviewers), 2) AS reviewers_per_change
FROM per_change
GROUP BY project, month
ORDER BY project, month

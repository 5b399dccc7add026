-- Review load distribution: who did the reviews in the $months months up to $as_of, and what
-- share of all reviews each carried, with the running share from the busiest reviewer down (a
-- steep curve means a few people carry review). A review is a person's votes and comments on
-- one change of someone else's, counted once per change.
-- CHAOSS metric: Change Request Reviews (https://chaoss.community/kb/metric-change-request-reviews/).
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH reviews AS (
    SELECT DISTINCT person_id, source, item_id
    FROM human_reviews
    WHERE occurred_at <= $as_of AND occurred_at > $as_of - to_months($months)
),
per_person AS (
    SELECT person_id, count(*) AS changes_reviewed FROM reviews GROUP BY person_id
)
SELECT
    pp.person_id,
    p.name,
    pp.changes_reviewed,
    round(pp.changes_reviewed / sum(pp.changes_reviewed) OVER (), 4) AS share,
    round(sum(pp.changes_reviewed) OVER (ORDER BY pp.changes_reviewed DESC, pp.person_id ROWS UNBOUNDED PRECEDING)
          / sum(pp.changes_reviewed) OVER (), 4) AS cumulative_share
FROM per_person pp
JOIN people p USING (person_id)
ORDER BY pp.changes_reviewed DESC, pp.person_id

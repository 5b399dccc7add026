-- Review depth, review by review: every review finished in the $months months up to $as_of, with
-- the reviewer's comments (how many, how long), inline comments, minutes from the patch set's
-- upload to the vote, the change's size and outcome, and the flags a reader should look at:
-- a possible rubber stamp (a +vote with no words on 100+ changed lines) and agreement with the
-- outcome. Defined once, in the review_depth view (store migration 0012).
-- CHAOSS metric: Change Request Reviews (https://chaoss.community/kb/metric-change-request-reviews/), in depth.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT
    d.source,
    d.item_id,
    c.url,
    c.subject,
    d.person_id,
    p.name AS reviewer,
    d.author_id,
    a.name AS author,
    d.last_at,
    d.vote,
    d.comments,
    d.inline_comments,
    d.comment_chars,
    d.minutes_to_vote,
    d.change_size,
    d.outcome,
    d.possible_rubber_stamp,
    d.agrees_with_outcome
FROM review_depth d
JOIN changes c USING (source, item_id)
JOIN people p USING (person_id)
LEFT JOIN people a ON a.person_id = d.author_id
WHERE d.last_at <= $as_of AND d.last_at > $as_of - to_months($months)
ORDER BY d.last_at DESC, d.item_id, d.person_id

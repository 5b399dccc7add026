-- Review depth per reviewer over the $months months up to $as_of: how many changes they reviewed,
-- how often they said something (comments, inline comments, median comment length), how long they
-- took after a patch set appeared (median minutes to vote), how big the changes were, how many
-- votes were possible rubber stamps, and how often their verdict matched the outcome.
-- Read together: many reviews with comments and inline remarks on large changes is deep review;
-- many silent +votes on large changes within minutes deserves a look, not a verdict.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT
    d.person_id,
    p.name,
    count(*) AS reviews,
    count(d.vote) AS votes,
    count(*) FILTER (WHERE d.comments > 0 OR d.inline_comments > 0) AS reviews_with_comments,
    sum(d.comments) AS comments,
    sum(d.inline_comments) AS inline_comments,
    median(d.comment_chars) FILTER (WHERE d.comment_chars > 0) AS median_comment_chars,
    median(d.minutes_to_vote) AS median_minutes_to_vote,
    median(d.change_size) AS median_change_size,
    count(*) FILTER (WHERE d.possible_rubber_stamp) AS possible_rubber_stamps,
    count(d.agrees_with_outcome) AS decided,
    count(*) FILTER (WHERE d.agrees_with_outcome) AS agreed,
    count(DISTINCT d.author_id) AS authors_reviewed
FROM review_depth d
JOIN people p USING (person_id)
WHERE d.last_at <= $as_of AND d.last_at > $as_of - to_months($months)
GROUP BY d.person_id, p.name
ORDER BY reviews_with_comments DESC, reviews DESC, d.person_id

-- Who reviews whom over the $months months up to $as_of: one edge per reviewer and author, with
-- how many of the author's changes the reviewer reviewed, their +/- verdicts and how many of
-- those reviews had comments. Dense, mutual, silent +votes between two people are a pattern to
-- look at; a newcomer reviewed by many is a community doing its job.
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
SELECT
    d.person_id AS reviewer_id,
    r.name AS reviewer,
    d.author_id,
    a.name AS author,
    count(*) AS reviews,
    count(*) FILTER (WHERE d.vote > 0) AS positive,
    count(*) FILTER (WHERE d.vote < 0) AS negative,
    count(*) FILTER (WHERE d.comments > 0 OR d.inline_comments > 0) AS with_comments
FROM review_depth d
JOIN people r ON r.person_id = d.person_id
JOIN people a ON a.person_id = d.author_id
WHERE d.last_at <= $as_of AND d.last_at > $as_of - to_months($months)
GROUP BY ALL
ORDER BY reviews DESC, reviewer_id, author_id

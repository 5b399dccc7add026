-- niche schema 12: a review in depth: one row per review (a person's votes and comments on one
-- change of someone else's, as human_reviews defines them) with what shows care (their own
-- words, inline comments, the time they took after the patch set appeared) and what the review
-- weighed (the change's size, its final outcome).
--
-- A vote is a verdict when it is on code (Gerrit Code-Review, a GitHub review). Its wait counts
-- from the newest upload before it (Gerrit copies votes onto rebased patch sets, so the patch set
-- a vote is filed under may be newer than the vote; GitHub has no patch sets: from the pull request).
-- A positive verdict with no words and no inline comment on a change of 100 or more changed lines
-- is a possible rubber stamp. It agrees with the outcome when a +vote's change merged or a
-- -vote's change was abandoned; while the change is open, agreement is unknown.
CREATE VIEW review_depth AS
WITH votes AS (
    SELECT h.source, h.item_id, h.person_id, h.occurred_at, h.value, max(u.occurred_at) AS uploaded_at
    FROM human_reviews h
    JOIN review_events u
      ON u.source = h.source AND u.item_id = h.item_id
     AND u.kind IN ('created', 'patchset') AND u.occurred_at <= h.occurred_at
    WHERE h.kind = 'vote' AND h.label IN ('Code-Review', 'review')
    GROUP BY ALL
),
verdicts AS (
    SELECT source, item_id, person_id,
           arg_max(value, occurred_at) AS vote,
           CAST(floor(min(date_diff('second', uploaded_at, occurred_at)) / 60) AS BIGINT) AS minutes_to_vote
    FROM votes
    GROUP BY ALL
),
reviews AS (
    SELECT source, item_id, person_id,
           min(occurred_at) AS first_at,
           max(occurred_at) AS last_at,
           count(*) FILTER (WHERE kind = 'comment' AND NOT inline AND text_length > 0) AS comments,
           count(*) FILTER (WHERE kind = 'comment' AND inline) AS inline_comments,
           coalesce(sum(text_length) FILTER (WHERE kind = 'comment'), 0) AS comment_chars
    FROM human_reviews
    GROUP BY ALL
)
SELECT
    r.*,
    c.project,
    owner.person_id AS author_id,
    v.vote,
    v.minutes_to_vote,
    coalesce(c.insertions, 0) + coalesce(c.deletions, 0) AS change_size,
    CASE
        WHEN c.merged_at IS NOT NULL OR c.status IN ('MERGED', 'merged') THEN 'merged'
        WHEN c.status IN ('ABANDONED', 'closed') THEN 'abandoned'
        ELSE 'open'
    END AS outcome,
    coalesce(v.vote > 0 AND r.comments = 0 AND r.inline_comments = 0
             AND coalesce(c.insertions, 0) + coalesce(c.deletions, 0) >= 100, false) AS possible_rubber_stamp,
    CASE
        WHEN v.vote IS NULL OR v.vote = 0 THEN NULL
        WHEN c.merged_at IS NOT NULL OR c.status IN ('MERGED', 'merged') THEN v.vote > 0
        WHEN c.status IN ('ABANDONED', 'closed') THEN v.vote < 0
    END AS agrees_with_outcome
FROM reviews r
JOIN changes c USING (source, item_id)
LEFT JOIN person_identities owner ON owner.identity_id = c.owner_id
LEFT JOIN verdicts v ON v.source = r.source AND v.item_id = r.item_id AND v.person_id = r.person_id;

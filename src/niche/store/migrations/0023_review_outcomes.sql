-- niche schema 23: what a review led to, defined once for the review reports and recognition.
--
-- human_reviews gains the patch set each vote or comment was on.
CREATE OR REPLACE VIEW human_reviews AS
SELECT e.source, e.item_id, e.kind, e.occurred_at, e.label, e.value, e.text_length, e.inline,
       pi.person_id, c.project, c.owner_id, e.patchset
FROM review_events e
JOIN changes c USING (source, item_id)
JOIN person_identities pi ON pi.identity_id = e.identity_id
JOIN people p ON p.person_id = pi.person_id
LEFT JOIN person_identities owner ON owner.identity_id = c.owner_id
WHERE e.kind IN ('vote', 'comment')
  AND e.detail IS DISTINCT FROM 'recheck'
  AND NOT p.is_bot
  AND pi.person_id IS DISTINCT FROM owner.person_id;

-- review_outcomes: one review per person per patch set of someone else's change (their votes and
-- comments on it; CI and "recheck" are not reviews), dated by its last message; whether it asked
-- for a change (a Code-Review -1/-2, words of its own, or inline comments), and whether the owner
-- answered it with new code: a later patch set that changed code (not a rebase, not only a
-- commit-message edit), uploaded after the review. A review that led to a new patch set, a -1
-- that was addressed: the review changed something.
CREATE OR REPLACE VIEW review_outcomes AS
WITH reviews AS (
    SELECT source, item_id, project, person_id, patchset,
           bool_or((kind = 'vote' AND label = 'Code-Review' AND value < 0)
                   OR (kind = 'comment' AND (inline OR text_length > 0))) AS asked_for_change,
           max(occurred_at) AS reviewed_at
    FROM human_reviews
    WHERE patchset IS NOT NULL
    GROUP BY ALL
)
SELECT r.*, r.asked_for_change AND EXISTS (
    SELECT 1 FROM review_events u
    WHERE u.source = r.source AND u.item_id = r.item_id AND u.kind = 'patchset' AND u.patchset > r.patchset
      AND u.occurred_at >= r.reviewed_at
      AND coalesce(u.detail, 'REWORK') NOT IN ('TRIVIAL_REBASE', 'NO_CODE_CHANGE', 'NO_CHANGE')
) AS led_to_new_code
FROM reviews r;

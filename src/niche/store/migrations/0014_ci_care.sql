-- niche schema 14: asking CI to run a change again ("recheck", "reverify", "retrigger") is CI
-- care, not review: human_reviews leaves it out (CI accounts themselves are bots, left out too).
CREATE OR REPLACE VIEW human_reviews AS
SELECT e.source, e.item_id, e.kind, e.occurred_at, e.label, e.value, e.text_length, e.inline,
       pi.person_id, c.project, c.owner_id
FROM review_events e
JOIN changes c USING (source, item_id)
JOIN person_identities pi ON pi.identity_id = e.identity_id
JOIN people p ON p.person_id = pi.person_id
LEFT JOIN person_identities owner ON owner.identity_id = c.owner_id
WHERE e.kind IN ('vote', 'comment')
  AND e.detail IS DISTINCT FROM 'recheck'
  AND NOT p.is_bot
  AND pi.person_id IS DISTINCT FROM owner.person_id;

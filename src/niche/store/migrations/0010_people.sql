-- niche schema 10: people as niche.identity resolves them: the evidence behind every merge,
-- the primary address, and affiliation periods (the employer of the day for each contribution).
ALTER TABLE people ADD COLUMN email VARCHAR;        -- primary address; reports hide it unless asked

CREATE TABLE identity_evidence (
    a       VARCHAR NOT NULL,   -- identity_id
    b       VARCHAR NOT NULL,   -- identity_id
    rule    VARCHAR NOT NULL,   -- same-email, same-account, same-name, similar-name, handle, mailmap, override
    detail  VARCHAR NOT NULL
);

CREATE TABLE affiliations (
    person_id   VARCHAR NOT NULL,
    org         VARCHAR NOT NULL,
    valid_from  TIMESTAMP,      -- NULL: since ever
    valid_until TIMESTAMP,      -- exclusive; NULL: still
    reason      VARCHAR NOT NULL  -- 'email domain' or 'stated'
);

-- Every contribution by a human, with its person and the organisation they worked for that day.
CREATE OR REPLACE VIEW person_activities AS
SELECT a.*, pi.person_id, af.org
FROM activities a
JOIN person_identities pi USING (identity_id)
JOIN people p USING (person_id)
LEFT JOIN affiliations af
  ON af.person_id = pi.person_id
 AND (af.valid_from IS NULL OR a.occurred_at >= af.valid_from)
 AND (af.valid_until IS NULL OR a.occurred_at < af.valid_until)
WHERE NOT p.is_bot;

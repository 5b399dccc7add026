-- niche schema 15: the identity and affiliation log, evidence held apart by a correction, consent.
-- Every merge, split, affiliation change and bot mark, automatic or by hand, is one entry.
CREATE TABLE people_log (
    entry_id  VARCHAR PRIMARY KEY,  -- stable: a correction's id is what it says; an automatic one's, what and when
    happened_at TIMESTAMP NOT NULL, -- when it happened (a correction: the date it carries, else when niche first read it)
    action    VARCHAR NOT NULL,     -- merge, split, apart, affiliation, bot, person, optout, revert
    subject   VARCHAR[] NOT NULL,   -- the identities it is about (identity_id)
    what      VARCHAR NOT NULL,     -- in words; never an address
    why       VARCHAR,              -- the evidence, or the reason given
    by_whom   VARCHAR NOT NULL,     -- 'niche' for automatic entries, else who said it
    origin    VARCHAR NOT NULL,     -- 'automatic', or FILE:LINE of the correction
    data      JSON,                 -- what undoing it needs (organisation and dates, bot flag)
    active    BOOLEAN NOT NULL      -- a correction still in its file and not reverted; automatic: true
);

-- Evidence niche found but did not follow: the correction (log entry) that keeps the two apart.
ALTER TABLE identity_evidence ADD COLUMN held_apart_by VARCHAR;

-- A person who opted out: shown by a pseudonym everywhere (people.name), with no address.
ALTER TABLE people ADD COLUMN opted_out BOOLEAN DEFAULT false;

-- Identities as outputs may show them: a person who opted out by their pseudonym, with no
-- address or account name. Every output that lists identities reads this view, never identities.
CREATE VIEW shown_identities AS
SELECT i.identity_id, i.source_kind, pi.person_id,
       CASE WHEN p.opted_out THEN p.name ELSE i.name END AS name,
       CASE WHEN p.opted_out THEN NULL ELSE i.email END AS email,
       CASE WHEN p.opted_out THEN NULL ELSE i.username END AS username,
       pi.reason
FROM identities i
LEFT JOIN person_identities pi USING (identity_id)
LEFT JOIN people p USING (person_id);

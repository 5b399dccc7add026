-- Every identity of every person (or of $person_id only), as outputs may show them (a person who
-- opted out by their pseudonym, no name that is an address), with why niche counts it as theirs.
-- Parameters: $person_id VARCHAR (NULL for everyone).
SELECT person_id, source_kind AS kind, name, email, username, reason
FROM shown_identities
WHERE person_id IS NOT NULL AND ($person_id IS NULL OR person_id = $person_id)
ORDER BY person_id, source_kind, name, username

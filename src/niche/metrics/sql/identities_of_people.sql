-- Every identity of every person (or of $person_id only), as sources show them, with why niche
-- counts it as theirs.
-- Parameters: $person_id VARCHAR (NULL for everyone).
SELECT pi.person_id, i.source_kind AS kind, i.name, i.email, i.username, pi.reason
FROM person_identities pi
JOIN identities i USING (identity_id)
WHERE $person_id IS NULL OR pi.person_id = $person_id
ORDER BY pi.person_id, i.source_kind, i.name, i.username

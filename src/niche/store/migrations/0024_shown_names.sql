-- niche schema 24: a shown name is never an address. Old commits (bzr-era nova, some mail) carry
-- the address in the name field ("chuck.short@canonical.com", "Arvind Somya asomya@cisco.com"),
-- often with an empty or swapped address field ("yzveryanskyy@mirantis.com" <Yuriy>). Outputs show
-- the name without the address (else what the address field held, else the mailbox name), and the
-- address where addresses belong: in `email`, hidden unless --show-emails asks for it.
CREATE OR REPLACE VIEW shown_identities AS
WITH named AS (
    SELECT *, nullif(regexp_extract(name, '[\w.+''-]+@[\w-]+(\.[\w-]+)*'), '') AS address_in_name,
           email LIKE '%@%' AS email_is_address
    FROM identities
)
SELECT i.identity_id, i.source_kind, pi.person_id,
       CASE WHEN p.opted_out THEN p.name
            WHEN i.address_in_name IS NULL THEN i.name
            ELSE coalesce(nullif(trim(regexp_replace(i.name, '<?[\w.+''-]+@[\w-]+(\.[\w-]+)*>?', '', 'g')), ''),
                          CASE WHEN NOT i.email_is_address THEN nullif(trim(i.email), '') END,
                          split_part(i.address_in_name, '@', 1))
       END AS name,
       CASE WHEN p.opted_out THEN NULL
            WHEN i.email_is_address THEN i.email
            ELSE coalesce(i.address_in_name, nullif(i.email, ''))
       END AS email,
       CASE WHEN p.opted_out THEN NULL ELSE i.username END AS username,
       pi.reason
FROM named i
LEFT JOIN person_identities pi USING (identity_id)
LEFT JOIN people p USING (person_id);

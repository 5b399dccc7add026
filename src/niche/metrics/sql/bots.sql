-- The automation accounts: people niche (or the user, or the service itself) marked as bots, with
-- their contributions, which no figure counts as a person's.
-- Parameters: none.
SELECT p.person_id, p.name, count(DISTINCT pi.identity_id) AS identities, count(a.identity_id) AS contributions,
       max(a.occurred_at) AS last_at
FROM people p
JOIN person_identities pi USING (person_id)
LEFT JOIN activities a ON a.identity_id = pi.identity_id
WHERE p.is_bot
GROUP BY p.person_id, p.name
ORDER BY contributions DESC, p.name

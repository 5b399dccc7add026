-- Namesakes: people niche keeps apart who are shown by one name (nova has three "Dan Smith"s),
-- each with what tells them apart up to $as_of: their employers in order, the years they were
-- active, the mail domains of their addresses (never an address), and the places they did most
-- (code areas of their commits, projects, lists and channels).
-- `niche people list` and `show`, the dashboard's People and person pages read it; `niche people
-- why A B` says what kept two of them apart.
-- Parameters: $as_of TIMESTAMP (UTC).
WITH shown AS (
    SELECT person_id, name, lower(trim(name)) AS name_key FROM people WHERE NOT is_bot
),
shared AS (
    SELECT * FROM shown WHERE name_key IN (SELECT name_key FROM shown GROUP BY name_key HAVING count(*) > 1)
),
done AS (
    SELECT a.person_id, a.source, a.item_id, a.kind, a.org, a.occurred_at, coalesce(a.project, a.repo) AS place
    FROM person_activities a
    WHERE a.person_id IN (SELECT person_id FROM shared) AND a.occurred_at <= $as_of
),
employers AS (
    SELECT person_id, list(org ORDER BY since) AS employers
    FROM (SELECT person_id, org, min(occurred_at) AS since FROM done WHERE org IS NOT NULL GROUP BY ALL)
    GROUP BY person_id
),
placed AS (
    SELECT d.person_id, f.repo || ': ' || f.area AS place, count(DISTINCT d.item_id) AS items
    FROM done d JOIN file_areas f USING (source, item_id)
    WHERE d.kind = 'commit.authored'
    GROUP BY ALL
    UNION ALL
    SELECT person_id, place, count(DISTINCT source || ' ' || item_id) AS items
    FROM done
    WHERE kind <> 'commit.authored' AND place IS NOT NULL
    GROUP BY ALL
),
ranked AS (
    SELECT person_id, place, row_number() OVER (PARTITION BY person_id ORDER BY items DESC, place) AS n
    FROM placed
),
domains AS (
    SELECT person_id, list(DISTINCT lower(split_part(email, '@', 2)) ORDER BY lower(split_part(email, '@', 2))) AS domains
    FROM shown_identities
    WHERE person_id IN (SELECT person_id FROM shared) AND email LIKE '%@%'
    GROUP BY person_id
),
active AS (
    SELECT person_id, count(*) AS contributions, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM done GROUP BY person_id
)
SELECT
    s.person_id,
    s.name,
    s.name_key,
    coalesce(e.employers, []) AS employers,
    a.first_at,
    a.last_at,
    coalesce(a.contributions, 0) AS contributions,
    coalesce(m.domains, []) AS domains,
    (SELECT list(r.place ORDER BY r.n) FROM ranked r WHERE r.person_id = s.person_id AND r.n <= 3) AS areas
FROM shared s
LEFT JOIN employers e USING (person_id)
LEFT JOIN active a USING (person_id)
LEFT JOIN domains m USING (person_id)
ORDER BY s.name_key, contributions DESC, s.person_id

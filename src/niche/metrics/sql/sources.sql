-- The sources in the database: what each is, where it is read from, when it was last synced, how
-- many items it holds (raw items, as read), how many of those are counted from another source
-- that brought them too (folded_items: the same change in two exports, a message in two
-- archives), and how many of its inputs could not be read (quarantine).
-- Parameters: none.
WITH items AS (SELECT source, count(*) AS n FROM raw_items GROUP BY source),
folded AS (SELECT source, count(*) AS n FROM folded_items GROUP BY source),
quarantined AS (SELECT source, count(*) AS n FROM quarantine GROUP BY source)
SELECT s.source, s.kind, s.name, s.location, s.synced_at,
       coalesce(i.n, 0) AS items, coalesce(f.n, 0) AS folded, coalesce(q.n, 0) AS quarantined
FROM sources s
LEFT JOIN items i ON i.source = s.source
LEFT JOIN folded f ON f.source = s.source
LEFT JOIN quarantined q ON q.source = s.source
ORDER BY s.kind, s.name, s.source

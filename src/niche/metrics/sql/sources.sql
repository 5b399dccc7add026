-- The sources in the database: what each is, where it is read from, when it was last synced and
-- how many items it holds (raw items, as read).
-- Parameters: none.
SELECT s.kind, s.name, s.location, s.synced_at, count(r.item_id) AS items
FROM sources s
LEFT JOIN raw_items r USING (source)
GROUP BY s.source, s.kind, s.name, s.location, s.synced_at
ORDER BY s.kind, s.name

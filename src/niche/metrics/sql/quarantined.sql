-- Input that could not be read, kept with its error: newest first, from $since on.
-- Parameters: $since TIMESTAMP (UTC; a date before any sync for everything).
SELECT q.recorded_at, q.source, coalesce(s.name, q.source) AS source_name, q.item_id, q.location, q.error
FROM quarantine q
LEFT JOIN sources s USING (source)
WHERE q.recorded_at >= $since
ORDER BY q.recorded_at DESC, q.source, q.item_id

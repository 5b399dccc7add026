-- Items that were read, but with a field cut to its bound (a 100 KB display name, a 20 MB
-- subject): which field, how long it was and how much was kept; the raw item holds all of it.
-- Parameters: none.
SELECT coalesce(s.name, f.source) AS source_name, f.source, f.item_id, f.detail
FROM item_flags f
LEFT JOIN sources s USING (source)
WHERE f.flag = 'field-cut'
ORDER BY f.source, f.item_id, f.detail

-- The breadcrumbs most often referred to (a bug, a change, a URL, a Message-ID): where the trail
-- explorer starts.
-- Parameters: $limit INTEGER.
SELECT key, count(*) AS refs
FROM item_refs
GROUP BY key
ORDER BY refs DESC, key
LIMIT $limit

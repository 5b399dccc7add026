-- Docs left behind, as of $as_of: code areas that changed in at least 10 commits in the $months
-- months up to $as_of while every documentation file naming the area (its last directory, e.g.
-- 'scheduler' for nova/scheduler, as a whole word in the path of a prose file under doc/, docs/
-- or api-ref/: 'objects' names doc/objects.rst, not nova-objectstore.rst) stayed untouched all
-- that time. Only files still in the tree at $as_of count: one a commit deleted, or renamed
-- away, is no doc to update. Test and documentation areas themselves are left out. A name match
-- is a hint, not proof: the detail names the newest matched file. For niche's "find your niche".
-- Parameters: $as_of TIMESTAMP (UTC), $months INTEGER.
WITH touched AS (
    SELECT f.repo, f.area, f.path, c.occurred_at
    FROM file_areas f
    JOIN authored_commits c USING (source, item_id)
    WHERE c.occurred_at <= $as_of
),
code_areas AS (
    SELECT repo, area, string_split(area, '/')[-1] AS name, count(*) AS changes, max(occurred_at) AS last_changed
    FROM touched
    WHERE occurred_at > $as_of - to_months($months)
      AND area <> '(top level)'
      AND NOT regexp_matches(area, '(^|/)(tests?|doc|docs|api-ref|api-guide|releasenotes|locale)(/|$)')
    GROUP BY repo, area
    HAVING count(*) >= 10 AND length(string_split(area, '/')[-1]) >= 4
),
doc_paths AS (  -- every change to a prose file under a docs folder, by anyone, and whether the file stayed
    SELECT f.repo, f.path, c.committer_at AS changed_at, NOT coalesce(f.removed, false) AS present
    FROM commit_files f JOIN commits c USING (source, item_id)
    WHERE c.committer_at <= $as_of
    UNION ALL
    SELECT f.repo, f.old_path, c.committer_at, false  -- renamed away
    FROM commit_files f JOIN commits c USING (source, item_id)
    WHERE f.old_path IS NOT NULL AND c.committer_at <= $as_of
),
doc_present AS (
    SELECT repo, path
    FROM doc_paths
    WHERE regexp_matches(path, '^(doc|docs|api-ref|api-guide|install-guide)/.*\.(rst|md|txt|inc|adoc)$')
    GROUP BY repo, path
    HAVING arg_max(present, changed_at)
),
doc_files AS (
    SELECT t.repo, t.path, max(t.occurred_at) AS last_changed,
           '-' || regexp_replace(lower(t.path), '[^a-z0-9]+', '-', 'g') || '-' AS words
    FROM touched t
    JOIN doc_present USING (repo, path)
    GROUP BY t.repo, t.path
)
SELECT
    'git' AS source,
    a.repo || ': ' || a.area AS item_id,
    'Docs for ' || a.area || ' have not changed while its code did' AS title,
    CAST(NULL AS VARCHAR) AS url,
    a.repo AS place,
    a.area,
    max(d.last_changed) AS since,
    a.changes || ' code commits in ' || $months || ' months; ' || count(*) || ' doc file(s) name it, e.g. '
        || arg_max(d.path, d.last_changed) AS detail
FROM code_areas a
JOIN doc_files d
  ON d.repo = a.repo
 AND strpos(d.words, '-' || regexp_replace(lower(a.name), '[^a-z0-9]+', '-', 'g') || '-') > 0
GROUP BY a.repo, a.area, a.changes
HAVING max(d.last_changed) <= $as_of - to_months($months)
ORDER BY since, a.repo, a.area

-- niche schema 8: one definition of an "area" of a repository, shared by every metric.
-- An area is the first two directories of a path ('nova/compute'), or its only directory
-- ('doc'); files at the top of a repository fall in '(top level)'.
CREATE VIEW file_areas AS
SELECT
    source,
    item_id,
    repo,
    path,
    CASE
        WHEN strpos(path, '/') = 0 THEN '(top level)'
        ELSE array_to_string(list_slice(string_split(path, '/'), 1, least(2, len(string_split(path, '/')) - 1)), '/')
    END AS area
FROM commit_files;

-- A person's punchcard: their activities (all of them, or with $kind_prefix only those whose kind
-- starts so, e.g. 'review.' for code review) in the cycles of $cycles, in $project or anywhere, by weekday (1 = Monday) and hour in their own timezone offset. An
-- activity with its own offset (a commit) is placed by it; one without (a review, a mail read
-- from an archive in UTC) by the offset the person used most that year, else the one they used
-- most ever; with none known, UTC. offset_from says which, per cell.
-- Parameters: $person_id VARCHAR, $cycles LIST of {name, start_at, end_at}, $kind_prefix VARCHAR (NULL: all),
-- $project VARCHAR (NULL: all).
WITH windows AS (SELECT unnest($cycles, recursive := true)),
mine AS (
    SELECT occurred_at, tz_offset_minutes, kind, project FROM person_activities
    WHERE person_id = $person_id AND occurred_at IS NOT NULL
),
yearly AS (
    SELECT year(occurred_at) AS year, mode(tz_offset_minutes) AS offset_minutes
    FROM mine WHERE tz_offset_minutes IS NOT NULL GROUP BY ALL
),
ever AS (SELECT mode(tz_offset_minutes) AS offset_minutes FROM mine WHERE tz_offset_minutes IS NOT NULL),
placed AS (
    SELECT m.occurred_at,
           coalesce(m.tz_offset_minutes, y.offset_minutes, e.offset_minutes, 0) AS offset_minutes,
           CASE WHEN m.tz_offset_minutes IS NOT NULL THEN 'its own'
                WHEN y.offset_minutes IS NOT NULL THEN 'most used that year'
                WHEN e.offset_minutes IS NOT NULL THEN 'most used ever'
                ELSE 'none known: UTC' END AS offset_from
    FROM mine m
    LEFT JOIN yearly y ON y.year = year(m.occurred_at)
    CROSS JOIN ever e
    WHERE ($kind_prefix IS NULL OR starts_with(m.kind, $kind_prefix)) AND ($project IS NULL OR m.project = $project)
      AND EXISTS (SELECT 1 FROM windows w WHERE m.occurred_at >= w.start_at AND m.occurred_at < w.end_at)
)
SELECT isodow(occurred_at + to_minutes(offset_minutes)) AS weekday,
       hour(occurred_at + to_minutes(offset_minutes)) AS hour,
       count(*) AS activities,
       list(DISTINCT offset_from ORDER BY offset_from) AS offset_from
FROM placed
GROUP BY ALL
ORDER BY weekday, hour

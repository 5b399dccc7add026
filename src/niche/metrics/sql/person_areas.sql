-- Where one person works, up to $as_of: code areas of the commits they authored (file_areas),
-- tags of the bugs they reported, triaged or discussed, tags of the questions, topics and blog
-- posts they wrote or answered, the lists, channels, forums and blogs they wrote in, and the
-- review projects they reviewed or proposed changes in; each with how much and how recently.
-- Parameters: $as_of TIMESTAMP (UTC), $person_id VARCHAR (NULL: everyone, for a whole report at once).
WITH mine AS (
    SELECT person_id, source, item_id, kind, project, repo, occurred_at, object_id
    FROM person_activities
    WHERE ($person_id IS NULL OR person_id = $person_id) AND occurred_at <= $as_of
),
placed AS (
    SELECT m.person_id, 'code area' AS place_kind, f.repo || ': ' || f.area AS place, f.source, f.item_id, m.occurred_at
    FROM mine m JOIN file_areas f USING (source, item_id)
    WHERE m.kind = 'commit.authored'
    UNION ALL
    SELECT t.person_id, 'bug tag', t.tag, t.source, t.item_id, t.occurred_at
    FROM (SELECT m.person_id, m.source, m.item_id, m.occurred_at, unnest(b.tags) AS tag
          FROM mine m JOIN bugs b USING (source, item_id)) t
    UNION ALL
    SELECT t.person_id, 'topic tag', t.tag, t.source, t.item_id, t.occurred_at
    FROM (SELECT m.person_id, m.source, m.item_id, m.occurred_at, unnest(p.tags) AS tag
          FROM mine m JOIN posts p ON p.source = m.source AND p.post_id = m.object_id) t
    UNION ALL
    SELECT person_id, CASE WHEN kind LIKE 'mail.%' THEN 'mailing list'
                WHEN kind LIKE 'irc.%' OR kind LIKE 'meeting.%' OR kind LIKE 'chat.%' THEN 'channel'
                WHEN kind LIKE 'forum.%' THEN 'forum'
                WHEN kind LIKE 'blog.%' THEN 'blog'
                WHEN kind LIKE 'review.%' THEN 'review project'
                ELSE 'tracker' END,
           project, source, item_id, occurred_at
    FROM mine
    WHERE project IS NOT NULL AND kind NOT LIKE 'commit.%'
)
SELECT person_id, place_kind, place, count(DISTINCT source || ' ' || item_id) AS items, max(occurred_at) AS last_at
FROM placed
GROUP BY person_id, place_kind, place
ORDER BY person_id, items DESC, last_at DESC, place_kind, place

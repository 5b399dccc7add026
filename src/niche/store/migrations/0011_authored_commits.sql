-- niche schema 11: one definition of "a commit by a person" for every commit-based metric:
-- each authored commit once, with its author (a person, never a bot) and their employer that day.
CREATE VIEW authored_commits AS
SELECT DISTINCT source, item_id, repo, person_id, org, occurred_at
FROM person_activities
WHERE kind = 'commit.authored';

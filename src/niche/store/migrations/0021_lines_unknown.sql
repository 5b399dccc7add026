-- niche schema 21: a commit read from a repository that lacks its files' contents (a blob-less
-- partial clone, a damaged pack) is stored with its metadata and file names, and flagged: its
-- line counts are unknown (NULL), not zero (niche.sources.commit_log).
ALTER TABLE stored.commits ADD COLUMN lines_unknown BOOLEAN DEFAULT false;
ALTER TABLE stored.commits ALTER COLUMN lines_added DROP NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN lines_deleted DROP NOT NULL;

-- niche schema 22: whether a commit deleted each file it changed (git log --summary), so a file
-- gone from the tree is not offered as docs to update. NULL for files synced before niche read
-- it: a resync of the repository (`niche sources remove`, then `niche sync`) fills it in.
ALTER TABLE stored.commit_files ADD COLUMN removed BOOLEAN;

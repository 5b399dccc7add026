-- niche schema 20: an item seen through two routes is one item. The same Gerrit change in two
-- export files or in an export and a REST sync, the same Message-ID in a pipermail and a
-- HyperKitty archive or in two overlapping mbox files, the same commit in two clones: each copy
-- is stored as its route delivered it (schema `stored`), and every table under its usual name is
-- a view that shows one copy per item. Which copies are left out is derived after every sync
-- (niche.store.folds) into folded_items; nothing is deleted, so removing one route brings the
-- other copy back at the next derive, without a resync.

CREATE TABLE folded_items (
    source       VARCHAR NOT NULL,   -- the copy left out of every figure
    item_id      VARCHAR NOT NULL,
    key          VARCHAR NOT NULL,   -- what makes the copies one item: 'gerrit:HOST/NUMBER', 'message-id:ID', ...
    kept_source  VARCHAR NOT NULL,   -- the copy every figure counts
    kept_item_id VARCHAR NOT NULL
);

CREATE SCHEMA stored;

CREATE TABLE stored.activities AS SELECT * FROM main.activities;
CREATE TABLE stored.commits AS SELECT * FROM main.commits;
CREATE TABLE stored.commit_files AS SELECT * FROM main.commit_files;
CREATE TABLE stored.changes AS SELECT * FROM main.changes;
CREATE TABLE stored.review_events AS SELECT * FROM main.review_events;
CREATE TABLE stored.mail_messages AS SELECT * FROM main.mail_messages;
CREATE TABLE stored.meetings AS SELECT * FROM main.meetings;
CREATE TABLE stored.bugs AS SELECT * FROM main.bugs;
CREATE TABLE stored.link_items AS SELECT * FROM main.link_items;
CREATE TABLE stored.item_keys AS SELECT * FROM main.item_keys;
CREATE TABLE stored.item_refs AS SELECT * FROM main.item_refs;

DROP TABLE main.activities;
DROP TABLE main.commits;
DROP TABLE main.commit_files;
DROP TABLE main.changes;
DROP TABLE main.review_events;
DROP TABLE main.mail_messages;
DROP TABLE main.meetings;
DROP TABLE main.bugs;
DROP TABLE main.link_items;
DROP TABLE main.item_keys;
DROP TABLE main.item_refs;

-- CREATE TABLE AS keeps types, not constraints: the NOT NULLs of schemas 1-6 again.
ALTER TABLE stored.activities ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.activities ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.activities ALTER COLUMN kind SET NOT NULL;
ALTER TABLE stored.activities ALTER COLUMN identity_id SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN repo SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN sha SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN parents SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN is_merge SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN author_id SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN committer_id SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN files_changed SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN lines_added SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN lines_deleted SET NOT NULL;
ALTER TABLE stored.commits ALTER COLUMN lossy_text SET NOT NULL;
ALTER TABLE stored.commit_files ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.commit_files ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.commit_files ALTER COLUMN repo SET NOT NULL;
ALTER TABLE stored.commit_files ALTER COLUMN sha SET NOT NULL;
ALTER TABLE stored.commit_files ALTER COLUMN path SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN platform SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN host SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN project SET NOT NULL;
ALTER TABLE stored.changes ALTER COLUMN number SET NOT NULL;
ALTER TABLE stored.review_events ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.review_events ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.review_events ALTER COLUMN kind SET NOT NULL;
ALTER TABLE stored.review_events ALTER COLUMN inline SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN list SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN synthetic_id SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN is_reply SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN date_from_envelope SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN own_length SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN quoted_lines SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN is_patch SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN asks_question SET NOT NULL;
ALTER TABLE stored.mail_messages ALTER COLUMN lossy_text SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN name SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN started_by SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN chairs SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN participants SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN topics SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN actions SET NOT NULL;
ALTER TABLE stored.meetings ALTER COLUMN agreed SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN tracker SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN number SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN security SET NOT NULL;
ALTER TABLE stored.bugs ALTER COLUMN private SET NOT NULL;
ALTER TABLE stored.link_items ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.link_items ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.link_items ALTER COLUMN item_kind SET NOT NULL;
ALTER TABLE stored.item_keys ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.item_keys ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.item_keys ALTER COLUMN key SET NOT NULL;
ALTER TABLE stored.item_refs ALTER COLUMN source SET NOT NULL;
ALTER TABLE stored.item_refs ALTER COLUMN item_id SET NOT NULL;
ALTER TABLE stored.item_refs ALTER COLUMN key SET NOT NULL;
ALTER TABLE stored.item_refs ALTER COLUMN how SET NOT NULL;

-- One copy per item, under the names every metric, page and user query reads.
CREATE VIEW activities AS SELECT * FROM stored.activities t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW commits AS SELECT * FROM stored.commits t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW commit_files AS SELECT * FROM stored.commit_files t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW changes AS SELECT * FROM stored.changes t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW review_events AS SELECT * FROM stored.review_events t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW mail_messages AS SELECT * FROM stored.mail_messages t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW meetings AS SELECT * FROM stored.meetings t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW bugs AS SELECT * FROM stored.bugs t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW link_items AS SELECT * FROM stored.link_items t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW item_keys AS SELECT * FROM stored.item_keys t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);
CREATE VIEW item_refs AS SELECT * FROM stored.item_refs t
WHERE NOT EXISTS (SELECT 1 FROM folded_items f WHERE f.source = t.source AND f.item_id = t.item_id);

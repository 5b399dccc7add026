-- niche schema 1: raw items as fetched, normalized activities, identities, sync state, quarantine.
-- Every table derived from a raw item carries (source, item_id), so an item can be replaced or
-- removed everywhere at once, and everything can be re-derived from raw_items.

CREATE TABLE sources (
    source      VARCHAR PRIMARY KEY,  -- sync source key, e.g. 'git:/srv/openstack/nova/.git'
    kind        VARCHAR NOT NULL,     -- connector: 'git', 'gerrit', 'github', ...
    name        VARCHAR NOT NULL,     -- short name shown to users, e.g. 'nova'
    location    VARCHAR NOT NULL,     -- path or URL it was read from
    attrs       JSON,                 -- connector facts (remote URL, shallow clone, ...)
    synced_at   TIMESTAMP             -- end of the last complete sync (UTC)
);

CREATE TABLE sync_state (
    source      VARCHAR PRIMARY KEY,
    cursor      JSON NOT NULL,        -- where the next sync resumes; written with the data it covers
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE raw_items (
    source      VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,     -- id within the source: commit hash, change number, Message-ID
    kind        VARCHAR NOT NULL,     -- what the payload is: 'git-log-record', 'gerrit-change', ...
    payload     BLOB NOT NULL,        -- exactly as fetched
    fetched_at  TIMESTAMP NOT NULL
);

CREATE TABLE quarantine (
    source      VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,     -- the item when known, else a position such as 'line 42'
    location    VARCHAR NOT NULL,     -- file/URL and position, for the user to look at
    error       VARCHAR NOT NULL,
    payload     BLOB,
    recorded_at TIMESTAMP NOT NULL
);

CREATE TABLE identities (
    identity_id VARCHAR PRIMARY KEY,  -- hash of (source kind, name, email, username)
    source_kind VARCHAR NOT NULL,
    name        VARCHAR,
    email       VARCHAR,
    username    VARCHAR
);

CREATE TABLE activities (
    source            VARCHAR NOT NULL,
    item_id           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,  -- 'commit.authored', 'commit.co_authored', 'review.vote', ...
    identity_id       VARCHAR NOT NULL,
    occurred_at       TIMESTAMP,         -- UTC; NULL when the source's date was unusable
    tz_offset_minutes INTEGER,           -- the actor's own offset from UTC, when known
    project           VARCHAR,
    repo              VARCHAR,
    path              VARCHAR,
    object_id         VARCHAR,           -- commit hash, change number, bug id, Message-ID
    attrs             JSON
);

CREATE TABLE commits (
    source          VARCHAR NOT NULL,
    item_id         VARCHAR NOT NULL,
    repo            VARCHAR NOT NULL,
    sha             VARCHAR NOT NULL,
    parents         VARCHAR[] NOT NULL,
    is_merge        BOOLEAN NOT NULL,
    author_id       VARCHAR NOT NULL,
    author_name     VARCHAR,
    author_email    VARCHAR,
    author_at       TIMESTAMP,
    author_tz       INTEGER,
    committer_id    VARCHAR NOT NULL,
    committer_name  VARCHAR,
    committer_email VARCHAR,
    committer_at    TIMESTAMP,
    committer_tz    INTEGER,
    message         VARCHAR,
    trailers        STRUCT(key VARCHAR, value VARCHAR)[],
    files_changed   INTEGER NOT NULL,
    lines_added     BIGINT NOT NULL,
    lines_deleted   BIGINT NOT NULL,
    lossy_text      BOOLEAN NOT NULL   -- some text was not UTF-8 and was decoded by a fallback
);

CREATE TABLE commit_files (
    source    VARCHAR NOT NULL,
    item_id   VARCHAR NOT NULL,
    repo      VARCHAR NOT NULL,
    sha       VARCHAR NOT NULL,
    path      VARCHAR NOT NULL,
    old_path  VARCHAR,   -- set for renames and copies
    added     INTEGER,   -- NULL for binary files
    deleted   INTEGER
);

-- People: the identity layer groups identities into people and marks bots. Metrics count people.
CREATE TABLE people (
    person_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,     -- the name shown for the person
    is_bot      BOOLEAN NOT NULL
);

CREATE TABLE person_identities (
    identity_id VARCHAR PRIMARY KEY,
    person_id   VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL      -- why this identity belongs to this person
);

-- Every contribution by a human, with the person it belongs to: what most metrics start from.
CREATE VIEW person_activities AS
SELECT a.*, pi.person_id
FROM activities a
JOIN person_identities pi USING (identity_id)
JOIN people p USING (person_id)
WHERE NOT p.is_bot;

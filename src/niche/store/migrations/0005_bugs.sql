-- niche schema 5: bugs and issues (Launchpad, GitHub). Reports, comments and triage actions
-- are activities (bug.*, issue.*); a bug keeps what reports need about it.

CREATE TABLE bugs (
    source       VARCHAR NOT NULL,
    item_id      VARCHAR NOT NULL,   -- the bug number
    tracker      VARCHAR NOT NULL,   -- 'launchpad', 'github'
    project      VARCHAR,            -- Launchpad project or package; GitHub owner/repo
    number       INTEGER NOT NULL,
    title        VARCHAR,
    description  VARCHAR,
    owner_id     VARCHAR,            -- identities.identity_id of the reporter
    created_at   TIMESTAMP,
    updated_at   TIMESTAMP,
    status       VARCHAR,            -- of the synced project's task
    importance   VARCHAR,
    assignee     VARCHAR,            -- username
    tags         VARCHAR[],
    security     BOOLEAN NOT NULL,
    private      BOOLEAN NOT NULL,
    duplicate_of INTEGER,
    url          VARCHAR
);

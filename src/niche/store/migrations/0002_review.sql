-- niche schema 2: code review from Gerrit and GitHub, in one shape (niche.sources.changes).

CREATE TABLE changes (
    source      VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,   -- 'project#number'
    platform    VARCHAR NOT NULL,   -- 'gerrit' or 'github'
    host        VARCHAR NOT NULL,
    project     VARCHAR NOT NULL,
    number      INTEGER NOT NULL,
    change_id   VARCHAR,            -- Gerrit Change-Id
    branch      VARCHAR,
    subject     VARCHAR,
    owner_id    VARCHAR,            -- identities.identity_id
    status      VARCHAR,            -- NEW/MERGED/ABANDONED (Gerrit), open/merged/closed (GitHub)
    created_at  TIMESTAMP,
    updated_at  TIMESTAMP,
    merged_at   TIMESTAMP,
    insertions  INTEGER,
    deletions   INTEGER,
    files       INTEGER,
    url         VARCHAR,
    description VARCHAR             -- commit message or pull request body
);

CREATE TABLE review_events (
    source      VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,   -- created, patchset, vote, comment, merged, abandoned, restored
    identity_id VARCHAR,            -- who; NULL when the platform does not say
    occurred_at TIMESTAMP,          -- UTC
    patchset    INTEGER,
    label       VARCHAR,            -- Code-Review, Workflow, Verified; 'review' on GitHub
    value       INTEGER,            -- -2..+2; GitHub: +1 approved, -1 changes requested, 0 commented
    text        VARCHAR,            -- the person's own words
    text_length INTEGER,
    inline      BOOLEAN NOT NULL,
    file        VARCHAR,
    detail      VARCHAR             -- patch set kind (REWORK, TRIVIAL_REBASE), GitHub review state
);

-- niche schema 3: mailing-list posts (niche.sources.mail). One row per message, keyed by its
-- Message-ID; parent_id, thread_id and answers_question are derived across the whole archive
-- by niche.store.mail.thread_messages, since a reply can arrive before what it answers.

CREATE TABLE mail_messages (
    source             VARCHAR NOT NULL,
    item_id            VARCHAR NOT NULL,   -- the Message-ID without angle brackets
    list               VARCHAR NOT NULL,   -- the list's short name (List-Id, archive or folder name)
    archive            VARCHAR,            -- file or URL the message was read from
    archive_offset     BIGINT,             -- byte offset of its From_ line in that archive
    synthetic_id       BOOLEAN NOT NULL,   -- no usable Message-ID: item_id is derived from content
    subject            VARCHAR,
    thread_subject     VARCHAR,            -- subject without Re:/Fwd:/[tag] prefixes, lower case
    is_reply           BOOLEAN NOT NULL,
    sender_id          VARCHAR,            -- identities.identity_id
    sent_at            TIMESTAMP,          -- UTC
    tz_offset_minutes  INTEGER,
    date_from_envelope BOOLEAN NOT NULL,   -- Date header missing or broken: the From_ line's date
    in_reply_to        VARCHAR,
    refs               VARCHAR[],
    own_text           VARCHAR,            -- the sender's own words (no quotes, signature, footer)
    own_length         INTEGER NOT NULL,
    quoted_lines       INTEGER NOT NULL,
    is_patch           BOOLEAN NOT NULL,
    asks_question      BOOLEAN NOT NULL,
    attachments        VARCHAR[],
    lossy_text         BOOLEAN NOT NULL,
    parent_id          VARCHAR,            -- derived: the message this one replies to
    thread_id          VARCHAR,            -- derived: Message-ID of the thread's first message
    answers_question   BOOLEAN             -- derived: replies to someone else's question
);

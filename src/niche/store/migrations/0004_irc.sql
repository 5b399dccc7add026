-- niche schema 4: meetings held on IRC with MeetBot (niche.sources.irc). The lines themselves
-- are activities (irc.message, with whom they answered); a meeting keeps what MeetBot keeps.

CREATE TABLE meetings (
    source       VARCHAR NOT NULL,
    item_id      VARCHAR NOT NULL,     -- the log file it was held in
    channel      VARCHAR,
    name         VARCHAR NOT NULL,     -- what #startmeeting named it
    started_at   TIMESTAMP,
    ended_at     TIMESTAMP,            -- NULL when the log has no #endmeeting
    started_by   VARCHAR NOT NULL,     -- nick
    chairs       VARCHAR[] NOT NULL,
    participants VARCHAR[] NOT NULL,   -- every nick that spoke during it
    topics       VARCHAR[] NOT NULL,
    actions      STRUCT(owners VARCHAR[], text VARCHAR)[] NOT NULL,
    agreed       VARCHAR[] NOT NULL
);

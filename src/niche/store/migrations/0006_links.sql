-- niche schema 6: breadcrumbs. Every item that can be linked gets one row in link_items (what
-- it is, when, by whom), the keys it is known by (item_keys: its commit hash, Change-Id, bug
-- number, Message-ID, URL) and the keys its text mentions (item_refs). Two items are linked
-- when one mentions a key the other is known by. All three are derived (niche.links.build).

CREATE TABLE link_items (
    source      VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,
    item_kind   VARCHAR NOT NULL,   -- 'commit', 'change', 'bug', 'mail', 'irc', ...
    title       VARCHAR,
    url         VARCHAR,
    occurred_at TIMESTAMP,
    identity_id VARCHAR
);

CREATE TABLE item_keys (
    source  VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    key     VARCHAR NOT NULL
);

CREATE TABLE item_refs (
    source  VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    key     VARCHAR NOT NULL,
    how     VARCHAR NOT NULL        -- what made it a reference: 'Closes-Bug', 'url', 'Change-Id'
);

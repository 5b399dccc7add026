-- niche schema 19: notes on items that were read, but not whole. A field over its bound (a
-- 100 KB display name, a 20 MB subject) is cut before it is parsed; the item is stored with the
-- cut value, its raw item keeps the whole one, and this table says which field was cut. Keyed by
-- (source, item_id) like every derived table, so a resync replaces an item's flags with it.

CREATE TABLE item_flags (
    source  VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    flag    VARCHAR NOT NULL,   -- 'field-cut'
    detail  VARCHAR NOT NULL    -- which field, how long it was, how much was kept
);

-- Fields that stores written before were left whole are cut the same way, with a flag where the
-- field belongs to an item. A mail's subject is also in its activity's attrs: those are rebuilt
-- from the message's columns, since reading a 20 MB JSON value exhausts memory.
CREATE MACRO _niche_cut(what, n, kept) AS
    what || ': ' || format('{:,}', n) || ' characters, the first ' || format('{:,}', kept)
    || ' kept; the raw item holds all of it';

INSERT INTO item_flags SELECT source, item_id, 'field-cut', _niche_cut('mail_messages.subject', length(subject), 1000)
    FROM mail_messages WHERE length(subject) > 1000;
INSERT INTO item_flags SELECT source, item_id, 'field-cut', _niche_cut('changes.subject', length(subject), 1000)
    FROM changes WHERE length(subject) > 1000;
INSERT INTO item_flags SELECT source, item_id, 'field-cut', _niche_cut('bugs.title', length(title), 1000)
    FROM bugs WHERE length(title) > 1000;
UPDATE activities a SET role = NULL, role_rule = NULL, attrs = json_object(
        'subject', left(m.subject, 1000), 'length', m.own_length, 'quoted_lines', m.quoted_lines,
        'is_patch', m.is_patch, 'asks_question', m.asks_question)
    FROM mail_messages m
    WHERE a.source = m.source AND a.item_id = m.item_id AND length(m.subject) > 1000;
UPDATE mail_messages SET subject = left(subject, 1000), thread_subject = left(thread_subject, 1000)
    WHERE length(subject) > 1000 OR length(thread_subject) > 1000;
UPDATE changes SET subject = left(subject, 1000) WHERE length(subject) > 1000;
UPDATE bugs SET title = left(title, 1000) WHERE length(title) > 1000;
UPDATE link_items SET title = left(title, 1000) WHERE length(title) > 1000;
UPDATE identities SET name = left(name, 256) WHERE length(name) > 256;
UPDATE identities SET email = left(email, 256) WHERE length(email) > 256;
UPDATE identities SET username = left(username, 256) WHERE length(username) > 256;

DROP MACRO _niche_cut;

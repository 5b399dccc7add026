-- niche schema 18: no logins in what is stored. Earlier versions kept the user and password a URL
-- carried (a git remote "https://oauth2:TOKEN@github.com/o/r", a Gerrit, Launchpad or archive URL
-- "http://user:pw@host"), and read a .mailmap through a link (one to /proc/self/environ stored the
-- process environment). Take them out; a repository's mailmap is read again, from HEAD's tree, by
-- its next sync, which always runs before people are resolved. A mail archive synced from such a
-- URL keys its source by the URL: the key is rewritten in every table that holds it.

CREATE MACRO _niche_strip(text) AS regexp_replace(text, '://[^/?#\s]*@', '://', 'g');

UPDATE sources SET location = _niche_strip(location), attrs = _niche_strip(attrs::VARCHAR)::JSON;
UPDATE sources SET attrs = json_merge_patch(attrs, '{"mailmap": null}') WHERE kind = 'git';
UPDATE sync_state SET cursor = _niche_strip(cursor::VARCHAR)::JSON;
UPDATE changes SET url = _niche_strip(url);
UPDATE bugs SET url = _niche_strip(url);
UPDATE link_items SET url = _niche_strip(url);
UPDATE posts SET url = _niche_strip(url);
UPDATE quarantine SET location = _niche_strip(location), error = _niche_strip(error);

UPDATE sources SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE sync_state SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE raw_items SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE quarantine SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE mail_messages SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE activities SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE link_items SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE item_keys SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';
UPDATE item_refs SET source = _niche_strip(source) WHERE source LIKE 'mail:%@%';

DROP MACRO _niche_strip;

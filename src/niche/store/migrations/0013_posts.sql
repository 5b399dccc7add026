-- niche schema 13: posts on Q&A sites, forums, chat and blogs (niche.sources.posts): one row per
-- question, answer, comment, topic reply, chat message or blog entry. Each is also an activity
-- (forum.*, chat.*, blog.*); answers_question is derived across a source by
-- niche.store.posts.thread_posts, since a chat reply and what it answers may be separate items.
-- Identities a service itself calls bots (a Slack integration, a Discourse system user) say so.

CREATE TABLE posts (
    source           VARCHAR NOT NULL,
    item_id          VARCHAR NOT NULL,   -- question, topic, chat message or blog entry it came in
    post_id          VARCHAR NOT NULL,   -- unique within the source: 'answer/24427', 'C011DUKE8/1427135733.000068'
    platform         VARCHAR NOT NULL,   -- askbot, stackexchange, discourse, slack, mattermost, zulip, gitter, feed
    kind             VARCHAR NOT NULL,   -- question, answer, comment, topic, reply, message, blog_post
    place            VARCHAR,            -- site, channel or feed
    thread_id        VARCHAR NOT NULL,   -- the question, topic, chat thread or entry it belongs to
    parent_id        VARCHAR,            -- the post it answers or comments on
    author_id        VARCHAR,            -- identities.identity_id
    author_key       VARCHAR,            -- the author's account id at the service (chat mentions name it)
    posted_at        TIMESTAMP,          -- UTC
    title            VARCHAR,
    text             VARCHAR,            -- the author's words as plain text
    url              VARCHAR,
    tags             VARCHAR[],
    links            VARCHAR[],          -- where its links point
    mentions         VARCHAR[],          -- account ids or names it speaks to
    asks_question    BOOLEAN NOT NULL,
    accepted         BOOLEAN NOT NULL,   -- marked as the answer by the asker or the site
    answers_question BOOLEAN             -- derived: answers someone else's question
);

ALTER TABLE identities ADD COLUMN is_bot BOOLEAN DEFAULT false;

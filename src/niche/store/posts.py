"""Write posts (Q&A, forums, chat, blogs) into the store, and find which of them answer questions.

A thread (a question with its answers, a topic, a chat message, a blog entry) is one item,
replaced whole when read again. Every post with a known author is an activity: forum.question,
forum.answer, forum.comment, forum.topic, forum.reply, chat.message or blog.post.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from niche.sources.contract import Item, Source
from niche.sources.posts import Post, Thread
from niche.store.db import Store
from niche.store.rows import Rows

CHAT = frozenset({"slack", "mattermost", "zulip", "gitter"})
FORUMS = frozenset({"askbot", "stackexchange", "discourse"})
PLATFORMS: frozenset[str] = CHAT | FORUMS | {"feed"}
QUESTION_WINDOW_MINUTES = 30  # as for IRC: how long a chat question waits for its answer


def activity_kind(platform: str, post: Post) -> str:
    if platform in CHAT:
        return "chat.message"
    if platform in FORUMS:
        return f"forum.{post.kind}"
    return "blog.post"


def thread_rows(source: Source, items: Sequence[Item[Thread]]) -> Rows:
    """Rows for a batch of threads: each post, and the activity of its author; the platform is the
    source's kind (askbot, slack, feed, ...)."""
    rows = Rows()
    for item in items:
        rows.raw(source.id, item.id, item.record.kind, item.raw)
        for post in item.record.posts:
            _add_post(rows, source.id, source.kind, item.id, post)
    return rows


def _add_post(rows: Rows, source: str, platform: str, item_id: str, post: Post) -> None:
    author = post.author
    who = None
    if author is not None and (author.username or author.name or author.email or author.user_id):
        username = author.username or (None if author.name else author.user_id)
        who = rows.identity(platform, author.name or author.username, author.email, username, bot=author.is_bot)
    rows.add("posts", source=source, item_id=item_id, post_id=post.post_id, platform=platform, kind=post.kind,
             place=post.place, thread_id=post.thread_id, parent_id=post.parent_id, author_id=who,
             author_key=author.user_id if author else None, posted_at=post.at, title=post.title, text=post.text,
             url=post.url, tags=list(post.tags), links=list(post.links), mentions=list(post.mentions),
             asks_question=post.asks_question, accepted=post.accepted)  # fmt: skip
    if who is None:
        return
    attrs = {"post": post.post_id, "thread": post.thread_id, "length": len(post.text), "title": post.title,
             "asks_question": post.asks_question, "accepted": post.accepted, "answers_question": False}  # fmt: skip
    if post.tags:
        attrs["tags"] = list(post.tags)
    rows.add("activities", source=source, item_id=item_id, kind=activity_kind(platform, post), identity_id=who,
             occurred_at=post.at, tz_offset_minutes=post.tz_offset_minutes, project=post.place,
             object_id=post.post_id, attrs=json.dumps(attrs))  # fmt: skip


_ANSWERS = f"""
WITH mine AS (SELECT * FROM posts WHERE source = $source),
by_reply AS (
    SELECT p.post_id
    FROM mine p JOIN mine parent ON parent.post_id = p.parent_id
    WHERE p.kind IN ('answer', 'reply', 'message') AND parent.asks_question
      AND p.author_id IS NOT NULL AND parent.author_id IS DISTINCT FROM p.author_id
),
by_mention AS (
    SELECT p.post_id
    FROM (SELECT post_id, place, author_id, posted_at, unnest(mentions) AS mentioned
          FROM mine WHERE kind = 'message' AND len(mentions) > 0 AND author_id IS NOT NULL) p
    JOIN mine q ON q.place IS NOT DISTINCT FROM p.place
    LEFT JOIN identities i ON i.identity_id = q.author_id
    WHERE (q.author_key = p.mentioned OR lower(i.username) = lower(p.mentioned))
      AND q.asks_question AND q.author_id IS DISTINCT FROM p.author_id
      AND q.posted_at <= p.posted_at
      AND q.posted_at >= p.posted_at - INTERVAL {QUESTION_WINDOW_MINUTES} MINUTE
),
by_topic AS (  -- a topic (Zulip) is a thread without reply links: answering it is writing in it
    SELECT p.post_id
    FROM mine p JOIN mine q ON q.thread_id = p.thread_id AND q.place IS NOT DISTINCT FROM p.place
    WHERE p.kind = 'message' AND p.parent_id IS NULL AND p.thread_id <> p.post_id AND p.author_id IS NOT NULL
      AND q.asks_question AND q.author_id IS DISTINCT FROM p.author_id
      AND q.posted_at <= p.posted_at
      AND q.posted_at >= p.posted_at - INTERVAL {QUESTION_WINDOW_MINUTES} MINUTE
),
answering AS (SELECT post_id FROM by_reply UNION SELECT post_id FROM by_mention
              UNION SELECT post_id FROM by_topic)
SELECT DISTINCT m.item_id, m.post_id, m.post_id IN (SELECT post_id FROM answering) AS answers, m.answers_question
FROM mine m
"""


def thread_posts(store: Store, source: str) -> int:
    """Mark every post of a source that answers someone else's question: an answer or reply to a
    post that asks one, or a chat message that speaks to (mentions) someone who asked in the same
    place, or writes in a topic where someone else asked, within the last 30 minutes. Activities
    whose answer flag changed are unclassified, so their roles follow. Returns how many posts
    answer a question."""
    with store.transaction():
        store.con.execute(f"CREATE OR REPLACE TEMP TABLE _niche_answers AS {_ANSWERS}", {"source": source})
        try:
            store.con.execute(
                """UPDATE posts SET answers_question = t.answers FROM _niche_answers t
                   WHERE posts.source = ? AND posts.item_id = t.item_id AND posts.post_id = t.post_id
                     AND posts.answers_question IS DISTINCT FROM t.answers""",
                [source],
            )
            store.con.execute(
                """UPDATE stored.activities a SET role = NULL, role_rule = NULL,
                          attrs = json_merge_patch(a.attrs, json_object('answers_question', t.answers))
                   FROM _niche_answers t
                   WHERE a.source = ? AND a.item_id = t.item_id AND a.object_id = t.post_id
                     AND (t.answers_question IS DISTINCT FROM t.answers OR a.role IS NULL)""",
                [source],
            )
            return int(store.value("SELECT count(*) FROM _niche_answers WHERE answers"))
        finally:
            store.con.execute("DROP TABLE IF EXISTS _niche_answers")

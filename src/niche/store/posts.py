"""Write posts (Q&A, forums, chat, blogs) into the store, and find which of them answer questions.

A thread (a question with its answers, a topic, a chat message, a blog entry) is one item,
replaced whole when read again. Every post with a known author is an activity: forum.question,
forum.answer, forum.comment, forum.topic, forum.reply, chat.message or blog.post.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.posts import PARSE_ERRORS, Post, Read, Thread
from niche.store.db import Store
from niche.store.rows import Rows

CHAT = frozenset({"slack", "mattermost", "zulip", "gitter"})
FORUMS = frozenset({"askbot", "stackexchange", "discourse"})
BATCH = 50  # items per transaction
QUESTION_WINDOW_MINUTES = 30  # as for IRC: how long a chat question waits for its answer


def activity_kind(platform: str, post: Post) -> str:
    if platform in CHAT:
        return "chat.message"
    if platform in FORUMS:
        return f"forum.{post.kind}"
    return "blog.post"


def add_threads(rows: Rows, source: str, platform: str, threads: Iterable[tuple[Thread, bytes]]) -> list[str]:
    """Rows for threads (each with its raw payload); returns their item ids. A thread read twice
    in one batch (a listing that moved while it was paged) is written once, as last read."""
    latest = {thread.item_id: (thread, raw) for thread, raw in threads}
    for thread, raw in latest.values():
        rows.raw(source, thread.item_id, thread.kind, raw)
        for post in thread.posts:
            _add_post(rows, source, platform, thread.item_id, post)
    return list(latest)


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
            return store.con.execute("SELECT count(*) FROM _niche_answers WHERE answers").fetchone()[0]
        finally:
            store.con.execute("DROP TABLE IF EXISTS _niche_answers")


def unexpected(location: str, exc: Exception) -> SourceError:
    return SourceError(f"{location}: the service answered in an unexpected shape ({type(exc).__name__}: {exc}); "
                       "what was read before is kept, and the next sync resumes there")


@dataclass
class PostSync:
    source: str
    threads: int = 0
    posts: int = 0
    quarantined: int = 0
    answers: int = 0
    requests: int = 0


def sync_threads(store: Store, source: str, platform: str, name: str, location: str,
                 read: Callable[[dict[str, Any] | None], Iterator[Read]],
                 progress: Callable[[int], None] | None = None) -> PostSync:  # fmt: skip
    """Store what `read(cursor)` yields, a batch at a time, each batch with the cursor after it;
    bad items are quarantined; then find the answers. (Moves onto the store's one sync loop.)"""
    result = PostSync(source)
    with store.transaction():
        store.register_source(source, platform, name, location, {})
    pending: list[Read] = []
    posts_of: dict[str, int] = {}  # items written, once each however often read

    def flush() -> None:
        rows = Rows()
        good = [(r.thread, r.raw) for r in pending if isinstance(r.thread, Thread)]
        posts_of.update((t.item_id, len(t.posts)) for t, _ in good)
        with store.transaction():
            for r in pending:
                if isinstance(r.thread, BadRecord):
                    store.quarantine(source, r.thread.location, f"{location}: {r.thread.location}", r.thread.error,
                                     r.thread.raw)  # fmt: skip
                    result.quarantined += 1
            ids = add_threads(rows, source, platform, good)
            rows.write(store, source, ids)
            if cursor := next((r.cursor for r in reversed(pending) if r.cursor is not None), None):
                store.set_cursor(source, cursor)
        result.threads, result.posts = len(posts_of), sum(posts_of.values())
        pending.clear()
        if progress:
            progress(result.threads)

    try:
        for item in read(store.cursor(source)):
            pending.append(item)
            if len(pending) >= BATCH:
                flush()
    except PARSE_ERRORS as exc:  # a listing page, not an item, in a shape the reader cannot follow
        if pending:
            flush()
        raise unexpected(location, exc) from None
    if pending:
        flush()
    result.answers = thread_posts(store, source)
    with store.transaction():
        store.mark_synced(source)
    return result

"""Discourse forums: topics, their posts and replies, and accepted solutions (the solved plugin).

`/latest.json` lists topics newest activity first, page by page; a sync reads it down to the
last topic it stored, then reads each newer topic (`/t/ID.json`) oldest first, so a stopped sync
resumes from the next. A topic answer carries the first posts (`chunk_size`, 20); the others are
read one by one (`/posts/ID.json`), as Perceval's discourse backend does, which stores the same
topic JSON. API keys (private forums) come from NICHE_DISCOURSE_API_KEY and
NICHE_DISCOURSE_API_USERNAME.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.mail.words import asks_question
from niche.sources.posts import (
    PARSE_ERRORS,
    Author,
    Post,
    Read,
    Thread,
    html_text,
    ident,
    text_of,  # fmt: skip
    when,
)

SMALL_ACTION = 3  # post_type of "closed the topic", "pinned" ...: not anyone's words


class DiscourseReader:
    def __init__(self, client: HttpClient):
        self.client = client
        self.host = urlsplit(client.base_url).hostname or client.base_url

    def topics_since(self, since: int) -> list[tuple[int, int]]:
        """(last activity, topic id) of topics active after `since`, oldest first."""
        found: dict[int, int] = {}
        page = 0
        while True:
            listed = self.client.get("/latest.json", params={"page": page}).json()["topic_list"]["topics"]
            if not listed:
                break
            older = False
            for topic in listed:
                at = when(topic.get("last_posted_at") or topic.get("bumped_at") or topic.get("created_at"))[0] or 0
                if at > since:
                    found[int(topic["id"])] = at
                elif not topic.get("pinned"):  # pinned topics stay on top whatever their age
                    older = True
            if older:
                break
            page += 1
        return sorted((at, tid) for tid, at in found.items())

    def read(self, cursor: dict[str, Any] | None) -> Iterator[Read]:
        for at, tid in self.topics_since(int((cursor or {}).get("last_posted_at") or 0)):
            after = {"last_posted_at": at}
            topic = self.client.get(f"/t/{tid}.json").json()
            try:
                stray = self._complete(topic)
                yield Read(topic_thread(topic, self.host), json.dumps(topic).encode(), after)
            except PARSE_ERRORS as exc:
                yield Read(BadRecord(f"topic {tid}", f"unusable topic: {type(exc).__name__}: {exc}",
                                     json.dumps(topic).encode()), b"", after)  # fmt: skip
                continue
            for number, post in stray:
                yield Read(BadRecord(f"topic {tid} post {number}", f"asked for post {number} of topic {tid}, got post "
                                     f"{post.get('id')} of topic {post.get('topic_id')}", json.dumps(post).encode()),
                           b"")  # fmt: skip

    def _complete(self, topic: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        """Add the posts past the first chunk; returns those that answered for another topic."""
        stream = topic["post_stream"]
        stray = []
        for post_id in (stream.get("stream") or [])[len(stream["posts"]) :]:  # the answer holds the first ones
            post = self.client.get(f"/posts/{post_id}.json").json()
            if post.get("topic_id") != topic["id"]:
                stray.append((post_id, post))
                continue
            stream["posts"].append(post)
        return stray


def topic_thread(topic: dict[str, Any], host: str) -> Thread:
    """The posts of one topic (niche's reader or Perceval's discourse backend alike)."""
    tid = ident(topic["id"])
    if tid is None:
        raise ValueError("a topic without an id")
    thread = f"topic/{tid}"
    base = f"https://{host}/t/{topic.get('slug') or 'topic'}/{tid}"
    tags = tuple(t["name"] if isinstance(t, dict) else str(t) for t in topic.get("tags") or ())
    title = text_of(topic.get("title"))
    accepted = (topic.get("accepted_answer") or {}).get("post_number")
    posts_by_number = {p["post_number"]: p for p in topic["post_stream"]["posts"]}
    first = min(posts_by_number, default=None)
    posts = []
    for number, p in sorted(posts_by_number.items()):
        if p.get("post_type") == SMALL_ACTION:
            continue
        text, links = html_text(text_of(p.get("cooked")), f"https://{host}")
        user_id = p.get("user_id")
        author = Author(ident(user_id), text_of(p.get("username")) or None, text_of(p.get("name")) or None,
                        is_bot=isinstance(user_id, int) and user_id <= 0)  # fmt: skip
        reply_to = posts_by_number.get(p.get("reply_to_post_number") or first)
        parent = None if number == first else thread if reply_to is None or reply_to["post_number"] == first else \
            f"post/{reply_to['id']}"  # fmt: skip
        posts.append(Post(thread if number == first else f"post/{p['id']}", "topic" if number == first else "reply",
                          author, when(p.get("created_at"))[0], thread, text, parent_id=parent, place=host,
                          title=title, url=f"{base}/{number}", tags=tags, links=links,
                          asks_question=asks_question(text, title if number == first else ""),
                          accepted=bool(p.get("accepted_answer")) or number == accepted))  # fmt: skip
    return Thread(tid, "discourse-topic", posts, host)

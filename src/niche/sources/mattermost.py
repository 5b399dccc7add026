"""Mattermost channels through API v4: posts, threads (root_id), who wrote, bots kept apart.

`/channels/ID/posts` pages newest first; a sync reads down to the last post it stored, then
stores the newer ones oldest first, so a stopped sync resumes from the next. Authors come from
`/users/ID` (a token from MATTERMOST_TOKEN). The post JSON is Mattermost's own, as Perceval's
mattermost backend stores it (with `user_data`), and `post_thread` reads either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.mail.words import asks_question
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, ident, text_of, when

PER_PAGE = 60
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*)", re.I)
_URL = re.compile(r"https?://[^\s<>)\]]+")


def post_thread(post: dict[str, Any], channel: str, user: dict[str, Any] | None = None) -> Thread:
    """One post (with `user_data` as Perceval adds it, or the user given)."""
    pid = ident(post["id"])
    if pid is None:
        raise ValueError("a post without an id")
    if text_of(post.get("type")).startswith("system_"):
        return Thread(pid, "mattermost-post", [], channel)  # "joined the team": no one's words
    user = user or post.get("user_data") or {}
    props = post.get("props") or {}
    bot = props.get("from_bot") == "true" or props.get("from_webhook") == "true" or bool(user.get("is_bot"))
    name = " ".join(p for p in (text_of(user.get("first_name")), text_of(user.get("last_name"))) if p) or None
    username = text_of(props.get("override_username")) or text_of(user.get("username")) or None
    author = Author(ident(post.get("user_id")), username, name, text_of(user.get("email")) or None, is_bot=bot)
    text = text_of(post.get("message"))
    root = ident(post.get("root_id"))
    created = post.get("create_at")
    at, _ = when(created / 1000 if isinstance(created, int | float) else None)  # milliseconds
    mentions = tuple(dict.fromkeys(m.group(1) for m in _MENTION.finditer(text)))
    links = tuple(dict.fromkeys(m.group(0).rstrip(".,;:!?") for m in _URL.finditer(text)))
    return Thread(pid, "mattermost-post", [Post(pid, "message", author, at, root or pid, text, parent_id=root,
                                                place=channel, links=links, asks_question=asks_question(text, ""),
                                                mentions=mentions)], channel)  # fmt: skip


class MattermostReader:
    def __init__(self, client: HttpClient, channel: str):
        self.client, self.channel = client, channel
        self.users: dict[str, dict[str, Any]] = {}

    def name(self) -> str:
        info = self.client.get(f"/channels/{self.channel}").json()
        return info.get("display_name") or info.get("name") or self.channel

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            try:
                self.users[user_id] = self.client.get(f"/users/{user_id}").json()
            except SourceError:
                self.users[user_id] = {}  # a deactivated account: known by its id only
        return self.users[user_id]

    def newer(self, since: int) -> list[dict[str, Any]]:
        """Posts created after `since` (epoch ms), oldest first."""
        found: dict[str, dict[str, Any]] = {}
        page = 0
        while True:
            params = {"page": page, "per_page": PER_PAGE}
            answer = self.client.get(f"/channels/{self.channel}/posts", params=params).json()
            order = answer.get("order") or []
            posts = [answer["posts"][pid] for pid in order]
            found.update((p["id"], p) for p in posts if int(p.get("create_at") or 0) > since)
            if not posts or any(int(p.get("create_at") or 0) <= since for p in posts):
                break
            page += 1
        return sorted(found.values(), key=lambda p: (int(p.get("create_at") or 0), p["id"]))

    def read(self, cursor: dict[str, Any] | None, place: str) -> Iterator[Read]:
        for post in self.newer(int((cursor or {}).get("create_at") or 0)):
            after = {"create_at": int(post.get("create_at") or 0)}
            user_id = post.get("user_id")
            post["user_data"] = self.user(user_id) if user_id else {}
            raw = json.dumps(post).encode()
            try:
                yield Read(post_thread(post, place), raw, after)
            except PARSE_ERRORS as exc:
                yield Read(BadRecord(f"post {post.get('id')}", f"unusable post: {type(exc).__name__}: {exc}", raw),
                           b"", after)  # fmt: skip

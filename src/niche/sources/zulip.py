"""Zulip streams through its REST API: messages, topics (Zulip's threads), mentions, bots.

`/api/v1/messages` is read forward from the last message stored (`anchor`, `num_after`) with a
narrow to one stream, until `found_newest`. Credentials are the account's e-mail and API key
(ZULIP_EMAIL, ZULIP_API_KEY, HTTP basic auth, as Zulip's own clients send them). A topic is a
thread: a message in a topic answers a question asked there by someone else within the last
half hour, as on IRC; bots are the accounts Zulip names `*-bot@` (welcome-bot, notification-bot).
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
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, html_text, ident, text_of, when

PAGE = 1000
_MENTION = re.compile(r'class="user-mention[^"]*"\s+data-user-id="(\d+)"')


def message_thread(message: dict[str, Any], server: str) -> Thread:
    mid = ident(message["id"])
    if mid is None:
        raise ValueError("a message without an id")
    email = text_of(message.get("sender_email")) or None
    author = Author(ident(message.get("sender_id")), None, text_of(message.get("sender_full_name")) or None, email,
                    is_bot="-bot@" in (email or ""))  # fmt: skip
    content = text_of(message.get("content"))
    text, links = html_text(content, f"https://{server}")
    stream = message.get("display_recipient")
    place = f"#{stream}" if isinstance(stream, str) else "(private)"
    topic = text_of(message.get("subject") or message.get("topic"))
    mentions = tuple(dict.fromkeys(_MENTION.findall(content)))
    post = Post(mid, "message", author, when(message.get("timestamp"))[0], f"{message.get('stream_id')}/{topic}",
                text, place=place, title=topic or None, links=links, asks_question=asks_question(text, topic),
                mentions=mentions)  # fmt: skip
    return Thread(mid, "zulip-message", [post], place)


class ZulipReader:
    def __init__(self, client: HttpClient, stream: str):
        self.client, self.stream = client, stream.lstrip("#")
        self.server = client.base_url.split("://", 1)[-1].split("/", 1)[0]

    def read(self, cursor: dict[str, Any] | None) -> Iterator[Read]:
        anchor = int((cursor or {}).get("after") or 0)
        narrow = json.dumps([{"operator": "stream", "operand": self.stream}])
        while True:
            params = {"anchor": anchor, "num_before": 0, "num_after": PAGE, "narrow": narrow,
                      "apply_markdown": "true", "include_anchor": "false" if anchor else "true"}  # fmt: skip
            answer = self.client.get("/messages", params=params).json()
            if answer.get("result") != "success":
                raise SourceError(f"{self.client.base_url}/messages: Zulip says {answer.get('msg') or 'no'}")
            messages = [m for m in answer.get("messages") or [] if int(m.get("id") or 0) > anchor]
            for message in messages:
                yield _read(message, self.server)
            if answer.get("found_newest") or not messages:
                return
            anchor = max(int(m["id"]) for m in messages)


def _read(message: Any, server: str) -> Read:
    raw = json.dumps(message).encode()
    known = isinstance(message, dict) and str(message.get("id", "")).isdigit()
    after = {"after": int(message["id"])} if known else None
    try:
        return Read(message_thread(message, server), raw, after)
    except PARSE_ERRORS as exc:
        where = f"message {message.get('id') if isinstance(message, dict) else '?'}"
        return Read(BadRecord(where, f"unusable message: {type(exc).__name__}: {exc}", raw), b"", after)

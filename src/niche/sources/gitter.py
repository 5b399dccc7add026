"""Gitter rooms through its REST API: messages, threads (parentId), mentions, links.

`/v1/rooms/ID/chatMessages` pages backwards with `beforeId`; a sync reads back to the last
message it stored (messages after `afterId`), then stores the newer ones oldest first. A room is
named as in its URL (`org/repo`) and found with `/v1/rooms`. Token from GITTER_TOKEN. The
message JSON is Gitter's own, as Perceval's gitter backend stores it, and `message_thread` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.mail.words import asks_question
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, html_text, ident, text_of, when

PAGE = 100


def message_thread(message: dict[str, Any], room: str) -> Thread:
    mid = ident(message["id"])
    if mid is None:
        raise ValueError("a message without an id")
    user = message.get("fromUser") or {}
    author = Author(ident(user.get("id")), text_of(user.get("username")) or None,
                    text_of(user.get("displayName")) or None) if user else None  # fmt: skip
    text = text_of(message.get("text"))
    _, html_links = html_text(text_of(message.get("html")))
    links = tuple(dict.fromkeys([*html_links, *(text_of(u.get("url")) for u in message.get("urls") or ()
                                                if u.get("url"))]))  # fmt: skip
    mentions = tuple(text_of(m.get("userId") or m.get("screenName")) for m in message.get("mentions") or ()
                     if m.get("userId") or m.get("screenName"))  # fmt: skip
    parent = ident(message.get("parentId"))
    at, _ = when(message.get("sent"))
    post = Post(mid, "message", author, at, parent or mid, text, parent_id=parent, place=room, links=links,
                asks_question=asks_question(text, ""), mentions=mentions)  # fmt: skip
    return Thread(mid, "gitter-message", [post], room)


class GitterReader:
    def __init__(self, client: HttpClient, room: str):
        self.client, self.room = client, room.strip("/")

    def room_id(self) -> str:
        for room in self.client.get("/rooms").json():
            if room.get("uri") == self.room or room.get("name") == self.room:
                return room["id"]
        raise SourceError(f"{self.client.base_url}/rooms: no room {self.room!r} among the token's rooms; join it first")

    def newer(self, room_id: str, after: str | None) -> list[dict[str, Any]]:
        """Messages after the message id `after`, oldest first."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": PAGE}
        while True:
            page = self.client.get(f"/rooms/{room_id}/chatMessages", params=params).json()
            newer = [m for m in page if after is None or m["id"] > after]  # ids are ObjectIds: they sort by time
            found.extend(newer)
            if not page or len(newer) < len(page):
                break
            params = {"limit": PAGE, "beforeId": min(m["id"] for m in page)}
        return sorted({m["id"]: m for m in found}.values(), key=lambda m: m["id"])

    def read(self, cursor: dict[str, Any] | None) -> Iterator[Read]:
        for message in self.newer(self.room_id(), (cursor or {}).get("after")):
            raw = json.dumps(message).encode()
            try:
                yield Read(message_thread(message, self.room), raw, {"after": message["id"]})
            except PARSE_ERRORS as exc:
                yield Read(BadRecord(f"message {message.get('id')}", f"unusable message: {type(exc).__name__}: {exc}",
                                     raw), b"", {"after": message["id"]})  # fmt: skip

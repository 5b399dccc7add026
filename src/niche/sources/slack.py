"""Slack: a channel's messages through the Web API, or a whole workspace from its export zip.

The Web API (token from SLACK_TOKEN) pages `conversations.history` from the last message stored,
reads thread replies with `conversations.replies`, and who wrote with `users.info`. The export an
admin downloads is a zip of `users.json`, `channels.json` and one folder per channel of
`YYYY-MM-DD.json` files. Both give Slack's own message JSON (Perceval's slack items add
`user_data` to it), read by `message_thread`. A channel's messages are one source whichever way
they came (`slack:CHANNEL_ID`), keyed by their timestamp: read from the API and from an export,
a message is one message. Joins, leaves and topic changes are kept raw but credit no one;
messages posted by integrations are credited to bots.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.mail.words import asks_question
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, ident, text_of, when

NOT_WORDS = frozenset({"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
                       "channel_archive", "channel_unarchive", "group_join", "group_leave", "group_topic",
                       "group_purpose", "group_name", "pinned_item", "unpinned_item", "reminder_add"})  # fmt: skip
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#C[A-Z0-9]+\|([^>]*)>")
_ADDRESSED = re.compile(r"@?([\w.-]+)[:,]\s")  # "acs: try this", as on IRC


def message_thread(message: dict[str, Any], channel: str, users: dict[str, Any] | None = None) -> Thread:
    """One message (with `user_data` as Perceval adds it, or a users map from an export)."""
    ts = text_of(message["ts"])
    if not ts:
        raise ValueError("a message without a timestamp")
    kind = "slack-message"
    if message.get("subtype") in NOT_WORDS:
        return Thread(ts, kind, [], channel)
    author = _author(message, users or {})
    raw_text = text_of(message.get("text"))
    if message.get("subtype") == "file_comment" and isinstance(message.get("comment"), dict):
        raw_text = text_of(message["comment"].get("comment"))
    text, links, mentions = _mrkdwn(raw_text)
    thread_ts = text_of(message.get("thread_ts")) or ts
    at, _ = when(ts)
    offset = (message.get("user_data") or {}).get("tz_offset")
    post = Post(ts, "message", author, at, thread_ts, text, parent_id=thread_ts if thread_ts != ts else None,
                place=channel, links=links, asks_question=asks_question(text, ""), mentions=mentions,
                tz_offset_minutes=offset // 60 if isinstance(offset, int) else None)  # fmt: skip
    return Thread(ts, kind, [post], channel)


def _author(message: dict[str, Any], users: dict[str, Any]) -> Author | None:
    user_id = ident(message.get("user"))
    if user_id is None and isinstance(message.get("comment"), dict):
        user_id = ident(message["comment"].get("user"))
    if user_id is None:
        bot = ident(message.get("bot_id")) or ident(message.get("username"))
        if bot is None:
            return None  # a message whose integration was deleted: nobody to credit
        return Author(bot, text_of(message.get("username")) or bot, is_bot=True)
    user = message.get("user_data") or users.get(user_id) or message.get("user_profile") or {}
    profile = user.get("profile") or {}
    name = text_of(user.get("real_name") or profile.get("real_name")) or None
    return Author(user_id, text_of(user.get("name")) or None, name, text_of(profile.get("email")) or None,
                  is_bot=bool(user.get("is_bot")) or user_id == "USLACKBOT" or "bot_id" in message)  # fmt: skip


def _mrkdwn(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Slack's markup as words, with the links and the people it mentions."""
    mentions = tuple(dict.fromkeys(m.group(1) for m in _MENTION.finditer(text)))
    if addressed := _ADDRESSED.match(text):
        mentions += (addressed.group(1),)
    links = tuple(dict.fromkeys(m.group(1) for m in _LINK.finditer(text)))
    words = _MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    words = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), words)
    words = _CHANNEL.sub(lambda m: "#" + m.group(1), words)
    return words.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"), links, mentions


def _read(message: Any, channel: str, users: dict[str, Any] | None, cursor: dict[str, Any] | None) -> Read:
    raw = json.dumps(message).encode()
    try:
        return Read(message_thread(message, channel, users), raw, cursor)
    except PARSE_ERRORS as exc:
        where = f"message {message.get('ts') if isinstance(message, dict) else '?'}"
        return Read(BadRecord(where, f"unusable message: {type(exc).__name__}: {exc}", raw), b"", cursor)


class SlackReader:
    """One channel through the Web API."""

    def __init__(self, client: HttpClient, channel: str):
        self.client, self.channel = client, channel
        self.users: dict[str, Any] = {}

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        answer = self.client.get(f"/{method}", params=params).json()
        if not answer.get("ok"):
            raise SourceError(f"{self.client.base_url}/{method}: Slack says {answer.get('error') or 'not ok'}"
                              + (" (set SLACK_TOKEN)" if answer.get("error") == "not_authed" else ""))  # fmt: skip
        return answer

    def name(self) -> str:
        info = self.call("conversations.info", channel=self.channel)["channel"]
        return f"#{info.get('name') or self.channel}"

    def user(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            try:
                self.users[user_id] = self.call("users.info", user=user_id)["user"]
            except SourceError:
                self.users[user_id] = {}  # a deleted or foreign account: known by its id only
        return self.users[user_id]

    def history(self, oldest: str) -> Iterator[dict[str, Any]]:
        """Messages after `oldest`, newest first as Slack pages them."""
        params: dict[str, Any] = {"channel": self.channel, "oldest": oldest, "limit": 200}
        while True:
            answer = self.call("conversations.history", **params)
            messages = answer.get("messages") or []
            yield from messages
            following = (answer.get("response_metadata") or {}).get("next_cursor")
            if following:
                params = {"channel": self.channel, "oldest": oldest, "limit": 200, "cursor": following}
            elif answer.get("has_more") and messages:
                params["latest"] = messages[-1]["ts"]  # older Slack: page by the last timestamp seen
            else:
                return

    def read(self, cursor: dict[str, Any] | None, place: str) -> Iterator[Read]:
        """Every message since the cursor, oldest first, with the replies of its thread."""
        oldest = (cursor or {}).get("oldest") or "0"
        messages = {m["ts"]: m for m in self.history(oldest)}
        for root in [m for m in messages.values() if m.get("reply_count")]:
            for reply in self.call("conversations.replies", channel=self.channel, ts=root["ts"]).get("messages") or []:
                messages.setdefault(reply["ts"], reply)
        for ts in sorted(messages, key=float):
            message = messages[ts]
            user_id = message.get("user") or (message.get("comment") or {}).get("user")
            if user_id:
                message["user_data"] = self.user(user_id)
            yield _read(message, place, None, {"oldest": ts})


def read_export(path: Path) -> list[tuple[str, str, Iterator[Read]]]:
    """(channel id, channel name, its messages) for every channel of a workspace export zip."""
    with _open(path) as archive:
        names = set(archive.namelist())
        users = {u["id"]: u for u in _json(archive, "users.json", path) if isinstance(u, dict) and "id" in u}
        found = []
        for channel in _json(archive, "channels.json", path) + _json(archive, "groups.json", path, optional=True):
            folder = channel.get("name") or channel.get("id")
            days = sorted(n for n in names if n.startswith(f"{folder}/") and n.endswith(".json"))
            found.append((channel.get("id") or folder, f"#{folder}", _day_messages(path, days, f"#{folder}", users)))
        return found


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise SourceError(f"{path}: not a Slack export (a zip file expected): {exc}") from None


def _day_messages(path: Path, days: list[str], place: str, users: dict[str, Any]) -> Iterator[Read]:
    with _open(path) as archive:
        yield from _days(archive, days, place, users, path)


def _days(archive: zipfile.ZipFile, days: list[str], place: str, users: dict[str, Any], path: Path) -> Iterator[Read]:
    for day in days:
        try:
            messages = json.loads(archive.read(day))
            if not isinstance(messages, list):
                raise ValueError("expected a list of messages")
        except ValueError as exc:
            yield Read(BadRecord(day, f"{path}: {day}: not a day of messages: {exc}", archive.read(day)[:100_000]), b"")
            continue
        for message in messages:
            yield _read(message, place, users, None)


def _json(archive: zipfile.ZipFile, name: str, path: Path, optional: bool = False) -> list[Any]:
    try:
        found = json.loads(archive.read(name))
    except KeyError:
        if optional:
            return []
        raise SourceError(f"{path}: no {name} in it; is it a Slack workspace export?") from None
    except ValueError as exc:
        raise SourceError(f"{path}: {name} is not JSON: {exc}") from None
    return found if isinstance(found, list) else []

"""Posts: what Q&A sites, forums, chat and blogs have in common, in one shape.

A question and its answers, a forum topic and its replies, a chat message and its thread, a
blog entry: each is a post by someone, at some time, in some place, perhaps in reply to another.
Every connector of this kind turns the service's own JSON (the same JSON a Perceval item carries
in its `data`) into a `Thread` of `Post`s, so niche's connectors and an importer of Perceval
items share one parser per service. Who answered whose question is decided in the store
(`niche.store.posts.thread_posts`), across items: a chat reply and its question may be two.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from niche.errors import SourceError
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded
from niche.sources.http import HttpClient

# What a malformed answer raises while a parser reads it: the item is quarantined, the sync goes on.
PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


@dataclass(frozen=True, slots=True)
class Author:
    user_id: str | None  # the service's account id
    username: str | None
    name: str | None = None
    email: str | None = None
    is_bot: bool = False  # the service says so (a bot user, an integration's message)


@dataclass(frozen=True, slots=True)
class Post:
    post_id: str  # unique within its source
    kind: str  # question, answer, comment, topic, reply, message, blog_post
    author: Author | None
    at: int | None  # epoch seconds, UTC
    thread_id: str  # the question, topic, chat thread or blog entry it belongs to
    text: str  # the author's words as plain text
    parent_id: str | None = None  # the post it answers or comments on
    place: str | None = None  # site, category, channel or feed
    title: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # where its links point (absolute URLs)
    asks_question: bool = False
    accepted: bool = False  # the asker (or the site) marked it as the answer
    mentions: tuple[str, ...] = ()  # user ids or usernames it speaks to (chat)
    tz_offset_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Read:
    """One item as a connector read it, and where the next sync resumes once it is stored."""

    thread: Thread | BadRecord | None  # None: nothing new, only where the next sync resumes
    raw: bytes  # exactly as fetched (for a thread assembled from several answers, their JSON)
    cursor: dict[str, Any] | None = None


@dataclass
class Thread:
    """One item of a source: a question with its answers, a topic, a chat message, a blog entry."""

    item_id: str
    kind: str  # what the raw payload is: 'askbot-question', 'slack-message', ...
    posts: list[Post] = field(default_factory=list)
    place: str | None = None


def html_text(markup: str | None, base_url: str | None = None) -> tuple[str, tuple[str, ...]]:
    """(the words of an HTML fragment, the absolute URLs its links point to)."""
    if not markup:
        return "", ()
    soup = BeautifulSoup(markup, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    links: dict[str, None] = {}
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        url = urljoin(base_url, href) if base_url else href
        if url.startswith(("http://", "https://")):
            links[url] = None
    return soup.get_text(" ", strip=True), tuple(links)


_OFFSET_DATE = re.compile(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*([+-]\d\d):?(\d\d)$")


def when(value: object) -> tuple[int | None, int | None]:
    """(epoch seconds UTC, the writer's offset in minutes) of a service's date: epoch seconds
    (number or text, Slack's '1427135733.000068' too), ISO 8601, or '2010-04-09 11:09:03 -0600'."""
    if value is None or value == "" or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        return _epoch_or_none(float(value)), None
    text = str(value).strip()
    try:
        return _epoch_or_none(float(text)), None
    except ValueError:
        pass
    if m := _OFFSET_DATE.match(text):
        sign = 1 if m.group(3)[0] == "+" else -1
        offset = sign * (int(m.group(3)[1:]) * 60 + int(m.group(4)))
        local = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}")
        return int((local - timedelta(minutes=offset)).replace(tzinfo=UTC).timestamp()), offset
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    shift = parsed.utcoffset()
    return int(parsed.timestamp()), int(shift.total_seconds() // 60) if shift else 0


def _epoch_or_none(seconds: float) -> int | None:
    if seconds != seconds or abs(seconds) > 1e11:  # NaN, or past year 5000: not a date
        raise ValueError(f"not a usable date: {seconds}")
    return int(seconds)


def text_of(value: object) -> str:
    """A text field that may be missing or null."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def ident(value: object) -> str | None:
    """An id as text: services give numbers or strings, sometimes null."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if not isinstance(value, str | int):
        raise TypeError(f"expected an id, got {type(value).__name__}")
    return str(value)


def unexpected(location: str, exc: Exception) -> SourceError:
    """A listing (not an item) in a shape the reader cannot follow: the source stops there."""
    return SourceError(f"{location}: the service answered in an unexpected shape ({type(exc).__name__}: {exc}); "
                       "what was read before is kept, and the next sync resumes there")  # fmt: skip


def _listed(reads: Iterator[Read], location: str) -> Iterator[Read]:
    """What a reader yields; a listing page it cannot follow ends it with one clear SourceError."""
    try:
        yield from reads
    except PARSE_ERRORS as exc:
        raise unexpected(location, exc) from None


class Threads:
    """A source of posts (a Q&A site, a forum, a chat channel, blogs) on the source contract: read
    is the connector's reader, given the cursor (None the first time) and yielding `Read`s, each
    with the whole cursor once it is stored. `kind` is the platform (askbot, slack, feed, ...)."""

    noun, batch = "thread", 50

    def __init__(
        self,
        source_id: str,
        kind: str,
        name: str,
        location: str,
        read: Callable[[dict[str, Any] | None], Iterator[Read]],
        client: HttpClient | None = None,
    ):
        self.id = self.label = source_id
        self.kind, self.name, self.location = kind, name, location
        self._read, self.client = read, client
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        last: Mapping[str, Any] = cursor
        posts: dict[str, int] = {}
        try:
            for r in _listed(self._read(cursor or None), self.location):
                patch = None
                if r.cursor is not None:  # the reader says the whole cursor: drop the keys it left out
                    patch, last = {**dict.fromkeys(last), **r.cursor}, r.cursor
                if isinstance(r.thread, BadRecord):
                    bad = r.thread
                    yield BadRecord(f"{self.location}: {bad.location}", bad.error, bad.raw, bad.location)
                elif r.thread is not None:
                    posts[r.thread.item_id] = len(r.thread.posts)  # a thread read twice counts once
                    self.tally.details["post"] = sum(posts.values())
                    yield Item(r.thread.item_id, "post-thread", r.raw, r.thread, patch)
                    continue
                if patch is not None:
                    yield Checkpoint(patch)
        finally:
            if self.client is not None:
                self.tally.requests = self.client.requests

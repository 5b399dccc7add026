"""Blogs: RSS and Atom feeds (feedparser reads every dialect), and a planet's list of feeds (OPML).

Each entry is a post credited to its author: the entry's own author, else the name the planet's
list gives the feed (a planet lists one person's blog per line), else the feed's author. Its
links are kept, so a post that links a review, a bug or a mail thread shows up in `niche trail`.
An entry is known by its link, so a post read through a planet and through its own blog is one
post. Feeds are asked for conditionally (ETag, Last-Modified): an unchanged feed costs one 304.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, html_text, text_of, when


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    name: str | None = None  # who writes it, as a planet's list names them


def read_opml(text: str, location: str) -> list[Feed]:
    """The feeds an OPML file lists (outlines with an xmlUrl), with the names it gives them."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise SourceError(f"{location}: not an OPML file: {exc}") from None
    return [Feed(o.get("xmlUrl", "").strip(), o.get("title") or o.get("text") or None)
            for o in root.iter("outline") if o.get("xmlUrl", "").strip()]  # fmt: skip


def entry_id(entry: dict[str, Any]) -> str:
    """An entry's key: its link without scheme, fragment or trailing slash (the same post through a
    planet and through its blog), else its id, else a hash of its title and date."""
    link = text_of(entry.get("link"))
    if link.startswith(("http://", "https://")):
        split = urlsplit(link)
        return f"{(split.hostname or '').lower()}{split.path.rstrip('/')}" + (f"?{split.query}" if split.query else "")
    if entry.get("id"):
        return text_of(entry["id"])
    seed = f"{entry.get('title')}\x1f{entry.get('published') or entry.get('updated')}"
    return "entry:" + hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()


def entry_thread(entry: dict[str, Any], feed: dict[str, Any], written_by: str | None = None) -> Thread:
    """One entry as a post (niche's reader or Perceval's rss backend, whose item is the entry, alike)."""
    item_id = entry_id(entry)
    content = entry.get("content") or []
    markup = text_of(content[0].get("value")) if content else text_of(entry.get("summary"))
    link = text_of(entry.get("link")) or None
    text, links = html_text(markup, link)
    source = entry.get("source") or {}
    place = text_of(source.get("title")) or text_of(feed.get("title")) or None
    name = text_of(entry.get("author")) or written_by or text_of(feed.get("author")) or None
    email = text_of((entry.get("author_detail") or {}).get("email")) or None
    author = Author(None, None, name, email) if name or email else None
    tags = tuple(text_of(t.get("term")) for t in entry.get("tags") or () if t.get("term"))
    title = text_of(entry.get("title")) or None
    post = Post(item_id, "blog_post", author, _published(entry), item_id, text, place=place, title=title, url=link,
                tags=tags, links=links)  # fmt: skip
    return Thread(item_id, "feed-entry", [post], place)


def _published(entry: dict[str, Any]) -> int | None:
    for key in ("published", "updated", "created"):
        value = text_of(entry.get(key))
        if not value:
            continue
        try:
            return int(parsedate_to_datetime(value).timestamp())
        except (TypeError, ValueError):
            pass
        try:
            return when(value)[0]
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")  # what feedparser made of a date in another format
        if parsed:
            return calendar.timegm((*tuple(parsed)[:6], 0, 0, 0))
    return None


def parse_feed(data: bytes, feed: Feed) -> Iterator[tuple[Thread | BadRecord, bytes]]:
    """Every entry of a feed document, with the entry as feedparser read it (what is kept raw);
    an entry that cannot be read is a BadRecord."""
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"{feed.url}: not an RSS or Atom feed: {parsed.get('bozo_exception')}")
    for n, entry in enumerate(parsed.entries, 1):
        raw = json.dumps(entry, default=str).encode()
        try:
            yield entry_thread(entry, parsed.feed, feed.name), raw
        except PARSE_ERRORS as exc:
            yield BadRecord(f"{feed.url} entry {n}", f"unusable entry: {type(exc).__name__}: {exc}", raw), b""


def read_feeds(client: HttpClient, feeds: Iterable[Feed], cursor: dict[str, Any] | None) -> Iterator[Read]:
    """Every entry of every feed that changed since the last sync; the cursor keeps each feed's
    ETag and Last-Modified."""
    state = dict(cursor or {})
    for feed in feeds:
        known = state.get(feed.url) or {}
        headers = {k: v for k, v in (("If-None-Match", known.get("etag")),
                                     ("If-Modified-Since", known.get("modified"))) if v}  # fmt: skip
        answer = client.get(feed.url, headers=headers)
        if answer.status_code == 304:
            continue
        entries = list(parse_feed(answer.content, feed))
        state[feed.url] = {"etag": answer.headers.get("ETag"), "modified": answer.headers.get("Last-Modified")}
        for entry, raw in entries:
            yield Read(entry, raw)
        yield Read(None, b"", dict(state))

"""Q&A sites, forums, chat channels and blog feeds as sources: which reader, which source key.

Each one named in niche.toml or on the command line becomes a `PostSource`; `post_sources` builds
its readers on an HTTP client the caller makes (base URL, token variable, headers). Source keys
are chosen so that one thing read two ways is one source: a Slack channel from the API and from
an export, a blog post from its feed and from a planet.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from niche.errors import SourceError
from niche.sources import askbot, discourse, feeds, gitter, mattermost, slack, stackexchange, zulip
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Read, Threads, unexpected

# kind -> (default API root, environment variable holding a token)
SERVICES = {
    "askbot": (None, None),
    "stackexchange": (stackexchange.DEFAULT_API_URL, None),
    "discourse": (None, None),
    "slack": ("https://slack.com/api", "SLACK_TOKEN"),
    "mattermost": (None, "MATTERMOST_TOKEN"),
    "gitter": ("https://api.gitter.im/v1", "GITTER_TOKEN"),
    "zulip": (None, None),  # basic auth: ZULIP_EMAIL and ZULIP_API_KEY
}


@dataclass(frozen=True)
class PostSource:
    kind: str  # askbot, stackexchange, discourse, slack, slack-export, mattermost, gitter, zulip
    target: str  # site URL, Stack Exchange site, channel or room, export zip
    api_url: str | None = None  # the service's API root (self-hosted Mattermost: its URL)
    tagged: str | None = None  # Stack Exchange: only questions with this tag


ClientFactory = Callable[..., HttpClient]  # (base_url, token_env=..., headers=...) -> HttpClient


def post_sources(source: PostSource, client: ClientFactory) -> list[Threads]:
    """The sources one PostSource names; a Slack export is one per channel. A channel's or room's
    description in a shape no reader follows is one SourceError naming the service."""
    try:
        return _post_sources(source, client)
    except PARSE_ERRORS as exc:
        raise unexpected(source.api_url or source.target, exc) from None


def _whole(reads: Iterator[Read]) -> Callable[[dict[str, Any] | None], Iterator[Read]]:
    """A reader that reads it all whatever the cursor (an export: the store finds what is new)."""

    def read(cursor: dict[str, Any] | None) -> Iterator[Read]:
        return reads

    return read


def _post_sources(source: PostSource, client: ClientFactory) -> list[Threads]:
    kind, target = source.kind, source.target
    if kind == "slack-export":
        where = str(Path(target).resolve())
        return [Threads(f"slack:{channel}", "slack", name, where, _whole(reads))
                for channel, name, reads in slack.read_export(Path(target))]  # fmt: skip
    if kind not in SERVICES:
        raise SourceError(f"{kind}: not a kind of Q&A, forum or chat niche reads")
    default_api, token_env = SERVICES[kind]
    base = (source.api_url or default_api or target).rstrip("/")
    if kind == "mattermost":
        base = base if base.endswith("/api/v4") else f"{base}/api/v4"
    if kind == "zulip":
        base = base if base.endswith("/api/v1") else f"{base}/api/v1"
    headers: dict[str, str] = {}
    auth = None
    if kind == "zulip" and os.environ.get("ZULIP_EMAIL") and os.environ.get("ZULIP_API_KEY"):
        auth = httpx.BasicAuth(os.environ["ZULIP_EMAIL"], os.environ["ZULIP_API_KEY"])
    if kind == "discourse" and os.environ.get("NICHE_DISCOURSE_API_KEY"):
        headers = {"Api-Key": os.environ["NICHE_DISCOURSE_API_KEY"],
                   "Api-Username": os.environ.get("NICHE_DISCOURSE_API_USERNAME", "system")}  # fmt: skip
    http = client(base, token_env=token_env, headers=headers, auth=auth)
    host = urlsplit(base).hostname or base
    read: Callable[[dict[str, Any] | None], Iterator[Read]]
    if kind == "askbot":
        reader = askbot.AskbotReader(http)
        return [Threads(f"askbot:{host}", kind, host, base, lambda cursor: reader.read(cursor, host), http)]
    if kind == "stackexchange":
        key_env = os.environ.get("NICHE_STACKEXCHANGE_KEY")
        read = stackexchange.StackExchangeReader(http, target, source.tagged, key_env).read
        key = f"stackexchange:{target}" + (f"[{source.tagged}]" if source.tagged else "")
        return [Threads(key, kind, target, base, read, http)]
    if kind == "discourse":
        return [Threads(f"discourse:{host}", kind, host, base, discourse.DiscourseReader(http).read, http)]
    if kind == "slack":
        channel = slack.SlackReader(http, target)
        place = channel.name()
        return [Threads(f"slack:{target}", kind, place, f"{base} {target}",
                        lambda cursor: channel.read(cursor, place), http)]  # fmt: skip
    if kind == "mattermost":
        room = mattermost.MattermostReader(http, target)
        place = room.name()
        return [Threads(f"mattermost:{host}/{target}", kind, place, f"{base}/channels/{target}",
                        lambda cursor: room.read(cursor, place), http)]  # fmt: skip
    if kind == "zulip":
        stream = target.lstrip("#")
        return [Threads(f"zulip:{host}/{stream}", kind, f"#{stream}", f"{base}/messages",
                        zulip.ZulipReader(http, target).read, http)]  # fmt: skip
    return [Threads(f"gitter:{target}", kind, target, f"{base}/rooms/{target}", gitter.GitterReader(http, target).read,
                    http)]  # fmt: skip


def feeds_source(targets: list[str], client: ClientFactory) -> Threads:
    """Every feed named (a feed URL, or an OPML file or URL listing a planet's feeds), as one
    source of blog posts, so a post read through a planet and through its blog is one post."""
    http = client("", token_env=None)

    def read(cursor: dict[str, Any] | None) -> Iterator[Read]:
        listed: list[feeds.Feed] = []
        for target in targets:
            if "://" not in target:
                path = Path(target).expanduser()
                if not path.is_file():
                    raise SourceError(f"{target}: no such OPML file (or give the feed's URL)")
                listed += feeds.read_opml(path.read_text(errors="replace"), target)
            elif target.lower().endswith(".opml"):
                listed += feeds.read_opml(http.get(target).text, target)
            else:
                listed.append(feeds.Feed(target))
        yield from feeds.read_feeds(http, listed, cursor)

    return Threads("feeds", "feed", "blogs", "feeds", read, http)

"""Sync one Q&A site, forum, chat channel or set of blog feeds: which reader, which source key.

Each source named in niche.toml or on the command line becomes a `PostSource`; `sync_post_source`
builds its reader on an HTTP client the caller makes (base URL, token variable, headers) and runs
it through the store. Source keys are chosen so that one thing read two ways is one source: a
Slack channel from the API and from an export, a blog post from its feed and from a planet.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from niche.errors import SourceError
from niche.sources import askbot, discourse, feeds, gitter, mattermost, slack, stackexchange, zulip
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS
from niche.store.db import Store
from niche.store.posts import PostSync, sync_threads, unexpected

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


def sync_post_source(store: Store, source: PostSource, client: ClientFactory,
                     progress: Callable[[int], None] | None = None) -> list[PostSync]:  # fmt: skip
    """Sync one source; a Slack export is one result per channel."""
    kind, target = source.kind, source.target
    if kind == "slack-export":
        where = str(Path(target).resolve())
        return [sync_threads(store, f"slack:{channel}", "slack", name, where, lambda c, reads=reads: reads, progress)
                for channel, name, reads in slack.read_export(Path(target))]
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
    with client(base, token_env=token_env, headers=headers, auth=auth) as http:
        try:
            result = _run(store, kind, source, http, base, progress)
        except PARSE_ERRORS as exc:  # a channel's or room's description in a shape no reader follows
            raise unexpected(base, exc) from None
        result.requests = http.requests
    return [result]


def _run(store: Store, kind: str, source: PostSource, http: HttpClient, base: str,
         progress: Callable[[int], None] | None) -> PostSync:  # fmt: skip
    target = source.target
    host = urlsplit(base).hostname or base
    if kind == "askbot":
        reader = askbot.AskbotReader(http)
        result = sync_threads(store, f"askbot:{host}", kind, host, base,
                              lambda cursor: reader.read(cursor, host), progress)  # fmt: skip
    elif kind == "stackexchange":
        key_env = os.environ.get("NICHE_STACKEXCHANGE_KEY")
        se = stackexchange.StackExchangeReader(http, target, source.tagged, key_env)
        key = f"stackexchange:{target}" + (f"[{source.tagged}]" if source.tagged else "")
        result = sync_threads(store, key, kind, target, base, se.read, progress)
    elif kind == "discourse":
        result = sync_threads(store, f"discourse:{host}", kind, host, base, discourse.DiscourseReader(http).read,
                              progress)  # fmt: skip
    elif kind == "slack":
        channel = slack.SlackReader(http, target)
        place = channel.name()
        result = sync_threads(store, f"slack:{target}", kind, place, f"{base} {target}",
                              lambda cursor: channel.read(cursor, place), progress)  # fmt: skip
    elif kind == "mattermost":
        room = mattermost.MattermostReader(http, target)
        place = room.name()
        result = sync_threads(store, f"mattermost:{host}/{target}", kind, place, f"{base}/channels/{target}",
                              lambda cursor: room.read(cursor, place), progress)  # fmt: skip
    elif kind == "zulip":
        result = sync_threads(store, f"zulip:{host}/{target.lstrip('#')}", kind, f"#{target.lstrip('#')}",
                              f"{base}/messages", zulip.ZulipReader(http, target).read, progress)  # fmt: skip
    elif kind == "gitter":
        result = sync_threads(store, f"gitter:{target}", kind, target, f"{base}/rooms/{target}",
                              gitter.GitterReader(http, target).read, progress)  # fmt: skip
    else:
        raise SourceError(f"{kind}: not a kind of Q&A, forum or chat niche reads")
    return result


def sync_feeds(store: Store, targets: list[str], client: ClientFactory,
               progress: Callable[[int], None] | None = None) -> PostSync:  # fmt: skip
    """Every feed named (a feed URL, or an OPML file or URL listing a planet's feeds), as one
    source of blog posts, so a post read through a planet and through its blog is one post."""
    listed: list[feeds.Feed] = []
    with client("", token_env=None) as http:
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
        result = sync_threads(store, "feeds", "feed", "blogs", "feeds",
                              lambda cursor: feeds.read_feeds(http, listed, cursor), progress)  # fmt: skip
        result.requests = http.requests
    return result


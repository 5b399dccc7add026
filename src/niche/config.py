"""A community's sources in one file, `niche.toml`, so `niche sync` alone syncs all of them.

    [git]
    paths = ["~/src/openstack"]            # repositories or folders of clones

    [[gerrit]]
    url = "https://review.opendev.org"
    projects = ["openstack/nova", "openstack/placement"]   # none: the whole server
    since = "2024-01-01"                   # first sync only; later ones resume from the cursor

    [gerrit-export]
    files = ["wikimedia-changes.json"]     # `gerrit query --format=JSON` exports

    [[github]]
    repos = ["chaoss/grimoirelab-perceval"]
    api_url = "https://api.github.com"     # GitHub Enterprise: https://HOST/api/v3
    issues = true                          # the issues too, for triage and bug reports

    [[mail]]
    locations = ["https://lists.openstack.org/pipermail/openstack-discuss/", "~/mail/nova.mbox"]
    list = "openstack-discuss"             # when messages carry no List-Id (pipermail strips it)
    since = "2024-01-01"                   # needed for a HyperKitty list's first sync

    [[launchpad]]
    projects = ["nova", "ubuntu/+source/nova"]
    since = "2024-01-01"

    [[irc]]
    paths = ["~/logs/eavesdrop/#openstack-nova"]   # log files or folders of them
    channel = "#openstack-nova"            # when file names do not say it
    timezone = "UTC"                       # of times logged without an offset

    [[askbot]]                             # Q&A sites and forums
    url = "https://ask.openstack.org"
    [[stackexchange]]
    site = "stackoverflow"
    tagged = "openstack-nova"              # only questions with this tag
    [[discourse]]
    url = "https://discourse.example.org"

    [feeds]                                # blogs: feed URLs, and planets' OPML lists of feeds
    urls = ["https://blog.example.org/feed.xml"]
    opml = ["planet.opml"]

    [[slack]]                              # chat: channel ids, and workspace export zips
    channels = ["C011DUKE8"]
    exports = ["slack-export.zip"]
    [[mattermost]]
    url = "https://chat.example.org"
    channels = ["abcdefghijkl"]
    [[gitter]]
    rooms = ["org/room"]

    [people]
    bots = ["openstack-ci", "sister-bot"]  # more automation accounts (names or usernames)
    overrides = "niche-people.toml"        # merges, splits, names, affiliations (niche people ...)

    [roles]                                # see niche/classify/default_roles.toml

    [insights]
    person_signals = false                 # no overload/disengagement signals about named people

Other connectors add their own sections the same way.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from niche.errors import NicheError
from niche.store.post_sources import PostSource

DEFAULT_CONFIG = Path("niche.toml")


@dataclass(frozen=True)
class GerritServer:
    url: str
    projects: tuple[str, ...] = ()
    since: str | None = None


@dataclass(frozen=True)
class GitHubRepos:
    repos: tuple[str, ...]
    api_url: str | None = None
    since: str | None = None
    issues: bool = False  # also the issues, not only the pull requests


@dataclass(frozen=True)
class MailSources:
    locations: tuple[str, ...]
    list_name: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class LaunchpadProjects:
    projects: tuple[str, ...]
    api_url: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class IrcLogs:
    paths: tuple[Path, ...]
    channel: str | None = None
    timezone: str = "UTC"


DEFAULT_OVERRIDES = "niche-people.toml"


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    git_paths: tuple[Path, ...] = ()
    gerrit: tuple[GerritServer, ...] = ()
    gerrit_exports: tuple[Path, ...] = ()
    github: tuple[GitHubRepos, ...] = ()
    mail: tuple[MailSources, ...] = ()
    irc: tuple[IrcLogs, ...] = ()
    launchpad: tuple[LaunchpadProjects, ...] = ()
    posts: tuple[PostSource, ...] = ()  # Q&A sites, forums, chat channels
    feeds: tuple[str, ...] = ()  # feed URLs and OPML files or URLs
    bots: tuple[str, ...] = ()
    people_overrides: Path = Path(DEFAULT_OVERRIDES)  # beside the config file when there is one
    person_signals: bool = True  # overload and disengagement signals about named people
    raw: dict[str, Any] = field(default_factory=dict)  # every section, for the layers that read their own

    @property
    def has_sources(self) -> bool:
        return bool(
            self.git_paths
            or self.gerrit
            or self.gerrit_exports
            or self.github
            or self.mail
            or self.irc
            or self.launchpad
            or self.posts
            or self.feeds
        )


def load_config(path: Path | None = None) -> Config:
    """The config at path, or ./niche.toml when present; an empty Config when there is none."""
    path = path or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text())
        return Config(
            path=path,
            git_paths=tuple(Path(os.path.expanduser(p)) for p in raw.get("git", {}).get("paths", [])),
            gerrit=tuple(
                GerritServer(g["url"], tuple(g.get("projects", [])), g.get("since")) for g in raw.get("gerrit", [])
            ),
            gerrit_exports=tuple(Path(os.path.expanduser(p)) for p in raw.get("gerrit-export", {}).get("files", [])),
            github=tuple(
                GitHubRepos(tuple(g["repos"]), g.get("api_url"), g.get("since"), bool(g.get("issues")))
                for g in raw.get("github", [])
            ),
            mail=tuple(
                MailSources(tuple(_expand(loc) for loc in m["locations"]), m.get("list"), m.get("since"))
                for m in raw.get("mail", [])
            ),
            irc=tuple(
                IrcLogs(tuple(Path(_expand(p)) for p in i["paths"]), i.get("channel"), i.get("timezone", "UTC"))
                for i in raw.get("irc", [])
            ),
            launchpad=tuple(
                LaunchpadProjects(tuple(lp["projects"]), lp.get("api_url"), lp.get("since"))
                for lp in raw.get("launchpad", [])
            ),
            bots=tuple(raw.get("people", {}).get("bots", [])),
            people_overrides=path.parent
            / os.path.expanduser(raw.get("people", {}).get("overrides", DEFAULT_OVERRIDES)),
            person_signals=bool(raw.get("insights", {}).get("person_signals", True)),
            posts=_post_sources(raw),
            feeds=tuple(_expand(t) for key in ("urls", "opml") for t in raw.get("feeds", {}).get(key, [])),
            raw=raw,
        )
    except OSError as exc:
        raise NicheError(f"{path}: cannot read the config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise NicheError(f"{path}: not a valid niche config: {exc}") from None


def _expand(location: str) -> str:
    return location if "://" in location else os.path.expanduser(location)


def _post_sources(raw: dict[str, Any]) -> tuple[PostSource, ...]:
    """[[askbot]], [[stackexchange]], [[discourse]], [[slack]], [[mattermost]] and [[gitter]]."""
    found = [PostSource(kind, s["url"]) for kind in ("askbot", "discourse") for s in raw.get(kind, [])]
    found += [PostSource("stackexchange", s["site"], s.get("api_url"), s.get("tagged"))
              for s in raw.get("stackexchange", [])]  # fmt: skip
    for s in raw.get("slack", []):
        found += [PostSource("slack", c, s.get("api_url")) for c in s.get("channels", [])]
        found += [PostSource("slack-export", _expand(e)) for e in s.get("exports", [])]
    found += [PostSource("mattermost", c, s["url"]) for s in raw.get("mattermost", []) for c in s["channels"]]
    found += [PostSource("gitter", r, s.get("api_url")) for s in raw.get("gitter", []) for r in s["rooms"]]
    return tuple(found)

"""A community's sources in one file, `niche.toml`, so `niche sync` alone syncs all of them.

    [git]
    paths = ["~/src/openstack"]            # repositories or folders of clones

    [[gerrit]]
    url = "https://review.opendev.org"
    projects = ["openstack/nova", "openstack/placement"]   # none: the whole server
    since = "2024-01-01"                   # first sync only; later ones resume from the cursor

    [gerrit-export]
    files = ["wikimedia-changes.json"]     # `gerrit query --format=JSON` exports

    [[gerrit-file]]
    files = ["openstack-changes.json.gz"]  # saved REST answers (/changes/ with messages, revisions)
    url = "https://review.opendev.org"     # the server they came from, for links

    [[github]]
    repos = ["chaoss/grimoirelab-perceval"]
    api_url = "https://api.github.com"     # GitHub Enterprise: https://HOST/api/v3
    issues = true                          # the issues too, for triage and bug reports

    [[gitlab]]
    projects = ["GNOME/gnome-shell"]
    api_url = "https://gitlab.gnome.org"   # a self-hosted server (default gitlab.com)
    issues = true                          # the issues too (default): triage and bug reports

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

    [[slack]]                              # chat: channel ids (SLACK_TOKEN), workspace export zips
    channels = ["C011DUKE8"]
    exports = ["slack-export.zip"]
    [[mattermost]]
    url = "https://chat.example.org"       # MATTERMOST_TOKEN
    channels = ["abcdefghijkl"]
    [[gitter]]
    rooms = ["org/room"]                   # GITTER_TOKEN
    [[zulip]]
    url = "https://chat.zulip.org"         # ZULIP_EMAIL, ZULIP_API_KEY
    streams = ["general"]

    [people]
    bots = ["openstack-ci", "sister-bot"]  # more automation accounts (names or usernames)
    overrides = "niche-people.toml"        # merges, splits, names, affiliations (niche people ...)
    corrections = ["../governance/people.toml"]  # the community's reviewed corrections, applied first

    [roles]                                # see niche/classify/default_roles.toml

    [[cycles]]                             # release cycles; default OpenStack's (niche/metrics/cycles.toml)
    name = "v2"
    start = 2024-03-01                     # each runs until the next one starts

    [insights]
    person_signals = false                 # no overload/disengagement signals about named people

Every section and key is checked when the file is read: an unknown one (a misspelt `[[gerit]]`)
or a value of the wrong type (`paths = "/x"` where a list belongs) is a one-line error naming the
section and the key, never a silent default. A connector or layer that reads a new section adds
it to SECTIONS below.
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from niche.classify.roles import Rules
from niche.errors import ConfigError
from niche.sources.post_sources import PostSource

DEFAULT_CONFIG = Path("niche.toml")
DEFAULT_OVERRIDES = "niche-people.toml"


# -- what each value may be: a check that returns the value as niche uses it, or raises ValueError
# saying what was expected ----------------------------------------------------------------------


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value


def texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, e.g. [{_shown(value)}]")
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        raise ValueError(f"expected a list of strings, got {_shown(bad[0])} in it")
    return tuple(value)


def paths(value: Any) -> tuple[Path, ...]:
    return tuple(Path(os.path.expanduser(p)) for p in texts(value))


def locations(value: Any) -> tuple[str, ...]:
    """Paths or URLs."""
    return tuple(v if "://" in v else os.path.expanduser(v) for v in texts(value))


def repos(value: Any) -> tuple[str, ...]:
    found = texts(value)
    for repo in found:
        if repo.count("/") != 1 or repo.startswith("/") or repo.endswith("/"):
            raise ValueError(f"expected OWNER/REPO, got {repo!r}")
    return found


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_shown(value)}")
    return value


def url(value: Any) -> str:
    if not isinstance(value, str) or "://" not in value:
        raise ValueError(f"expected a URL such as https://host, got {_shown(value)}")
    return value.rstrip("/")


def day(value: Any) -> str:
    """A date (TOML date, or a string YYYY-MM-DD), as the string the sources send."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    try:
        return datetime.fromisoformat(text(value)).date().isoformat() if "T" not in value else value
    except (ValueError, TypeError):
        raise ValueError(f"expected a date YYYY-MM-DD, got {_shown(value)}") from None


def timezone(value: Any) -> str:
    try:
        ZoneInfo(text(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected a timezone name such as UTC or Europe/Berlin, got {_shown(value)}") from None
    return value


def whole(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or value != int(value) or not low <= value <= high:  # fmt: skip
            raise ValueError(f"expected a whole number from {low} to {high}, got {_shown(value)}")
        return int(value)

    return check


def anything(value: Any) -> Any:
    return value


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


@dataclass(frozen=True)
class Section:
    keys: Mapping[str, Callable[[Any], Any]]
    required: tuple[str, ...] = ()
    many: bool = False  # [[name]]: any number of entries


SECTIONS: dict[str, Section] = {
    "git": Section({"paths": paths}),
    "gerrit": Section({"url": url, "projects": texts, "since": day}, ("url",), many=True),
    "gerrit-export": Section({"files": paths}),
    "gerrit-file": Section({"files": paths, "url": url}, ("files",), many=True),
    "cycles": Section({"name": text, "start": day}, ("name", "start"), many=True),
    "github": Section({"repos": repos, "api_url": url, "since": day, "issues": flag}, ("repos",), many=True),
    "gitlab": Section({"projects": texts, "api_url": url, "since": day, "issues": flag}, ("projects",), many=True),
    "mail": Section({"locations": locations, "list": text, "since": day}, ("locations",), many=True),
    "launchpad": Section({"projects": texts, "api_url": url, "since": day}, ("projects",), many=True),
    "irc": Section({"paths": paths, "channel": text, "timezone": timezone}, ("paths",), many=True),
    "askbot": Section({"url": url}, ("url",), many=True),
    "stackexchange": Section({"site": text, "tagged": text, "api_url": url}, ("site",), many=True),
    "discourse": Section({"url": url}, ("url",), many=True),
    "feeds": Section({"urls": texts, "opml": locations}),
    "slack": Section({"channels": texts, "exports": paths, "api_url": url}, many=True),
    "mattermost": Section({"url": url, "channels": texts}, ("url", "channels"), many=True),
    "gitter": Section({"rooms": texts, "api_url": url}, ("rooms",), many=True),
    "zulip": Section({"url": url, "streams": texts}, ("url", "streams"), many=True),
    "people": Section({"bots": texts, "overrides": text, "corrections": paths}),
    # The role rules are checked by Rules.load: their lists are arrays of tables of their own.
    "roles": Section({"newcomer_days": whole(1, 36500), **dict.fromkeys(Rules.LISTS, anything)}),
    "insights": Section({"person_signals": flag}),
}


def _checked(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Every section and key of raw, checked and converted; ValueError naming the first wrong one."""
    checked: dict[str, Any] = {}
    for name, value in raw.items():
        section = SECTIONS.get(name)
        if section is None:
            close = difflib.get_close_matches(name, list(SECTIONS), n=1)
            hint = f"did you mean {_header(close[0], value)}?" if close else f"known: {', '.join(SECTIONS)}"
            raise ValueError(f"unknown section {_header(name, value)}; {hint}")
        entries = value if isinstance(value, list) else [value]
        if not all(isinstance(e, dict) for e in entries) or (len(entries) > 1 and not section.many):
            raise ValueError(f"[{name}] must be a table: {_header(name, [{}] if section.many else {})}")
        checked[name] = [_entry(name, i, e, section) for i, e in enumerate(entries, 1)]
        if not section.many:
            checked[name] = checked[name][0]
    return checked


def _entry(name: str, number: int, entry: dict[str, Any], section: Section) -> dict[str, Any]:
    where = f"[[{name}]] #{number}" if section.many else f"[{name}]"
    out = {}
    for key, value in entry.items():
        check = section.keys.get(key)
        if check is None:
            raise ValueError(f"{where}: unknown key {key!r}{_suggest(key, section.keys)}")
        try:
            out[key] = check(value)
        except ValueError as exc:
            raise ValueError(f"{where} {key}: {exc}") from None
    missing = [k for k in section.required if k not in entry]
    if missing:
        raise ValueError(f"{where}: {missing[0]!r} is required")
    return out


def _header(name: str, value: Any) -> str:
    return f"[[{name}]]" if isinstance(value, list) else f"[{name}]"


def _suggest(word: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"


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
class GitLabProjects:
    projects: tuple[str, ...]
    api_url: str | None = None
    since: str | None = None
    issues: bool = True  # also the issues, not only the merge requests


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


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    git_paths: tuple[Path, ...] = ()
    gerrit: tuple[GerritServer, ...] = ()
    gerrit_exports: tuple[Path, ...] = ()
    gerrit_files: tuple[tuple[Path, str | None], ...] = ()  # saved REST answers, with the server they came from
    github: tuple[GitHubRepos, ...] = ()
    gitlab: tuple[GitLabProjects, ...] = ()
    mail: tuple[MailSources, ...] = ()
    irc: tuple[IrcLogs, ...] = ()
    launchpad: tuple[LaunchpadProjects, ...] = ()
    posts: tuple[PostSource, ...] = ()  # Q&A sites, forums, chat channels and exports
    feeds: tuple[str, ...] = ()  # feed URLs, OPML files or URLs
    bots: tuple[str, ...] = ()
    people_overrides: Path = Path(DEFAULT_OVERRIDES)  # beside the config file when there is one
    people_corrections: tuple[Path, ...] = ()  # the community's reviewed corrections files, read first
    person_signals: bool = True  # overload and disengagement signals about named people
    rules: Rules = field(default_factory=Rules.load)  # the role rules: niche's, with the project's [roles]
    raw: dict[str, Any] = field(default_factory=dict)  # every section, checked, for the layers that read their own

    @property
    def has_sources(self) -> bool:
        return bool(
            self.git_paths
            or self.gerrit
            or self.gerrit_exports
            or self.gerrit_files
            or self.github
            or self.gitlab
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
        raw = _checked(tomllib.loads(path.read_text()))
        rules = Rules.load(raw)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not a valid niche config: {exc}") from None
    people = raw.get("people", {})
    return Config(
        path=path,
        git_paths=raw.get("git", {}).get("paths", ()),
        gerrit=tuple(GerritServer(g["url"], g.get("projects", ()), g.get("since")) for g in raw.get("gerrit", [])),
        gerrit_exports=raw.get("gerrit-export", {}).get("files", ()),
        gerrit_files=tuple((f, g.get("url")) for g in raw.get("gerrit-file", []) for f in g["files"]),
        github=tuple(
            GitHubRepos(g["repos"], g.get("api_url"), g.get("since"), g.get("issues", False))
            for g in raw.get("github", [])
        ),
        gitlab=tuple(
            GitLabProjects(g["projects"], g.get("api_url"), g.get("since"), g.get("issues", True))
            for g in raw.get("gitlab", [])
        ),
        mail=tuple(MailSources(m["locations"], m.get("list"), m.get("since")) for m in raw.get("mail", [])),
        irc=tuple(IrcLogs(i["paths"], i.get("channel"), i.get("timezone", "UTC")) for i in raw.get("irc", [])),
        launchpad=tuple(
            LaunchpadProjects(lp["projects"], lp.get("api_url"), lp.get("since")) for lp in raw.get("launchpad", [])
        ),
        bots=people.get("bots", ()),
        people_overrides=path.parent / os.path.expanduser(people.get("overrides", DEFAULT_OVERRIDES)),
        people_corrections=tuple(path.parent / p for p in people.get("corrections", ())),
        person_signals=raw.get("insights", {}).get("person_signals", True),
        posts=_post_sources(raw),
        feeds=(*raw.get("feeds", {}).get("urls", ()), *raw.get("feeds", {}).get("opml", ())),
        rules=rules,
        raw=raw,
    )


def _post_sources(raw: dict[str, Any]) -> tuple[PostSource, ...]:
    """[[askbot]], [[stackexchange]], [[discourse]], [[slack]], [[mattermost]], [[gitter]], [[zulip]]."""
    found = [PostSource(kind, s["url"]) for kind in ("askbot", "discourse") for s in raw.get(kind, [])]
    found += [PostSource("stackexchange", s["site"], s.get("api_url"), s.get("tagged"))
              for s in raw.get("stackexchange", [])]  # fmt: skip
    for s in raw.get("slack", []):
        found += [PostSource("slack", c, s.get("api_url")) for c in s.get("channels", ())]
        found += [PostSource("slack-export", str(e)) for e in s.get("exports", ())]
    found += [PostSource("mattermost", c, s["url"]) for s in raw.get("mattermost", []) for c in s["channels"]]
    found += [PostSource("gitter", r, s.get("api_url")) for s in raw.get("gitter", []) for r in s["rooms"]]
    found += [PostSource("zulip", stream, s["url"]) for s in raw.get("zulip", []) for stream in s["streams"]]
    return tuple(found)

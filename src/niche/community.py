"""niche as a library: one community's database and config, and everything niche does with them.

    from niche import Community

    with Community("niche.duckdb") as community:
        community.sync([community.git("~/src/nova")])
        community.derive()

The CLI, the dashboard, the benches and the tests all go through this object, so the order of
work after a sync (people, roles, links) lives here once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from niche import metrics
from niche.classify import classify
from niche.config import Config, load_config
from niche.credentials import url_credentials
from niche.errors import ConfigError, NicheError, SourceError
from niche.identity import log, resolve_people
from niche.identity.overrides import load_overrides
from niche.identity.people import PersonDetails, Why, person_details, person_ids, person_of, why
from niche.insights.namesakes import Namesake, namesakes, with_told_apart
from niche.insights.niches import Opportunity, niches
from niche.insights.profile import Profile, Profiles
from niche.insights.signals import SIGNALS_OFF, Risk, risks
from niche.insights.validate import Backtest, backtest
from niche.links.build import build_links
from niche.links.trail import TrailItem, follow
from niche.metrics.cycles import Window, load_cycles
from niche.metrics.headline import headline
from niche.metrics.review_reports import known_project, punchcard, run_report
from niche.metrics.window import DataWindow, data_window
from niche.sources.contract import Source
from niche.sources.gerrit import GerritExport, GerritServer
from niche.sources.gerrit_file import GerritFile
from niche.sources.git import discover_repositories
from niche.sources.git_repository import GitRepository
from niche.sources.github import DEFAULT_API_URL as GITHUB_API_URL
from niche.sources.github import GitHubListing
from niche.sources.gitlab import DEFAULT_API_URL as GITLAB_API_URL
from niche.sources.gitlab import GitLabListing, api_url
from niche.sources.http import HttpClient
from niche.sources.irc import IrcLogs
from niche.sources.launchpad import DEFAULT_API_URL as LAUNCHPAD_API_URL
from niche.sources.launchpad import LaunchpadBugs
from niche.sources.mail.source import MailingList
from niche.sources.perceval import sources as perceval_sources
from niche.sources.post_sources import PostSource, feeds_source, post_sources
from niche.sources.posts import Threads
from niche.store import Store, parquet
from niche.store.folds import fold_duplicates
from niche.store.freshness import file_versions, run_steps
from niche.store.parquet import ParquetExport
from niche.store.sources import find_source, remove_source
from niche.store.parallel import Overall, sync_all
from niche.store.sync import SyncResult


def _repository(path: Path) -> Planned:
    """The repository at path, or the failed result that names it (an empty or damaged .git)."""
    try:
        return GitRepository(path)
    except SourceError as exc:
        return SyncResult(f"git:{path}", str(path), "commit", error=str(exc), failure=exc)


@dataclass(frozen=True)
class Quarantined:
    """Input that could not be read, kept with its error."""

    recorded_at: datetime
    source: str
    source_name: str
    item_id: str
    location: str
    error: str


Planned = Source | SyncResult  # a source to sync, or the result of one that could not even be found
Notify = Callable[[str], None]  # one line for the user: a rate-limit wait, a retry


class Community:
    """A community's niche database (a path: created on first use unless read_only; or an open
    Store) and its config (a Config, the path of a niche.toml, or None for ./niche.toml when there
    is one).

    notify gets one line whenever a web source waits for a rate limit or retries."""

    def __init__(self, db: Path | str | Store | None = None, config: Config | Path | str | None = None, *,
                 read_only: bool = False, notify: Notify | None = None, max_wait: float = 3600.0):  # fmt: skip
        self.config = config if isinstance(config, Config) else load_config(Path(config) if config else None)
        self._owns_store = not isinstance(db, Store)  # a Store given (a server's snapshot) stays its owner's
        self.store = db if isinstance(db, Store) else Store(db, read_only=read_only)
        self.notify, self.max_wait = notify, max_wait
        self._clients = ExitStack()

    def __enter__(self) -> Community:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._clients.close()
        if self._owns_store:
            self.store.close()

    # -- sources ----------------------------------------------------------------------------------

    def http(self, base_url: str, token_env: str | None = None, auth: httpx.Auth | None = None,
             headers: dict[str, str] | None = None) -> HttpClient:  # fmt: skip
        """A client for one web source, closed with the community."""

        def waiting(seconds: float, line: str) -> None:
            if self.notify:
                self.notify(line)

        client = HttpClient(base_url, token_env=token_env, max_wait=self.max_wait, on_wait=waiting, auth=auth,
                            headers=headers)  # fmt: skip
        return self._clients.enter_context(client)

    def git(self, path: Path | str) -> list[Planned]:
        """Every repository at path: a clone, a bare repository, or a folder holding many."""
        path = Path(os.path.expanduser(path))
        if not path.exists():
            return [SyncResult(f"git:{path}", str(path), "commit", error=f"{path}: does not exist")]
        found = discover_repositories(path)
        if not found:
            error = f"{path}: not a git repository, and no repositories below it"
            return [SyncResult(f"git:{path}", str(path), "commit", error=error)]
        return [_repository(repo) for repo in found]

    def gerrit(self, url: str, project: str | None = None, since: str | None = None) -> GerritServer:
        """A Gerrit server's changes over REST; NICHE_GERRIT_USER and NICHE_GERRIT_PASSWORD for private ones."""
        user, password = os.environ.get("NICHE_GERRIT_USER"), os.environ.get("NICHE_GERRIT_PASSWORD")
        auth = httpx.BasicAuth(user, password) if user and password else None
        # Gerrit answers as anonymous outside /a/: a login, from env or written in the URL, needs it.
        client = self.http(url.rstrip("/") + ("/a" if auth or url_credentials(url) else ""), auth=auth)
        return GerritServer(client, project, since)

    def github(self, repo: str, since: str | None = None, issues: bool = False, api_url: str | None = None
               ) -> GitHubListing:  # fmt: skip
        """A GitHub repository's pull requests (or issues); GITHUB_TOKEN when set."""
        if repo.count("/") != 1:
            raise ConfigError(f"{repo}: expected OWNER/REPO")
        api = api_url or os.environ.get("GITHUB_API_URL") or GITHUB_API_URL
        client = self.http(api, "GITHUB_TOKEN", headers={"Accept": "application/vnd.github+json"})
        return GitHubListing(client, repo, since, issues)

    def gitlab(self, project: str, since: str | None = None, issues: bool = False, url: str | None = None
               ) -> GitLabListing:  # fmt: skip
        """A GitLab project's merge requests (or issues), on gitlab.com or the server at url (its
        address or its API root; default CI_API_V4_URL, as in GitLab CI); GITLAB_TOKEN when set."""
        if "/" not in project.strip("/"):
            raise ConfigError(f"{project}: expected GROUP/PROJECT (subgroups too: GROUP/SUBGROUP/PROJECT)")
        client = self.http(api_url(url or os.environ.get("CI_API_V4_URL") or GITLAB_API_URL), "GITLAB_TOKEN")
        return GitLabListing(client, project, since, issues)

    def gerrit_export(self, path: Path | str) -> GerritExport:
        """A `gerrit query --format=JSON` export file."""
        return GerritExport(Path(os.path.expanduser(path)))

    def gerrit_file(self, path: Path | str, url: str | None = None) -> GerritFile:
        """A file of saved Gerrit REST answers; url is the server they came from."""
        return GerritFile(Path(os.path.expanduser(path)), url)

    def launchpad(self, project: str, since: str | None = None, api_url: str | None = None) -> LaunchpadBugs:
        return LaunchpadBugs(self.http(api_url or LAUNCHPAD_API_URL), project, since)

    def mail(self, location: str, list_name: str | None = None, since: str | None = None) -> MailingList:
        if "://" not in location:
            return MailingList(location, list_name, since)
        split = urlsplit(location)
        return MailingList(location, list_name, since, self.http(f"{split.scheme}://{split.netloc}"))

    def irc(self, path: Path | str, channel: str | None = None, timezone: str = "UTC") -> IrcLogs:
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{timezone}: not a timezone name (e.g. UTC, Europe/Berlin)") from None
        return IrcLogs(Path(os.path.expanduser(path)), channel, tz)

    def perceval(self, paths: Iterable[Path | str]) -> list[Planned]:
        """The items in Perceval JSON-lines files (`perceval BACKEND --json-line`), one source per
        backend, category and origin, read into what niche's own connector of that data makes."""
        files = [Path(os.path.expanduser(p)) for p in paths]
        missing = [f for f in files if not f.is_file()]
        if missing:
            return [SyncResult(f"perceval:{f}", str(f), "item", error=f"{f}: no such file") for f in missing]
        found = perceval_sources(files)
        if not found:
            return [SyncResult(f"perceval:{files[0]}", str(files[0]), "item", error=f"{files[0]}: no Perceval items")]
        return list(found)

    def posts(self, source: PostSource) -> list[Planned]:
        """A Q&A site, forum or chat channel (a Slack export: one source per channel)."""
        return self._found(source.target, lambda: post_sources(source, self.http))

    def feeds(self, targets: list[str]) -> Planned:
        """Blog feeds, and planets' OPML lists of them, as one source of blog posts."""
        return feeds_source(targets, self.http)

    def _found(self, what: str, build: Callable[[], list[Threads]]) -> list[Planned]:
        """The sources build() finds, or one failed result when finding them fails (a channel gone)."""
        try:
            return list(build())
        except NicheError as exc:
            return [SyncResult(what, what, "thread", error=str(exc), failure=exc)]

    def configured(self) -> list[Planned]:
        """Every source niche.toml lists, in the order they are synced."""
        c = self.config
        planned: list[Planned] = [repo for path in c.git_paths for repo in self.git(path)]
        planned += [self.gerrit_export(path) for path in c.gerrit_exports]
        planned += [self.gerrit_file(path, url) for path, url in c.gerrit_files]
        planned += [self.gerrit(g.url, p, g.since) for g in c.gerrit for p in (g.projects or (None,))]
        planned += [
            self.github(r, g.since, issues, g.api_url)
            for g in c.github
            for r in g.repos
            for issues in ((False, True) if g.issues else (False,))
        ]
        planned += [
            self.gitlab(p, g.since, issues, g.api_url)
            for g in c.gitlab
            for p in g.projects
            for issues in ((False, True) if g.issues else (False,))
        ]
        planned += [self.mail(loc, m.list_name, m.since) for m in c.mail for loc in m.locations]
        planned += [self.irc(p, i.channel, i.timezone) for i in c.irc for p in i.paths]
        planned += [self.launchpad(p, lp.since, lp.api_url) for lp in c.launchpad for p in lp.projects]
        planned += [found for spec in c.posts for found in self.posts(spec)]
        planned += [self.feeds(list(c.feeds))] if c.feeds else []
        return planned

    # -- work -------------------------------------------------------------------------------------

    def sync(self, sources: Iterable[Planned] | None = None, progress: Overall | None = None,
             jobs: int | None = None) -> list[SyncResult]:  # fmt: skip
        """Sync each source (default: every one niche.toml lists); a source that fails is one result
        with its error and the others go on. Repositories are read `jobs` at a time (default: one
        per core) in worker threads (store/parallel.py); jobs=1 reads everything here, one source after the other.
        progress(label, done, expected, bar) names the bar it updates. Call derive() afterwards."""
        return sync_all(self.store, list(self.configured() if sources is None else sources), jobs, progress)

    def derive(self) -> list[str]:
        """Refresh what is derived from the synced data, in order: copies of one item that two
        routes brought folded into one (store/folds.py), people (identity resolution with the
        .mailmap files and the user's overrides), then roles (mentoring needs people), then the
        breadcrumb index. A step whose inputs did not change since it last ran is skipped
        (store/freshness.py); returns the steps redone. A derive step of a new layer goes here,
        in its place, with what it reads besides the synced data."""
        c = self.config
        people_files = file_versions([*c.people_corrections, c.people_overrides])
        return run_steps(self.store, (
            ("fold", (), lambda: fold_duplicates(self.store)),
            ("people", (people_files, c.bots), lambda: resolve_people(
                self.store, load_overrides(c.people_overrides, c.people_corrections), c.bots)),
            ("roles", (c.rules,), lambda: classify(self.store, c.rules)),
            ("links", (), lambda: build_links(self.store)),
        ))  # fmt: skip

    def source(self, selector: str) -> str:
        """The key of the one source a user names: its key, location (path or URL) or name."""
        return find_source(self.store, selector)

    def remove_source(self, key: str) -> int:
        """Remove a source and everything it brought (items, raw data, quarantine, cursor); returns
        how many items it had. Call derive() afterwards: an item another source brought too is
        counted from that source again, without a resync."""
        return remove_source(self.store, key)

    def export_parquet(self, directory: Path | str, show_emails: bool = False) -> ParquetExport:
        """Write the tables the metrics read to directory as Parquet (for Spark: niche.metrics.spark),
        replacing an earlier export there in one step; addresses only with show_emails. Call
        derive() first when sources were synced since."""
        return parquet.export(self.store, directory, show_emails)

    def clear_quarantine(self, source: str | None = None) -> int:
        """Forget the input set aside (after fixing it): all of it, or one source's (its key)."""
        with self.store.transaction():
            return self.store.clear_quarantine(source)

    # -- what the store says: plain data, as of the newest activity unless asked ---------------------

    def window(self, as_of: datetime | None = None) -> DataWindow:
        """The dates the data covers and the day figures are as of (default: the newest activity)."""
        return data_window(self.store, as_of)

    def _as_of(self, as_of: datetime | None) -> datetime:
        return as_of or self.window().as_of

    def metric(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of one metric, a SQL file in niche/metrics/sql/ anyone can read and run by hand;
        as_of defaults to the newest activity."""
        if "as_of" in metrics.parameters_of(metrics.sql_of(name)):
            params["as_of"] = self._as_of(params.get("as_of"))
        return metrics.run(self.store, name, **params)

    def headline(self, as_of: datetime | None = None, months: int = 12) -> dict[str, Any]:
        """The overview's figures: contributors, activity and newcomers by month, roles, areas, bus
        and elephant factors, code review velocity and load, the data's sources."""
        return headline(self.store, self._as_of(as_of), months)

    def person(self, who: str) -> str:
        """The id of the person `who` names: an email, kind:username, name:Full Name, an id, or a
        plain name (AmbiguousError lists the people when several have it)."""
        return person_of(self.store, who)

    def profile(self, who: str, as_of: datetime | None = None, months: int = 12) -> Profile:
        """One person: identities, affiliations, role mix month by month, areas, co-workers, review
        depth, recent work and (unless niche.toml turns them off) signals worth a check-in."""
        profiles = Profiles(self.store, self._as_of(as_of), months, self.config.person_signals)
        found = profiles.of(self.person(who))
        assert found is not None  # person() found them
        return found

    def details(self, who: str) -> PersonDetails:
        """Who one person is: name, identities (as outputs show them) with why each is theirs, and
        their employers over time."""
        found = person_details(self.store, self.person(who))
        assert found is not None  # person() found them
        return found

    def everyone(self) -> list[str]:
        """The id of every person, bots included, in id order."""
        return person_ids(self.store)

    def why(self, first: str, second: str) -> Why:
        """The chain of evidence that makes two identities one person, or what keeps them apart."""
        return why(self.store, first, second)

    def people_log(self, who: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Every merge, split, affiliation change and bot mark (or those about one person), newest
        first, with the entry that undid each."""
        return log.listed(self.store, self.person(who) if who else None, limit)

    def namesakes(self, as_of: datetime | None = None) -> dict[str, list[Namesake]]:
        """For each person who shares their shown name with others: everyone shown by it (themselves
        first), with what tells them apart (namesakes.sql)."""
        return namesakes(self.store, self._as_of(as_of))

    def people(self, as_of: datetime | None = None, months: int = 12) -> list[dict[str, Any]]:
        """Everyone but bots, most active in the last months first (people_directory.sql); people
        who share their name with others say what tells them apart (`told_apart`, namesakes.sql)."""
        as_of = self._as_of(as_of)
        rows = self.metric("people_directory", as_of=as_of, months=months)
        return with_told_apart(rows, self.namesakes(as_of))

    def bots(self) -> list[dict[str, Any]]:
        """The automation accounts, counted nowhere as people (bots.sql)."""
        return self.metric("bots")

    def role_leaders(self, as_of: datetime | None = None, months: int = 12) -> list[dict[str, Any]]:
        """The five people doing most of each role, with an example (role_leaders.sql)."""
        return self.metric("role_leaders", as_of=as_of, months=months)

    def trail(self, item: str, hops: int = 2) -> list[TrailItem]:
        """Everything linked to an item (URL, Change-Id, bug, commit, Message-ID), oldest first."""
        return follow(self.store, item, hops)

    def busiest_keys(self, limit: int = 25) -> list[dict[str, Any]]:
        """The breadcrumbs most referred to (busiest_keys.sql)."""
        return self.metric("busiest_keys", limit=limit)

    def risk(self, as_of: datetime | None = None) -> list[Risk]:
        """The disengagement risk of everyone active, riskiest first, with the facts behind each
        score: the score `validate()` backtests."""
        self._signals_allowed()
        return risks(self.store, self._as_of(as_of))

    def _signals_allowed(self) -> None:
        if not self.config.person_signals:
            raise ConfigError(SIGNALS_OFF)

    def reviews(self, as_of: datetime | None = None, months: int = 12, by: str | None = None) -> dict[str, Any]:
        """Is review real? Depth per reviewer, who reviews whom and possible rubber stamps; with
        `by`, one reviewer's reviews."""
        params = {"as_of": self._as_of(as_of), "months": months}
        each = self.metric("review_depth", **params)
        if by:
            reviewer = self.person(by)
            return {"reviews": [r for r in each if r["person_id"] == reviewer]}
        return {
            "reviewers": self.metric("reviewer_depth", **params),
            "network": self.metric("review_network", **params),
            "possible_rubber_stamps": [r for r in each if r["possible_rubber_stamp"]],
        }

    def cycles(self) -> list[Window]:
        """The release cycles review reports read: niche.toml's [[cycles]], else OpenStack's."""
        return load_cycles(self.config.raw)

    def review_report(self, name: str, windows: list[Window], project: str | None = None,
                      as_of: datetime | None = None, by: str | None = None
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
        """One of niche.metrics.review_reports.REPORTS per project over windows (see cycles()), and
        its totals per project and cycle where it has some; `by` names the person a report is about."""
        person = self.person(by) if by else None
        return run_report(self.store, name, self.cycles(), windows, known_project(self.store, project), as_of, person)

    def punchcard(self, who: str, windows: list[Window]) -> list[dict[str, Any]]:
        """Hour by weekday of everything one person did in windows, in their own timezone offset."""
        return punchcard(self.store, self.person(who), windows)

    def recognition(self, as_of: datetime | None = None, months: int = 12, limit: int = 5) -> list[dict[str, Any]]:
        """The work that usually goes unseen, ranked per non-code role, with examples (recognition.sql)."""
        return self.metric("recognition", as_of=as_of, months=months, limit=limit)

    def niches(self, as_of: datetime | None = None, months: int = 12, who: str | None = None,
               interests: Iterable[str] = (), limit: int = 20) -> list[Opportunity]:  # fmt: skip
        """Find your niche: where help is wanted now, matched to a person's past work or interests."""
        person = self.person(who) if who else None
        return niches(self.store, self._as_of(as_of), months, person, interests, limit)

    def validate(self, every: int = 3, horizon: int = 6, k: int = 10,
                 progress: Callable[[int, int], None] | None = None) -> Backtest:  # fmt: skip
        """Backtest the disengagement risk on this store's own history (ROC AUC, precision@k, baseline)."""
        return backtest(self.store, every, horizon, k, progress)

    def cut_fields(self) -> list[dict[str, Any]]:
        """Items read with a field cut to its bound: which field, and how much was kept (cut_fields.sql)."""
        return self.metric("cut_fields")

    def quarantined(self, since: datetime | None = None, limit: int | None = None, source: str | None = None
                    ) -> list[Quarantined]:  # fmt: skip
        """Input set aside (newest first), or only what was set aside since a moment, or by one
        source (its key)."""
        rows = [r for r in self.metric("quarantined", since=since or datetime.min) if source in (None, r["source"])]
        return [Quarantined(**row) for row in rows[:limit]]

    def sources(self) -> list[dict[str, Any]]:
        """What the database was synced from, with its items, those counted from another source
        and those quarantined (sources.sql)."""
        return self.metric("sources")

"""`niche sync ...`: bring sources into the database incrementally, then refresh what derives from them."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from niche.classify import classify
from niche.cli import sync_posts as posts
from niche.cli.console import dated, err, fail
from niche.config import Config
from niche.errors import NicheError
from niche.identity import resolve_people
from niche.identity.overrides import load_overrides
from niche.links.build import build_links
from niche.sources.git import discover_repositories
from niche.sources.github import DEFAULT_API_URL
from niche.sources.http import HttpClient
from niche.sources.launchpad import DEFAULT_API_URL as LAUNCHPAD_API_URL
from niche.store import Store
from niche.store.bugs import BugSync, sync_launchpad
from niche.store.commits import RepoSync, sync_repository
from niche.store.folds import fold_duplicates
from niche.store.irc import sync_irc
from niche.store.mail import MailSync, sync_mail
from niche.store.reviews import ReviewSync, import_gerrit_export, import_gerrit_file, sync_gerrit, sync_github

sync_app = typer.Typer(help="Bring sources into the niche database, incrementally.")


def derive(store: Store, config: Config) -> None:
    """Refresh what is derived from the synced data: duplicate copies folded, people, roles, the
    breadcrumb index."""
    with err.status("Folding duplicates, resolving people, classifying roles, indexing links ..."):
        fold_duplicates(store)
        resolve_people(store, load_overrides(config.people_overrides, config.people_corrections), config.bots)
        classify(store, config.rules)
        build_links(store)


def sync_git_paths(store: Store, paths: list[Path]) -> list[RepoSync]:
    """Sync every repository under paths with a progress bar; a failing repository is reported, not fatal."""
    repos: list[Path] = []
    results: list[RepoSync] = []
    for path in paths:
        found = discover_repositories(path)
        if not found:
            results.append(RepoSync(path=path, error=f"{path}: not a git repository, and no repositories below it"))
        repos.extend(found)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        for repo in repos:
            task = progress.add_task(escape(repo.name), total=None)

            def advance(done: int, total: int, task: int = task) -> None:
                progress.update(task, completed=done, total=max(total, done))

            try:
                results.append(sync_repository(store, repo, advance))
            except NicheError as exc:
                results.append(RepoSync(path=repo, error=str(exc)))
            progress.remove_task(task)
    for r in results:
        if r.error:
            fail(r.error)
            continue
        for warning in r.warnings:
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
        removed = f", {r.removed_commits} no longer reachable removed" if r.removed_commits else ""
        bad = f", {r.quarantined} quarantined" if r.quarantined else ""
        err.print(f"{escape(r.name)}: {r.new_commits:,} new commits{removed}{bad}")
    return results


@sync_app.command("git")
def sync_git(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Repositories, bare repositories, or folders holding many clones.")
    ],
) -> None:
    """Ingest commits from git repositories (only what is new since the last sync)."""
    _sync_thenderive(ctx, lambda store: any(r.error for r in sync_git_paths(store, paths)))


MaxWaitOption = Annotated[
    float, typer.Option("--max-wait", min=0, help="Longest wait (seconds) for a rate limit before giving up.")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="First sync only: start from this date (UTC).")]


def _client(base_url: str, token_env: str | None, max_wait: float, auth_scheme: str = "Bearer", **kwargs) -> HttpClient:
    def waiting(seconds: float, why: str) -> None:
        err.print(f"[yellow]{escape(why)}: waiting {seconds:.0f}s as the server asks[/yellow]")

    return HttpClient(
        base_url, token_env=token_env, auth_scheme=auth_scheme, max_wait=max_wait, on_wait=waiting, **kwargs
    )


def _gerrit_auth() -> httpx.BasicAuth | None:
    user, password = os.environ.get("NICHE_GERRIT_USER"), os.environ.get("NICHE_GERRIT_PASSWORD")
    return httpx.BasicAuth(user, password) if user and password else None


def _report_reviews(results: list[ReviewSync | str]) -> bool:
    """Print what each review sync did; True when one failed."""
    failed = False
    for r in results:
        if isinstance(r, str):
            fail(r)
            failed = True
        else:
            state = "unchanged" if r.unchanged else f"{r.changes:,} changes"
            bad = f", {r.quarantined} quarantined" if r.quarantined else ""
            requests = f" ({r.requests} requests)" if r.requests else ""
            err.print(f"{escape(r.source)}: {state}{bad}{requests}")
            for wording, times, example in r.unread:
                err.print(f"[yellow]warning:[/yellow] {times:,} votes worded {escape(repr(wording))} could not be "
                          f"read (e.g. {escape(example)}); kept as unread, not guessed")  # fmt: skip
    return failed


def _sync_reviews(
    store: Store,
    gerrit: list[tuple[str, str | None, str | None]],
    github: list[tuple[str, str, str | None, bool]],
    max_wait: float,
) -> bool:
    """Sync Gerrit (url, project, since) and GitHub (api_url, repo, since, issues) sources; True if one failed.
    With issues, a GitHub repository's issues are synced rather than its pull requests."""
    results: list[ReviewSync | str] = []
    with err.status("Syncing code review ...") as status:
        for url, project, since in gerrit:
            base = url.rstrip("/") + ("/a" if _gerrit_auth() else "")
            try:
                with _client(base, None, max_wait, auth=_gerrit_auth()) as client:

                    def shown(n: int, p: str = project or url) -> None:
                        status.update(f"{escape(p)}: {n:,} changes")

                    results.append(sync_gerrit(store, client, project, since, shown))
            except NicheError as exc:
                results.append(str(exc))
        for api_url, repo, since, issues in github:
            try:
                with _client(
                    api_url, "GITHUB_TOKEN", max_wait, headers={"Accept": "application/vnd.github+json"}
                ) as client:

                    def shown(n: int, r: str = repo, issues: bool = issues) -> None:
                        status.update(f"{escape(r)}: {n:,} {'issues' if issues else 'pull requests'}")

                    results.append(sync_github(store, client, repo, since, shown, issues))
            except NicheError as exc:
                results.append(str(exc))
    return _report_reviews(results)


T = TypeVar("T")


def _guarded(run: Callable[[], T]) -> T | None:
    """run(), or None once its error is printed as one line: one failing source does not stop the rest."""
    try:
        return run()
    except NicheError as exc:
        fail(str(exc))
        return None


def _sync_mail(store: Store, locations: list[tuple[str, str | None, str | None]], max_wait: float) -> bool:
    """Sync mail (location, list name, since) sources; True if one failed."""
    failed = False
    with err.status("Syncing mail ...") as status:
        for location, list_name, since in locations:

            def shown(n: int, where: str = location) -> None:
                status.update(f"{escape(where)}: {n:,} messages")

            def run(location: str = location, list_name: str | None = list_name, since: str | None = since,
                    shown: Callable[[int], None] = shown) -> MailSync:  # fmt: skip
                if "://" not in location:
                    return sync_mail(store, location, list_name, since, progress=shown)
                split = urlsplit(location)
                with _client(f"{split.scheme}://{split.netloc}", None, max_wait) as client:
                    return sync_mail(store, location, list_name, since, client, shown)

            r = _guarded(run)
            if r is None:
                failed = True
                continue
            unchanged = f", {r.unchanged} unchanged" if r.unchanged else ""
            bad = f", {r.quarantined} quarantined" if r.quarantined else ""
            requests = f" ({r.requests} requests)" if "://" in location else ""
            summary = f"{r.messages:,} new messages from {r.archives} archives{unchanged}{bad}{requests}"
            err.print(f"{escape(location)}: {summary}")
    return failed


SHOWN_QUARANTINED = 10


def _report_quarantined(store: Store, since: datetime) -> None:
    """One line for each bad item this sync set aside (the first few; `niche quarantine` has all)."""
    rows = store.con.execute(
        "SELECT location, error FROM quarantine WHERE recorded_at >= ? ORDER BY recorded_at", [since]
    ).fetchall()
    for location, error in rows[:SHOWN_QUARANTINED]:
        err.print(f"[yellow]quarantined:[/yellow] {escape(location)}: {escape(error)}")
    if len(rows) > SHOWN_QUARANTINED:
        err.print(f"... and {len(rows) - SHOWN_QUARANTINED} more: see `niche quarantine`")


def _sync_thenderive(ctx: typer.Context, sync: Callable[[Store], bool]) -> None:
    """Run a sync, refresh what derives from it, and exit 1 when any source failed."""
    with Store(ctx.obj["db"]) as store:
        started = datetime.now(UTC).replace(tzinfo=None)
        failed = sync(store)
        _report_quarantined(store, started)
        derive(store, ctx.obj["config"])
        dated(store)
    if failed:
        raise typer.Exit(1)


def _import_exports(store: Store, files: list[Path]) -> bool:
    results = [import_gerrit_export(store, p) if p.is_file() else f"{p}: no such file" for p in files]
    return _report_reviews(results)


@sync_app.callback(invoke_without_command=True)
def sync_all(ctx: typer.Context, max_wait: MaxWaitOption = 3600) -> None:
    """With no connector named: sync every source listed in niche.toml."""
    if ctx.invoked_subcommand:
        return
    config: Config = ctx.obj["config"]
    if not config.has_sources:
        fail("no sources to sync: list them in niche.toml, or name one, e.g. `niche sync git PATH`")
        raise typer.Exit(2)
    gerrit = [(g.url, p, g.since) for g in config.gerrit for p in (g.projects or (None,))]
    github = [
        (g.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL, r, g.since, issues)
        for g in config.github
        for r in g.repos
        for issues in ((False, True) if g.issues else (False,))
    ]

    def sync(store: Store) -> bool:
        git_failed = any(r.error for r in sync_git_paths(store, list(config.git_paths)))
        export_failed = _import_exports(store, list(config.gerrit_exports))
        export_failed |= _import_gerrit_files(store, list(config.gerrit_files))
        review_failed = _sync_reviews(store, gerrit, github, max_wait)
        mail = [(loc, m.list_name, m.since) for m in config.mail for loc in m.locations]
        mail_failed = _sync_mail(store, mail, max_wait)
        irc_failed = _sync_irc(store, [(p, i.channel, i.timezone) for i in config.irc for p in i.paths])
        launchpad = [(lp.api_url or LAUNCHPAD_API_URL, p, lp.since) for lp in config.launchpad for p in lp.projects]
        launchpad_failed = _sync_launchpad(store, launchpad, max_wait)
        posts_failed = posts.sync_posts(store, list(config.posts), list(config.feeds), max_wait, _client)
        return (launchpad_failed or irc_failed or mail_failed or review_failed or git_failed or export_failed
                or posts_failed)  # fmt: skip

    _sync_thenderive(ctx, sync)


@sync_app.command("gerrit")
def sync_gerrit_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The Gerrit server, e.g. https://review.opendev.org")],
    project: Annotated[
        list[str] | None, typer.Option("--project", "-p", help="Only these projects (repeatable).")
    ] = None,
    since: SinceOption = None,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest changes, patch sets, votes and comments from a Gerrit server (REST API).

    Anonymous for public servers; NICHE_GERRIT_USER and NICHE_GERRIT_PASSWORD (an HTTP password)
    for private ones.
    """
    _sync_thenderive(
        ctx, lambda store: _sync_reviews(store, [(url, p, since) for p in (project or [None])], [], max_wait)
    )


@sync_app.command("gerrit-export")
def sync_gerrit_export(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="Output of `gerrit query --format=JSON --all-approvals --comments --patch-sets`."),
    ],
) -> None:
    """Ingest changes from a Gerrit query export (JSON lines), e.g. what an administrator ran over SSH."""
    _sync_thenderive(ctx, lambda store: _import_exports(store, files))


@sync_app.command("gerrit-file")
def sync_gerrit_file(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="Saved REST answers: a JSON array of ChangeInfo or one change a line; gzip or plain."),
    ],
    url: Annotated[
        str | None, typer.Option("--url", help="The Gerrit server they came from, for links to each change.")
    ] = None,
) -> None:
    """Ingest saved Gerrit REST answers (/changes/ with messages and revisions) of any Gerrit era.

    Votes are read from DETAILED_LABELS and from the messages in every wording Gerrit has used
    ("Looks good to me (core reviewer)", "Code-Review+2", ...); a wording niche cannot read is
    listed, never guessed."""

    _sync_thenderive(ctx, lambda store: _import_gerrit_files(store, [(f, url) for f in files]))


def _import_gerrit_files(store: Store, files: list[tuple[Path, str | None]]) -> bool:
    """Load saved Gerrit answers (file, server URL); True if one failed."""
    return _report_reviews([import_gerrit_file(store, p, url) if p.is_file() else f"{p}: no such file"
                            for p, url in files])  # fmt: skip


ReposArgument = Annotated[list[str], typer.Argument(help="OWNER/REPO ...")]
GitHubApiOption = Annotated[
    str, typer.Option("--api-url", envvar="GITHUB_API_URL", help="GitHub Enterprise: https://HOST/api/v3")
]


def _sync_github(ctx: typer.Context, repos: list[str], since: str | None, api_url: str, max_wait: float,
                 issues: bool) -> None:  # fmt: skip
    for repo in repos:
        if repo.count("/") != 1:
            fail(f"{repo}: expected OWNER/REPO")
            raise typer.Exit(2)
    github = [(api_url, r, since, issues) for r in repos]
    _sync_thenderive(ctx, lambda store: _sync_reviews(store, [], github, max_wait))


@sync_app.command("github")
def sync_github_command(
    ctx: typer.Context,
    repos: ReposArgument,
    since: SinceOption = None,
    api_url: GitHubApiOption = DEFAULT_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest pull requests, reviews and comments from GitHub (token from GITHUB_TOKEN, optional)."""
    _sync_github(ctx, repos, since, api_url, max_wait, issues=False)


@sync_app.command("github-issues")
def sync_github_issues_command(
    ctx: typer.Context,
    repos: ReposArgument,
    since: SinceOption = None,
    api_url: GitHubApiOption = DEFAULT_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest GitHub issues: who opened, commented, and triaged them (labels, assignees, closing, reopening)."""
    _sync_github(ctx, repos, since, api_url, max_wait, issues=True)


@sync_app.command("mail")
def sync_mail_command(
    ctx: typer.Context,
    locations: Annotated[
        list[str],
        typer.Argument(
            help="mbox files (.gz too), maildirs, folders of monthly archives, or URLs: a pipermail or mod_mbox "
            "archive index, a HyperKitty list page (https://HOST/hyperkitty/list/NAME@HOST/), one archive file."
        ),
    ],
    list_name: Annotated[
        str | None, typer.Option("--list", help="The list's name, when its messages carry no List-Id.")
    ] = None,
    since: SinceOption = None,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest mailing-list posts: who started threads, who replied, answered questions, sent patches."""
    _sync_thenderive(ctx, lambda store: _sync_mail(store, [(loc, list_name, since) for loc in locations], max_wait))


def _sync_launchpad(store: Store, projects: list[tuple[str, str, str | None]], max_wait: float) -> bool:
    """Sync Launchpad (api_url, project, since) sources; True if one failed."""
    failed = False
    with err.status("Syncing Launchpad bugs ...") as status:
        for api_url, project, since in projects:

            def shown(n: int, p: str = project) -> None:
                status.update(f"{escape(p)}: {n:,} bugs")

            def run(api_url: str = api_url, project: str = project, since: str | None = since,
                    shown: Callable[[int], None] = shown) -> BugSync:  # fmt: skip
                with _client(api_url, None, max_wait) as client:
                    return sync_launchpad(store, client, project, since, shown)

            r = _guarded(run)
            if r is None:
                failed = True
                continue
            bad = f", {r.quarantined} quarantined" if r.quarantined else ""
            err.print(f"{escape(r.source)}: {r.bugs:,} bugs{bad} ({r.requests} requests)")
    return failed


@sync_app.command("launchpad")
def sync_launchpad_command(
    ctx: typer.Context,
    projects: Annotated[list[str], typer.Argument(help="Launchpad projects, e.g. nova, or ubuntu/+source/PACKAGE.")],
    since: SinceOption = None,
    api_url: Annotated[str, typer.Option("--api-url", help="Launchpad's API root.")] = LAUNCHPAD_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest Launchpad bugs: reports, comments, and triage (status, importance, assignee, tags, duplicates)."""
    _sync_thenderive(ctx, lambda store: _sync_launchpad(store, [(api_url, p, since) for p in projects], max_wait))


def _sync_irc(store: Store, paths: list[tuple[Path, str | None, str]]) -> bool:
    """Sync IRC logs (path, channel, timezone); True if one failed."""
    failed = False
    for path, channel, tz_name in paths:
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"{tz_name}: not a timezone name (e.g. UTC, Europe/Berlin)")
            failed = True
            continue
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                      transient=True) as bar:  # fmt: skip
            task = bar.add_task(escape(path.name), total=None)

            def advance(done: int, total: int, task: int = task) -> None:
                bar.update(task, completed=done, total=total)

            r = _guarded(partial(sync_irc, store, path, channel, tz, advance))
            if r is None:
                failed = True
                continue
        unchanged = f", {r.unchanged} unchanged" if r.unchanged else ""
        bad = f", {r.quarantined} quarantined" if r.quarantined else ""
        err.print(f"{escape(str(path))}: {r.files} log files, {r.lines:,} lines, {r.meetings} meetings{unchanged}{bad}")
    return failed


@sync_app.command("irc")
def sync_irc_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Log files or folders of them (one file a channel-day).")],
    channel: Annotated[
        str | None, typer.Option("--channel", help="The channel, when file names do not say it.")
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="Timezone of times logged without an offset.")] = "UTC",
) -> None:
    """Ingest IRC logs (Supybot/Limnoria, MeetBot, irssi, WeeChat, ZNC): talk, answers, meetings, actions."""
    _sync_thenderive(ctx, lambda store: _sync_irc(store, [(p, channel, tz) for p in paths]))


posts.register(sync_app, _sync_thenderive, lambda base, token_env, **kw: _client(base, token_env, **kw))

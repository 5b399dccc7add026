"""`niche sync ...`: bring sources into the database incrementally, then refresh what derives from them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from niche.cli import sync_posts as posts
from niche.cli.console import SyncDisplay, dated, err, now, report_sync
from niche.cli.options import JobsOption, community_of
from niche.community import Community, Planned
from niche.errors import ConfigError
from niche.sources.github import DEFAULT_API_URL
from niche.sources.launchpad import DEFAULT_API_URL as LAUNCHPAD_API_URL
from niche.store.sync import SyncResult

sync_app = typer.Typer(help="Bring sources into the niche database, incrementally.")

MaxWaitOption = Annotated[
    float, typer.Option("--max-wait", min=0, help="Longest wait (seconds) for a rate limit before giving up.")
]
SinceOption = Annotated[str | None, typer.Option("--since", help="First sync only: start from this date (UTC).")]
ReposArgument = Annotated[list[str], typer.Argument(help="OWNER/REPO ...")]
GitHubApiOption = Annotated[
    str, typer.Option("--api-url", envvar="GITHUB_API_URL", help="GitHub Enterprise: https://HOST/api/v3")
]


def derive(community: Community) -> None:
    """community.derive(), with a line saying what it does while it runs."""
    with err.status("Folding duplicates, resolving people, classifying roles, indexing links ..."):
        community.derive()


def sync_and_derive(community: Community, sources: list[Planned] | None = None, say_dates: bool = True,
                    jobs: int | None = None) -> list[SyncResult]:  # fmt: skip
    """Sync (default: everything niche.toml lists) with progress, repositories `jobs` at a time,
    report each source, then derive; then the dates the data covers, unless the caller shows them."""
    started = now()
    with SyncDisplay() as display:
        results = community.sync(sources, display.progress, jobs)
    report_sync(community, results, started)
    derive(community)
    if say_dates:
        dated(community.store)
    return results


def run_sync(ctx: typer.Context, sources: Callable[[Community], list[Planned] | None], max_wait: float = 3600,
             jobs: int | None = None) -> None:  # fmt: skip
    """Open the community, sync what sources() names, derive, and exit with the sync's status."""
    with community_of(ctx, max_wait=max_wait) as community:
        results = sync_and_derive(community, sources(community), jobs=jobs)
    if any(r.error or r.quarantined for r in results):
        raise typer.Exit(1)


@sync_app.callback(invoke_without_command=True)
def sync_all(ctx: typer.Context, max_wait: MaxWaitOption = 3600, jobs: JobsOption = None) -> None:
    """With no connector named: sync every source listed in niche.toml."""
    if ctx.invoked_subcommand:
        return
    if not ctx.obj["config"].has_sources:
        raise ConfigError("no sources to sync: list them in niche.toml, or name one, e.g. `niche sync git PATH`")
    run_sync(ctx, lambda community: None, max_wait, jobs)


@sync_app.command("git")
def sync_git(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Repositories, bare repositories, or folders holding many clones.")
    ],
    jobs: JobsOption = None,
) -> None:
    """Ingest commits from git repositories (only what is new since the last sync), several at once."""
    run_sync(ctx, lambda community: [repo for path in paths for repo in community.git(path)], jobs=jobs)


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
    projects: list[str | None] = [*project] if project else [None]  # None: every project
    run_sync(ctx, lambda community: [community.gerrit(url, p, since) for p in projects], max_wait)


@sync_app.command("gerrit-export")
def sync_gerrit_export(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="Output of `gerrit query --format=JSON --all-approvals --comments --patch-sets`."),
    ],
) -> None:
    """Ingest changes from a Gerrit query export (JSON lines), e.g. what an administrator ran over SSH."""
    run_sync(ctx, lambda community: [community.gerrit_export(f) for f in files])


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
    run_sync(ctx, lambda community: [community.gerrit_file(f, url) for f in files])


@sync_app.command("github")
def sync_github_command(
    ctx: typer.Context,
    repos: ReposArgument,
    since: SinceOption = None,
    api_url: GitHubApiOption = DEFAULT_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest pull requests, reviews and comments from GitHub (token from GITHUB_TOKEN, optional)."""
    run_sync(ctx, lambda community: [community.github(r, since, False, api_url) for r in repos], max_wait)


@sync_app.command("github-issues")
def sync_github_issues_command(
    ctx: typer.Context,
    repos: ReposArgument,
    since: SinceOption = None,
    api_url: GitHubApiOption = DEFAULT_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest GitHub issues: who opened, commented, and triaged them (labels, assignees, closing, reopening)."""
    run_sync(ctx, lambda community: [community.github(r, since, True, api_url) for r in repos], max_wait)


@sync_app.command("gitlab")
def sync_gitlab_command(
    ctx: typer.Context,
    projects: Annotated[list[str], typer.Argument(help="GROUP/PROJECT ... (subgroups too).")],
    since: SinceOption = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", envvar="CI_API_V4_URL", help="A self-hosted server: https://HOST (or its /api/v4)."),
    ] = None,
    issues: Annotated[
        bool, typer.Option("--issues/--no-issues", help="The issues too, not only the merge requests.")
    ] = True,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest GitLab merge requests (versions, approvals, review notes, merges) and issues (notes and
    triage: labels, assignees, milestones, closing); token from GITLAB_TOKEN, optional."""
    run_sync(ctx, lambda community: [community.gitlab(p, since, kind, api_url) for p in projects
                                 for kind in ((False, True) if issues else (False,))], max_wait)  # fmt: skip


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
    run_sync(ctx, lambda community: [community.mail(loc, list_name, since) for loc in locations], max_wait)


@sync_app.command("launchpad")
def sync_launchpad_command(
    ctx: typer.Context,
    projects: Annotated[list[str], typer.Argument(help="Launchpad projects, e.g. nova, or ubuntu/+source/PACKAGE.")],
    since: SinceOption = None,
    api_url: Annotated[str, typer.Option("--api-url", help="Launchpad's API root.")] = LAUNCHPAD_API_URL,
    max_wait: MaxWaitOption = 3600,
) -> None:
    """Ingest Launchpad bugs: reports, comments, and triage (status, importance, assignee, tags, duplicates)."""
    run_sync(ctx, lambda community: [community.launchpad(p, since, api_url) for p in projects], max_wait)


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
    run_sync(ctx, lambda community: [community.irc(p, channel, tz) for p in paths])


posts.register(sync_app, run_sync)

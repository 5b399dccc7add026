"""The `niche` command: thin commands that parse options, call the library and render."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from niche import __version__
from niche.classify import classify_pending
from niche.errors import NicheError
from niche.identity import resolve_people
from niche.links.build import build_links
from niche.links.trail import follow
from niche.report.summary import headline, to_json
from niche.report.terminal import render_headline
from niche.sources.git import discover_repositories
from niche.store import Store
from niche.store.commits import RepoSync, sync_repository
from niche.store.db import DEFAULT_DB

app = typer.Typer(help="Make every kind of contribution to an open-source community visible.", no_args_is_help=True)
sync_app = typer.Typer(help="Bring sources into the niche database, incrementally.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")
console = Console()
err = Console(stderr=True, soft_wrap=True)  # one message, one line, whatever the width

DbOption = Annotated[Path, typer.Option("--db", envvar="NICHE_DB", help="Database file.", show_default=True)]
AsOfOption = Annotated[
    datetime | None, typer.Option("--as-of", help="Compute figures as of this date (UTC); default now.")
]
MonthsOption = Annotated[int, typer.Option("--months", min=1, max=240, help="Months of history in monthly figures.")]


def _version(value: bool) -> None:
    if value:
        console.print(f"niche {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = {"db": db}


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {escape(message)}")


def _derive(store: Store) -> None:
    """Refresh what is derived from the synced data: people, roles, the breadcrumb index."""
    with err.status("Resolving people, classifying roles, indexing links ..."):
        resolve_people(store)
        classify_pending(store)
        build_links(store)


def _sync_git(store: Store, paths: list[Path]) -> list[RepoSync]:
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
    _derive(store)
    for r in results:
        if r.error:
            _fail(r.error)
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
    with Store(ctx.obj["db"]) as store:
        results = _sync_git(store, paths)
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command()
def analyze(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Repositories or folders of repositories.")],
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
) -> None:
    """Sync git repositories, then summarise who contributes and where."""
    with Store(ctx.obj["db"]) as store:
        results = _sync_git(store, paths)
        render_headline(console, headline(store, as_of, months))
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
) -> None:
    """The headline figures of what is already in the database."""
    with Store(ctx.obj["db"], read_only=True) as store:
        h = headline(store, as_of, months)
    if as_json:
        console.out(json.dumps(to_json(h), indent=2))
    else:
        render_headline(console, h)


@app.command()
def trail(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="A URL, Change-Id, bug number, commit hash or Message-ID.")],
    hops: Annotated[int, typer.Option(min=0, max=5, help="How far to follow links.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Follow the breadcrumbs: everything linked to ITEM across sources, in time order."""
    with Store(ctx.obj["db"], read_only=True) as store:
        items = follow(store, item, hops)
    if as_json:
        console.out(json.dumps([to_json(vars(i)) for i in items], indent=2))
        return
    if not items:
        err.print(f"Nothing in the database is linked to {escape(item)}.")
        raise typer.Exit(1)
    for i in items:
        when = f"{i.occurred_at:%Y-%m-%d %H:%M}" if i.occurred_at else "????-??-?? ??:??"
        console.print(
            f"{when}  [bold]{escape(i.item_kind)}[/bold] {escape(i.source_name)} {escape(i.item_id[:12])}"
            f"  {escape(i.person or '?')}: {escape(i.title or '')}",
            soft_wrap=True,
        )
        console.print(f"                  [dim]via {escape(', '.join(i.via))}[/dim]")


@app.command()
def quarantine(ctx: typer.Context, limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50) -> None:
    """List bad input that was set aside, with where it came from and what was wrong."""
    with Store(ctx.obj["db"], read_only=True) as store:
        rows = store.con.execute(
            "SELECT recorded_at, location, error FROM quarantine ORDER BY recorded_at DESC LIMIT ?", [limit]
        ).fetchall()
        total = store.con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    for recorded_at, location, error in rows:
        console.print(f"{recorded_at:%Y-%m-%d %H:%M} {escape(location)}: {escape(error)}")
    console.print(f"{total} quarantined item(s)" + (f", {len(rows)} shown" if total > len(rows) else ""))


def run() -> None:
    """Console-script entry point: a NicheError is one clear line and exit status 2, not a traceback."""
    try:
        app()
    except NicheError as exc:
        _fail(str(exc))
        raise SystemExit(2) from None

"""`niche analyze`, `niche report` and `niche serve`: the dashboard, as static files or live."""

from __future__ import annotations

import ipaddress
import secrets
import signal
import socket
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import dated, err, out, report_sync, show_window
from niche.cli.headline import render_headline
from niche.cli.options import AsOfOption, JobsOption, MonthsOption, ShowEmails, community_of
from niche.cli.sync import sync_and_derive
from niche.errors import ConfigError
from niche.metrics.cycles import Window, load_cycles
from niche.store import Store
from niche.store.sync import SyncResult
from niche.web.pages import Site
from niche.web.static_site import write_static_site


def analyze(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Repositories or folders of repositories.")],
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
    jobs: JobsOption = None,
) -> None:
    """Sync git repositories, then summarise who contributes and where."""
    with community_of(ctx) as community:
        paths_found = [repo for path in paths for repo in community.git(path)]
        if all(isinstance(p, SyncResult) for p in paths_found):  # not one repository: nothing to summarise
            report_sync(community, [p for p in paths_found if isinstance(p, SyncResult)])
            raise typer.Exit(2)
        results = sync_and_derive(community, paths_found, say_dates=False, jobs=jobs)  # the panel says the dates
        site = Site(community.store, as_of, months, person_signals=community.config.person_signals,
                    cycles=_cycles(ctx))  # fmt: skip
        render_headline(out, site.headline())
        folder = Path(ctx.obj["db"]).parent / "report"
        with err.status("Writing the HTML report ..."):
            write_static_site(site, folder)
    out.print(f"Report: {escape(str(folder / 'index.html'))} (or `niche serve` to browse it live)")
    if any(r.error or r.quarantined for r in results):
        raise typer.Exit(1)


def _is_loopback(host: str) -> bool:
    """Whether every address host names is this machine's own."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}: {exc}") from exc
    return all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def report(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("-o", "--out", help="Folder to write the report to.")] = Path("niche-report"),
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
    show_emails: ShowEmails = False,
) -> None:
    """Write the dashboard as static HTML anyone can open or publish; it works offline."""
    with Store(ctx.obj["db"], read_only=True) as store:
        site = Site(store, dated(store, as_of).as_of, months, show_emails, ctx.obj["config"].person_signals,
                    cycles=_cycles(ctx))  # fmt: skip
        with err.status("Writing the HTML report ..."):
            pages = write_static_site(site, folder)
    out.print(f"{pages:,} pages: {escape(str(folder / 'index.html'))}")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(envvar="NICHE_TOKEN", help="Token visitors must give.")] = None,
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
    show_emails: ShowEmails = False,
) -> None:
    """Browse the dashboard live (read-only): overview, roles, people, review, health, trail, data quality.

    `niche sync` can run meanwhile (e.g. on a schedule): the server reads a snapshot of the
    database and picks up each finished sync within seconds."""
    import uvicorn  # here, not at the top: every other command starts faster without the web stack

    from niche.web.app import create_app, site_snapshots

    if not token and not _is_loopback(host):
        token = secrets.token_urlsafe(24)
    options = {"as_of": as_of, "months": months, "show_emails": show_emails,
               "person_signals": ctx.obj["config"].person_signals, "cycles": _cycles(ctx)}  # fmt: skip
    with ExitStack() as stack:
        with err.status("Reading the database ..."):
            snapshots = stack.enter_context(site_snapshots(ctx.obj["db"], **options))
        with snapshots.reading() as snapshot:
            show_window(snapshot.prepared.window)
        app = create_app(snapshots, token)
        url = f"http://{host}:{port}/index.html" + (f"?token={token}" if token else "")
        err.print(f"niche is serving {escape(str(ctx.obj['db']))} at {escape(url)} (Ctrl-C stops it)")
        # uvicorn re-raises SIGTERM once it has stopped: make that an exit that removes the snapshots
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        uvicorn.run(app, host=host, port=port, log_level="warning")


def _cycles(ctx: typer.Context) -> list[Window]:
    """The release cycles the review page reads per cycle: niche.toml's, else OpenStack's."""
    return load_cycles(ctx.obj["config"].raw)

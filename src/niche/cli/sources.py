"""`niche sources` and `niche sources remove`: what the database was synced from, and undoing one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import day, err, out, plural
from niche.cli.options import community_of
from niche.cli.sync import derive

sources_app = typer.Typer(help="What the database was synced from; remove a source and all it brought.")

SourceArgument = Annotated[str, typer.Argument(help="A source's name, location (path or URL) or key.")]


@sources_app.callback(invoke_without_command=True)
def sources(ctx: typer.Context) -> None:
    """List the sources: kind, name, items, items counted from another source, quarantined, last sync."""
    if ctx.invoked_subcommand:
        return
    with community_of(ctx, read_only=True) as community:
        found = community.sources()
    for s in found:
        elsewhere = f" ({s['folded']:,} counted from another source)" if s["folded"] else ""
        synced = day(s["synced_at"], "never")
        out.print(f"[bold]{escape(s['name'])}[/bold] ({s['kind']}): {plural(s['items'], 'item')}{elsewhere}, "
                  f"{s['quarantined']:,} quarantined, synced {synced}", soft_wrap=True)  # fmt: skip
        out.print(f"  {escape(s['source'])}", soft_wrap=True, highlight=False)
    out.print(plural(len(found), "source"))


@sources_app.command("remove")
def remove(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Sources to remove: name, location (path or URL) or key.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Remove sources and everything they brought: items, raw data, quarantine, cursor.

    An item another source brought too is counted from that source again, without a resync."""
    with community_of(ctx) as community:
        keys = [community.source(name) for name in names]
        if not yes and not typer.confirm(f"Remove {', '.join(keys)} and everything synced from it?"):
            err.print("Nothing removed.")
            return
        for key in keys:
            items = community.remove_source(key)
            err.print(f"removed {escape(key)}: {plural(items, 'item')}")
        derive(community)
    if community.config.has_sources:
        err.print("If niche.toml lists it, take it out there too, or the next `niche sync` brings it back.")

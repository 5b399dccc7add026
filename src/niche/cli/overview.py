"""`niche stats`, `niche trail` and `niche quarantine`: what the database holds, in the terminal or as JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import dated, err, out
from niche.cli.headline import render_headline
from niche.cli.options import AsOfOption, JsonOption, MonthsOption
from niche.links.trail import follow
from niche.metrics import to_json
from niche.metrics.headline import headline
from niche.store import Store


def stats(
    ctx: typer.Context,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
) -> None:
    """The headline figures of what is already in the database."""
    with Store(ctx.obj["db"], read_only=True) as store:
        h = headline(store, as_of, months)  # its panel says the dates
    if as_json:
        out.out(json.dumps(to_json(h), indent=2))
    else:
        render_headline(out, h)


def trail(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="A URL, Change-Id, bug number, commit hash or Message-ID.")],
    hops: Annotated[int, typer.Option(min=0, max=5, help="How far to follow links.")] = 2,
    as_json: JsonOption = False,
) -> None:
    """Follow the breadcrumbs: everything linked to ITEM across sources, in time order."""
    with Store(ctx.obj["db"], read_only=True) as store:
        dated(store)
        items = follow(store, item, hops)
    if as_json:
        out.out(json.dumps([to_json(vars(i)) for i in items], indent=2))
        return
    if not items:
        err.print(f"Nothing in the database is linked to {escape(item)}.")
        raise typer.Exit(1)
    for i in items:
        when = f"{i.occurred_at:%Y-%m-%d %H:%M}" if i.occurred_at else "????-??-?? ??:??"
        out.print(
            f"{when}  [bold]{escape(i.item_kind)}[/bold] {escape(i.source_name)} {escape(_short(i.item_id))}"
            f"  {escape(i.person or '?')}: {escape(i.title or '')}",
            soft_wrap=True,
        )
        out.print(f"                  [dim]via {escape(', '.join(i.via))}[/dim]")
        for key, url in i.outside:
            where = f": {url}" if url else ""
            out.print(f"                  mentions {escape(key)}, not in the database{escape(where)}", soft_wrap=True)


def _short(item_id: str) -> str:
    """A commit hash cut to 12 characters, as git shows it; any other item id whole."""
    return item_id[:12] if len(item_id) == 40 and all(c in "0123456789abcdef" for c in item_id) else item_id


def quarantine(ctx: typer.Context, limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50) -> None:
    """List bad input that was set aside, with where it came from and what was wrong."""
    with Store(ctx.obj["db"], read_only=True) as store:
        dated(store)
        rows = store.con.execute(
            "SELECT recorded_at, location, error FROM quarantine ORDER BY recorded_at DESC LIMIT ?", [limit]
        ).fetchall()
        total = store.con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        cut = store.con.execute(
            "SELECT item_id, detail FROM item_flags WHERE flag = 'field-cut' ORDER BY source, item_id LIMIT ?", [limit]
        ).fetchall()
    for recorded_at, location, error in rows:
        out.print(f"{recorded_at:%Y-%m-%d %H:%M} {escape(location)}: {escape(error)}")
    out.print(f"{total} quarantined item(s)" + (f", {len(rows)} shown" if total > len(rows) else ""))
    for item_id, detail in cut:  # read, but with a field cut to its bound
        out.print(f"cut: {escape(item_id)}: {escape(detail)}")

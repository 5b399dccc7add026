"""`niche stats`, `niche trail` and `niche quarantine`: what the database holds, in the terminal or as JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import dated, err, out
from niche.cli.headline import render_headline
from niche.cli.options import AsOfOption, JsonOption, MonthsOption, community_of
from niche.metrics import to_json


def stats(
    ctx: typer.Context,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
) -> None:
    """The headline figures of what is already in the database.

    With --json, everything the dashboard's overview, roles and health pages show: the headline,
    the leaders of each role and the employer mix."""
    with community_of(ctx, read_only=True) as community:
        h = community.headline(as_of, months)  # its panel says the dates
        if as_json:
            h |= {"role_leaders": community.role_leaders(h["as_of"], months),
                  "affiliation_mix": community.metric("affiliation_mix", as_of=h["as_of"], months=months)}  # fmt: skip
    if as_json:
        out.out(json.dumps(to_json(h), indent=2))
    else:
        render_headline(out, h)


def trail(
    ctx: typer.Context,
    item: Annotated[str | None, typer.Argument(help="A URL, Change-Id, bug number, commit hash or Message-ID.")] = None,
    hops: Annotated[int, typer.Option(min=0, max=5, help="How far to follow links.")] = 2,
    as_json: JsonOption = False,
) -> None:
    """Follow the breadcrumbs: everything linked to ITEM across sources, in time order.

    Without ITEM: the breadcrumbs most referred to, where the trail explorer starts."""
    with community_of(ctx, read_only=True) as community:
        dated(community.store)
        items = community.trail(item, hops) if item else []
        busiest = [] if item else community.busiest_keys()
    if item is None:
        if as_json:
            out.out(json.dumps(busiest, indent=2))
        for k in [] if as_json else busiest:
            out.print(f"{k['refs']:>6,}  {escape(k['key'])}", soft_wrap=True)
        return
    if as_json:
        out.out(json.dumps([to_json(vars(i)) for i in items], indent=2))
        return
    if not items:
        err.print(f"Nothing in the database is linked to {escape(item)}.")
        return
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


def quarantine(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Argument(help="Only this source: its name, location (path or URL) or key.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Forget these entries (after fixing the input).")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List bad input that was set aside, with where it came from and what was wrong; --clear forgets it."""
    with community_of(ctx, read_only=not clear) as community:
        key = community.source(source) if source else None
        if clear:
            cleared = community.clear_quarantine(key)
            where = f" from {escape(key)}" if key else ""
            out.print(f"{cleared} quarantined item(s) cleared{where}", soft_wrap=True)
            return
        dated(community.store)
        found = community.quarantined(source=key)
        cut = [c for c in community.cut_fields() if key in (None, c["source"])]
    if as_json:
        out.out(json.dumps([to_json(vars(q)) for q in found[:limit]], indent=2))
        return
    for q in found[:limit]:
        out.print(f"{q.recorded_at:%Y-%m-%d %H:%M} {escape(q.location)}: {escape(q.error)}", soft_wrap=True)
    out.print(f"{len(found)} quarantined item(s)" + (f", {limit} shown" if len(found) > limit else ""))
    for c in cut[:limit]:  # read, but with a field cut to its bound
        out.print(f"cut: {escape(c['item_id'])}: {escape(c['detail'])}")

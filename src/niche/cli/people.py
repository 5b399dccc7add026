"""`niche people ...` and `niche identities resolve`: look at people, correct them, explain them.

Corrections go to the people overrides file (see niche.identity.overrides), then the store's
people are resolved again, so a correction is seen at once and survives every later sync.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer
from rich.markup import escape
from rich.table import Table

from niche.cli.console import dated, day, err, out, plural, warn
from niche.cli.options import JsonOption, ShowEmails, community_of
from niche.cli.review_reports import CycleOption, SinceOption, UntilOption, render
from niche.errors import ConfigError
from niche.identity import csv_file
from niche.identity.mailmap import Mailmap
from niche.identity.overrides import Overrides, load_overrides
from niche.identity.people import (
    resolve_people,
    shown_email,
)
from niche.metrics import to_json
from niche.metrics.cycles import report_windows
from niche.store import Store

people_app = typer.Typer(help="People behind the identities: list, show, merge, split, explain.", no_args_is_help=True)
identities_app = typer.Typer(help="Identity resolution without a database, for researchers.", no_args_is_help=True)


def corrections(ctx: typer.Context) -> Overrides:
    """The local corrections file, with the community's read before it."""
    config = ctx.obj["config"]
    return load_overrides(config.people_overrides, config.people_corrections)


def who_says() -> str:
    """Who a correction is by: NICHE_USER, else the login name."""
    return os.environ.get("NICHE_USER") or getpass.getuser()


WhyOption = Annotated[str | None, typer.Option("--why", help="Why: kept in the log beside who and when.")]


def apply(ctx: typer.Context, overrides: Overrides, said: str) -> None:
    """Save a correction and resolve the store's people again with it."""
    overrides.save()
    if not Path(ctx.obj["db"]).exists():
        err.print(f"{escape(said)}; saved in {overrides.path}, for the first sync to use.")
        return
    with Store(ctx.obj["db"]) as store:
        summary = resolve_people(store, overrides, ctx.obj["config"].bots)
    err.print(
        f"{escape(said)}; saved in {overrides.path}; {plural(summary.people, 'person', 'people')}, "
        f"{plural(summary.identities, 'identity', 'identities')}."
    )


@people_app.command("list")
def list_people(
    ctx: typer.Context,
    bots: Annotated[bool, typer.Option("--bots", help="List the automation accounts instead of people.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 30,
    show_emails: ShowEmails = False,
    as_json: JsonOption = False,
) -> None:
    """People, most active in the last 12 months first: their identities, contributions, when last
    seen and their organisation then (the dashboard's People page, from the same SQL)."""
    with community_of(ctx, read_only=True) as community:
        as_of = dated(community.store).as_of
        rows = community.bots() if bots else community.people(as_of)
    if as_json:
        shown = [r | ({"email": shown_email(r["email"], show_emails) or None} if "email" in r else {}) for r in rows]
        out.out(json.dumps(to_json(shown[:limit]), indent=2))
        return
    table = Table(
        "name", *(["email"] if show_emails else []), "identities", "contributions", "last seen", "organisation"
    )
    for r in rows[:limit]:
        name = escape(r["name"]) + (f"\n[dim]{escape(r['told_apart'])}[/dim]" if r.get("told_apart") else "")
        cells = [name, *([escape(r.get("email") or "")] if show_emails else [])]
        table.add_row(*cells, str(r["identities"]), f"{r['contributions']:,}", day(r["last_at"], ""),
                      escape(r.get("org") or ("" if bots else "unknown")))  # fmt: skip
    out.print(table)


@people_app.command()
def punchcard(ctx: typer.Context, who: Annotated[str, typer.Argument(help="Email, kind:username, name:… or id.")],
              cycle: CycleOption = None, since: SinceOption = None, until: UntilOption = None,
              as_json: JsonOption = False) -> None:  # fmt: skip
    """Hour by weekday of everything one person did, in their own timezone offset."""
    with community_of(ctx, read_only=True) as community:
        windows = report_windows(community.cycles(), cycle, since, until)
        rows = community.punchcard(who, windows)
        name = community.details(who).name
    render(out, "punchcard", windows, rows, [], 0, as_json, name)


@people_app.command()
def show(ctx: typer.Context, who: Annotated[str, typer.Argument(help="Email, kind:username, name:… or id.")],
         show_emails: ShowEmails = False) -> None:  # fmt: skip
    """One person: identities with the reason each belongs, affiliations, contributions by role,
    and the others shown by the same name, with what tells them apart."""
    with community_of(ctx, read_only=True) as community:
        as_of = dated(community.store).as_of
        details = community.details(who)
        roles = [tuple(r.values()) for r in community.metric("person_roles", person_id=details.person_id)]
        alike = community.namesakes(as_of).get(details.person_id, [])
    person = details.person_id
    out.print(f"[bold]{escape(details.name)}[/bold]  {person}" + ("  [yellow](bot)[/yellow]" if details.is_bot else ""))
    if alike:
        out.print(f"  {escape(alike[0].told_apart)}", soft_wrap=True)
        others = "1 other person is" if len(alike) == 2 else f"{len(alike) - 1} other people are"
        out.print(f"[yellow]{others} shown as {escape(details.name)}[/yellow] "
                  f"(`niche people why {person} ID` says what keeps them apart):", soft_wrap=True)  # fmt: skip
        for other in alike[1:]:
            out.print(f"  {other.person_id}  {escape(other.told_apart)}", soft_wrap=True)
    if show_emails and details.email:
        out.print(f"primary email: {escape(details.email)}")
    table = Table("source", "name", "email", "username", "why this is them")
    for kind, iname, iemail, username, reason in details.identities:
        table.add_row(kind, *(escape(v or "") for v in (iname, shown_email(iemail, show_emails), username, reason)))
    out.print(table)
    for org, start, end, reason in details.periods:
        out.print(f"works for {escape(org)}: {day(start, 'ever')} to {day(end, 'now')} ({reason})")
    for role, count, first, last in roles:
        out.print(f"  {role:<14} {count:>7,}  {day(first, '?')} to {day(last, '?')}")


@people_app.command()
def merge(ctx: typer.Context, who: Annotated[list[str], typer.Argument(help="Two or more identities.")],
          why: WhyOption = None) -> None:  # fmt: skip
    """Say that these identities are one person (kept in the corrections file)."""
    if len(who) < 2:
        raise ConfigError("merge needs at least two identities")
    overrides = corrections(ctx)
    overrides.merge(list(who), who_says(), why)
    apply(ctx, overrides, f"merged {', '.join(who)}")


@people_app.command()
def split(ctx: typer.Context, who: Annotated[str, typer.Argument(help="The identity that is someone else.")],
          why: WhyOption = None) -> None:  # fmt: skip
    """Say that an identity is not the person niche joined it to (only a merge can join it again)."""
    overrides = corrections(ctx)
    overrides.split(who, who_says(), why)
    apply(ctx, overrides, f"split off {who}")


@people_app.command("set")
def set_person(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="Any of the person's identities.")],
    name: Annotated[str | None, typer.Option(help="The name to show.")] = None,
    bot: Annotated[bool | None, typer.Option("--bot/--not-bot", help="Mark as automation, or as a person.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation they worked for (with --from/--until).")] = None,
    start: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day at --org (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First day no longer at --org (YYYY-MM-DD).")
    ] = None,
    why: WhyOption = None,
) -> None:
    """Set a person's name, bot flag or an affiliation period (kept in the overrides file)."""
    overrides = corrections(ctx)
    if name is not None or bot is not None:
        overrides.set_person(who, {k: v for k, v in (("name", name), ("bot", bot)) if v is not None}, who_says(), why)
    if org is not None:
        overrides.add_affiliation(who, org, start and start.date(), until and until.date(), who_says(), why)
    elif start or until:
        raise ConfigError("--from and --until go with --org")
    apply(ctx, overrides, f"set {who}")


@people_app.command()
def why(ctx: typer.Context, first: str, second: str) -> None:
    """Why niche thinks two identities are one person, step by step; or what keeps them apart."""
    with community_of(ctx, read_only=True) as community:
        found = community.why(first, second)
    if found.chain is None:
        out.print(f"{escape(first)} and {escape(second)} are different people", soft_wrap=True)
        for line in found.held_apart:
            out.print(f"    {escape(line)}", soft_wrap=True)
        return
    for a, rule, b, detail in found.chain:
        out.print(f"{escape(a)}  --{rule}--  {escape(b)}\n    {escape(detail)}")
    if not found.chain:
        out.print("the same identity")


@identities_app.command("resolve")
def resolve_csv(
    source: Annotated[Path, typer.Argument(help="CSV with columns name,email (optional source,username); - is stdin.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV to write; - for stdout.")] = Path("-"),
    mailmap: Annotated[Path | None, typer.Option(help="A .mailmap whose word is taken first.")] = None,
    with_reasons: Annotated[
        bool, typer.Option("--explain", help="Add a column: how each row joined its person.")
    ] = False,
) -> None:
    """Resolve identities in a CSV file to people, without a database: the same rows plus person_id."""
    mailmaps = [Mailmap(mailmap.read_text(errors="replace"))] if mailmap else []
    with ExitStack() as files:
        handle: BinaryIO
        if str(source) == "-":  # read twice, so copied first: a piece at a time
            handle = files.enter_context(tempfile.TemporaryFile())
            shutil.copyfileobj(sys.stdin.buffer, handle)
            handle.seek(0)
        else:
            handle = files.enter_context(source.open("rb"))

        def sink() -> TextIO:  # opened once the input is read whole: a bad input writes nothing
            return (
                sys.stdout
                if str(output) == "-"
                else files.enter_context(output.open("w", newline="", encoding="utf-8"))
            )

        name = "standard input" if str(source) == "-" else str(source)
        done = csv_file.resolve_csv(handle, name, sink, mailmaps, with_reasons)
    for number in done.skipped:
        warn(f"{source}: line {number} is over {csv_file.LINE_LIMIT // 1024} KB, longer than any identity; skipped")
    err.print(f"{plural(done.rows, 'identity', 'identities')}, {plural(done.people, 'person', 'people')}")

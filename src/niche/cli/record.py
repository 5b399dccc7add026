"""`niche people log / revert / optout / corrections check`: a person's record, every change to
it, undoing one, consent, and checking a community's corrections file before it is merged."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import day, err, out
from niche.cli.options import community_of
from niche.cli.people import WhyOption, apply, corrections, who_says
from niche.identity import log
from niche.identity.overrides import SelectorIndex, check_text
from niche.identity.people import load_identities
from niche.store import Store

corrections_app = typer.Typer(help="The community's corrections file: check it before it is merged.")


def people_log(
    ctx: typer.Context,
    who: Annotated[str | None, typer.Argument(help="Only the entries about this person (any identity).")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many, newest first.")] = 50,
) -> None:
    """Every merge, split, affiliation change and bot mark, automatic or by hand: what, when, why, by whom."""
    with community_of(ctx, read_only=True) as community:
        rows = [tuple(r.values()) for r in community.people_log(who, limit)]
    for entry, at, action, what, why, by, origin, active, undone_by in rows:
        state = f"  [yellow]reverted by {undone_by}[/yellow]" if undone_by else ("" if active else "  (not applied)")
        out.print(f"[bold]{entry}[/bold] {day(at)} {action:<11} {escape(what)}{state}", soft_wrap=True)
        source = "automatic" if origin == "automatic" else escape(origin)
        out.print(f"           by {escape(by)} ({source})" + (f": {escape(why)}" if why else ""), soft_wrap=True)
    if not rows:
        err.print("Nothing in the log" + (f" about {escape(who)}" if who else "") + ".")


def revert(
    ctx: typer.Context,
    entry: Annotated[str, typer.Argument(help="The log entry's id (or its first characters).")],
    why: WhyOption = None,
) -> None:
    """Undo a log entry: a merge keeps its two sides apart, a split merges them, a correction stops applying.

    The undo is a correction in the local corrections file, so it survives every later sync and is
    itself in the log (and can be undone)."""
    overrides = corrections(ctx)
    with Store(ctx.obj["db"], read_only=True) as store:
        found = log.find(store, entry)
        said = log.revert(store, overrides, found, who_says(), why)
    apply(ctx, overrides, f"{said} (undoing {found.entry_id})")


def optout(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="Any of the person's identities: an email, kind:username or id.")],
    why: WhyOption = None,
) -> None:
    """Opt a person out: everywhere niche shows people they are a stable pseudonym, and their names and
    addresses are written to no output. Their contributions still count in every total."""
    overrides = corrections(ctx)
    overrides.add("optout", {"identity": who}, who_says(), why)
    apply(ctx, overrides, "opted out one person")


@corrections_app.command("check")
def check(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A people corrections file (TOML).")],
) -> None:
    """Check a corrections file: every mistake with its line number; with a database, identities that match nobody."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"{escape(str(file))}: cannot read it: {escape(str(exc))}")
        raise typer.Exit(2) from None
    index = None
    if Path(ctx.obj["db"]).exists():
        with Store(ctx.obj["db"], read_only=True) as store:
            index = SelectorIndex(load_identities(store))
    problems = check_text(text, index)
    for p in problems:
        kind = "error" if p.error else "warning"
        out.print(f"{escape(str(file))}:{p.line}: {kind}: {escape(p.message)}", soft_wrap=True)
    errors = sum(p.error for p in problems)
    err.print(f"{escape(str(file))}: {errors} error(s), {len(problems) - errors} warning(s)")
    if errors:
        raise typer.Exit(1)

"""`niche import ...`, `niche export parquet` and `niche people export`: bring a GrimoireLab
community's data along, hand niche's tables to Spark and other Parquet readers, and niche's people
back to SortingHat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from niche.cli.console import err, fail
from niche.cli.options import ShowEmails, community_of
from niche.cli.people import apply, corrections
from niche.cli.sync import run_sync
from niche.identity import sortinghat
from niche.store import Store

import_app = typer.Typer(
    help="Bring data from other tools: Perceval items, SortingHat identities.", no_args_is_help=True
)


@import_app.command("perceval")
def import_perceval(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Output of `perceval BACKEND --json-line` (one item a line).")],
) -> None:
    """GrimoireLab's Perceval items (git, mbox, pipermail, hyperkitty, supybot, gerrit, gitlab, rss,
    discourse, mattermost, askbot) into the same items and activities niche's own connectors make of them;
    items of other backends are quarantined with the backend's name (`niche quarantine`), kept."""
    run_sync(ctx, lambda community: community.perceval(files))


@import_app.command("sortinghat")
def import_sortinghat(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A SortingHat export (JSON with 'uidentities').")],
) -> None:
    """Merges, names, bot marks and enrollments curated in SortingHat, as corrections in the people
    file (each says it came from SortingHat and which individual; `niche people why` shows it)."""
    overrides = corrections(ctx)
    result = sortinghat.import_export(overrides, file)
    for problem in result.problems:
        fail(problem)
    again = f", {result.already:,} already there" if result.already else ""
    said = f"{file.name}: {result.individuals:,} individuals, {result.entries:,} corrections added{again}"
    apply(ctx, overrides, said)
    if result.problems:
        raise typer.Exit(1)


export_app = typer.Typer(help="Write niche's data for other tools.", no_args_is_help=True)


@export_app.command("parquet")
def export_parquet(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="The folder to write (an earlier export there is replaced).")],
    show_emails: ShowEmails = False,
) -> None:
    """The tables the metrics read, as Parquet files for Spark (`niche metrics --engine spark --data
    DIR`) or any Parquet reader: activities by source kind and month, every other table one file,
    and _niche.json with the schema version. Readers see the old export or the new one, never half.
    People who opted out appear only by their pseudonym; addresses are cut to their domain unless
    --show-emails."""
    with community_of(ctx, read_only=True) as community:
        made = community.export_parquet(directory, show_emails)
    rows = sum(made.tables.values())
    err.print(f"{len(made.tables)} tables, {rows:,} rows written to {escape(str(made.directory))} "
              f"(schema {made.schema_version})")  # fmt: skip


def export_people(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the SortingHat export (JSON); - for stdout.")],
) -> None:
    """Every person with their identities and employers over time, in SortingHat's export format
    (for `sortinghat load`); people who opted out are left out. It holds email addresses."""
    with Store(ctx.obj["db"], read_only=True) as store:
        data = sortinghat.export(store)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    if str(file) == "-":
        typer.echo(text, nl=False)
    else:
        file.write_text(text)
        err.print(f"{len(data['uidentities']):,} people written to {escape(str(file))}")

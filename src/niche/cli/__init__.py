"""The `niche` command: thin commands that parse options, call the library and render.

One module per group of commands: `sync` (bring sources in), `people` (identities and people),
`insights` (profile, recognition, reviews, signals, niches, validate), `dashboard` (analyze,
report, serve), `overview` (stats, trail, quarantine), `sources` (list, remove); `console` and `options` are what they
share. A new command goes in the module of its group.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import stamina
import typer
from rich.markup import escape
from typer.core import TyperGroup

from niche import __version__
from niche.cli import dashboard, insights, interop, overview, record
from niche.cli.metrics import metrics_command
from niche.cli.console import err, fail, out, plural
from niche.cli.options import DbOption
from niche.cli.people import identities_app, people_app
from niche.cli.sources import sources_app
from niche.cli.sync import sync_app
from niche.config import load_config
from niche.errors import NicheError
from niche.store.db import DEFAULT_DB, storage_failure
from niche.store.sync import SyncInterrupted

if TYPE_CHECKING:
    from typer._click.core import Context  # the click Typer ships inside itself, whose context invoke() gets

GLOBAL_OPTIONS = ("--db", "--config")  # options of `niche` itself a user may also give after the command


def global_options_first(args: list[str]) -> list[str]:
    """args with --db and --config moved before the command, so `niche stats --db x.duckdb` works
    as `niche --db x.duckdb stats` does; nothing after `--` is touched."""
    first: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            first += args[i : i + 2]
            i += 2
            continue
        (first if arg.startswith(tuple(f"{o}=" for o in GLOBAL_OPTIONS)) else rest).append(arg)
        i += 1
    return first + rest


class _Niche(TyperGroup):
    """The command group that turns what niche raises on purpose into one line and exit status 2,
    and Ctrl-C into a line saying what was kept and status 130, whether run from a shell or
    in-process (tests use Typer's CliRunner); --db and --config may follow the command."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args))

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except SyncInterrupted as exc:
            r = exc.result
            fail(f"interrupted while syncing {r.label}; kept the {plural(r.written, r.noun)} read before it; the "
                 "same sync again resumes there, then refreshes people, roles and links")  # fmt: skip
            raise typer.Exit(130) from None
        except KeyboardInterrupt:
            fail("interrupted; the database keeps everything committed before it")
            raise typer.Exit(130) from None
        except NicheError as exc:
            fail(str(exc))
            for key, said in getattr(exc, "candidates", ()):  # an AmbiguousError: the ones to choose from
                err.print(f"  {key}  {escape(said)}", soft_wrap=True)
            raise typer.Exit(2) from None
        except duckdb.Error as exc:  # the disk, not niche: one line; anything else is a bug, with its traceback
            failure = storage_failure((ctx.obj or {}).get("db", DEFAULT_DB), exc)
            if failure is None:
                raise
            fail(str(failure))
            raise typer.Exit(2) from None
        except OSError as exc:  # a file given that is missing, unreadable or unwritable, a full disk
            fail(f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc))
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Niche, help="Make every kind of contribution to an open-source community visible.", no_args_is_help=True
)
app.add_typer(sync_app, name="sync")
app.add_typer(people_app, name="people")
people_app.add_typer(record.corrections_app, name="corrections")
people_app.command("log")(record.people_log)
people_app.command()(record.revert)
people_app.command()(record.optout)
people_app.command("export")(interop.export_people)
app.add_typer(interop.import_app, name="import")
app.add_typer(interop.export_app, name="export")
app.add_typer(identities_app, name="identities")
app.add_typer(sources_app, name="sources")
app.add_typer(insights.validate_app, name="validate")
for command in (
    dashboard.analyze,
    dashboard.report,
    dashboard.serve,
    overview.stats,
    overview.trail,
    overview.quarantine,
    insights.profile,
    insights.recognition,
    insights.reviews,
    insights.signals,
    insights.risk,
    insights.niches,
):
    app.command()(command)
app.command("metrics")(metrics_command)


def _version(value: bool) -> None:
    if value:
        out.print(f"niche {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    config: Annotated[
        Path | None, typer.Option("--config", envvar="NICHE_CONFIG", help="Project config; default ./niche.toml.")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    stamina.instrumentation.set_on_retry_hooks([])  # each retry is said in words (Community's notify), not logged
    ctx.obj = {"db": db, "config": load_config(config)}


def run() -> None:
    """The console script's entry point."""
    app()

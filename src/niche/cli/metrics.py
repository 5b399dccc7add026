"""`niche metrics`: the metric SQL files themselves, on DuckDB (the database) or on Apache Spark
(a Parquet export), with the same parameters and the same output on both."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from niche import metrics
from niche.cli.console import err, fail, out, print_rows, show_window
from niche.cli.options import AsOfOption, JsonOption, MonthsOption, ShowEmails, community_of
from niche.errors import ConfigError
from niche.identity.people import shown_email
from niche.metrics.window import export_window

SHOWN_ROWS = 20  # rows of each metric in a terminal; --json has them all


class Engine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


def metrics_command(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Metrics to run (default: all).", metavar="[NAME]...")] = None,
    engine: Annotated[Engine, typer.Option(help="duckdb: the database; spark: a Parquet export (--data).")] = Engine.duckdb,
    master: Annotated[str, typer.Option(help="Spark master: local[2], spark://HOST:7077, ...")] = "local[2]",
    data: Annotated[Path | None, typer.Option(help="The export (`niche export parquet DIR`) Spark reads.")] = None,
    person: Annotated[str | None, typer.Option("--person", metavar="WHO",
                                               help="The person the person_* metrics and punchcard are about "
                                               "(as `niche profile WHO`).")] = None,  # fmt: skip
    as_of: AsOfOption = None,
    months: MonthsOption = 12,
    as_json: JsonOption = False,
    show_emails: ShowEmails = False,
) -> None:
    """Run metric SQL files (niche/metrics/sql/NAME.sql) with the parameters niche's commands use:
    as of the newest activity, over --months, every release cycle and project.

    With --engine spark the same SQL, written in Spark's dialect by SQLGlot, runs on PySpark over a
    Parquet export, locally or on a cluster (--master); rows, columns and JSON are the same as on
    DuckDB. A metric Spark cannot run is named with the reason, and the exit status is 1."""
    unknown = [n for n in names or [] if n not in metrics.available()]
    if unknown:
        raise ConfigError(f"no metric named {', '.join(unknown)}; known metrics: {', '.join(metrics.available())}")
    if engine is Engine.spark and data is None:
        raise ConfigError("--engine spark reads a Parquet export: give it with --data DIR (`niche export parquet DIR`)")
    if engine is Engine.duckdb and data is not None:
        raise ConfigError("--data is what Spark reads: add --engine spark, or leave --data out to read the database")
    person_id = _person(ctx, person, data) if person else None
    if engine is Engine.spark:
        assert data is not None
        window = export_window(data, as_of)
        plan = metrics.defaults(data, window.as_of, months, person_id)
    else:
        with community_of(ctx, read_only=True) as community:
            window = community.window(as_of)
            plan = metrics.defaults(community.store, window.as_of, months, person_id)
    show_window(window)
    wanted = names or metrics.available()
    not_run = {n: "it is about one person: name them with --person WHO" for n in wanted if n not in plan}
    if names and not_run:
        raise ConfigError(f"{', '.join(not_run)}: {next(iter(not_run.values()))}")
    results, failed = _run(ctx, engine, master, data, {n: plan[n] for n in wanted if n in plan})
    shown = {n: [_masked(r, show_emails) for r in rows] for n, rows in results.items()}
    if as_json:
        answer = {"as_of": window.as_of, "months": months, "metrics": shown, "not_run": not_run, "failed": failed}
        out.out(json.dumps(metrics.to_json(answer), indent=2))
    else:
        for name, rows in shown.items():
            _print_metric(name, rows)
    for name, why in not_run.items():
        err.print(f"[dim]not run: {name}: {escape(why)}[/dim]")
    for why in failed.values():
        fail(why)
    if failed:
        raise typer.Exit(1)


def _person(ctx: typer.Context, who: str, data: Path | None) -> str:
    """The id of the person WHO names, found in the database as `niche profile` finds them; with
    only an export (no database beside it), WHO must be a person's id in the export."""
    db = Path(ctx.obj["db"])
    if data is None or db.exists():
        with community_of(ctx, read_only=True) as community:
            return community.person(who)
    from niche.store import parquet

    ids = parquet.person_ids(data)
    if who not in ids:
        raise ConfigError(f"{who}: no person with that id in {data}, and no database ({db}) to find a name or "
                          "address in; give the person's id (`niche people show WHO` prints it) or --db")  # fmt: skip
    return who


def _run(ctx: typer.Context, engine: Engine, master: str, data: Path | None,
         plan: dict[str, dict[str, Any]]) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:  # fmt: skip
    """Each metric's rows, and for each that failed, why."""
    results: dict[str, list[dict[str, Any]]] = {}
    failed: dict[str, str] = {}
    if engine is Engine.duckdb:
        with community_of(ctx, read_only=True) as community:
            for name, params in plan.items():
                results[name] = metrics.run(community.store, name, **params)
        return results, failed
    from niche.metrics import spark

    assert data is not None
    with err.status("starting Spark"):
        session = spark.session(master)
    for name, params in plan.items():
        try:
            with err.status(f"{name} on Spark"):
                results[name] = spark.run(session, data, name, **params)
        except spark.SparkError as exc:
            failed[name] = str(exc)
    return results, failed


def _masked(row: dict[str, Any], show_emails: bool) -> dict[str, Any]:
    return row | ({"email": shown_email(row["email"], show_emails) or None} if "email" in row else {})


def _print_metric(name: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print(f"[bold]{escape(name)}[/bold]: no rows")
        return
    cells = [tuple(escape(_cell(v)) for v in r.values()) for r in rows[:SHOWN_ROWS]]
    more = f" (the first {SHOWN_ROWS} of {len(rows):,}; --json has all)" if len(rows) > SHOWN_ROWS else ""
    print_rows(tuple(rows[0]), cells, title=f"{name}{more}")


def _cell(value: Any) -> str:
    value = metrics.to_json(value)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

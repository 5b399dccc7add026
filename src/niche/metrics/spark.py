"""The same metric SQL on Apache Spark, over a Parquet export (`niche export parquet DIR`).

Each metric file is read in DuckDB's dialect and written in Spark's by SQLGlot; its parameters are
bound as SQL literals built by SQLGlot (never pasted into the text); each exported table is a
temporary view under its own name. Where the two engines would mean different things by the same
SQL, a small named rewrite below makes Spark mean what DuckDB means, and the parity test
(tests/metrics/test_spark_parity.py) checks every metric row by row against DuckDB.

    spark-submit --master spark://HOST:7077 niche/metrics/spark.py DIR [NAME...]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from niche import metrics
from niche.errors import ConfigError, NicheError
from niche.metrics.window import export_window
from niche.store import parquet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SETTINGS = {
    "spark.sql.shuffle.partitions": "2",  # small data per metric: many partitions cost more than they give
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",  # niche's times are UTC without a zone, as in DuckDB
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


class SparkError(NicheError):
    """A metric could not be transpiled to Spark SQL, or Spark could not run it."""


def session(master: str | None = "local[2]") -> SparkSession:
    """A Spark session for niche's metrics: few shuffle partitions, UTC, quiet logs. master None:
    the one spark-submit was given."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("Spark is not installed: pip install 'niche[spark]' (and Java 17)") from None
    builder = SparkSession.builder.appName("niche")
    if master is not None:
        builder = builder.master(master)
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a master that does not answer: PySpark says so in its own words
        raise ConfigError(f"Spark could not start on {master} ({_first_line(exc)}); it needs Java 17 (java on PATH or "
                          "JAVA_HOME)") from None  # fmt: skip
    spark.sparkContext.setLogLevel("FATAL")  # a failing metric is reported by niche, in one line
    return spark


_registered: dict[int, tuple[Path, datetime, dict[str, str]]] = {}  # a session's views: export, tables unread


def register(spark: SparkSession, data: Path | str) -> dict[str, str]:
    """Make each table of the export a temporary view under its name (once per session and
    export); returns the tables Spark could not read, with why."""
    export = parquet.read(data)
    known = _registered.get(id(spark))
    if known and known[:2] == (export.directory, export.exported_at):
        return known[2]
    unread = {}
    for table, columns in export.columns.items():
        try:
            frame = spark.read.parquet(str(export.path_of(table)))
            frame.select(*columns).createOrReplaceTempView(table)  # partition folders add columns: not the table's
        except Exception as exc:  # a file missing or damaged on the shared storage: the metrics reading it say so
            unread[table] = _first_line(exc)
            spark.catalog.dropTempView(table)
    _registered[id(spark)] = (export.directory, export.exported_at, unread)
    return unread


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def tables_read(name: str) -> set[str]:
    """The tables and views a metric's SQL reads (not its own WITH names)."""
    tree = sqlglot.parse_one(metrics.sql_of(name), read="duckdb")
    own = {cte.alias for cte in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table) if t.name not in own}


def to_spark(name: str, **params: Any) -> str:
    """The metric's SQL in Spark's dialect with its parameters bound as literals."""
    sql = metrics.sql_of(name)
    missing = metrics.parameters_of(sql) - params.keys()
    if missing:
        raise NicheError(f"metric {name} needs parameters: {', '.join(sorted(missing))}")
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        tree = tree.transform(lambda node: literal(params[node.name]) if isinstance(node, exp.Placeholder) else node)
        for rewrite in REWRITES:
            tree = tree.transform(rewrite)
        return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as exc:
        raise SparkError(f"metric {name}: cannot be written in Spark SQL: {exc}") from None


def literal(value: Any) -> exp.Expression:
    """A Python value as a typed SQL literal: what binding a parameter means on Spark."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float | Decimal):
        return exp.Literal.number(value)
    if isinstance(value, datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP"))
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    if isinstance(value, dict):
        return exp.Struct(expressions=[exp.alias_(literal(v), k) for k, v in value.items()])
    raise ConfigError(f"cannot bind {value!r} ({type(value).__name__}) as a parameter")


def interval_functions(node: exp.Expression) -> exp.Expression:
    """DuckDB's to_months(n), to_days(n), to_minutes(n)...: Spark's make_ym_interval and
    make_dt_interval with n in the field it names."""
    if not isinstance(node, exp.Anonymous) or str(node.this).lower() not in _INTERVAL_FIELDS:
        return node
    function, position = _INTERVAL_FIELDS[str(node.this).lower()]
    fields: list[exp.Expression] = [exp.Literal.number(0)] * (2 if function == "make_ym_interval" else 4)
    fields[position] = node.expressions[0]
    return exp.Anonymous(this=function, expressions=fields)


_INTERVAL_FIELDS = {
    "to_years": ("make_ym_interval", 0), "to_months": ("make_ym_interval", 1),
    "to_days": ("make_dt_interval", 0), "to_hours": ("make_dt_interval", 1),
    "to_minutes": ("make_dt_interval", 2), "to_seconds": ("make_dt_interval", 3),
}  # fmt: skip

def unnest_recursive(node: exp.Expression) -> exp.Expression:
    """DuckDB's unnest(structs, recursive := true), a row per struct with its fields as columns:
    Spark's inline(structs)."""
    if isinstance(node, exp.Explode) and any(
        isinstance(e, exp.PropertyEQ) and e.name.lower() == "recursive" for e in node.expressions
    ):
        return exp.Inline(this=node.this)
    return node


def lists(node: exp.Expression) -> exp.Expression:
    """DuckDB's list(x ORDER BY k1 DESC, k2) and string_agg(x, sep ORDER BY k): Spark's collect_list
    has no order (SQLGlot drops the ORDER BY), skips NULLs and gives [] over no rows, where DuckDB
    keeps NULLs in a list and gives NULL. Spark: collect x with its keys as structs (never NULL),
    sort them with a comparator that orders as DuckDB does (NULLs last unless asked), keep x, NULL
    when nothing was collected; a string_agg joins that list (array_join skips NULLs, as DuckDB)."""
    aggregate, condition = (node.this, node.expression) if isinstance(node, exp.Filter) else (node, None)
    if not isinstance(aggregate, exp.ArrayAgg | exp.GroupConcat):
        return node
    if condition is None and isinstance(node.parent, exp.Filter):
        return node  # rewritten with its FILTER, one level up
    order = aggregate.this if isinstance(aggregate.this, exp.Order) else None
    inner = order.this if order else aggregate.this
    distinct = isinstance(inner, exp.Distinct)
    (value,) = inner.expressions if distinct else [inner]
    keys = [(f"k{i}", o) for i, o in enumerate(order.expressions if order else [])]
    fields = [exp.alias_(o.this.copy(), name) for name, o in keys] + [exp.alias_(value.copy(), "v")]
    struct: exp.Expression = exp.Struct(expressions=fields)
    collected: exp.Expression = exp.ArrayAgg(this=exp.Distinct(expressions=[struct]) if distinct else struct)
    if condition is not None:
        collected = exp.Filter(this=collected, expression=condition.copy())
    if keys:
        collected = exp.Anonymous(this="array_sort", expressions=[collected, _comparator(keys)])
    pick = exp.Lambda(this=exp.column("v", "niche_s"), expressions=[exp.to_identifier("niche_s")])
    values = exp.Anonymous(this="transform", expressions=[collected, pick])
    found = exp.case().when(exp.EQ(this=exp.Anonymous(this="size", expressions=[collected.copy()]),
                                   expression=exp.Literal.number(0)), exp.null()).else_(values)  # fmt: skip
    if isinstance(aggregate, exp.GroupConcat):
        separator = aggregate.args.get("separator") or exp.Literal.string(",")
        return exp.Anonymous(this="array_join", expressions=[found, separator.copy()])
    return found


def _comparator(keys: list[tuple[str, exp.Ordered]]) -> exp.Lambda:
    """(l, r) -> -1, 0 or 1 as ORDER BY keys puts l and r (DuckDB's NULLS LAST by default)."""
    cases = exp.Case()
    first, later = exp.Literal.number(-1), exp.Literal.number(1)
    for name, o in keys:
        left, right = exp.column(name, "niche_l"), exp.column(name, "niche_r")
        nulls_first, descending = bool(o.args.get("nulls_first")), bool(o.args.get("desc"))
        cases = cases.when(exp.and_(left.is_(exp.null()), exp.not_(right.is_(exp.null()))),
                           first if nulls_first else later)  # fmt: skip
        cases = cases.when(exp.and_(exp.not_(left.is_(exp.null())), right.is_(exp.null())),
                           later if nulls_first else first)  # fmt: skip
        cases = cases.when(exp.LT(this=left, expression=right), later if descending else first)
        cases = cases.when(exp.GT(this=left, expression=right), first if descending else later)
    return exp.Lambda(this=cases.else_(exp.Literal.number(0)),
                      expressions=[exp.to_identifier("niche_l"), exp.to_identifier("niche_r")])  # fmt: skip


def list_slices(node: exp.Expression) -> exp.Expression:
    """DuckDB's list[a:b] (1-based, both ends in) is Spark's slice(list, a, b - a + 1); its list[-n]
    (n-th from the end) is element_at(list, -n). SQLGlot writes both with brackets Spark reads otherwise."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    (index,) = node.expressions
    if isinstance(index, exp.Slice):
        start = int(index.this.name) if index.this else 1
        end = index.expression
        if start < 1 or not isinstance(end, exp.Literal) or int(end.name) < start:
            raise sqlglot.errors.UnsupportedError(f"list slice {node.sql('duckdb')}: only [a:b] with 1 <= a <= b")
        return exp.Anonymous(this="slice", expressions=[node.this, exp.Literal.number(start),
                                                        exp.Literal.number(int(end.name) - start + 1)])  # fmt: skip
    if isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal):
        from_end = int(index.this.name) - 1  # SQLGlot has shifted DuckDB's 1-based index by one
        return exp.Anonymous(this="element_at", expressions=[node.this, exp.Literal.number(-from_end)])
    return node


def continuous_quantiles(node: exp.Expression) -> exp.Expression:
    """DuckDB's quantile_cont(x, q) interpolates between values as Spark's percentile(x, q) does
    (Spark's percentile_cont takes the WITHIN GROUP form only)."""
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    return node


def iso_weekdays(node: exp.Expression) -> exp.Expression:
    """DuckDB's isodow (Monday 1 .. Sunday 7) is Spark's weekday + 1 (weekday: Monday 0); SQLGlot's
    (dayofweek % 7) + 1 makes Sunday 2."""
    if isinstance(node, exp.DayOfWeekIso):
        return exp.Add(this=exp.Anonymous(this="weekday", expressions=[node.this]), expression=exp.Literal.number(1))
    return node


def arg_extremes(node: exp.Expression) -> exp.Expression:
    """DuckDB's arg_max(x, v) and arg_min skip the rows whose x is NULL (the newest known employer,
    not the newest row's); Spark's max_by takes the row with the largest v whatever its x. Spark:
    a NULL x gets a NULL v, which max_by and min_by skip."""
    if isinstance(node, exp.ArgMax | exp.ArgMin) and not node.meta.get("niche_rewritten"):
        value = node.this
        known = exp.case().when(exp.not_(value.copy().is_(exp.null())), node.expression.copy())
        rewritten = type(node)(this=value.copy(), expression=known)
        rewritten.meta["niche_rewritten"] = True
        return rewritten
    return node


REWRITES: list[Callable[[exp.Expression], exp.Expression]] = [
    interval_functions, unnest_recursive, lists, list_slices, continuous_quantiles, iso_weekdays, arg_extremes,
]


def run(spark: SparkSession, data: Path | str, name: str, **params: Any) -> list[dict[str, Any]]:
    """The rows of one metric on Spark over the export at data: the same rows, column names and
    Python types as niche.metrics.run on the DuckDB store."""
    unread = register(spark, data)
    sql = to_spark(name, **{k: v for k, v in params.items() if k in metrics.parameters_of(metrics.sql_of(name))})
    unreadable = sorted(tables_read(name) & unread.keys())
    if unreadable:
        raise SparkError(f"metric {name}: Spark could not read the export's {unreadable[0]}: {unread[unreadable[0]]}")
    try:
        rows = spark.sql(sql).collect()
    except Exception as exc:  # Spark's analysis and execution errors: reported by metric, never hidden
        raise SparkError(f"metric {name}: Spark could not run it: {_first_line(exc)}") from exc
    return [row.asDict(recursive=True) for row in rows]


def main(argv: list[str]) -> int:
    """`python -m niche.metrics.spark DIR [NAME...]`, what spark-submit runs: every metric (or those
    named) over the export at DIR with the defaults of `niche metrics`, as its --json prints them;
    a metric that fails is named on stderr and the exit status is 1."""
    if not argv or argv[0].startswith("-"):
        print("usage: python -m niche.metrics.spark DIR [NAME...]  (or spark-submit --master URL "
              "niche/metrics/spark.py DIR [NAME...])", file=sys.stderr)  # fmt: skip
        return 2
    data, names = argv[0], argv[1:] or metrics.available()
    plan = metrics.defaults(data)
    spark = session(None)  # the master spark-submit was given (local[*] without spark-submit)
    results, failed = {}, {}
    for name in (n for n in names if n in plan):
        try:
            results[name] = run(spark, data, name, **plan[name])
        except SparkError as exc:
            failed[name] = str(exc)
            print(exc, file=sys.stderr)
    not_run = {n: "it is about one person: `niche metrics --person WHO` runs it" for n in names if n not in plan}
    as_of = export_window(Path(data)).as_of
    answer = {"as_of": as_of, "months": 12, "metrics": results, "not_run": not_run, "failed": failed}
    print(json.dumps(metrics.to_json(answer), indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

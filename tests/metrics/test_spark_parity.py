"""Every metric gives the same rows on Spark as on DuckDB: a real store (a git repository made
here, real Gerrit reviews, mailing-list archives and IRC logs), exported to Parquet, every metric
SQL file run on both engines and compared row by row, in the metric's own order, value and Python
type alike."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from niche import metrics
from niche.metrics import spark as on_spark
from niche.store import Store, parquet
from tests.helpers.cli import niche
from tests.helpers.mixed_store import build

# Two days in the history: the end of the busiest year of review, and one when the git history
# made here is in the year before (the newest data, the default, is an IRC log of 2021).
AS_OF = (datetime(2014, 12, 31, 23, 59, 59), datetime(2019, 6, 30, 23, 59, 59))


# Metrics these data give no rows: no bug tracker, forum or field cut to its bound among the fixtures
# read here, and no merged Gerrit change of the repository made here.
NO_ROWS = {"cut_fields", "open_questions", "untriaged_bugs", "reviews_commits"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The store and its Parquet export (addresses included: the engines, not the masking, are compared)."""
    root = tmp_path_factory.mktemp("parity")
    db = build(root / "community")
    with Store(db, read_only=True) as store:
        parquet.export(store, root / "export", show_emails=True)
    return db, root / "export"


def _typed(value: Any) -> Any:
    """A value with the type of every part spelled out: 1, 1.0 and Decimal(1) compare unequal."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _person(store: Store) -> str:
    """The person with the most kinds of work (code, review, mail...)."""
    return str(store.value("""SELECT person_id FROM person_activities GROUP BY person_id
                              ORDER BY count(DISTINCT split_part(kind, '.', 1)) DESC, count(*) DESC, person_id LIMIT 1"""))


@pytest.mark.parametrize("name", metrics.available())
def test_spark_gives_duckdbs_rows(name: str, exported: tuple[Path, Path], spark: Any) -> None:
    db, export = exported
    compared = 0
    with Store(db, read_only=True) as store:
        wanted = metrics.parameters_of(metrics.sql_of(name))
        person = _person(store) if "person_id" in wanted else None
        for as_of in AS_OF if "as_of" in wanted else (None,):
            params = metrics.defaults(store, as_of, person_id=person)[name]
            assert metrics.defaults(export, as_of, person_id=person)[name] == params
            expected = metrics.run(store, name, **params)
            got = on_spark.run(spark, export, name, **params)
            assert [list(r) for r in got] == [list(r) for r in expected]  # the same columns, in order
            assert _typed(got) == _typed(expected), as_of
            compared += len(expected)
    if name not in NO_ROWS:
        assert compared, "no rows on either engine: the comparison would prove nothing"


def test_the_cli_prints_the_same_json_on_both_engines(exported: tuple[Path, Path], spark: Any, tmp_path: Path) -> None:
    db, _ = exported
    assert niche("--db", str(db), "export", "parquet", "out", cwd=tmp_path).returncode == 0
    wanted = ("monthly_contributors", "people_directory", "reviews_velocity", "reviewer_depth", "person_profile")
    args = ("--db", str(db), "metrics", *wanted, "--as-of", "2014-12", "--person", "Anita Kuno", "--json")
    on_duckdb = niche(*args, cwd=tmp_path)
    on_spark = niche(*args, "--engine", "spark", "--data", "out", cwd=tmp_path)
    assert on_duckdb.returncode == on_spark.returncode == 0, on_spark.stderr
    answer = json.loads(on_spark.stdout)
    assert answer == json.loads(on_duckdb.stdout)
    assert list(answer["metrics"]) == list(wanted) and all(answer["metrics"].values())
    assert {r["email"] for r in answer["metrics"]["people_directory"]} <= {"(hidden)", None}


def test_a_metric_spark_cannot_run_is_named_with_the_reason(exported: tuple[Path, Path], spark: Any,
                                                            tmp_path: Path) -> None:  # fmt: skip
    db, export = exported
    broken = tmp_path / "export"
    shutil.copytree(export, broken)
    (broken / "people.parquet").unlink()
    (broken / "people.parquet").mkdir()  # an empty folder: Spark finds no columns in it
    args = ("people_directory", "monthly_contributors", "--engine", "spark", "--data", str(broken), "--json")
    done = niche("--db", str(db), "metrics", *args, cwd=tmp_path)
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert list(answer["failed"]) == ["people_directory"] and list(answer["metrics"]) == ["monthly_contributors"]
    assert "error: metric people_directory: Spark could not read the export's people:" in done.stderr


def test_quantities_are_never_decimals_on_one_engine_only() -> None:
    assert _typed([{"a": 1}]) != _typed([{"a": 1.0}]) and _typed(Decimal(1)) != _typed(1)


def test_the_spark_submit_entry_point_prints_what_the_cli_prints(exported: tuple[Path, Path], spark: Any,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """`spark-submit .../niche/metrics/spark.py DIR NAME...` (here in this process, on the test's session)."""
    db, export = exported
    wanted = ("contributors_to_date", "bus_factor", "person_profile")
    assert on_spark.main([str(export), *wanted]) == 0
    printed = json.loads(capsys.readouterr().out)
    cli = niche("--db", str(db), "metrics", *wanted[:2], "--json", cwd=export.parent)
    assert printed["metrics"] == json.loads(cli.stdout)["metrics"] and printed["metrics"]["contributors_to_date"]
    assert list(printed["not_run"]) == ["person_profile"]


def test_the_export_holds_every_table_the_metrics_read() -> None:
    read = set().union(*(on_spark.tables_read(name) for name in metrics.available()))
    assert read <= set(parquet.TABLES), read - set(parquet.TABLES)


def test_parameters_are_bound_as_literals_never_pasted(exported: tuple[Path, Path], spark: Any) -> None:
    db, export = exported
    hostile = "x' OR '1'='1"
    assert on_spark.run(spark, export, "person_roles", person_id=hostile) == []
    with Store(db, read_only=True) as store:
        assert metrics.run(store, "person_roles", person_id=hostile) == []
        someone = _person(store)
    assert on_spark.run(spark, export, "person_roles", person_id=someone)  # the same query finds a real person's

"""Metrics: one SQL file per metric (DuckDB dialect, plain enough to transpile), one small runner.

Each file starts with a comment saying what it measures, the CHAOSS definition it follows and
its parameters; a user can read it and run it by hand against the database.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from niche.errors import NicheError, NotFoundError
from niche.metrics.cycles import Window, load_cycles
from niche.metrics.window import data_window, export_window
from niche.store import Store

_SQL = resources.files("niche.metrics") / "sql"


def available() -> list[str]:
    return sorted(p.name.removesuffix(".sql") for p in _SQL.iterdir() if p.name.endswith(".sql"))


def sql_of(name: str) -> str:
    path = _SQL / f"{name}.sql"
    if not path.is_file():
        raise NotFoundError(f"no metric named {name!r}; known metrics: {', '.join(available())}")
    return path.read_text()


def parameters_of(sql: str) -> set[str]:
    return set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", sql)))


def run(store: Store, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run the metric's SQL with the parameters it uses; rows come back as dicts."""
    sql = sql_of(name)
    wanted = parameters_of(sql)
    missing = wanted - params.keys()
    if missing:
        raise NicheError(f"metric {name} needs parameters: {', '.join(sorted(missing))}")
    return store.rows(sql, {k: v for k, v in params.items() if k in wanted})


# What the CLI, the dashboard and the API run a metric with unless told otherwise.
LIMITS = {"active_areas": 10, "busiest_keys": 25, "recognition": 5, "person_recent": 40}
RECENT_DAYS = 90  # how far back a question, bug or change waiting for someone is still news (`niche niches`)


def defaults(data: Store | Path | str, as_of: datetime | None = None, months: int = 12,
             person_id: str | None = None, cycles: list[Window] | None = None) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Each metric's parameters as niche's commands set them, for a store or a Parquet export (its
    folder): as of the newest activity, over `months` months, every release cycle (niche's
    built-in ones unless given), every project; a metric about one person only with person_id
    (the others are left out: their names are those of available() not here)."""
    as_of = (data_window(data, as_of) if isinstance(data, Store) else export_window(Path(data), as_of)).as_of
    values = {"as_of": as_of, "months": months, "since": as_of - timedelta(days=RECENT_DAYS), "project": None,
              "cycles": [w.param() for w in cycles or load_cycles()], "kind_prefix": None, "person_id": person_id}  # fmt: skip
    found = {}
    for name in available():
        wanted = parameters_of(sql_of(name))
        if "person_id" in wanted and person_id is None and name != "identities_of_people":
            continue
        params = {k: v for k, v in values.items() if k in wanted}
        if "limit" in wanted:
            params["limit"] = LIMITS[name]
        if name == "quarantined":
            params["since"] = datetime.min  # all of it, as `niche quarantine` lists it
        found[name] = params
    return found


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, for `--json` output."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_json(value: Any) -> Any:
    """Rows, dicts, lists and dataclasses with dates as ISO strings, ready for json.dumps."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(vars(value))
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return jsonable(value)

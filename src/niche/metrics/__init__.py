"""Metrics: one SQL file per metric (DuckDB dialect, plain enough to transpile), one small runner.

Each file starts with a comment saying what it measures, the CHAOSS definition it follows and
its parameters; a user can read it and run it by hand against the database.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from importlib import resources
from typing import Any

from niche.errors import NicheError, NotFoundError
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

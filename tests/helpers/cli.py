"""Run the niche command as a user does, in this process (Typer's CliRunner): much faster than a
new interpreter per command. The kill -9 test and the serve-while-syncing test start real
processes, which they need."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from niche.cli import app


@dataclass(frozen=True)
class Ran:
    """What a command did, as a shell sees it."""

    returncode: int
    stdout: str
    stderr: str


def niche(*args: str, cwd: Path, env: dict[str, str | None] | None = None) -> Ran:
    """`niche ARGS` run in cwd. NICHE_DB and NICHE_CONFIG of the environment running the tests are
    not seen (env sets variables for this command; None unsets one). An exception that is not an
    exit is raised here, so the test shows its traceback."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(app, list(args), env={"NICHE_DB": None, "NICHE_CONFIG": None, **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def niche_ok(db: Path, *args: str, exit_code: int = 0) -> str:
    """The output of `niche --db DB ARGS...`, which must succeed (exit_code 1: with some input
    quarantined, as the README's exit-code rule has it)."""
    result = niche("--db", str(db), *args, cwd=db.parent)
    assert result.returncode == exit_code, result.stdout + result.stderr
    return result.stdout


def count_in(db: Path, sql: str) -> int:
    """The one number a query asks of the store at db."""
    from niche.store import Store

    with Store(db, read_only=True) as store:
        return store.con.execute(sql).fetchone()[0]

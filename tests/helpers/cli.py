"""Run the niche command as a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def niche(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "niche", *args], cwd=cwd, capture_output=True, text=True, env=None)


def niche_ok(db: Path, *args: str) -> str:
    """The output of `niche --db DB ARGS...` run in this process, which must succeed."""
    from typer.testing import CliRunner  # here: importing the CLI is slow for tests that never run it

    from niche.cli import app

    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def count_in(db: Path, sql: str) -> int:
    """The one number a query asks of the store at db."""
    from niche.store import Store

    with Store(db, read_only=True) as store:
        return store.con.execute(sql).fetchone()[0]

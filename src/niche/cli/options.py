"""Options several `niche` commands share, defined once so they read and behave the same."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from niche.community import Community

AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", help="Compute figures as of this date (UTC); default: the newest activity in the database."
    ),
]
MonthsOption = Annotated[int, typer.Option("--months", min=1, max=240, help="Months of history in monthly figures.")]
ShowEmails = Annotated[bool, typer.Option("--show-emails", help="Show email addresses (hidden by default).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
DbOption = Annotated[Path, typer.Option("--db", envvar="NICHE_DB", help="Database file.", show_default=True)]


def community_of(ctx: typer.Context, read_only: bool = False, max_wait: float = 3600) -> Community:
    """The community the command works on: --db and --config (or niche.toml), with web sources'
    waits and retries said as they happen."""
    from niche.cli.console import warn

    return Community(ctx.obj["db"], ctx.obj["config"], read_only=read_only, notify=warn, max_wait=max_wait)

"""Options several `niche` commands share, defined once so they read and behave the same."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

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

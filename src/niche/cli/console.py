"""What every command prints through: standard output for results, standard error for
progress, warnings and errors (one message, one line), and dates as the CLI writes them."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape

out = Console()
err = Console(stderr=True, soft_wrap=True)  # one message, one line, whatever the width


def fail(message: str) -> None:
    """An error, on one line of standard error."""
    err.print(f"[red]error:[/red] {escape(message)}")


def day(moment: datetime | None, otherwise: str = "?") -> str:
    """A date as the CLI prints it, or `otherwise` when there is none."""
    return f"{moment:%Y-%m-%d}" if moment else otherwise

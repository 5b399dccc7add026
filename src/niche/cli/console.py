"""What every command prints through: standard output for results, standard error for
progress, warnings and errors (one message, one line), and dates as the CLI writes them."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape

from niche.metrics.window import DataWindow, data_window
from niche.store import Store

out = Console()
err = Console(stderr=True, soft_wrap=True)  # one message, one line, whatever the width


def fail(message: str) -> None:
    """An error, on one line of standard error."""
    err.print(f"[red]error:[/red] {escape(message)}")


def day(moment: datetime | None, otherwise: str = "?") -> str:
    """A date as the CLI prints it, or `otherwise` when there is none."""
    return f"{moment:%Y-%m-%d}" if moment else otherwise


def dated(store: Store, as_of: datetime | None = None) -> DataWindow:
    """The dates a command's figures cover: said once on standard error (the data's range, the
    as-of day, and a warning when the data ends over a month before it); the as-of day defaults
    to the newest activity in the store."""
    window = data_window(store, as_of)
    show_window(window)
    return window


def show_window(window: DataWindow) -> None:
    err.print(f"[dim]{escape(window.describe())}[/dim]")
    if window.warning():
        err.print(f"[yellow]warning:[/yellow] {escape(window.warning())}")

"""What every command prints through: standard output for results, standard error for progress,
warnings and errors (one message, one line), dates as the CLI writes them, and the one report of
what a sync did."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.segment import Segment
from rich.table import Table

if TYPE_CHECKING:
    from niche.community import Community
    from niche.store.sync import SyncResult

from niche.metrics.window import DataWindow, data_window
from niche.store import Store
from niche.words import plural

# Every C0 and C1 control character and DEL but line feed and tab. In a name, a subject or a path
# (anyone can write one) they would blink, retitle or clear the user's terminal (ESC [ 2 J), or
# hide the rest of a line, whether the output is a terminal or piped to `less -R`.
_CONTROL = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)])


def printable(text: str) -> str:
    """text without the control characters a terminal would obey."""
    return text.translate(_CONTROL)


class _Terminal(Console):
    """A Console that strips control characters from all it renders, so no command has to remember
    to: tables, markup, progress labels and JSON alike. Rich's own codes (colours, links, the
    progress bar's cursor moves) are made later, from styles and control segments, so they stay."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            yield segment if segment.control else Segment(printable(segment.text), segment.style)


out = _Terminal()
err = _Terminal(stderr=True, soft_wrap=True)  # one message, one line, whatever the width
SHOWN_QUARANTINED = 10
PROGRESS_EVERY = 10.0  # seconds between progress lines when standard error is not a terminal


WIDE = 100  # narrower than this, a table of many columns is printed as one line a row


def print_rows(headers: tuple[str, ...], rows: list[tuple[str, ...]], title: str | None = None) -> None:
    """Rows of figures (cells already escaped): a table in a wide terminal; in a narrow one (80
    columns), one line a row, 'first cell: header value, ...', so no cell is cut off with '…'."""
    if out.width >= WIDE:
        table = Table(*headers, title=title)
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    if title:
        out.print(f"[bold]{escape(title)}[/bold]")
    for first, *rest in rows:
        out.print(f"{first}: " + ", ".join(f"{h} {v}" for h, v in zip(headers[1:], rest, strict=True) if v))


def fail(message: str) -> None:
    """An error, on one line of standard error."""
    err.print(f"[red]error:[/red] {escape(message)}")


def warn(message: str) -> None:
    err.print(f"[yellow]warning:[/yellow] {escape(message)}")


def day(moment: date | None, otherwise: str = "?") -> str:
    """A date as the CLI prints it, or `otherwise` when there is none."""
    return f"{moment:%Y-%m-%d}" if moment else otherwise


class SyncDisplay:
    """Progress of each source while it syncs: a bar in a terminal, a line every PROGRESS_EVERY
    seconds otherwise (a cron job's log), so a long sync never looks stuck."""

    def __init__(self) -> None:
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err, transient=True)  # fmt: skip
        self.tasks: dict[str, TaskID] = {}
        self.said_at = time.monotonic()

    def __enter__(self) -> SyncDisplay:
        if err.is_terminal:
            self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if err.is_terminal:
            self.bar.stop()

    def progress(self, label: str, done: int, expected: int | None, bar: str | None = None) -> None:
        """Source label has read done of expected items; bar names the bar when it is not the label
        (many repositories read at once share one, whose label says how far they are)."""
        if not err.is_terminal:
            if time.monotonic() - self.said_at >= PROGRESS_EVERY:
                self.said_at = time.monotonic()
                said = label if bar and bar != label else f"{label}: {done:,}" + (f" of {expected:,}" if expected else "")
                err.print(escape(said) + " read so far")
            return
        key = bar or label
        if key not in self.tasks:
            self.tasks[key] = self.bar.add_task(escape(label), total=None)
        self.bar.update(self.tasks[key], description=escape(label), completed=done,
                        total=max(expected, done) if expected else None)  # fmt: skip


def sync_line(r: SyncResult) -> str:
    """What one source's sync did, in words: 'nova: 12 new commits, 2 removed, 1 quarantined'."""
    said = [f"{plural(r.new, 'new ' + r.noun)}"]
    said += [f"{r.changed:,} changed"] * bool(r.changed) + [f"{r.removed:,} removed"] * bool(r.removed)
    said += [f"{r.quarantined:,} quarantined"] * bool(r.quarantined)
    details = ", ".join(plural(n, what) for what, n in r.details.items() if n)
    requests = f" ({plural(r.requests, 'request')})" if r.requests else ""
    return f"{r.label}: {', '.join(said)}" + (f"; {details}" if details else "") + requests


def report_sync(community: Community, results: list[SyncResult], started: datetime | None = None) -> None:
    """One line per source (an error, or what it brought), its warnings, and the first few items
    it quarantined (`niche quarantine` lists all)."""
    for r in results:
        for warning in r.warnings:
            warn(warning)
        if r.error:
            fail(r.error)
        if r.error is None or r.new or r.changed or r.quarantined:
            err.print(escape(sync_line(r)))
    if started is None:
        return
    bad = community.quarantined(since=started)[::-1]
    for q in bad[:SHOWN_QUARANTINED]:
        err.print(f"[yellow]quarantined:[/yellow] {escape(q.location)}: {escape(q.error)}")
    if len(bad) > SHOWN_QUARANTINED:
        err.print(f"... and {len(bad) - SHOWN_QUARANTINED} more: see `niche quarantine`")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def dated(store: Store, as_of: datetime | None = None) -> DataWindow:
    """The dates a command's figures cover: said once on standard error (the data's range, the
    as-of day, and a warning when the data ends over a month before it); the as-of day defaults
    to the newest activity in the store."""
    window = data_window(store, as_of)
    show_window(window)
    return window


def show_window(window: DataWindow) -> None:
    err.print(f"[dim]{escape(window.describe())}[/dim]")
    if warning := window.warning():
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")

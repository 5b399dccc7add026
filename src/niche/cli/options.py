"""Options several `niche` commands share, defined once so they read and behave the same."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from niche.community import Community

_DAY = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})(?P<clock>[T ].+)?)?)?")
DAY_FORMS = "2025, 2025-12, 2025-12-31 or 2025-12-31T10:00"


def day_of(text: str, end: bool = False) -> datetime:
    """A moment as a user writes it, in UTC: a year, a month, a day, or a day and a time (an
    offset, if given, is turned into UTC). A year, month or day without a time is its first
    moment, or with `end` its last, so `--as-of 2025-12` and `--as-of 2025-12-31` both count
    the 31st. Raises BadParameter, in words, for a date that does not exist (2013-02-30)."""
    match = _DAY.fullmatch(text.strip())
    if match is None:
        raise typer.BadParameter(f"{text}: not a date; write it as {DAY_FORMS}")
    year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
    if not 1 <= month <= 12:
        raise typer.BadParameter(f"{text}: not a date: there is no month {month}, a year has 12")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise typer.BadParameter(f"{text}: not a date: {calendar.month_name[month]} {year} has {days} days")
    if match["clock"]:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError as exc:
            raise typer.BadParameter(f"{text}: not a time of day ({exc}); write it as {DAY_FORMS}") from None
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    start = datetime(year, month, day)
    if not end:
        return start
    if match["day"]:
        following = start + timedelta(days=1)
    elif match["month"]:
        following = datetime(year + month // 12, month % 12 + 1, 1)
    else:
        following = datetime(year + 1, 1, 1)
    return following - timedelta(microseconds=1)


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", parser=partial(day_of, end=True), metavar="DATE",
        help=f"Compute figures as of the end of this year, month or day (UTC; {DAY_FORMS}); default: the "
        "newest activity in the database.",
    ),
]  # fmt: skip
JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Repositories read at once (default: one per core); 1 reads one at a time."),
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

"""The dates every figure is over: the data's own range, and the day figures are "as of".

"As of" defaults to the newest activity in the store, not to today: a store whose data ends in
August would otherwise count nobody active in December and call everyone "quiet". Every command
and page says which dates the data covers, warns when the newest data is more than a month older
than the as-of day, and marks a month that is not over on that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from niche.store import Store, parquet

STALE_AFTER = timedelta(days=31)  # "more than a month" between the newest data and the as-of day


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class DataWindow:
    """first and last: the oldest and newest activity in the store (None when it has none);
    as_of: the day figures are computed for; asked: whether a user chose it."""

    first: datetime | None
    last: datetime | None
    as_of: datetime
    asked: bool = False

    @property
    def stale(self) -> bool:
        return self.last is not None and self.as_of - self.last > STALE_AFTER

    def describe(self) -> str:
        """One line: the range the data covers and the as-of day."""
        if self.first is None or self.last is None:
            return f"no activity in the database yet; as of {self.as_of:%Y-%m-%d}"
        why = "" if self.asked else " (the newest data)"
        return f"data from {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}; figures as of {self.as_of:%Y-%m-%d}{why}"

    def warning(self) -> str | None:
        """What a reader must know before trusting the recent figures, or None."""
        if self.last is None:
            return "the database holds no activity yet: sync a source first (`niche sync`, `niche analyze PATH`)"
        if self.stale:
            days = (self.as_of - self.last).days
            return (
                f"the newest data is from {self.last:%Y-%m-%d}, {days} days before {self.as_of:%Y-%m-%d}: recent "
                f"figures miss what was not synced; sync again, or use --as-of {self.last:%Y-%m-%d}"
            )
        return None

    def month_not_over(self, month: date | datetime) -> bool:
        """Whether the calendar month starting at `month` is not over on the as-of day."""
        start = datetime(month.year, month.month, 1)
        following = datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start <= self.as_of < following - timedelta(seconds=1)

    def month_label(self, month: date | datetime) -> str:
        """'2026-08', or '2026-08 (to the 29th, not over)' for a month the figures cover in part."""
        label = f"{month:%Y-%m}"
        if self.month_not_over(month):
            label += f" (to the {_ordinal(self.as_of.day)}, not over)"
        return label

    def not_over_note(self) -> str:
        """For a monthly chart: ' (2026-12 counts to the 3rd: the month is not over)', or ''."""
        if not self.month_not_over(self.as_of):
            return ""
        return f" ({self.as_of:%Y-%m} counts to the {_ordinal(self.as_of.day)}: the month is not over)"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_RANGE = "SELECT min(occurred_at), max(occurred_at) FROM activities WHERE occurred_at <= ?"


def data_window(store: Store, as_of: datetime | None = None) -> DataWindow:
    """The store's date range and the as-of day: `as_of` if given, else the newest activity (never
    later than now: a commit dated in the future by a wrong clock is not "the newest data")."""
    now = now_utc()
    first, last = store.one(_RANGE, [now])
    return DataWindow(first, last, as_of or last or now, asked=as_of is not None)


def export_window(directory: Path, as_of: datetime | None = None) -> DataWindow:
    """The same for a Parquet export (`niche export parquet`), read with DuckDB."""
    now = now_utc()
    activities = parquet.read(directory).path_of("activities") / "**" / "*.parquet"
    with duckdb.connect() as con:
        con.read_parquet(str(activities), hive_partitioning=False).create_view("activities")
        first, last = con.execute(_RANGE, [now]).fetchone() or (None, None)
    return DataWindow(first, last, as_of or last or now, asked=as_of is not None)

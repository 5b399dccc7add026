"""Release cycles: the windows a community plans its work in, so review figures read per cycle.

OpenStack's named cycles are built in (`cycles.toml`); a community lists its own in niche.toml
under `[[cycles]]` (name and start date; each ends where the next begins).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

from niche.errors import ConfigError

NEVER = datetime(9999, 12, 31)


@dataclass(frozen=True)
class Window:
    """A stretch of time a report covers: a named cycle, or the dates a user gave."""

    name: str
    start: datetime
    end: datetime  # exclusive; NEVER when it runs on

    def param(self) -> dict[str, Any]:
        return {"name": self.name, "start_at": self.start, "end_at": self.end}


def _moment(value: date | datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(value)


def load_cycles(config: dict[str, Any] | None = None) -> list[Window]:
    """The community's cycles from niche.toml's [[cycles]], else OpenStack's, in time order."""
    listed = (config or {}).get("cycles")
    where = "niche.toml [[cycles]]"
    if listed is None:
        listed = tomllib.loads((resources.files("niche.metrics") / "cycles.toml").read_text())["cycles"]
        where = "niche's built-in cycles"
    try:
        starts = sorted((_moment(c["start"]), str(c["name"])) for c in listed)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: each cycle needs a name and a start date ({exc})") from None
    ends = [start for start, _ in starts[1:]] + [NEVER]
    return [Window(name, start, end) for (start, name), end in zip(starts, ends, strict=True)]


def find_cycle(cycles: list[Window], name: str) -> int:
    """The index of the cycle a user named: its whole name or one word of it ('essex', '2023.1')."""
    wanted = name.strip().lower()
    for i, cycle in enumerate(cycles):
        if wanted == cycle.name.lower() or wanted in cycle.name.lower().split():
            return i
    known = ", ".join(c.name for c in cycles)
    raise ConfigError(f"no cycle named {name!r}; known cycles: {known} (a community lists its own in niche.toml)")


def report_windows(
    cycles: list[Window], cycle: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[Window]:
    """What a report covers: one named cycle, the dates given, or (neither given) every cycle."""
    if cycle and (since or until):
        raise ConfigError("give a cycle or dates (--since/--until), not both")
    if cycle:
        return [cycles[find_cycle(cycles, cycle)]]
    if since or until:
        start, end = since or datetime(1970, 1, 1), until or NEVER
        name = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" if until else f"since {start:%Y-%m-%d}"
        return [Window(name, start, end)]
    return cycles


def with_previous(cycles: list[Window], windows: list[Window]) -> list[Window]:
    """The windows with the cycle before each, for reports that compare a cycle with the last one."""
    wanted = []
    for window in windows:
        index = next((i for i, c in enumerate(cycles) if c == window), None)
        if index:
            wanted.append(cycles[index - 1])
        wanted.append(window)
    return sorted(set(wanted), key=lambda w: w.start)

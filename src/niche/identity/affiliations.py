"""Who someone worked for, and when: periods worked out from the addresses a person used.

Contributions are attributed to the employer of the day (people change jobs and keep
contributing), so an affiliation is a period, not a label. A period runs from the first to the
last day a person was seen using an organisation's address, in any source; a wrong employer is
worse than none, so:

- addresses that name no employer (personal, unknown) neither start nor end a period: a Gmail
  commit among Red Hat ones is Red Hat's, one after the last Red Hat address is nobody's;
- a period ends with the last activity seen there, not "until now" or "until the next job";
- a commit is seen when it was last written, its committer date when the author committed it:
  Gerrit keeps a change's first author date through months of revisions, which would start a
  new employer's period too early. The period still covers that commit's own author date, back
  to the end of the period before;
- what a person or the community stated wins over all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Period:
    org: str | None
    start: datetime | None  # None: since ever
    end: datetime | None  # exclusive; None: until now
    reason: str


@dataclass(frozen=True, slots=True)
class Seen:
    """One day a person used an organisation's address (org None: an address naming no employer)."""

    day: date  # when the address was last written (committer date for one's own commits)
    since: date  # the earliest day the same contribution claims (its author date)
    org: str | None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def periods_from_seen(seen: Iterable[Seen], reason: str = "email domain") -> list[Period]:
    """Employment periods from the days a person was seen at organisations (see the module doc)."""
    runs: list[list] = []  # [org, first day seen, last day seen, earliest day claimed]
    for s in sorted((s for s in seen if s.org), key=lambda s: (s.day, s.org)):
        if runs and runs[-1][0] == s.org:
            runs[-1][2] = s.day
            runs[-1][3] = min(runs[-1][3], s.since)
        else:
            runs.append([s.org, s.day, s.day, min(s.since, s.day)])
    periods: list[Period] = []
    previous_end: datetime | None = None  # a period starts no earlier than the one before ends
    for org, _, last, since in runs:
        start = _midnight(since)
        if previous_end and start < previous_end:
            start = previous_end
        previous_end = _midnight(last) + timedelta(days=1)
        periods.append(Period(org, start, previous_end, reason))
    return periods


def with_stated(derived: list[Period], stated: list[Period]) -> list[Period]:
    """Derived periods with stated ones laid over them: a stated period wins wherever it covers,
    derived periods keep what is left on either side."""
    result = list(derived)
    for own in stated:
        kept = []
        for p in result:
            if own.start is not None and (p.start is None or p.start < own.start):
                kept.append(Period(p.org, p.start, own.start if p.end is None else min(p.end, own.start), p.reason))
            if own.end is not None and (p.end is None or own.end < p.end):
                kept.append(Period(p.org, own.end if p.start is None else max(p.start, own.end), p.end, p.reason))
        result = [*kept, own]
    return sorted(result, key=lambda p: p.start or datetime.min)

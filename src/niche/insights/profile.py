"""One person's profile, built in one place for `niche profile` and the dashboard's person page.

Everything a profile shows: who they are (identities, affiliations), their work month by month
and role by role, their areas, the people they work with most, their review depth, their most
recent contributions, and (unless the community turned them off) the signals worth a check-in.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from niche import metrics
from niche.identity.people import PersonDetails, person_details, shown_email, shown_identity
from niche.insights.namesakes import Namesake, namesakes
from niche.insights.signals import Signal, risks
from niche.store import Store

RECENT_WORK = 40  # contributions listed on a profile


@dataclass(frozen=True)
class Profile:
    """One person as of one day."""

    details: PersonDetails
    as_of: datetime
    months: int  # the window of review depth
    work: list[dict[str, Any]]  # person_profile.sql: month, role, place, contributions
    areas: list[dict[str, Any]]  # person_areas.sql
    coworkers: list[dict[str, Any]]  # person_coworkers.sql
    review_depth: dict[str, Any] | None  # reviewer_depth.sql, their row
    recent: list[dict[str, Any]]  # person_recent.sql: their latest contributions, with links
    signals: tuple[Signal, ...] = field(default=())
    namesakes: tuple[Namesake, ...] = field(default=())  # others shown by the same name, kept apart

    @property
    def person_id(self) -> str:
        return self.details.person_id

    @property
    def first_month(self) -> date | None:
        return min((w["month"] for w in self.work), default=None)

    @property
    def last_month(self) -> date | None:
        return max((w["month"] for w in self.work), default=None)

    @property
    def roles(self) -> list[tuple[str, int]]:
        """(role, contributions), most first."""
        counted: Counter[str] = Counter()
        for w in self.work:
            counted[w["role"]] += w["contributions"]
        return counted.most_common()

    @property
    def roles_by_year(self) -> dict[int, dict[str, int]]:
        years: dict[int, Counter[str]] = defaultdict(Counter)
        for w in self.work:
            years[w["month"].year][w["role"]] += w["contributions"]
        return {year: dict(roles) for year, roles in sorted(years.items())}

    def to_json(self, show_emails: bool = False) -> dict[str, Any]:
        """The profile as `niche profile --json` prints it (addresses hidden unless asked)."""
        d = self.details
        return {
            "person_id": d.person_id, "name": d.name, "email": shown_email(d.email, show_emails) or None,
            "is_bot": d.is_bot,
            "identities": [shown_identity(i, show_emails) for i in d.identities],
            "affiliations": d.periods, "first_month": self.first_month, "last_month": self.last_month,
            "roles_by_year": self.roles_by_year, "areas": self.areas, "coworkers": self.coworkers,
            "review_depth": self.review_depth, "recent": self.recent,
            "signals": [vars(s) for s in self.signals], "namesakes": [vars(n) for n in self.namesakes],
        }  # fmt: skip


class Profiles:
    """Builds profiles as of one day. What is computed for everyone at once anyway (review depth,
    signals) is computed once; with `everyone` (the static report writes a page per person) so
    are areas and co-workers, rather than one query per person."""

    def __init__(self, store: Store, as_of: datetime, months: int = 12, person_signals: bool = True,
                 everyone: bool = False):  # fmt: skip
        self.store, self.as_of, self.months = store, as_of, months
        self.person_signals, self.everyone = person_signals, everyone
        self._shared: dict[str, Any] = {}
        self._lock = threading.Lock()  # the server builds profiles from several threads

    def warm(self) -> Profiles:
        """Compute now what every profile shares, rather than for the first one asked."""
        self.signals()
        self.depth()
        if self.everyone:
            self._each("person_areas", "person_id", "")
            self._each("person_coworkers", "me", "")
        return self

    def signals(self) -> dict[str, tuple[Signal, ...]]:
        """Everyone's signals worth a check-in; none when the community turned them off."""
        return self._once("signals", self._signals)

    def depth(self) -> dict[str, dict[str, Any]]:
        """Everyone's review depth (reviewer_depth.sql) over the months before as_of."""
        return self._once("depth", self._depth)

    def of(self, person_id: str) -> Profile | None:
        """The profile of one person (an id); None when there is no such person."""
        details = person_details(self.store, person_id)
        if details is None:
            return None
        one = {"as_of": self.as_of, "person_id": person_id}
        return Profile(
            details=details,
            as_of=self.as_of,
            months=self.months,
            work=metrics.run(self.store, "person_profile", **one),
            areas=self._each("person_areas", "person_id", person_id),
            coworkers=self._each("person_coworkers", "me", person_id),
            review_depth=self.depth().get(person_id),
            recent=metrics.run(self.store, "person_recent", **one, limit=RECENT_WORK),
            signals=self.signals().get(person_id, ()),
            namesakes=tuple(self._once("namesakes", lambda: namesakes(self.store, self.as_of)).get(person_id, [])[1:]),
        )

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if name not in self._shared:
                self._shared[name] = compute()
            return self._shared[name]

    def _each(self, metric: str, key: str, person_id: str) -> list[dict[str, Any]]:
        if not self.everyone:
            return metrics.run(self.store, metric, as_of=self.as_of, person_id=person_id)

        def everyone() -> dict[str, list[dict[str, Any]]]:
            found: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in metrics.run(self.store, metric, as_of=self.as_of, person_id=None):
                found[row[key]].append(row)
            return found

        return self._once(metric, everyone).get(person_id, [])

    def _depth(self) -> dict[str, dict[str, Any]]:
        rows = metrics.run(self.store, "reviewer_depth", as_of=self.as_of, months=self.months)
        return {r["person_id"]: r for r in rows}

    def _signals(self) -> dict[str, tuple[Signal, ...]]:
        if not self.person_signals:
            return {}
        return {r.person_id: r.signals for r in risks(self.store, self.as_of)}

"""What each page of the dashboard shows, gathered from the store once for the server and the
static report alike. Every chart is a Vega-Lite spec over rows that the page also shows as a table."""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from niche.community import Community
from niche.config import Config
from niche.insights.niches import RECENT_DAYS
from niche.insights.profile import Profiles
from niche.metrics.cycles import Window, load_cycles
from niche.metrics.review_reports import newest_review, run_report
from niche.store import Store
from niche.web import charts

PAGES = (  # file name, title: the navigation, in order
    ("index", "Overview"),
    ("roles", "Roles"),
    ("people", "People"),
    ("review", "Review"),
    ("recognition", "Recognition"),
    ("health", "Health"),
    ("niches", "Find your niche"),
    ("trail", "Trail"),
    ("quality", "Data quality"),
)


def trail_slug(key: str) -> str:
    """The static report's file name for a key's trail (keys hold any characters, names must not)."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


# The review reports the review page shows for the current release cycle.
CYCLE_REPORTS = (
    "cores",
    "load",
    "timing",
    "employers",
    "single-approval",
    "disagreement",
    "outcomes",
    "open",
    "commits",
)


@dataclass
class Site:
    """The pages of one store as of one day; `show_emails` reveals addresses (hidden by default).
    Figures every page shares are computed once, whichever thread asks first; `version` tells
    the server's page cache which snapshot of the store the pages come from."""

    store: Store
    as_of: datetime | None = None
    months: int = 12
    show_emails: bool = False
    person_signals: bool = True  # overload/disengagement signals on profiles ([insights] in niche.toml)
    version: int = 0
    cycles: list[Window] = field(default_factory=load_cycles)  # release cycles ([[cycles]] in niche.toml)

    def __post_init__(self) -> None:
        self.community = Community(self.store, Config(person_signals=self.person_signals))
        self.window = self.community.window(self.as_of)  # as of the newest activity unless asked
        self.as_of = self.window.as_of
        self.profiles = Profiles(self.store, self.as_of, self.months, self.person_signals, everyone=True)
        self._shared: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def params(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "months": self.months}

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if name not in self._shared:
                self._shared[name] = compute()
            return self._shared[name]

    def warm(self) -> Site:
        """Compute what every page shares now rather than on the first request."""
        self.headline()
        self.profiles.warm()
        return self

    def headline(self) -> dict[str, Any]:
        return self._once("headline", lambda: self.community.headline(self.as_of, self.months))

    def page(self, name: str, query: str | None = None) -> dict[str, Any]:
        """The context of one of PAGES; `query` is what the trail page follows, or the interests
        the niches page matches."""
        return getattr(self, name)(query) if name in ("trail", "niches") else getattr(self, name)()

    def index(self) -> dict[str, Any]:
        h = self.headline()
        return {
            "h": h,
            "charts": {
                "active": charts.monthly_active(h["monthly_contributors"]),
                "by_role": charts.active_by_role(h["active_by_role_monthly"]),
                "newcomers": charts.newcomers(h["newcomer_retention"]),
            },
        }

    def roles(self) -> dict[str, Any]:
        h = self.headline()
        by_role: dict[str, list[tuple]] = defaultdict(list)
        for r in self.community.role_leaders(self.as_of, self.months):
            by_role[r["role"]].append(
                (r["person_id"], r["name"], r["contributions"], r["example"], r["kind"], r["rule"])
            )
        chart = charts.contributors_by_role(h["contributors_by_role"])
        return {"h": h, "leaders": dict(by_role), "charts": {"roles": chart}}

    def people(self) -> dict[str, Any]:
        bots = [(b["person_id"], b["name"]) for b in self.community.bots()]
        return {"people": self.community.people(self.as_of, self.months), "bots": bots}

    def person(self, person_id: str) -> dict[str, Any] | None:
        profile = self.profiles.of(person_id)
        if profile is None:
            return None
        return {
            "p": profile.details,
            "roles": profile.roles,
            "first": profile.first_month,
            "last": profile.last_month,
            "areas": profile.areas[:15],
            "coworkers": profile.coworkers[:10],
            "recent": [tuple(r.values()) for r in profile.recent],  # when, role, rule, kind, place, title, url
            "depth": profile.review_depth,
            "signals": profile.signals,
            "namesakes": profile.namesakes,
            "charts": {"roles": charts.person_roles(profile.work)},
        }

    def review(self) -> dict[str, Any]:
        h = self.headline()
        reviews = self.community.reviews(self.as_of, self.months)
        return {
            "h": h,
            "depth": reviews["reviewers"],
            "network": reviews["network"][:50],
            "stamps": reviews["possible_rubber_stamps"][:50],
            "charts": {
                "merged": charts.merged_per_month(h["change_request_velocity"]),
                "load": charts.review_load(h["review_load"]),
            },
            "cycle": self._once("cycle_reviews", self._cycle_reviews),
        }

    def _cycle_reviews(self) -> dict[str, Any]:
        """The review reports of the release cycle the as-of date falls in (or, when the review
        data ends earlier, the cycle it ends in), for every project."""
        as_of, newest = self.window.as_of, newest_review(self.store)
        moment = min(as_of, newest) if newest else as_of
        window = next((c for c in self.cycles if c.start <= moment < c.end), None) if newest else None
        found: dict[str, Any] = {"window": window, "approval_totals": []}
        if window is None:
            return found
        for name in CYCLE_REPORTS:
            rows, totals = run_report(self.store, name, self.cycles, [window], as_of=moment)
            found[name.replace("-", "_")] = rows
            found["approval_totals"] += totals
        return found

    def health(self) -> dict[str, Any]:
        h = self.headline()
        mix = self.community.metric("affiliation_mix", **self.params)
        elephants = {e["repo"]: e for e in h["elephant_factor"]}
        return {"h": h, "mix": mix, "elephants": elephants, "charts": {"mix": charts.affiliation_mix(mix)}}

    def recognition(self) -> dict[str, Any]:
        rows = self.community.recognition(self.as_of, self.months, limit=5)
        roles: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for r in rows:
            person = roles[r["role"]].setdefault(r["person_id"], {**r, "examples": []})
            person["examples"].append(
                (r["example_at"], r["example"], r["example_url"], r["example_why"], r["example_outcome"])
            )
        return {"roles": {role: list(people.values()) for role, people in roles.items()}}

    def niches(self, interests: str | None) -> dict[str, Any]:
        wanted = [i for i in (interests or "").split(",") if i.strip()]
        found = self.community.niches(self.as_of, self.months, interests=wanted, limit=60)
        return {"query": interests or "", "opportunities": found, "recent_days": RECENT_DAYS}

    def trail(self, query: str | None) -> dict[str, Any]:
        """The items linked to query, and the most referenced keys (each with the file name of its
        trail in the static report)."""
        items = self.community.trail(query, hops=1) if query else []
        busiest = [(k["key"], k["refs"], trail_slug(k["key"])) for k in self.community.busiest_keys(25)]
        return {"query": query or "", "items": items, "busiest": busiest}

    def quality(self) -> dict[str, Any]:
        rows = [(q.source, q.source_name, q.item_id, q.location, q.error, q.recorded_at)
                for q in self.community.quarantined()]  # fmt: skip
        cut = [(c["source_name"], c["item_id"], c["detail"]) for c in self.community.cut_fields()]
        h = self.headline()
        return {"quarantined": rows, "cut": cut, "sources": h["sources"], "folded": h["duplicates_folded"]}

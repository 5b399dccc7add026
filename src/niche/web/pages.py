"""What each page of the dashboard shows, gathered from the store once for the server and the
static report alike. Every chart is a Vega-Lite spec over rows that the page also shows as a table."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from niche import metrics
from niche.identity.people import person_details
from niche.insights.niches import RECENT_DAYS, niches
from niche.insights.signals import workloads
from niche.links.trail import follow
from niche.metrics.cycles import Window, load_cycles
from niche.metrics.headline import headline
from niche.metrics.review_reports import newest_review, run_report
from niche.metrics.window import data_window
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
RECENT_WORK = 40  # activities listed on a profile


def trail_slug(key: str) -> str:
    """The static report's file name for a key's trail (keys hold any characters, names must not)."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


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
        self.window = data_window(self.store, self.as_of)  # as of the newest activity unless asked
        self.as_of = self.window.as_of
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
        self.per_person()
        return self

    def headline(self) -> dict[str, Any]:
        return self._once("headline", lambda: headline(self.store, self.as_of, self.months))

    def page(self, name: str, query: str | None = None) -> dict[str, Any]:
        """The context of one of PAGES; `query` is what the trail page follows, or the interests
        the niches page matches."""
        return getattr(self, name)(query) if name in ("trail", "niches") else getattr(self, name)()

    def per_person(self) -> dict[str, dict[str, Any]]:
        """Signals, review depth, areas and co-workers of everyone, computed once for all the profiles."""
        return self._once("per_person", self._per_person)

    def _per_person(self) -> dict[str, dict[str, Any]]:
        areas, coworkers = defaultdict(list), defaultdict(list)
        for r in metrics.run(self.store, "person_areas", as_of=self.as_of, person_id=None):
            areas[r["person_id"]].append(r)
        for r in metrics.run(self.store, "person_coworkers", as_of=self.as_of, person_id=None):
            coworkers[r["me"]].append(r)
        workload = workloads(self.store, self.as_of) if self.person_signals else []
        return {
            "signals": {w.person_id: w.signals for w in workload},
            "depth": {r["person_id"]: r for r in metrics.run(self.store, "reviewer_depth", **self.params)},
            "areas": areas,
            "coworkers": coworkers,
        }

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
        leaders = self.store.con.execute(
            """SELECT role, person_id, name, n, example, kind, rule FROM (
                   SELECT a.role, a.person_id, p.name, count(*) AS n,
                          arg_max(l.title, a.occurred_at) AS example, arg_max(a.kind, a.occurred_at) AS kind,
                          arg_max(a.role_rule, a.occurred_at) AS rule,
                          row_number() OVER (PARTITION BY a.role ORDER BY count(*) DESC, a.person_id) AS rank
                   FROM person_activities a JOIN people p USING (person_id)
                   LEFT JOIN link_items l USING (source, item_id)
                   WHERE a.occurred_at > $as_of - to_months($months) AND a.occurred_at <= $as_of
                   GROUP BY a.role, a.person_id, p.name)
               WHERE rank <= 5 ORDER BY role, n DESC, person_id""",
            self.params,
        ).fetchall()
        by_role: dict[str, list[tuple]] = defaultdict(list)
        for role, *rest in leaders:
            by_role[role].append(tuple(rest))
        chart = charts.contributors_by_role(h["contributors_by_role"])
        return {"h": h, "leaders": dict(by_role), "charts": {"roles": chart}}

    def people(self) -> dict[str, Any]:
        people = metrics.run(self.store, "people_directory", **self.params)
        bots = self.store.con.execute("SELECT person_id, name FROM people WHERE is_bot ORDER BY name").fetchall()
        return {"people": people, "bots": bots}

    def person(self, person_id: str) -> dict[str, Any] | None:
        details = person_details(self.store, person_id)
        if details is None:
            return None
        work = metrics.run(self.store, "person_profile", as_of=self.as_of, person_id=person_id)
        roles: Counter[str] = Counter()
        for w in work:
            roles[w["role"]] += w["contributions"]
        everyone = self.per_person()
        recent = self.store.con.execute(
            f"""SELECT a.occurred_at, a.role, a.role_rule, a.kind, coalesce(a.repo, a.project), l.title, l.url
                FROM activities a JOIN person_identities pi USING (identity_id)
                LEFT JOIN link_items l USING (source, item_id)
                WHERE pi.person_id = ? AND a.occurred_at <= ?
                ORDER BY a.occurred_at DESC LIMIT {RECENT_WORK}""",
            [person_id, self.as_of],
        ).fetchall()
        return {
            "p": details,
            "roles": roles.most_common(),
            "first": min((w["month"] for w in work), default=None),
            "last": max((w["month"] for w in work), default=None),
            "areas": everyone["areas"].get(person_id, [])[:15],
            "coworkers": everyone["coworkers"].get(person_id, [])[:10],
            "recent": recent,
            "depth": everyone["depth"].get(person_id),
            "signals": everyone["signals"].get(person_id, ()),
            "charts": {"roles": charts.person_roles(work)},
        }

    def review(self) -> dict[str, Any]:
        h = self.headline()
        reviews = metrics.run(self.store, "review_depth", **self.params)
        return {
            "h": h,
            "depth": metrics.run(self.store, "reviewer_depth", **self.params),
            "network": metrics.run(self.store, "review_network", **self.params)[:50],
            "stamps": [r for r in reviews if r["possible_rubber_stamp"]][:50],
            "charts": {
                "merged": charts.merged_per_month(h["change_request_velocity"]),
                "load": charts.review_load(h["review_load"]),
            },
            "cycle": self._once("cycle_reviews", self._cycle_reviews),
        }

    def _cycle_reviews(self) -> dict[str, Any]:
        """The review reports of the release cycle the as-of date falls in (or, when the review
        data ends earlier, the cycle it ends in), for every project."""
        newest = newest_review(self.store)
        moment = min(self.as_of, newest) if newest else self.as_of
        window = next((c for c in self.cycles if c.start <= moment < c.end), None) if newest else None
        found: dict[str, Any] = {"window": window, "approval_totals": []}
        for name in ("cores", "load", "timing", "employers", "single-approval", "disagreement", "outcomes",
                     "open") if window else ():  # fmt: skip
            rows, totals = run_report(self.store, name, self.cycles, [window], as_of=moment)
            found[name.replace("-", "_")] = rows
            found["approval_totals"] += totals
        return found

    def health(self) -> dict[str, Any]:
        h = self.headline()
        mix = metrics.run(self.store, "affiliation_mix", **self.params)
        elephants = {e["repo"]: e for e in h["elephant_factor"]}
        return {"h": h, "mix": mix, "elephants": elephants, "charts": {"mix": charts.affiliation_mix(mix)}}

    def recognition(self) -> dict[str, Any]:
        rows = metrics.run(self.store, "recognition", **self.params, limit=5)
        roles: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for r in rows:
            person = roles[r["role"]].setdefault(r["person_id"], {**r, "examples": []})
            person["examples"].append((r["example_at"], r["example"], r["example_url"], r["example_why"]))
        return {"roles": {role: list(people.values()) for role, people in roles.items()}}

    def niches(self, interests: str | None) -> dict[str, Any]:
        wanted = [i for i in (interests or "").split(",") if i.strip()]
        found = niches(self.store, self.as_of, self.months, interests=wanted, limit=60)
        return {"query": interests or "", "opportunities": found, "recent_days": RECENT_DAYS}

    def trail(self, query: str | None) -> dict[str, Any]:
        """The items linked to query, and the most referenced keys (each with the file name of its
        trail in the static report)."""
        items = follow(self.store, query, hops=1) if query else []
        busiest = self.store.con.execute(
            """SELECT key, count(*) AS n FROM item_refs GROUP BY key ORDER BY n DESC, key LIMIT 25"""
        ).fetchall()
        return {"query": query or "", "items": items, "busiest": [(k, n, trail_slug(k)) for k, n in busiest]}

    def quality(self) -> dict[str, Any]:
        rows = self.store.con.execute(
            """SELECT q.source, coalesce(s.name, q.source), q.item_id, q.location, q.error, q.recorded_at
               FROM quarantine q LEFT JOIN sources s USING (source) ORDER BY q.recorded_at DESC, q.source, q.item_id"""
        ).fetchall()
        h = self.headline()
        return {"quarantined": rows, "sources": h["sources"], "folded": h["duplicates_folded"]}

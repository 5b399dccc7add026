"""Overload and disengagement signals: facts about one person's last three months, each set
against their own previous year and against the community's norms, with the evidence in words.

They are prompts to check in with someone, never verdicts about them: the wording says what
happened, not what it means. A community turns them off with `[insights] person_signals = false`.
The disengagement risk that orders them is the one score `niche validate overload` backtests.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from niche import metrics
from niche.identity.people import shown_identity
from niche.store import Store
from niche.words import plural

RECENT_MONTHS = 3  # the window a signal looks at; workload.sql defines the same
BASELINE_MONTHS = 12  # the person's own baseline: the year before the recent window
SIGNALS_OFF = "person-level signals are turned off for this community ([insights] person_signals = false in niche.toml)"
OFF_HOURS = "evenings (before 08:00 or from 19:00) or weekends, in their own timezone"


@dataclass(frozen=True)
class Signal:
    name: str  # sustained_load, breadth, after_hours, carrying, slower_reviews, decline, quiet
    evidence: str


@dataclass(frozen=True)
class Norms:
    """What is usual among everyone active: the yardstick for "far above" and "many"."""

    p90_monthly: float
    p90_roles: float
    median_off_hours: float

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> Norms:
        def p90(values: list[float]) -> float:
            return (
                statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) >= 2 else (values or [0.0])[0]
            )

        shares = [r["recent_off_hours"] / r["recent_timed"] for r in rows if r["recent_timed"]]
        return cls(
            p90_monthly=p90([r["recent"] / RECENT_MONTHS for r in rows]),
            p90_roles=p90([float(r["recent_roles"]) for r in rows]),
            median_off_hours=statistics.median(shares) if shares else 0.0,
        )


def disengagement_risk(facts: dict[str, Any], as_of: datetime) -> float:
    """How quiet someone has gone for how much they usually do: log(1 + days since their last
    contribution) - log(1 + their contributions over the last 15 months). Higher is riskier."""
    days = max(0, (as_of - facts["last_at"]).days)
    return math.log1p(days) - math.log1p(facts["recent"] + facts["baseline"])


def _pct(share: float) -> str:
    return f"{share:.0%}"


def signals_of(facts: dict[str, Any], as_of: datetime, norms: Norms) -> tuple[Signal, ...]:
    recent_rate = facts["recent"] / RECENT_MONTHS
    base_rate = facts["baseline"] / BASELINE_MONTHS
    found = []
    if (
        facts["baseline"]
        and facts["recent_months"] >= RECENT_MONTHS
        and recent_rate >= 2 * base_rate
        and recent_rate >= norms.p90_monthly
    ):
        found.append(Signal("sustained_load", (
            f"{facts['recent']} contributions in the last 3 months ({recent_rate:.0f} a month), "
            f"{recent_rate / base_rate:.1f} times their own {base_rate:.1f} a month over the year before, "
            f"and more than 90% of active contributors ({norms.p90_monthly:.0f} a month)")))  # fmt: skip
    if facts["recent_roles"] >= max(4, norms.p90_roles):
        found.append(Signal("breadth", (
            f"worked in {facts['recent_roles']} roles at once in the last 3 months ({facts['recent_role_list']}); "
            f"90% of active contributors worked in {norms.p90_roles:.0f} or fewer")))  # fmt: skip
    if facts["recent_timed"] >= 20:
        share = facts["recent_off_hours"] / facts["recent_timed"]
        before = facts["baseline_off_hours"] / facts["baseline_timed"] if facts["baseline_timed"] >= 10 else None
        usual = before if before is not None else norms.median_off_hours
        if share >= 0.5 and share >= usual + 0.15:
            found.append(Signal("after_hours", (
                f"{_pct(share)} of their last 3 months' {facts['recent_timed']} contributions were on {OFF_HOURS}; "
                + (f"{_pct(before)} the year before" if before is not None else "no baseline of their own")
                + f", community median {_pct(norms.median_off_hours)}")))  # fmt: skip
    if facts["carried_share"] is not None and facts["carried_share"] >= 0.3:
        found.append(Signal("carrying", (
            f"did {_pct(facts['carried_share'])} of the {facts['carried_total']} {facts['carried_role']} "
            f"contributions in {facts['carried_place']} in the last 3 months")))  # fmt: skip
    if (
        (facts["recent_votes"] or 0) >= 5
        and (facts["baseline_votes"] or 0) >= 5
        and facts["recent_minutes_to_vote"] >= 2 * max(facts["baseline_minutes_to_vote"], 1)
    ):
        found.append(Signal("slower_reviews", (
            f"the median time from a patch set to their vote rose to {facts['recent_minutes_to_vote'] / 60:.1f} h, "
            f"from {facts['baseline_minutes_to_vote'] / 60:.1f} h the year before")))  # fmt: skip
    if facts["baseline"] >= BASELINE_MONTHS and recent_rate <= 0.4 * base_rate:
        found.append(Signal("decline", (
            f"{recent_rate:.1f} contributions a month in the last 3 months, down from {base_rate:.1f} a month "
            "the year before")))  # fmt: skip
    days = (as_of - facts["last_at"]).days
    seen = facts["recent"] + facts["baseline"]
    usual_gap = (RECENT_MONTHS + BASELINE_MONTHS) * 30 / seen
    if days >= 30 and days >= 3 * usual_gap:
        found.append(Signal("quiet", (
            f"no contribution for {days} days; over the 15 months before, {plural(seen, 'contribution')} "
            f"(one every {usual_gap:.0f} days on average)")))  # fmt: skip
    return tuple(found)


@dataclass(frozen=True)
class Risk:
    """One active person's disengagement risk as of a day, with the facts the score is made of."""

    person_id: str
    name: str
    identities: tuple[tuple[str, str | None, str | None, str | None], ...]  # kind, name, email, username
    score: float
    last_contribution: datetime
    days_since_last: int
    contributions_last_3_months: int
    contributions_12_months_before: int
    signals: tuple[Signal, ...]

    def to_json(self, show_emails: bool = False) -> dict[str, Any]:
        """The risk as `niche risk --json` prints it: the score, the facts it is made of, and the
        person's identities as outputs show them (addresses hidden unless asked)."""
        return {
            "person_id": self.person_id, "name": self.name, "score": round(self.score, 4),
            "identities": [shown_identity(i, show_emails) for i in self.identities],
            "last_contribution": self.last_contribution, "days_since_last": self.days_since_last,
            "contributions_last_3_months": self.contributions_last_3_months,
            "contributions_12_months_before": self.contributions_12_months_before,
            "signals": [vars(s) for s in self.signals],
        }  # fmt: skip


def risks(store: Store, as_of: datetime) -> list[Risk]:
    """Everyone active in the six months up to as_of, riskiest first: the score `niche validate
    overload` backtests, so anyone can check it on their own cases."""
    rows = metrics.run(store, "workload", as_of=as_of)
    norms = Norms.of(rows)
    identities: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}
    for i in metrics.run(store, "identities_of_people", person_id=None):
        identities.setdefault(i["person_id"], []).append((i["kind"], i["name"], i["email"], i["username"]))
    found = [
        Risk(r["person_id"], r["name"], tuple(identities.get(r["person_id"], ())), disengagement_risk(r, as_of),
             r["last_at"], max(0, (as_of - r["last_at"]).days), r["recent"], r["baseline"],
             signals_of(r, as_of, norms))
        for r in rows
    ]  # fmt: skip
    return sorted(found, key=lambda r: (-r.score, r.person_id))

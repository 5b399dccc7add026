"""The headline numbers a community tracks, gathered from the metric SQL files in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from niche import metrics
from niche.metrics.window import data_window
from niche.store import Store


def headline(store: Store, as_of: datetime | None = None, months: int = 12, areas: int = 10) -> dict[str, Any]:
    """Contributors to date, monthly activity with newcomers and their retention, roles, areas,
    bus and elephant factors, and code review: velocity, load and whether reviewers drive it.
    As of `as_of`, by default the newest activity (see metrics.window); `window` says which."""
    window = data_window(store, as_of)
    as_of = window.as_of
    params = {"as_of": as_of, "months": months, "limit": areas}
    sources = metrics.run(store, "sources")
    quarantined = len(metrics.run(store, "quarantined", since=datetime.min))
    bots = len(metrics.run(store, "bots"))
    return {
        "as_of": as_of,
        "window": window,
        "months": months,
        "sources": sources,
        "duplicates_folded": sum(s["folded"] for s in sources),  # copies of items another route also brought
        "contributors_to_date": metrics.run(store, "contributors_to_date", **params)[0],
        "bots_excluded": bots,
        "monthly_contributors": metrics.run(store, "monthly_contributors", **params),
        "active_areas": metrics.run(store, "active_areas", **params),
        "contributors_by_role": metrics.run(store, "contributors_by_role", **params),
        "active_by_role_monthly": metrics.run(store, "active_contributors_by_role_monthly", **params),
        "newcomer_retention": metrics.run(store, "newcomer_retention", **params),
        "bus_factor": metrics.run(store, "bus_factor", **params),
        "elephant_factor": metrics.run(store, "elephant_factor", **params),
        "change_request_velocity": metrics.run(store, "change_request_velocity", **params),
        "review_load": metrics.run(store, "review_load", **params),
        "reviewers_vs_velocity": metrics.run(store, "reviewers_vs_velocity", **params),
        "quarantined": quarantined,
    }

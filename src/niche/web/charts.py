"""Vega-Lite specs for the dashboard's charts: plain dicts, data inline, one function per chart.

Counts (people, contributions, changes) are whole numbers, so their axes tick on whole numbers;
roles read as words; a chart with nothing to draw in its window is None, and the page says
"no data for this window" instead of drawing empty axes."""

from __future__ import annotations

from typing import Any

from niche.classify.explain import role_words
from niche.metrics import jsonable

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
COUNT_AXIS = {"format": "d", "tickMinStep": 1}


def _spec(rows: list[dict[str, Any]], mark: str | dict, encoding: dict[str, Any], measure: str,
          **extra: Any) -> dict[str, Any] | None:  # fmt: skip
    """The spec, or None when every row's measure is zero or missing (nothing to draw)."""
    if not any(r.get(measure) for r in rows):
        return None
    values = [{k: jsonable(role_words(v) if k == "role" else v) for k, v in r.items()} for r in rows]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": mark if isinstance(mark, dict) else {"type": mark, "tooltip": True},
        "encoding": encoding,
        **extra,
    }


def _month(field: str = "month") -> dict[str, Any]:
    return {"field": field, "type": "temporal", "timeUnit": "yearmonth", "title": None}


def _count(field: str, title: str, **more: Any) -> dict[str, Any]:
    return {"field": field, "type": "quantitative", "title": title, "axis": COUNT_AXIS, **more}


def monthly_active(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, "bar", {"x": _month(), "y": _count("active_contributors", "active contributors")},
                 "active_contributors")  # fmt: skip


def active_by_role(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, "line", {
        "x": _month(),
        "y": _count("active_contributors", "active contributors"),
        "color": {"field": "role", "type": "nominal", "title": "role"},
    }, "active_contributors")  # fmt: skip


def newcomers(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, "bar", {"x": _month("cohort"), "y": _count("newcomers", "newcomers")}, "newcomers")


def contributors_by_role(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, "bar", {
        "y": {"field": "role", "type": "nominal", "sort": "-x", "title": None},
        "x": _count("contributors", "people to date"),
    }, "contributors")  # fmt: skip


def person_roles(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, "bar", {
        "x": _month(),
        "y": _count("contributions", "contributions", aggregate="sum"),
        "color": {"field": "role", "type": "nominal", "title": "role"},
    }, "contributions")  # fmt: skip


def merged_per_month(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows, {"type": "line", "point": True, "tooltip": True}, {
        "x": _month(),
        "y": _count("merged", "changes merged"),
        "color": {"field": "project", "type": "nominal"},
    }, "merged")  # fmt: skip


def review_load(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return _spec(rows[:20], "bar", {
        "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}, "title": "share of reviews"},
    }, "share")  # fmt: skip


def affiliation_mix(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    named = [r | {"org": r["org"] or "(no known employer)"} for r in rows[:15]]
    return _spec(named, "bar", {
        "y": {"field": "org", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}, "title": "share of commits"},
    }, "share")  # fmt: skip

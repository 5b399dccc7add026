"""Vega-Lite specs for the dashboard's charts: plain dicts, data inline, one function per chart."""

from __future__ import annotations

from typing import Any

from niche.metrics import jsonable

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched


def _spec(rows: list[dict[str, Any]], mark: str | dict, encoding: dict[str, Any], **extra: Any) -> dict[str, Any]:
    values = [{k: jsonable(v) for k, v in r.items()} for r in rows]
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


def monthly_active(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, "bar", {"x": _month(), "y": {"field": "active_contributors", "type": "quantitative",
                                                    "title": "active contributors"}})  # fmt: skip


def active_by_role(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, "line", {
        "x": _month(),
        "y": {"field": "active_contributors", "type": "quantitative", "title": "active contributors"},
        "color": {"field": "role", "type": "nominal"},
    })  # fmt: skip


def newcomers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, "bar", {"x": _month("cohort"), "y": {"field": "newcomers", "type": "quantitative"}})


def contributors_by_role(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, "bar", {
        "y": {"field": "role", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "contributors", "type": "quantitative", "title": "people to date"},
    })  # fmt: skip


def person_roles(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, "bar", {
        "x": _month(),
        "y": {"aggregate": "sum", "field": "contributions", "type": "quantitative", "title": "contributions"},
        "color": {"field": "role", "type": "nominal"},
    })  # fmt: skip


def merged_per_month(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows, {"type": "line", "point": True, "tooltip": True}, {
        "x": _month(),
        "y": {"field": "merged", "type": "quantitative", "title": "changes merged"},
        "color": {"field": "project", "type": "nominal"},
    })  # fmt: skip


def review_load(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _spec(rows[:20], "bar", {
        "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}, "title": "share of reviews"},
    })  # fmt: skip


def affiliation_mix(rows: list[dict[str, Any]]) -> dict[str, Any]:
    named = [r | {"org": r["org"] or "(no known employer)"} for r in rows[:15]]
    return _spec(named, "bar", {
        "y": {"field": "org", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "share", "type": "quantitative", "axis": {"format": "%"}, "title": "share of commits"},
    })  # fmt: skip

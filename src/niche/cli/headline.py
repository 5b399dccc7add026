"""Render the headline summary in a terminal with Rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from niche.cli.empty import NEEDS, nothing_to_show
from niche.words import plural

BAR = "█"
NONE = "-"  # no figure: too early to tell, or nothing to measure
ELEPHANT_UNKNOWN = (
    "Elephant factor: the fewest employers whose people authored half of all commits. A commit with no known "
    "employer counts in the whole but for no employer, so the factor is 1 only when one employer did half; "
    "it is - when known employers did less than half."
)


def _synced(h: dict[str, Any], needs: str) -> bool:
    """Whether a source of what `needs` names was synced (a git-only store is not told about review)."""
    return any(s["kind"] in NEEDS[needs][0] for s in h["sources"])


def _empty(h: dict[str, Any], what: str, needs: str) -> Text:
    return Text(nothing_to_show((s["kind"] for s in h["sources"]), h["window"], h["months"], what, needs))


def _bar(value: int, top: int, width: int = 24) -> str:
    return BAR * (round(width * value / top) if top else 0)


def render_headline(console: Console, h: dict[str, Any]) -> None:
    total = h["contributors_to_date"]
    months = h["monthly_contributors"]
    latest = months[-1]["active_contributors"] if months else 0
    repos = [s for s in h["sources"] if s["kind"] == "git"]
    lines = Text()
    lines.append(f"{total['contributors']:,}", style="bold cyan")
    lines.append(" contributor to date" if total["contributors"] == 1 else " contributors to date")
    if total["first_contribution"]:
        lines.append(f" (since {total['first_contribution']:%Y-%m-%d})")
    window = h["window"]
    lines.append(f" · {latest:,} active in {window.month_label(months[-1]['month'])}" if months else "")
    commits = plural(sum(s["items"] for s in repos), "commit")
    lines.append(f"\n{commits} in {plural(len(repos), 'repository', 'repositories')}")
    lines.append(f" · {plural(h['bots_excluded'], 'bot account')} not counted as people", style="dim")
    lines.append(f"\n{window.describe()}", style="dim")
    if window.warning():
        lines.append(f"\nwarning: {window.warning()}", style="yellow")
    console.print(Panel(lines, title=f"niche · as of {h['as_of']:%Y-%m-%d}", expand=False))

    console.print(Group(*_activity_tables(h), *_health_tables(h), *_review_tables(h)))
    if h["quarantined"]:
        console.print(
            Text(f"{h['quarantined']} bad items were quarantined; `niche quarantine` lists them.", style="yellow")
        )


def _table(title: str, *columns: str) -> Table:
    """A table whose first column is text and the others numbers."""
    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 or not column else "right")
    return table


def _share(part: int | None, whole: int) -> str:
    return NONE if part is None or not whole else f"{part / whole:.0%}"


def _activity_tables(h: dict[str, Any]) -> list[Any]:
    months = h["monthly_contributors"]
    retention = {r["cohort"]: r for r in h["newcomer_retention"]}
    table = _table(f"Last {h['months']} months", "month", "active", "", "newcomers", "still active 3 mo later")
    table.columns[2].overflow, table.columns[2].no_wrap = "crop", True  # a narrow terminal gets a shorter bar
    top = max((m["active_contributors"] for m in months), default=0)
    for m in months:
        cohort = retention.get(m["month"], {})
        table.add_row(
            h["window"].month_label(m["month"]),
            str(m["active_contributors"]),
            _bar(m["active_contributors"], top),
            str(m["newcomers"]),
            _share(cohort.get("retained_3m"), cohort.get("newcomers", 0)),
        )
    areas = _table("Most active areas", "repository", "area", "commits", "contributors")
    areas.columns[1].justify = "left"
    for a in h["active_areas"]:
        # Paths come from the repositories: Text() keeps Rich from reading them as markup.
        areas.add_row(Text(a["repo"]), Text(a["area"]), str(a["commits"]), str(a["contributors"]))
    roles = _table("Who does what: people per role", "role", "to date", f"last {h['months']} months", "contributions")
    for r in h["contributors_by_role"]:
        roles.add_row(
            r["role"].replace("_", " "),
            f"{r['contributors']:,}",
            f"{r['recent_contributors']:,}",
            f"{r['contributions']:,}",
        )
    return [table, roles, areas if h["active_areas"] else _empty(h, "code changes", "code")]


def _health_tables(h: dict[str, Any]) -> list[Any]:
    """Bus factor per repository and its most fragile areas, and the elephant factor."""
    if not h["bus_factor"]:
        return [_empty(h, "commits to measure bus and elephant factors on", "code")] if _synced(h, "code") else []
    table = _table(f"Health, last {h['months']} months", "repository", "bus factor", "elephant factor",
                   "largest employer", "no known employer")  # fmt: skip
    elephants = {r["repo"]: r for r in h["elephant_factor"]}
    for b in sorted((b for b in h["bus_factor"] if b["area"] == "*"), key=lambda b: -b["commits"]):
        e = elephants.get(b["repo"], {})
        largest = f"{e['largest']} {e['largest_share']:.0%}" if e.get("largest") else NONE
        factor = e.get("elephant_factor")
        table.add_row(Text(b["repo"]), str(b["bus_factor"]), NONE if factor is None else str(factor), Text(largest),
                      f"{e['unaffiliated_share']:.0%}" if e else NONE)  # fmt: skip
    table.caption, table.caption_justify = ELEPHANT_UNKNOWN, "left"
    fragile = [b for b in h["bus_factor"] if b["area"] != "*" and b["bus_factor"] == 1][:8]
    if not fragile:
        return [table]
    areas = _table("Areas resting on one person (bus factor 1), busiest first", "repository", "area", "commits",
                   "contributors")  # fmt: skip
    areas.columns[1].justify = "left"
    for b in sorted(fragile, key=lambda b: -b["commits"]):
        areas.add_row(Text(b["repo"]), Text(b["area"]), str(b["commits"]), str(b["contributors"]))
    return [table, areas]


def _review_tables(h: dict[str, Any]) -> list[Any]:
    """Per project: changes opened and merged, reviewers, and whether months with more reviewers
    merged more (the essay's claim); then who carries the reviews."""
    if not h["change_request_velocity"]:
        return [_empty(h, "code review", "review")] if _synced(h, "review") else []
    totals: dict[str, list[int]] = {}
    for v in h["change_request_velocity"]:
        opened_merged = totals.setdefault(v["project"], [0, 0])
        opened_merged[0] += v["opened"]
        opened_merged[1] += v["merged"]
    correlation = {r["project"]: r for r in h["reviewers_vs_velocity"]}
    table = _table("Code review", "project", "opened", "merged", "reviewers a month", "reviewers ~ merges")
    for project, (opened, merged) in sorted(totals.items(), key=lambda t: -t[1][0]):
        c = correlation.get(project, {})
        r = c.get("correlation")
        said = (
            f"r = {r:+.2f} over {c['months']} months"
            if r is not None
            else f"too little history ({c.get('months', 0)} mo)"
        )
        table.add_row(Text(project), str(opened), str(merged), str(c.get("mean_reviewers_per_month", 0)), said)
    load = _table("Who carries review", "reviewer", "changes reviewed", "share", "top-down cumulative")
    for r in h["review_load"][:8]:
        load.add_row(Text(r["name"] or r["person_id"]), str(r["changes_reviewed"]), f"{r['share']:.0%}",
                     f"{r['cumulative_share']:.0%}")  # fmt: skip
    return [table, load]

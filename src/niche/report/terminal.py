"""Render the headline summary in a terminal with Rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

BAR = "█"


def _bar(value: int, top: int, width: int = 24) -> str:
    return BAR * (round(width * value / top) if top else 0)


def render_headline(console: Console, h: dict[str, Any]) -> None:
    total = h["contributors_to_date"]
    months = h["monthly_contributors"]
    latest = months[-1]["active_contributors"] if months else 0
    repos = [s for s in h["sources"] if s["kind"] == "git"]
    lines = Text()
    lines.append(f"{total['contributors']:,}", style="bold cyan")
    lines.append(" contributors to date")
    if total["first_contribution"]:
        lines.append(f" (since {total['first_contribution']:%Y-%m-%d})")
    lines.append(f" · {latest:,} active in {months[-1]['month']:%B %Y}" if months else "")
    lines.append(f"\n{sum(s['items'] for s in repos):,} commits in {len(repos)} repositories")
    lines.append(f" · {h['bots_excluded']} bot accounts not counted as people", style="dim")
    console.print(Panel(lines, title=f"niche · as of {h['as_of']:%Y-%m-%d}", expand=False))

    table = Table(title=f"Last {h['months']} months", title_justify="left")
    table.add_column("month")
    table.add_column("active", justify="right")
    table.add_column("")
    table.add_column("newcomers", justify="right")
    top = max((m["active_contributors"] for m in months), default=0)
    for m in months:
        table.add_row(
            f"{m['month']:%Y-%m}",
            str(m["active_contributors"]),
            _bar(m["active_contributors"], top),
            str(m["newcomers"]),
        )
    areas = Table(title="Most active areas", title_justify="left")
    for column, justify in (("repository", "left"), ("area", "left"), ("commits", "right"), ("contributors", "right")):
        areas.add_column(column, justify=justify)
    for a in h["active_areas"]:
        # Paths come from the repositories: Text() keeps Rich from reading them as markup.
        areas.add_row(Text(a["repo"]), Text(a["area"]), str(a["commits"]), str(a["contributors"]))
    roles = Table(title="Who does what: people per role", title_justify="left")
    for column in ("role", "to date", f"last {h['months']} months", "contributions"):
        roles.add_column(column, justify="left" if column == "role" else "right")
    for r in h["contributors_by_role"]:
        roles.add_row(
            r["role"].replace("_", " "),
            f"{r['contributors']:,}",
            f"{r['recent_contributors']:,}",
            f"{r['contributions']:,}",
        )
    parts: list[Any] = [
        table,
        roles,
        areas if h["active_areas"] else Text(f"No code changes in the last {h['months']} months."),
    ]
    if h["quarantined"]:
        parts.append(
            Text(f"{h['quarantined']} bad items were quarantined; `niche quarantine` lists them.", style="yellow")
        )
    console.print(Group(*parts))

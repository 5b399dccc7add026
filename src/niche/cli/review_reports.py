"""`niche reviews REPORT`: the review reports of `niche.metrics.review_reports`, as tables or JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from niche.cli.options import day_of
from niche.metrics import to_json
from niche.metrics.cycles import Window
from niche.metrics.review_reports import REPORTS

ProjectOption = Annotated[str | None, typer.Option("--project", help="One project, e.g. openstack/nova or nova.")]
CycleOption = Annotated[str | None, typer.Option("--cycle", help="One release cycle, e.g. essex (see niche.toml).")]
SinceOption = Annotated[datetime | None, typer.Option("--since", parser=day_of, metavar="DATE",
                                                      help="From this date (instead of a cycle).")]  # fmt: skip
UntilOption = Annotated[datetime | None, typer.Option("--until", parser=day_of, metavar="DATE",
                                                      help="Until this date, not included.")]  # fmt: skip
HIDDEN = {"source", "person_id", "owner_id", "start_at", "examples", "approver_names", "offset_from"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else ""
    if column.startswith("share"):
        return f"{value:.1%}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _table(rows: list[dict[str, Any]], title: str, limit: int) -> Table:
    columns = [c for c in rows[0] if c not in HIDDEN]
    table = Table(*(c.replace("_", " ") for c in columns), title=title)
    for r in rows[:limit]:
        table.add_row(*(escape(_cell(c, r[c])) for c in columns))
    return table


SHADES = " .:-=+*#%@"  # none .. the busiest hour


def _punchcard(out: Console, rows: list[dict[str, Any]], who: str) -> None:
    """A grid that fits 80 columns: one character per hour, darker for more activity."""
    cells = {(r["weekday"], r["hour"]): r["activities"] for r in rows}
    busiest = max(cells.values())
    out.print(f"{escape(who)}: activity by weekday and hour in their own offset ('@' = {busiest:,} in one hour)")
    out.print("     " + "".join(f"{h:<3d}" if h % 3 == 0 else "" for h in range(24)).rstrip(), highlight=False)
    for d, name in enumerate(WEEKDAYS, 1):
        line = "".join(SHADES[-(-9 * cells[(d, h)] // busiest)] if (d, h) in cells else " " for h in range(24))
        total = sum(cells.get((d, h), 0) for h in range(24))
        out.print(f"{name}  {escape(line)}  {total:,}", highlight=False)
    placed = sorted({how for r in rows for how in r["offset_from"]})
    out.print(f"[dim]Times placed by: {escape('; '.join(placed) or 'nothing to place')}[/dim]")


def render(out: Console, name: str, windows: list[Window], rows: list[dict[str, Any]], totals: list[dict[str, Any]],
           limit: int, as_json: bool, who: str | None = None) -> None:  # fmt: skip
    """Print one report: its totals, its rows (up to limit) and each row's examples."""
    if as_json:
        whole = {"report": name, "windows": [w.param() for w in windows], "totals": totals, "rows": rows}
        out.out(json.dumps(to_json(whole), indent=2))
        return
    covered = ", ".join(w.name for w in windows) if len(windows) <= 3 else f"{len(windows)} cycles"
    out.print(f"[bold]{escape(name)}[/bold]: {escape(REPORTS[name].about)} ({escape(covered)})")
    if not rows:
        out.print("Nothing in this window: try another --cycle or --since/--until, or sync Gerrit first.")
        return
    if name == "punchcard":
        _punchcard(out, rows, who or "")
        return
    if totals:
        out.print(_table(totals, "Totals", limit))
    out.print(_table(rows, f"{name} ({len(rows):,} rows, {min(limit, len(rows)):,} shown)", limit))
    for r in rows[:limit]:
        for example in r.get("examples") or []:
            what = f"{example.get('outcome') or 'new code'}: {example['item_id']} patch set {example['patchset']}"
            out.print(f"  {escape(r['name'])}: {escape(what)} {escape(example.get('url') or '')}", soft_wrap=True)

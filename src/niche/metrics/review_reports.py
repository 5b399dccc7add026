"""The review reports a PTL asks for, per project and release cycle: one SQL file each, run over
the windows (cycles or dates) a user picks. The CLI (`niche reviews REPORT`) and the dashboard's
review page both read them from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from niche import metrics
from niche.errors import ConfigError, NotFoundError
from niche.metrics.cycles import Window, with_previous
from niche.store import Store


@dataclass(frozen=True)
class ReviewReport:
    sql: str  # the metric file it runs
    about: str  # one line for the user
    needs_person: bool = False
    compares_cycles: bool = False  # runs over each window and the cycle before it


REPORTS: dict[str, ReviewReport] = {
    "cores": ReviewReport("reviews_cores", "who holds approval power (+2, Approved) per project and cycle, and how "
                          "that changed from the cycle before", compares_cycles=True),
    "load": ReviewReport("reviews_load", "reviews per core and per other reviewer, per project and cycle, beside "
                         "the changes merged"),
    "velocity": ReviewReport("reviews_velocity", "reviewers, cores and merged changes month by month"),
    "open": ReviewReport("reviews_open", "changes open as of a date, by age and by time since a person last acted"),
    "single-approval": ReviewReport("reviews_approvals", "merged changes with one approving +2 (or none) "
                                    "besides the owner's"),
    "self-approved": ReviewReport("reviews_approvals", "merged changes whose owner's own +2 or Approved is among "
                                  "the votes that merged them"),
    "disagreement": ReviewReport("reviews_disagreement", "per reviewer, the share of verdicts the outcome "
                                 "contradicted, with examples"),
    "spread": ReviewReport("reviews_spread", "each reviewer's votes: -2..+2, Approved, Work in Progress, Verified"),
    "outcomes": ReviewReport("reviews_outcomes", "reviews that asked for a change and got new code, per reviewer, "
                             "ranked only within cores or within other reviewers"),
    "timing": ReviewReport("reviews_timing", "time to first human review and time to merge, per project and cycle"),
    "employers": ReviewReport("reviews_employers", "review share per employer of the day, per project and cycle"),
    "commits": ReviewReport("reviews_commits", "merged changes that found the commit they became in git (by "
                            "Change-Id and project), per project and cycle"),
    "punchcard": ReviewReport("punchcard", "hour by weekday of one person's activity in their own timezone "
                              "offset (here on code review; `niche people punchcard` has all of it)",
                              needs_person=True),
}  # fmt: skip


def known_project(store: Store, project: str | None) -> str | None:
    """The project a user named: its full name ('openstack/nova') or its last part ('nova')."""
    if not project:
        return None
    names = [r[0] for r in store.con.execute("SELECT DISTINCT project FROM changes ORDER BY 1").fetchall()]
    found = [n for n in names if n == project] or [n for n in names if n.rsplit("/", 1)[-1] == project]
    if len(found) != 1:
        hint = f"it could be {', '.join(found)}" if found else f"known projects: {', '.join(names[:30]) or 'none'}"
        raise NotFoundError(f"{project}: no single project by that name in the store; {hint}")
    return found[0]


def newest_review(store: Store) -> datetime | None:
    """The newest activity on any change: what 'now' means for data that ended in the past."""
    return store.value("SELECT max(occurred_at) FROM review_events")


def run_report(
    store: Store,
    name: str,
    cycles: list[Window],
    windows: list[Window],
    project: str | None = None,
    as_of: datetime | None = None,
    person_id: str | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of one report over windows (the cycle before each too, for the reports that
    compare), and its totals per project and cycle where it has some (single-approval, self-approved)."""
    if name not in REPORTS:
        raise ConfigError(f"no review report named {name!r}; reports: {', '.join(REPORTS)}")
    report = REPORTS[name]
    if report.needs_person and not person_id:
        raise ConfigError(f"the {name} report is about one person: name them with --by WHO")
    covered = with_previous(cycles, windows) if report.compares_cycles else windows
    newest = newest_review(store) or datetime.now()
    if as_of is None and len(windows) == 1:  # open as the window closed, or now when it has not yet
        as_of = min(windows[0].end, newest)
    params = {
        "cycles": [w.param() for w in covered],
        "project": project,
        "as_of": as_of or newest,
        "person_id": person_id,
        "kind_prefix": "review.",
    }
    wanted = metrics.parameters_of(metrics.sql_of(report.sql))
    rows = metrics.run(store, report.sql, **{k: v for k, v in params.items() if k in wanted})
    if report.compares_cycles:
        shown = {w.name for w in windows}
        rows = [r for r in rows if r["cycle"] in shown]
    if name == "single-approval":
        return [r for r in rows if r["approvers"] <= 1], approval_totals(rows)
    if name == "self-approved":
        return [r for r in rows if r["self_approved"]], approval_totals(rows)
    return rows, []


def approval_totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per project and cycle, from the unfiltered approvals rows: merged changes, how many had one
    approval, none, or their owner's own among the votes that merged them."""
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        t = totals.setdefault((r["project"], r["cycle"]), {"project": r["project"], "cycle": r["cycle"], "merged": 0,
                                                            "single_approval": 0, "no_approval": 0,
                                                            "self_approved": 0})  # fmt: skip
        t["merged"] += 1
        t["single_approval"] += r["approvers"] == 1
        t["no_approval"] += r["approvers"] == 0
        t["self_approved"] += r["self_approved"]
    return list(totals.values())


def punchcard(store: Store, person_id: str, windows: list[Window], kind_prefix: str | None = None,
              project: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """One person's activity by weekday and hour in their own offset: all of it, or only the
    activities whose kind starts with kind_prefix ('review.')."""
    return metrics.run(store, "punchcard", person_id=person_id, cycles=[w.param() for w in windows],
                       kind_prefix=kind_prefix, project=project)  # fmt: skip

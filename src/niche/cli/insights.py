"""`niche profile`, `recognition`, `reviews`, `signals`, `niches` and `validate overload`: what the
store says about people and where help is wanted, in the terminal or as JSON."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from niche import metrics
from niche.cli.console import dated, day, err, out
from niche.cli.empty import nothing_to_show, synced_kinds
from niche.cli.options import AsOfOption, JsonOption, MonthsOption, ShowEmails
from niche.cli.review_reports import CycleOption, ProjectOption, SinceOption, UntilOption, render
from niche.errors import ConfigError
from niche.identity.people import person_details, person_of, shown_email
from niche.insights.niches import niches as find_niches
from niche.insights.signals import workloads
from niche.insights.validate import backtest
from niche.metrics import to_json
from niche.metrics.cycles import load_cycles, report_windows
from niche.metrics.review_reports import REPORTS, known_project, run_report
from niche.store import Store

validate_app = typer.Typer(help="Check niche's signals against what really happened.", no_args_is_help=True)
WhoArgument = Annotated[str, typer.Argument(help="Email, kind:username, name:Full Name or id.")]
LimitOption = Annotated[int, typer.Option(help="Show at most this many.")]
SIGNALS_OFF = "person-level signals are turned off for this community ([insights] person_signals = false in niche.toml)"


def _dump(value: Any) -> None:
    out.out(json.dumps(to_json(value), indent=2))


def profile(ctx: typer.Context, who: WhoArgument, as_of: AsOfOption = None, months: MonthsOption = 12,
            as_json: JsonOption = False, show_emails: ShowEmails = False) -> None:  # fmt: skip
    """One person: role mix over the years, areas, who they work with, affiliations, review depth.

    First and last activity, and (unless turned off in niche.toml) signals worth a check-in."""
    with Store(ctx.obj["db"], read_only=True) as store:
        as_of = dated(store, as_of).as_of
        person = person_of(store, who)
        details = person_details(store, person)
        params = {"as_of": as_of, "person_id": person}
        work = metrics.run(store, "person_profile", **params)
        areas = metrics.run(store, "person_areas", **params)
        coworkers = metrics.run(store, "person_coworkers", **params)
        depth = [
            r for r in metrics.run(store, "reviewer_depth", as_of=as_of, months=months) if r["person_id"] == person
        ]
        signals = (
            [w for w in workloads(store, as_of) if w.person_id == person] if ctx.obj["config"].person_signals else []
        )
    years: dict[int, Counter[str]] = defaultdict(Counter)
    for w in work:
        years[w["month"].year][w["role"]] += w["contributions"]
    first = min((w["month"] for w in work), default=None)
    last = max((w["month"] for w in work), default=None)
    if as_json:
        _dump({"person_id": person, "name": details.name, "email": shown_email(details.email, show_emails) or None,
               "affiliations": details.periods, "first_month": first, "last_month": last,
               "roles_by_year": {y: dict(c) for y, c in years.items()}, "areas": areas, "coworkers": coworkers,
               "review_depth": depth[0] if depth else None,
               "signals": [vars(s) for w in signals for s in w.signals]})  # fmt: skip
        return
    out.print(f"[bold]{escape(details.name)}[/bold]  {person}  active {day(first)[:7]} to {day(last)[:7]}")
    for org, start, end, reason in details.periods:
        out.print(f"  {escape(org)}: {day(start, 'ever')} to {day(end, 'now')} ({reason})")
    roles = sorted({r for c in years.values() for r in c}, key=lambda r: -sum(c[r] for c in years.values()))
    table = Table("year", *roles, title="Role mix over time (contributions)")
    for year in sorted(years):
        table.add_row(str(year), *(f"{years[year][r]:,}" if years[year][r] else "" for r in roles))
    out.print(table)
    table = Table("where", "kind", "items", "last", title="Areas")
    for a in areas[:12]:
        table.add_row(escape(a["place"]), a["place_kind"], f"{a['items']:,}", day(a["last_at"]))
    out.print(table)
    table = Table("person", "interactions", "how", "last", title="Works most with")
    for c in coworkers[:10]:
        table.add_row(escape(c["name"]), str(c["interactions"]), escape(c["how"]), day(c["last_at"]))
    out.print(table)
    if depth:
        d = depth[0]
        out.print(
            f"Review, last {months} months: {d['reviews']} reviews, {d['reviews_with_comments']} with comments "
            f"({d['inline_comments']} inline), median {d['median_minutes_to_vote'] or 0:.0f} min to vote, "
            f"{d['possible_rubber_stamps']} possible rubber stamps, "
            f"agreed with {d['agreed']} of {d['decided']} outcomes"
        )
    for w in signals:
        for s in w.signals:
            out.print(f"[yellow]{s.name}[/yellow]: {escape(s.evidence)}")


def recognition(ctx: typer.Context, as_of: AsOfOption = None, months: MonthsOption = 12,
                role: Annotated[str | None, typer.Option(help="Only this role, e.g. triage.")] = None,
                limit: LimitOption = 5, as_json: JsonOption = False) -> None:  # fmt: skip
    """Recognition: who does the work that usually goes unseen, ranked per non-code role, with examples.

    Triage, deep review, user support, discussion, CI/infra, docs, tests, security, mentoring, meetings."""
    with Store(ctx.obj["db"], read_only=True) as store:
        window, synced = dated(store, as_of), synced_kinds(store)
        rows = metrics.run(store, "recognition", as_of=window.as_of, months=months, limit=limit)
    rows = [r for r in rows if role in (None, r["role"])]
    if as_json:
        _dump(rows)
        return
    if not rows:
        err.print(nothing_to_show(synced, window, months, f"{role} work" if role else "non-code work"))
        raise typer.Exit(1)
    current = None
    for r in rows:
        if (r["role"], r["person_id"]) != current:
            if r["role"] != (current or ("",))[0]:
                out.print(f"\n[bold]{escape(r['role'])}[/bold] ({r['people_in_role']} people)")
            current = (r["role"], r["person_id"])
            out.print(f"  {r['rank']:>2}. {escape(r['name'])}: {r['contributions']} contributions")
        link = f" {escape(r['example_url'])}" if r["example_url"] else ""
        why = escape(r["example_why"] or "")
        out.print(f"        {day(r['example_at'])} {escape(r['example'] or '')}{link} [dim]({why})[/dim]",
                  soft_wrap=True)  # fmt: skip


def reviews(ctx: typer.Context,
            report: Annotated[str | None, typer.Argument(help=f"A report: {', '.join(REPORTS)}.")] = None,
            project: ProjectOption = None, cycle: CycleOption = None, since: SinceOption = None,
            until: UntilOption = None, as_of: AsOfOption = None, months: MonthsOption = 12,
            by: Annotated[str | None, typer.Option("--by", help="Only this reviewer's reviews, one by one.")] = None,
            limit: LimitOption = 20, as_json: JsonOption = False) -> None:  # fmt: skip
    """Is review real? Review depth per reviewer (or one reviewer's reviews) and who reviews whom;
    or one REPORT per project and release cycle.

    Comments and their length, inline comments, time from patch set to vote, change size, possible
    rubber stamps (a silent +vote on 100+ changed lines) and agreement with the final outcome.
    Reports: cores, load, velocity, open, single-approval, self-approved, disagreement, spread,
    outcomes, timing, employers, punchcard (--by WHO)."""
    if report:
        cycles = load_cycles(ctx.obj["config"].raw)
        windows = report_windows(cycles, cycle, since, until)
        with Store(ctx.obj["db"], read_only=True) as store:
            person = person_of(store, by) if by else None
            rows, totals = run_report(store, report, cycles, windows, known_project(store, project), as_of, person)
        render(out, report, windows, rows, totals, limit, as_json, by)
        return
    with Store(ctx.obj["db"], read_only=True) as store:
        window, synced = dated(store, as_of), synced_kinds(store)
        params = {"as_of": window.as_of, "months": months}
        reviewer = person_of(store, by) if by else None
        each = [r for r in metrics.run(store, "review_depth", **params) if r["person_id"] == reviewer] if by else []
        depth = metrics.run(store, "reviewer_depth", **params)
        network = metrics.run(store, "review_network", **params)
    if as_json:
        _dump({"reviews": each} if by else {"reviewers": depth, "network": network})
        return
    if not (each if by else depth or network):
        err.print(nothing_to_show(synced, window, months, f"reviews by {by}" if by else "reviews", "review"))
        raise typer.Exit(1)
    if by:
        table = Table("day", "change", "vote", "comments", "inline", "chars", "min to vote", "lines", "outcome", "flag")
        for r in each[:limit]:
            flag = "possible rubber stamp" if r["possible_rubber_stamp"] else ""
            table.add_row(day(r["last_at"]), escape(f"{r['item_id']} {r['subject'] or ''}"[:60]),
                          "" if r["vote"] is None else f"{r['vote']:+d}", str(r["comments"]), str(r["inline_comments"]),
                          str(r["comment_chars"]), "" if r["minutes_to_vote"] is None else str(r["minutes_to_vote"]),
                          str(r["change_size"]), r["outcome"], flag)  # fmt: skip
        out.print(table)
        return
    table = Table("reviewer", "reviews", "with comments", "inline", "median chars", "median min to vote",
                  "median lines", "possible rubber stamps", "agreed",
                  title=f"Review depth, last {months} months")  # fmt: skip
    for r in depth[:limit]:
        table.add_row(escape(r["name"]), str(r["reviews"]), str(r["reviews_with_comments"]), str(r["inline_comments"]),
                      _num(r["median_comment_chars"]), _num(r["median_minutes_to_vote"]), _num(r["median_change_size"]),
                      str(r["possible_rubber_stamps"]), f"{r['agreed']}/{r['decided']}")  # fmt: skip
    out.print(table)
    table = Table("reviewer", "author", "reviews", "+", "-", "with comments", title="Who reviews whom")
    for r in network[:limit]:
        table.add_row(escape(r["reviewer"]), escape(r["author"]), str(r["reviews"]), str(r["positive"]),
                      str(r["negative"]), str(r["with_comments"]))  # fmt: skip
    out.print(table)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def signals(ctx: typer.Context, as_of: AsOfOption = None, limit: LimitOption = 20, as_json: JsonOption = False) -> None:
    """Who may be carrying too much, or drifting away: signals with their evidence.

    Each compares the last 3 months with the person's own previous year and the community's norms.
    A prompt to check in with someone, never a verdict."""
    if not ctx.obj["config"].person_signals:
        raise ConfigError(SIGNALS_OFF)
    with Store(ctx.obj["db"], read_only=True) as store:
        window, synced = dated(store, as_of), synced_kinds(store)
        found = [w for w in workloads(store, window.as_of) if w.signals][:limit]
    if as_json:
        _dump([{"person_id": w.person_id, "name": w.name, "risk": w.risk, "signals": [vars(s) for s in w.signals]}
               for w in found])  # fmt: skip
        return
    out.print("[dim]Signals are facts about the last 3 months set against the year before; they are prompts to "
              "check in with someone, never judgements.[/dim]")  # fmt: skip
    if not found:
        out.print(nothing_to_show(synced, window, 3, "signals worth a check-in"))
    for w in found:
        out.print(f"[bold]{escape(w.name)}[/bold]")
        for s in w.signals:
            out.print(f"  [yellow]{s.name}[/yellow]: {escape(s.evidence)}", soft_wrap=True)


def niches(ctx: typer.Context,
           who: Annotated[str | None, typer.Option("--for", help="Match to this person's past areas.")] = None,
           interests: Annotated[str, typer.Option(help='Comma-separated, e.g. "docs,networking".')] = "",
           as_of: AsOfOption = None, months: MonthsOption = 12, limit: LimitOption = 20,
           as_json: JsonOption = False) -> None:  # fmt: skip
    """Find your niche: where help is wanted now, matched to a person's past work or interests.

    Untriaged bugs, changes waiting for review and unanswered questions of the last 90 days, docs left
    behind by their code and areas mostly one person's work, each with a link and why it was suggested."""
    with Store(ctx.obj["db"], read_only=True) as store:
        window, synced = dated(store, as_of), synced_kinds(store)
        person = person_of(store, who) if who else None
        found = find_niches(store, window.as_of, months, person, interests.split(","), limit)
    if as_json:
        _dump([vars(o) for o in found])
        return
    if not found:
        if who or interests:
            err.print("No open opportunities match that person or those interests; try without --for/--interests.")
        else:
            err.print(nothing_to_show(synced, window, months, "open opportunities"))
        raise typer.Exit(1)
    for o in found:
        waiting = f"waiting since {day(o.since)}" if o.since else ""
        where = escape(f"{o.place} {o.area} {waiting}")
        out.print(f"[bold]{escape(o.kind)}[/bold]: {escape(o.title)}  [dim]{where}[/dim]",
                  soft_wrap=True)  # fmt: skip
        if o.url:
            out.print(f"  {escape(o.url)}", soft_wrap=True)
        out.print(f"  {escape(o.detail)}; why: {escape('; '.join(o.reasons))}", soft_wrap=True)


@validate_app.command("overload")
def validate_overload(
    ctx: typer.Context,
    every: Annotated[int, typer.Option(min=1, help="Months between backtest dates.")] = 3,
    horizon: Annotated[int, typer.Option(min=1, help="Months without any activity that count as inactive.")] = 6,
    k: Annotated[int, typer.Option(min=1, help="How many top-scored people per date precision@k looks at.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Backtest the disengagement risk on this store's history: ROC AUC and precision@k vs a baseline.

    At many past dates, score everyone active, then check who contributed nothing in the following
    months; the baseline ranks by activity count alone."""
    with Store(ctx.obj["db"], read_only=True) as store, Progress(console=err, transient=True) as bar:
        dated(store)
        task = bar.add_task("Backtesting ...", total=None)
        result = backtest(
            store, every, horizon, k, progress=lambda n, total: bar.update(task, completed=n, total=total)
        )
    figures = {
        "dates": len(result.dates), "first_date": result.dates[0], "last_date": result.dates[-1],
        "samples": len(result.samples), "became_inactive": result.inactive, "horizon_months": horizon, "k": k,
        "auc": result.auc(), "baseline_auc": result.auc(baseline=True),
        "precision_at_k": result.precision_at_k(), "baseline_precision_at_k": result.precision_at_k(baseline=True),
    }  # fmt: skip
    if as_json:
        _dump(figures)
        return
    out.print(
        f"{figures['dates']} dates from {day(result.dates[0])} to {day(result.dates[-1])}, every {every} months; "
        f"{figures['samples']:,} person-dates, {figures['became_inactive']:,} followed by {horizon} months of silence"
    )
    table = Table("score", "ROC AUC", f"precision@{k}")
    table.add_row("niche disengagement risk", f"{figures['auc']:.3f}", f"{figures['precision_at_k']:.3f}")
    table.add_row(
        "baseline: activity count alone", f"{figures['baseline_auc']:.3f}", f"{figures['baseline_precision_at_k']:.3f}"
    )
    out.print(table)

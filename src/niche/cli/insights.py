"""`niche profile`, `recognition`, `reviews`, `signals`, `niches` and `validate overload`: what the
store says about people and where help is wanted, in the terminal or as JSON."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from niche.cli.console import dated, day, err, out, plural, print_rows
from niche.cli.empty import nothing_to_show, synced_kinds
from niche.cli.options import AsOfOption, JsonOption, MonthsOption, ShowEmails, community_of
from niche.cli.review_reports import CycleOption, ProjectOption, SinceOption, UntilOption, render
from niche.metrics import to_json
from niche.metrics.cycles import report_windows
from niche.metrics.review_reports import REPORTS

validate_app = typer.Typer(help="Check niche's signals against what really happened.", no_args_is_help=True)
WhoArgument = Annotated[str, typer.Argument(help="Email, kind:username, name:Full Name or id.")]
LimitOption = Annotated[int, typer.Option(help="Show at most this many.")]


def _dump(value: Any) -> None:
    out.out(json.dumps(to_json(value), indent=2))


def profile(ctx: typer.Context, who: WhoArgument, as_of: AsOfOption = None, months: MonthsOption = 12,
            as_json: JsonOption = False, show_emails: ShowEmails = False) -> None:  # fmt: skip
    """One person: role mix over the years, areas, who they work with, affiliations, review depth.

    First and last activity, and (unless turned off in niche.toml) signals worth a check-in."""
    with community_of(ctx, read_only=True) as community:
        found = community.profile(who, dated(community.store, as_of).as_of, months)
    if as_json:
        _dump(found.to_json(show_emails))
        return
    details = found.details
    first, last = found.first_month, found.last_month
    out.print(f"[bold]{escape(details.name)}[/bold]  {details.person_id}  active {day(first)[:7]} to {day(last)[:7]}")
    for org, start, end, reason in details.periods:
        out.print(f"  {escape(org)}: {day(start, 'ever')} to {day(end, 'now')} ({reason})")
    years = found.roles_by_year
    roles = [role for role, _ in found.roles]
    table = Table("year", *roles, title="Role mix over time (contributions)")
    for year, done in years.items():
        table.add_row(str(year), *(f"{done[r]:,}" if done.get(r) else "" for r in roles))
    out.print(table)
    table = Table("where", "kind", "items", "last", title="Areas")
    for a in found.areas[:12]:
        table.add_row(escape(a["place"]), a["place_kind"], f"{a['items']:,}", day(a["last_at"]))
    out.print(table)
    table = Table("person", "interactions", "how", "last", title="Works most with")
    for c in found.coworkers[:10]:
        table.add_row(escape(c["name"]), str(c["interactions"]), escape(c["how"]), day(c["last_at"]))
    out.print(table)
    if d := found.review_depth:
        out.print(
            f"Review, last {months} months: {plural(d['reviews'], 'review')}, "
            f"{d['reviews_with_comments']} with comments "
            f"({d['inline_comments']} inline), median {d['median_minutes_to_vote'] or 0:.0f} min to vote, "
            f"{plural(d['possible_rubber_stamps'], 'possible rubber stamp')}, "
            f"agreed with {d['agreed']} of {d['decided']} outcomes"
        )
    for s in found.signals:
        out.print(f"[yellow]{s.name}[/yellow]: {escape(s.evidence)}")


def recognition(ctx: typer.Context, as_of: AsOfOption = None, months: MonthsOption = 12,
                role: Annotated[str | None, typer.Option(help="Only this role, e.g. triage.")] = None,
                limit: LimitOption = 5, as_json: JsonOption = False) -> None:  # fmt: skip
    """Recognition: who does the work that usually goes unseen, ranked per non-code role, with examples.

    Triage, deep review, user support, discussion, CI/infra, docs, tests, security, mentoring, meetings."""
    with community_of(ctx, read_only=True) as community:
        window, synced = dated(community.store, as_of), synced_kinds(community)
        rows = community.recognition(window.as_of, months, limit)
    rows = [r for r in rows if role in (None, r["role"])]
    if as_json:
        _dump(rows)
        return
    if not rows:
        err.print(nothing_to_show(synced, window, months, f"{role} work" if role else "non-code work"))
        return
    current = None
    for r in rows:
        if (r["role"], r["person_id"]) != current:
            if r["role"] != (current or ("",))[0]:
                out.print(f"\n[bold]{escape(r['role'])}[/bold] ({plural(r['people_in_role'], 'person', 'people')})")
            current = (r["role"], r["person_id"])
            led = f", {r['with_outcome']} of them changed something" if r["with_outcome"] else ""
            out.print(f"  {r['rank']:>2}. {escape(r['name'])}: {plural(r['contributions'], 'contribution')}{led}")
        link = f" {escape(r['example_url'])}" if r["example_url"] else ""
        outcome = f" [green]{escape(r['example_outcome'])}[/green]" if r["example_outcome"] else ""
        why = f" [dim]({escape(r['example_why'])})[/dim]" if r["example_why"] else ""
        out.print(f"        {day(r['example_at'])} {escape(r['example'] or '')}{link}{outcome}{why}", soft_wrap=True)


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
        with community_of(ctx, read_only=True) as community:
            windows = report_windows(community.cycles(), cycle, since, until)
            rows, totals = community.review_report(report, windows, project, as_of, by)
        render(out, report, windows, rows, totals, limit, as_json, by)
        return
    with community_of(ctx, read_only=True) as community:
        window, synced = dated(community.store, as_of), synced_kinds(community)
        found = community.reviews(window.as_of, months, by)
    if as_json:
        _dump(found)
        return
    each, depth, network = found.get("reviews", []), found.get("reviewers", []), found.get("network", [])
    if not (each if by else depth or network):
        err.print(nothing_to_show(synced, window, months, f"reviews by {by}" if by else "reviews", "review"))
        return
    if by:
        headers = ("day", "change", "vote", "comments", "inline", "chars", "min to vote", "lines", "outcome", "flag")
        print_rows(headers, [
            (day(r["last_at"]), escape(f"{r['item_id']} {r['subject'] or ''}"[:60]),
             "" if r["vote"] is None else f"{r['vote']:+d}", str(r["comments"]), str(r["inline_comments"]),
             str(r["comment_chars"]), "" if r["minutes_to_vote"] is None else str(r["minutes_to_vote"]),
             str(r["change_size"]), r["outcome"], "possible rubber stamp" if r["possible_rubber_stamp"] else "")
            for r in each[:limit]])  # fmt: skip
        return
    print_rows(("reviewer", "reviews", "with comments", "inline", "median chars", "median min to vote", "median lines",
                "possible rubber stamps", "agreed"), [
        (escape(r["name"]), str(r["reviews"]), str(r["reviews_with_comments"]), str(r["inline_comments"]),
         _num(r["median_comment_chars"]), _num(r["median_minutes_to_vote"]), _num(r["median_change_size"]),
         str(r["possible_rubber_stamps"]), f"{r['agreed']}/{r['decided']}") for r in depth[:limit]],
        title=f"Review depth, last {months} months")  # fmt: skip
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
    with community_of(ctx, read_only=True) as community:
        window, synced = dated(community.store, as_of), synced_kinds(community)
        found = [r for r in community.risk(window.as_of) if r.signals][:limit]
    if as_json:
        _dump([{"person_id": r.person_id, "name": r.name, "risk": r.score, "signals": [vars(s) for s in r.signals]}
               for r in found])  # fmt: skip
        return
    out.print("[dim]Signals are facts about the last 3 months set against the year before; they are prompts to "
              "check in with someone, never judgements.[/dim]")  # fmt: skip
    if not found:
        out.print(nothing_to_show(synced, window, 3, "signals worth a check-in"))
    for r in found:
        out.print(f"[bold]{escape(r.name)}[/bold]")
        for s in r.signals:
            out.print(f"  [yellow]{s.name}[/yellow]: {escape(s.evidence)}", soft_wrap=True)


def risk(ctx: typer.Context, as_of: AsOfOption = None, limit: LimitOption = 20, as_json: JsonOption = False,
         show_emails: ShowEmails = False) -> None:  # fmt: skip
    """The disengagement risk of everyone active as of a date, riskiest first, with its facts.

    log(1 + days since their last contribution) - log(1 + their contributions over the 15 months
    before): the score `niche validate overload` backtests, so anyone can check it on their own cases."""
    with community_of(ctx, read_only=True) as community:
        found = community.risk(dated(community.store, as_of).as_of)
    if as_json:
        _dump([r.to_json(show_emails) for r in found])
        return
    table = Table("person", "risk", "last", "days quiet", "last 3 months", "year before", title="Disengagement risk")
    for r in found[:limit]:
        table.add_row(escape(r.name), f"{r.score:.2f}", day(r.last_contribution), str(r.days_since_last),
                      str(r.contributions_last_3_months), str(r.contributions_12_months_before))  # fmt: skip
    out.print(table)


def niches(ctx: typer.Context,
           who: Annotated[str | None, typer.Option("--for", help="Match to this person's past areas.")] = None,
           interests: Annotated[str, typer.Option(help='Comma-separated, e.g. "docs,networking".')] = "",
           as_of: AsOfOption = None, months: MonthsOption = 12, limit: LimitOption = 20,
           as_json: JsonOption = False) -> None:  # fmt: skip
    """Find your niche: where help is wanted now, matched to a person's past work or interests.

    Untriaged bugs, changes waiting for review and unanswered questions of the last 90 days, docs left
    behind by their code and areas mostly one person's work, each with a link and why it was suggested."""
    with community_of(ctx, read_only=True) as community:
        window, synced = dated(community.store, as_of), synced_kinds(community)
        found = community.niches(window.as_of, months, who, interests.split(","), limit)
    if as_json:
        _dump([vars(o) for o in found])
        return
    if not found:
        if who or interests:
            err.print("No open opportunities match that person or those interests; try without --for/--interests.")
        else:
            err.print(nothing_to_show(synced, window, months, "open opportunities"))
        return
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
    with community_of(ctx, read_only=True) as community, Progress(console=err, transient=True) as bar:
        dated(community.store)
        task = bar.add_task("Backtesting ...", total=None)
        result = community.validate(every, horizon, k, lambda n, total: bar.update(task, completed=n, total=total))
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

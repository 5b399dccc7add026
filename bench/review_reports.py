"""Review reports on a real store (e.g. nova's git history plus the 5,934 OpenStack changes of
2011-2012): the static report's render time, every `niche reviews` report, and the dashboard's
review page p50/p95 through the HTTP app, each against a baseline measured in the same run.

    python bench/review_reports.py STORE.duckdb [--as-of 2012-03-01] [--runs 20]

Baselines: for the reports, `SELECT count(*)` over review_events (one scan of what they read);
for the page, one vendored static file served by the same app (as bench/web_render.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from niche.metrics.cycles import load_cycles, report_windows
from niche.metrics.review_reports import REPORTS, run_report
from niche.store import Store
from niche.web.app import create_app, site_snapshots
from niche.web.pages import Site
from niche.web.render import render
from niche.web.static_site import write_static_site
from timing import percentile as _p
from timing import timed as _timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--as-of", type=datetime.fromisoformat, default=datetime(2012, 3, 1))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cycle", default="essex")
    parser.add_argument("--project", default="openstack/nova")
    args = parser.parse_args()
    with Store(args.db, read_only=True) as store:
        facts = store.con.execute(
            "SELECT (SELECT count(*) FROM commits), (SELECT count(*) FROM changes),"
            " (SELECT count(*) FROM review_events), (SELECT count(*) FROM people)"
        ).fetchone()
        print(f"store: {facts[0]:,} commits, {facts[1]:,} changes, {facts[2]:,} review events, {facts[3]:,} people")
        cycles = load_cycles()
        windows = report_windows(cycles, args.cycle)
        scan = _timed(lambda: store.con.execute("SELECT count(*) FROM review_events").fetchone(), args.runs)
        print(f"baseline (scan review_events): median {statistics.median(scan):.1f} ms")
        print(f"{'report':<16} {'median ms':>10} {'x scan':>8}")
        for name in REPORTS:
            person = store.con.execute("SELECT person_id FROM people WHERE name = 'Vish Ishaya'").fetchone()
            runs = _timed(lambda name=name, person=person: run_report(store, name, cycles, windows, args.project,
                                                                   person_id=person[0] if person else None),
                          max(3, args.runs // 4))  # fmt: skip
            median = statistics.median(runs)
            print(f"{name:<16} {median:10.0f} {median / statistics.median(scan):8.0f}")
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            pages = write_static_site(Site(store, args.as_of), Path(out))
            print(f"static report: {pages:,} pages in {time.perf_counter() - start:.1f} s")
    # The dashboard as `niche serve` runs it: a warmed snapshot, pages built once and then cached.
    with site_snapshots(args.db, as_of=args.as_of) as snapshots:
        client = TestClient(create_app(snapshots), base_url="http://localhost")
        first = _timed(lambda: client.get("/review.html"), 1)[0]
        base = _timed(lambda: client.get("/static/vendor/vega-embed.min.js"), args.runs)
        page = _timed(lambda: client.get("/review.html"), args.runs)
    print(f"review page, first request (computes the cycle's reports): {first:.0f} ms")
    print(f"baseline (static file): p50 {_p(base, 50):.1f} ms, p95 {_p(base, 95):.1f} ms")
    print(f"review page, cached: p50 {_p(page, 50):.1f} ms, p95 {_p(page, 95):.1f} ms, "
          f"p95 / baseline p95 {_p(page, 95) / _p(base, 95):.1f}")  # fmt: skip
    built = []
    with Store(args.db, read_only=True) as store:  # the first request after each new snapshot, warmed as served
        for _ in range(max(3, args.runs // 4)):
            site = Site(store, args.as_of).warm()
            built += _timed(lambda site=site: render(site, "review", site.page("review", None)), 1)
    print(f"review page, first build on a new snapshot: p50 {_p(built, 50):.0f} ms, p95 {_p(built, 95):.0f} ms")


if __name__ == "__main__":
    main()

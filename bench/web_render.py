"""Dashboard page render times on a real store, without HTTP or the server's page cache: p50/p95
per page with a fresh Site per render (cold: the shared figures computed each time) and with one
warmed Site (what the server does once per snapshot before serving it).

Baseline, measured in the same run: serving one vendored static file through the server's app.
For latency under concurrent load, and the page cache, see bench/web_load.py.

    python bench/web_render.py .niche/niche.duckdb --as-of 2026-08-31 --runs 20
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from niche.store import Store
from niche.web.app import create_app, site_snapshots
from niche.web.pages import PAGES, Site
from niche.web.render import render
from timing import percentile as _p
from timing import timed as _times


def _page(site: Site, page: str, query: str | None = None) -> str:
    if page == "person":
        context = site.person(query or "")
        return render(site, "person", context, root="../", title=context["p"].name)
    return render(site, page, site.page(page, query))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--as-of", type=datetime.fromisoformat)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--people", type=int, default=50, help="profiles sampled")
    args = parser.parse_args()
    with site_snapshots(args.db, as_of=args.as_of) as snapshots:
        client = TestClient(create_app(snapshots), base_url="http://localhost")
        baseline = _times(lambda: client.get("/static/vendor/vega-embed.min.js"), args.runs)
    with Store(args.db, read_only=True) as store:
        counts = store.con.execute("SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM people)").fetchone()
        print(f"store: {counts[0]:,} activities, {counts[1]:,} people")
        people = [r[0] for r in store.con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]
        sample = random.Random(1).sample(people, min(args.people, len(people)))
        warm = Site(store, args.as_of).warm()
        print(f"baseline (static file through the app): p50 {_p(baseline, 50):.1f} ms, p95 {_p(baseline, 95):.1f} ms")
        print(f"{'page':<32} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'warm p95/baseline':>18}")
        everything_warm: list[float] = []
        pages = [(name, None) for name, _ in PAGES] + [("trail", "lp-bug:1927677")]
        for page, query in pages:
            cold = _times(lambda page=page, query=query: _page(Site(store, args.as_of), page, query), args.runs)
            hot = _times(lambda page=page, query=query: _page(warm, page, query), args.runs)
            everything_warm += hot
            print(f"{page + (f' ?q={query}' if query else ''):<32} {_p(cold, 50):9.1f} {_p(cold, 95):9.1f}"
                  f" {_p(hot, 50):9.1f} {_p(hot, 95):9.1f} {_p(hot, 95) / _p(baseline, 95):18.1f}")  # fmt: skip
        profiles = [t for pid in sample for t in _times(lambda pid=pid: _page(warm, "person", pid), 2)]
        everything_warm += profiles
        print(f"{'person (' + str(len(sample)) + ' people)':<32} {'':>9} {'':>9} {_p(profiles, 50):9.1f}"
              f" {_p(profiles, 95):9.1f} {_p(profiles, 95) / _p(baseline, 95):18.1f}")  # fmt: skip
        print(f"all pages, warm: p50 {_p(everything_warm, 50):.1f} ms, p95 {_p(everything_warm, 95):.1f} ms")


if __name__ == "__main__":
    main()

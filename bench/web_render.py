"""Dashboard page render times on a real store: p50/p95 per page through the HTTP app, with a
fresh Site per request (nothing cached) and with the server's own Site (headline computed once).

Baseline, measured in the same run: serving one vendored static file through the same app.

    python bench/web_render.py .niche/niche.duckdb --as-of 2026-08-31 --runs 20
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from niche.store import Store
from niche.web.app import create_app
from niche.web.pages import PAGES, Site


def _times(client: TestClient, path: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--as-of", type=datetime.fromisoformat)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--people", type=int, default=50, help="profiles sampled")
    args = parser.parse_args()
    with Store(args.db, read_only=True) as store:
        counts = store.con.execute("SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM people)").fetchone()
        print(f"store: {counts[0]:,} activities, {counts[1]:,} people")
        people = [r[0] for r in store.con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]
        sample = random.Random(1).sample(people, min(args.people, len(people)))
        paths = [f"/{name}.html" for name, _ in PAGES] + ["/trail.html?q=lp-bug:1927677"]

        class FreshSite:  # a new Site for every request: no cached headline
            def __getattr__(self, name: str):
                return getattr(Site(store, args.as_of), name)

        fresh = TestClient(create_app(FreshSite()))  # type: ignore[arg-type]
        warm = TestClient(create_app(Site(store, args.as_of)))
        baseline = _times(warm, "/static/vendor/vega-embed.min.js", args.runs)
        print(f"baseline (static file): p50 {_p(baseline, 50):.1f} ms, p95 {_p(baseline, 95):.1f} ms")
        print(f"{'page':<40} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} {'warm p95/baseline':>18}")
        everything_warm: list[float] = []
        for path in paths:
            cold, hot = _times(fresh, path, args.runs), _times(warm, path, args.runs)
            everything_warm += hot
            print(f"{path:<40} {_p(cold, 50):9.1f} {_p(cold, 95):9.1f} {_p(hot, 50):9.1f} {_p(hot, 95):9.1f}"
                  f" {_p(hot, 95) / _p(baseline, 95):18.1f}")  # fmt: skip
        profiles = [t for pid in sample for t in _times(warm, f"/people/{pid}.html", 2)]
        everything_warm += profiles
        print(
            f"{'/people/<id>.html (' + str(len(sample)) + ' people)':<40} {'':>9} {'':>9}"
            f" {_p(profiles, 50):9.1f} {_p(profiles, 95):9.1f} {_p(profiles, 95) / _p(baseline, 95):18.1f}"
        )
        print(f"all pages, warm: p50 {_p(everything_warm, 50):.1f} ms, p95 {_p(everything_warm, 95):.1f} ms")


if __name__ == "__main__":
    main()

"""Load on a real `niche serve`: every page of a store at a fixed concurrency, with latency
percentiles and the server's memory every 1,000 requests.

Starts `niche serve` on loopback (never anything else) on the store given, visits every page once
(the cold pass: first renders), then sends --requests requests over all pages, shuffled, from
--concurrency clients at once, and prints p50/p95/p99 and the server's resident memory per block
of 1,000. Bounded: at most 50,000 requests and --max-seconds of wall time, whichever comes first.

    python bench/web_load.py novaclient.duckdb --requests 10000 --concurrency 20

Targets (issue 18): p95 under 300 ms at concurrency 20 over every page of a python-novaclient
store, and server memory that levels off over 10,000 requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import duckdb
import httpx

from timing import percentile as _p

MAX_REQUESTS = 50_000
BLOCK = 1_000


def _pages(db: Path, trails: int) -> list[str]:
    """Every page the server has: the navigation, each person's profile, and trails of the busiest keys."""
    from niche.web.pages import PAGES

    con = duckdb.connect(str(db), read_only=True)
    try:
        people = [r[0] for r in con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]
        busiest = "SELECT key FROM item_refs GROUP BY key ORDER BY count(*) DESC, key LIMIT ?"
        keys = [r[0] for r in con.execute(busiest, [trails]).fetchall()]
    finally:
        con.close()
    return (
        [f"/{name}.html" for name, _ in PAGES]
        + [f"/people/{p}.html" for p in people]
        + [f"/trail.html?q={quote(k, safe='')}" for k in keys]
    )


def _rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (uvicorn runs in the niche process itself)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_ms(pid: int) -> float:
    """CPU time the server has used so far (user + system), in ms: unlike latency, it does not
    grow when other processes compete for the cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _run(base: str, paths: list[str], concurrency: int, deadline: float, on_done) -> list[float]:
    """Send paths in order from `concurrency` clients; returns each latency in ms (in completion order)."""
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def worker() -> None:
            while not queue.empty() and time.monotonic() < deadline:
                path = queue.get_nowait()
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.TransportError as exc:  # counted and shown, not hidden
                    errors.append(f"{path}: {type(exc).__name__} {exc}")
                    continue
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
                on_done(len(latencies))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    if errors:
        print(f"{len(errors)} requests failed at the connection, e.g. {errors[0]}")
    return latencies


def _serve(db: Path, port: int, as_of: str | None, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "niche", "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--as-of", as_of] if as_of else []
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=log, env=os.environ | {"PYTHONUNBUFFERED": "1"}
    )
    for _ in range(3000):
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/niche.css", timeout=1)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit("niche serve exited") from None
            time.sleep(0.1)
    raise SystemExit("niche serve did not start within 300 s")


def _summary(label: str, latencies: list[float]) -> str:
    return f"{label}: p50 {_p(latencies, 50):.0f} ms, p95 {_p(latencies, 95):.0f} ms, p99 {_p(latencies, 99):.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--as-of", help="passed to niche serve")
    parser.add_argument("--trails", type=int, default=25, help="trail pages: the busiest keys")
    args = parser.parse_args()
    if not 1 <= args.requests <= MAX_REQUESTS or not 1 <= args.concurrency <= 200:
        parser.error(f"--requests must be 1..{MAX_REQUESTS} and --concurrency 1..200")
    paths = _pages(args.db, args.trails)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = _serve(args.db, port, args.as_of, log)
        try:
            deadline = time.monotonic() + args.max_seconds
            print(f"{len(paths):,} pages; server pid {server.pid}, {_rss_mb(server.pid):.0f} MB at start")
            start = time.perf_counter()
            cold = asyncio.run(_run(base, paths, args.concurrency, deadline, lambda n: None))
            print(_summary(f"cold pass, every page once: {time.perf_counter() - start:.1f} s", cold)
                  + f", {_rss_mb(server.pid):.0f} MB")  # fmt: skip
            static = ["/static/niche.css"] * min(args.requests, 2_000)
            cpu = _cpu_ms(server.pid)
            baseline = asyncio.run(_run(base, static, args.concurrency, deadline, lambda n: None))
            static_cpu = (_cpu_ms(server.pid) - cpu) / len(baseline)
            print(_summary("baseline, one small static file", baseline) + f", server CPU {static_cpu:.1f} ms a request")
            order = [random.Random(n).choice(paths) for n in range(args.requests)]
            memory: list[tuple[int, float]] = []

            def sample(n: int) -> None:
                if n % BLOCK == 0:
                    memory.append((n, _rss_mb(server.pid)))

            start, cpu = time.perf_counter(), _cpu_ms(server.pid)
            warm = asyncio.run(_run(base, order, args.concurrency, deadline, sample))
            elapsed = time.perf_counter() - start
            page_cpu = (_cpu_ms(server.pid) - cpu) / len(warm)
            print(f"{'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'server MB':>10}")
            for i, (n, mb) in enumerate(memory):
                block = warm[i * BLOCK : n]
                print(f"{n:9,} {_p(block, 50):8.0f} {_p(block, 95):8.0f} {_p(block, 99):8.0f} {mb:10.0f}")
            print(_summary(f"all {len(warm):,} requests, concurrency {args.concurrency}, {elapsed:.1f} s "
                           f"({len(warm) / elapsed:.0f}/s)", warm))  # fmt: skip
            print(f"p95 / baseline p95: {_p(warm, 95) / _p(baseline, 95):.1f}; server CPU {page_cpu:.1f} ms a request "
                  f"({page_cpu / static_cpu:.1f}x the static file's)")  # fmt: skip
            if len(warm) < args.requests:
                print(f"stopped at --max-seconds {args.max_seconds:.0f}: {len(warm):,} of {args.requests:,} requests")
        finally:
            server.terminate()
            server.wait(30)
            log.seek(0)
            said = log.read().decode(errors="replace").strip().splitlines()[1:]  # past "niche is serving ..."
            if said:
                print("niche serve said:", *said[-40:], sep="\n")


if __name__ == "__main__":
    main()

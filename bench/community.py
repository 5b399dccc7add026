"""A whole community's repositories on one machine: time and peak memory against raw `git log`.

    python bench/community.py FOLDER [--jobs N]

FOLDER holds many repositories (clones, bare repositories, or links to them). In one run:

  git log    `git log --all --numstat` over every repository niche finds there, one after the
             other, output discarded: the baseline every other figure is divided by
  sync       a first `niche sync git FOLDER` into a fresh database (--jobs, default one per core),
             then the same again with nothing new (no-op)
  sync -j1   the first sync with --jobs 1: what reading several repositories at once buys
  analyze    a first `niche analyze FOLDER` over the synced database (its derive and its HTML
             report: the sync was timed above), then again with nothing new (no-op; target:
             under 10% of the first); with --fresh, into a fresh database (the sync included)

Each step runs the `niche` command as a user does: its wall time, its CPU time (user and system,
its git processes included; a loaded machine stretches wall time far more) and its peak memory,
that of the whole process tree (niche and the git processes it starts), sampled every 0.1 s from
/proc; the machine's load average is printed beside every step, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from niche.sources.git import discover_repositories
from niche.store import Store

NICHE = [sys.executable, "-m", "niche"]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> int:
    """Resident memory of root and all its descendants, now."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo.extend(tree.get(pid, ()))
    return total


def cpu_seconds() -> float:
    """CPU time (user and system) of every child process ended so far, their own children included."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measured(cmd: list[str], check: bool = True) -> tuple[float, int, subprocess.CompletedProcess[bytes]]:
    """Run cmd: wall seconds, peak resident memory of its process tree (KiB), the process; unless
    check is false, a failure (an exit status over 1) stops the bench."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_kib(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample)
        sampler.start()
        proc.wait()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        ran = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    if check and ran.returncode not in (0, 1):  # 1: some input could not be read, and is said so
        sys.exit(f"failed: {' '.join(cmd)}\n{ran.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, peak, ran


def git_baseline(repos: list[Path]) -> tuple[float, int]:
    start, peak = time.perf_counter(), 0
    for repo in repos:
        # a repository git cannot read costs it nothing, as it costs niche little
        _, rss, _ = measured(["git", "-C", str(repo), "log", "--all", "--numstat", "--output=/dev/null"], check=False)
        peak = max(peak, rss)
    return time.perf_counter() - start, peak


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="niche's --jobs (default: cores)")
    parser.add_argument("--no-jobs1", action="store_true", help="skip the --jobs 1 sync (it takes longest)")
    parser.add_argument("--fresh", action="store_true", help="analyze into a fresh database, its sync included")
    args = parser.parse_args()
    folder = args.folder.resolve()
    repos = discover_repositories(folder)
    print(f"{folder}: {len(repos)} repositories; {os.cpu_count()} cores; {load()}")
    results: dict[str, dict[str, float]] = {}
    cpu = [cpu_seconds()]

    def step(name: str, seconds: float, peak_kib: int, said: str) -> None:
        """One step's figures; CPU time too, which a shared machine's load distorts far less than wall time."""
        cpu.append(cpu_seconds())
        used = cpu[-1] - cpu[-2]
        ratio = seconds / results["git log"]["seconds"] if "git log" in results else 1.0
        results[name] = {"seconds": round(seconds, 2), "cpu_seconds": round(used, 2), "peak_mib": round(peak_kib / 1024),
                         "ratio_to_git_log": round(ratio, 3)}  # fmt: skip
        print(f"{name:<16} {seconds:8.1f} s  {used:8.1f} s CPU  {peak_kib / 1024:7.0f} MiB  {ratio:6.2f}x git log  "
              f"{said}  ({load()})", flush=True)  # fmt: skip

    seconds, peak = git_baseline(repos)
    step("git log", seconds, peak, "git log --all --numstat, one repository after the other")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sync.duckdb"
        sync = [*NICHE, "--db", str(db), "sync", "git", str(folder), "--jobs", str(args.jobs)]
        seconds, peak, ran = measured(sync)
        commits = _commits(db)
        step("sync", seconds, peak, f"--jobs {args.jobs}: {commits:,} commits")
        seconds, peak, _ = measured(sync)
        step("sync no-op", seconds, peak, "nothing new")
        if not args.no_jobs1:
            seconds, peak, _ = measured([*NICHE, "--db", str(Path(tmp) / "one.duckdb"), "sync", "git", str(folder),
                                         "--jobs", "1"])  # fmt: skip
            step("sync --jobs 1", seconds, peak, f"{seconds / results['sync']['seconds']:.2f}x the --jobs {args.jobs} sync")
        if args.fresh:
            db = Path(tmp) / "a" / "niche.duckdb"
        else:  # what a sync derives is what analyze derives: it starts from the synced data only
            with Store(db) as store, store.transaction():
                store.con.execute("DELETE FROM derived")
        analyze = [*NICHE, "--db", str(db), "analyze", str(folder), "--jobs", str(args.jobs)]
        seconds, peak, _ = measured(analyze)
        pages = sum(1 for _ in (db.parent / "report").rglob("*.html"))
        step("analyze", seconds, peak, f"{'sync, ' if args.fresh else ''}derive and a report of {pages:,} pages")
        seconds, peak, _ = measured(analyze)
        step("analyze no-op", seconds, peak, f"{seconds / results['analyze']['seconds']:.1%} of the first analyze")
    print(json.dumps({"folder": str(folder), "repositories": len(repos), "commits": commits, "steps": results},
                     indent=2))  # fmt: skip


def _commits(db: Path) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM raw_items").fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    main()

"""Git ingestion speed and memory, as ratios against raw `git log` measured in the same run.

    python bench/git_ingest.py REPO [--runs 3] [--compare] [--compare-seconds 120]

For each run: time `git log --all --numstat` (output discarded) and a full `niche sync git REPO`
into a fresh database, alternately, so machine noise hits both alike; print the median times,
the ratio niche / git (target <= 1.5) and niche's own peak RSS (its git child is reported
separately: its memory is git's, the same as the baseline's).

--compare also measures Perceval's git backend and PyDriller (install them yourself:
`pip install perceval pydriller`), each for at most --compare-seconds, and prints commits per
second against niche's: both tools are far slower, so they are timed on a bounded prefix of the
same history rather than the whole of it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Syncs the repository through niche's Python API in a child process and reports that process's
# own peak RSS (KiB), apart from the git processes it starts.
NICHE_CHILD = """
import resource, sys
from niche import Community
db, repo = sys.argv[1:]
try:
    with Community(db) as community:
        for result in community.sync(community.git(repo)):
            result.check()
        community.derive()
finally:
    sys.stderr.write("\\nNICHE_SELF_MAXRSS_KIB=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

PERCEVAL_CHILD = """
import subprocess, sys, tempfile, time
from perceval.backends.core.git import Git
repo, limit = sys.argv[1], float(sys.argv[2])
# Perceval reads from its own clone, which it fetches from origin: make it before the clock starts.
gitpath = tempfile.mkdtemp() + "/clone.git"
subprocess.run(["git", "clone", "-q", "--mirror", repo, gitpath], check=True)
start, n = time.monotonic(), 0
for _ in Git(uri=repo, gitpath=gitpath).fetch():
    n += 1
    if time.monotonic() - start > limit:
        break
print(n, time.monotonic() - start)
"""

PYDRILLER_CHILD = """
import sys, time
from pydriller import Repository
repo, limit = sys.argv[1], float(sys.argv[2])
start, n = time.monotonic(), 0
for c in Repository(repo, include_refs=True, include_remotes=True).traverse_commits():
    c.insertions, c.deletions, len(c.modified_files)  # what niche stores: per-file line counts
    n += 1
    if time.monotonic() - start > limit:
        break
print(n, time.monotonic() - start)
"""


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, **kwargs)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed, proc


def git_baseline(repo: Path) -> float:
    start = time.perf_counter()
    with open("/dev/null", "wb") as null:
        subprocess.run(["git", "-C", str(repo), "log", "--all", "--numstat"], stdout=null, check=True)
    return time.perf_counter() - start


def niche_sync(repo: Path, workdir: Path) -> tuple[float, int, int]:
    db = workdir / f"bench-{time.monotonic_ns()}.duckdb"
    elapsed, proc = timed([sys.executable, "-c", NICHE_CHILD, str(db), str(repo)])
    err = proc.stderr.decode(errors="replace")
    rss = int(err.rsplit("NICHE_SELF_MAXRSS_KIB=", 1)[1].split()[0])
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        commits = con.execute("SELECT count(*) FROM commits").fetchone()[0]
    db.unlink()
    return elapsed, rss, commits


def rate_of(script: str, repo: Path, seconds: float) -> tuple[int, float] | None:
    proc = subprocess.run([sys.executable, "-c", script, str(repo), str(seconds)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  (skipped: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'failed'})")
        return None
    n, elapsed = proc.stdout.split()
    return int(n), float(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", action="store_true", help="also time Perceval and PyDriller")
    parser.add_argument("--compare-seconds", type=float, default=120.0)
    args = parser.parse_args()
    repo = args.repo.resolve()
    total = int(
        subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--all", "--count"], capture_output=True, text=True, check=True
        ).stdout
    )
    print(f"repository: {repo} ({total:,} commits reachable from all refs)")

    gits, niches, rsss = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, args.runs + 1):
            g = git_baseline(repo)
            n, rss, commits = niche_sync(repo, Path(tmp))
            gits.append(g)
            niches.append(n)
            rsss.append(rss)
            print(
                f"run {run}: git log {g:.1f}s, niche sync {n:.1f}s ({commits:,} commits), "
                f"ratio {n / g:.2f}, niche peak RSS {rss / 1024:.0f} MiB"
            )
    largest_child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # git log's, in practice
    g, n = statistics.median(gits), statistics.median(niches)
    summary = {
        "commits": total,
        "git_log_seconds": round(g, 2),
        "niche_sync_seconds": round(n, 2),
        "ratio_niche_to_git": round(statistics.median(x / y for x, y in zip(niches, gits, strict=True)), 3),
        "niche_peak_rss_mib": round(max(rsss) / 1024),
        "largest_child_process_peak_rss_mib": round(largest_child_rss / 1024),
        "niche_commits_per_second": round(total / n),
    }
    if args.compare:
        for name, script in (("perceval", PERCEVAL_CHILD), ("pydriller", PYDRILLER_CHILD)):
            print(f"timing {name} for up to {args.compare_seconds:.0f}s ...")
            got = rate_of(script, repo, args.compare_seconds)
            if got:
                count, secs = got
                summary[f"{name}_commits_per_second"] = round(count / secs, 1)
                summary[f"niche_speedup_over_{name}"] = round((total / n) / (count / secs), 1)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

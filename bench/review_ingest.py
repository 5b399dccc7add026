"""Saved Gerrit data ingestion: time and peak memory of `niche sync gerrit-file` (what it does,
through niche.Community: the sync, then people, roles and links) on the real
OpenStack set (5,934 changes, 72 MB of JSON gzipped to 5 MB), against a baseline measured in the
same run: Python's own json.load of the same file, which holds all of it in memory at once.

    python bench/review_ingest.py [FILE] [--runs 3]

Each run times the baseline and niche alternately, each in a fresh child process, so machine
noise hits both alike; prints the medians, the ratio niche / json.load, and both peak RSS
(niche streams the file a change at a time; json.load cannot).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(os.environ.get("NICHE_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures"))
DEFAULT = FIXTURES / "gerrit-rest" / "openstack-changes-2011-2012.json.gz"
RSS = "import resource, sys; sys.stderr.write("  # the child's own peak RSS, KiB
RSS += "'\\nMAXRSS_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
BASELINE = f"""import gzip, json, sys
changes = json.load(gzip.open(sys.argv[1]))
{RSS}"""
NICHE = f"""import sys
from niche import Community
try:
    with Community(sys.argv[1]) as community:
        (result,) = community.sync([community.gerrit_file(sys.argv[2], sys.argv[3])])
        result.check()
        community.derive()
finally:
    {RSS}"""


def _run(code: str, *args: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return seconds, int(re.findall(r"MAXRSS_KIB=(\d+)", done.stderr)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base, niche, base_rss, niche_rss = [], [], [], []
    for _ in range(args.runs):
        seconds, rss = _run(BASELINE, str(args.file))
        base.append(seconds)
        base_rss.append(rss)
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "niche.duckdb")
            seconds, rss = _run(NICHE, db, str(args.file), "https://review.openstack.org")
        niche.append(seconds)
        niche_rss.append(rss)
    b, n = statistics.median(base), statistics.median(niche)
    print(f"file: {args.file.name}, {args.runs} runs")
    print(f"baseline json.load:          {b:7.1f} s  peak RSS {max(base_rss) / 1024:7.0f} MiB")
    print(f"niche sync gerrit-file:      {n:7.1f} s  peak RSS {max(niche_rss) / 1024:7.0f} MiB"
          "  (store, then people, roles, links)")  # fmt: skip
    print(f"ratio niche / json.load:     {n / b:7.1f} x time, {max(niche_rss) / max(base_rss):.2f} x memory")


if __name__ == "__main__":
    main()

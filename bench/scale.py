"""How far one DuckDB file goes, and what Spark adds past it: the full metric set at growing sizes.

    python bench/scale.py WORKDIR --git REPO [--sizes 1M,10M,50M] [--engines duckdb,spark]
                          [--master local[2]] [--memory 8GB] [--spark-up-to 3M]

A base store is built once from real data: the git history of REPO (for example a clone of
python-novaclient) and the 5,934 real OpenStack Gerrit changes of 2011-2012 with their reviews,
plus the real mail and IRC fixtures (NICHE_FIXTURES). It is then grown to each size by copies that
look like more repositories of the same foundation: fresh ids for every item, person, identity,
project and repository, dates shifted by up to a year, the same shape otherwise (activity mix,
review depth, employers). Each size is exported to Parquet once.

For each size and engine, a child process runs every metric with the defaults `niche metrics`
uses, both engines given the same memory (--memory: DuckDB's limit, Spark's driver heap; niche's
own default DuckDB limit is 256MB). The bench records the metrics' time (Spark's session start
shown apart) and the peak memory of the child's whole process tree (the JVM included), sampled
from /proc. A metric that fails (out of memory, say) is named with its error.
It prints a table of sizes x engines with the growth per 10x of data, and writes it as JSON to
WORKDIR/scale.json. Sizes past --spark-up-to are run on DuckDB only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

# Columns whose values name an item, a person, a place or a thread: a copy appends "~k" to them so
# that copy k is a community of its own (a suffix keeps values readable and keys joinable).
# fmt: off
SUFFIXED = {
    "source", "item_id", "identity_id", "person_id", "object_id", "owner_id", "sender_id", "author_id",
    "committer_id", "sha", "change_id", "parent_id", "thread_id", "in_reply_to", "key", "a", "b", "post_id",
    "author_key", "repo", "project", "list", "channel", "url", "name", "email", "username", "author_name",
    "author_email", "committer_name", "committer_email", "started_by",
}
# fmt: on
NUMBERED = {"number"}  # change and bug numbers: shifted past the base's range
NUMBER_STEP = 1_000_000
# Tables a copy repeats: every item table of the routes (schema stored) and the people derived from
# them. Raw payloads, sync cursors and the people log are not read by any metric.
GROWN_MAIN = [
    "people",
    "identities",
    "person_identities",
    "affiliations",
    "identity_evidence",
    "item_flags",
    "posts",
    "sources",
]

ENGINE_CHILD = """
import json, sys, time
from niche import metrics
engine, location, master, person = sys.argv[1:5]
started = time.perf_counter()
if engine == "spark":
    from niche.metrics import spark
    session = spark.session(master)
    ready = time.perf_counter()
    params = metrics.defaults(location, person_id=person)
    run = lambda name: spark.run(session, location, name, **params[name])
else:
    from niche.store import Store
    store = Store(location, read_only=True)
    ready = time.perf_counter()
    params = metrics.defaults(store, person_id=person)
    run = lambda name: metrics.run(store, name, **params[name])
report = {"startup_s": ready - started, "metrics": {}}
for name in sorted(params):
    t = time.perf_counter()
    try:
        rows = len(run(name))
    except Exception as exc:
        rows = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    report["metrics"][name] = {"s": round(time.perf_counter() - t, 3), "rows": rows}
print("SCALE_REPORT=" + json.dumps(report))
"""


def size_of(text: str) -> int:
    units = {"K": 1_000, "M": 1_000_000}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}K"


def build_base(db: Path, repo: Path) -> None:
    """The real data every size is grown from."""
    from niche import Community, Config

    fixtures = Path(os.environ.get("NICHE_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures"))
    with Community(db, Config()) as community:
        planned = community.git(repo)
        planned.append(
            community.gerrit_file(
                fixtures / "gerrit-rest/openstack-changes-2011-2012.json.gz", "https://review.openstack.org"
            )
        )
        planned.append(community.mail(str(fixtures / "pipermail"), list_name="openstack-dev"))
        planned.append(community.irc(fixtures / "supybot", channel="#openstack-dev"))
        for result in community.sync(planned):
            print(f"  {result.label}: {result.new:,} new items")
        community.derive()


def copy_expression(column: str, data_type: str) -> str:
    quoted = f'"{column}"'
    if column in SUFFIXED and data_type == "VARCHAR":
        return f"CASE WHEN {quoted} IS NULL THEN NULL ELSE {quoted} || '~' || k END"
    if column in NUMBERED and data_type == "INTEGER":
        return f"{quoted} + k * {NUMBER_STEP}"
    if data_type == "TIMESTAMP":
        return f"{quoted} + to_days(CAST((k * 7) % 364 AS INTEGER))"
    return quoted


def grow(base: Path, target: Path, activities: int) -> int:
    """target: base plus as many copies as reach `activities` activities; returns the count."""
    shutil.copyfile(base, target)
    with duckdb.connect(str(target)) as con:
        con.execute("SET enable_progress_bar = false")
        (per_copy,) = con.execute("SELECT count(*) FROM stored.activities").fetchone()
        copies = max(1, math.ceil(activities / per_copy))
        tables = [
            ("stored", t)
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'stored' "
                "AND table_catalog = current_database()"
            ).fetchall()
        ] + [("main", t) for t in GROWN_MAIN]
        for schema, table in tables:
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
                "AND table_name = ? AND table_catalog = current_database() ORDER BY ordinal_position",
                [schema, table],
            ).fetchall()
            names = ", ".join(f'"{c}"' for c, _ in columns)
            values = ", ".join(copy_expression(c, t) for c, t in columns)
            con.execute(f'CREATE TEMP TABLE original AS SELECT * FROM {schema}."{table}"')
            con.execute(
                f'INSERT INTO {schema}."{table}" ({names}) SELECT {values} '
                f"FROM original, range(1, {copies}) AS copies(k)"
            )
            con.execute("DROP TABLE original")
        (total,) = con.execute("SELECT count(*) FROM activities").fetchone()
        con.execute("CHECKPOINT")
    return total


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from /proc every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    parents[int(entry)], rss[int(entry)] = int(stat[1]), int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, IndexError, ValueError):
                    continue
        tree, grew = {self.pid}, True
        while grew:
            more = {p for p, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        return sum(rss.get(p, 0) for p in tree)

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.peak = max(self.peak, self._tree_rss())

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def busiest_person(db: Path) -> str:
    """The person the per-person metrics (profile, areas, coworkers) are run for on both engines."""
    with duckdb.connect(str(db), read_only=True) as con:
        (person,) = con.execute(
            "SELECT person_id FROM person_activities GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
    return person


def run_engine(engine: str, location: Path, master: str, person: str, memory: str) -> dict:
    """Every metric on one engine in a child process, given the same memory: DuckDB's limit, or
    the Spark driver's heap (local mode runs its executors in the driver)."""
    env = dict(
        os.environ, NICHE_MEMORY_LIMIT=memory, PYSPARK_SUBMIT_ARGS=f"--driver-memory {memory[:-1]} pyspark-shell"
    )
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", ENGINE_CHILD, engine, str(location), master, person],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    tree = TreeMemory(child.pid)
    out, err = child.communicate()
    peak = tree.stop()
    if child.returncode != 0:
        sys.exit(f"{engine} on {location} failed:\n{err[-3000:]}")
    report = json.loads(out.rsplit("SCALE_REPORT=", 1)[1])
    report.update(wall_s=time.perf_counter() - start, peak_mib=peak / 2**20)
    failed = {n: m["rows"] for n, m in report["metrics"].items() if isinstance(m["rows"], str)}
    report["failed"] = failed
    return report


def growth_per_10x(small: tuple[int, float], large: tuple[int, float]) -> float:
    """How many times a figure grows when the data grows 10x, from two sizes."""
    (n1, v1), (n2, v2) = small, large
    return (v2 / v1) ** (1 / math.log10(n2 / n1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--git", type=Path, required=True, help="a real repository for the base's commits")
    parser.add_argument("--sizes", default="1M,10M,50M")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--memory", default="8GB", help="what each engine may use (DuckDB's limit, Spark's driver heap)"
    )
    parser.add_argument(
        "--spark-up-to", default="3M", help="larger sizes run on DuckDB only (Spark local[2] took 5 min at 1M)"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ["NICHE_MEMORY_LIMIT"] = args.memory  # the export, too, may use what the engines may
    base = args.workdir / "base.duckdb"
    if not base.exists():
        print(f"building the base store from {args.git} and the fixtures ...")
        build_base(base, args.git.resolve())
    from niche.store import Store
    from niche.store.parquet import export

    Store(base).close()  # a base built by an older niche is brought to this niche's schema
    engines = args.engines.split(",")
    results: list[dict] = []
    for wanted in map(size_of, args.sizes.split(",")):
        db = args.workdir / f"grown-{label(wanted)}.duckdb"
        start = time.perf_counter()
        activities = grow(base, db, wanted)
        grown_s = time.perf_counter() - start
        person = busiest_person(db)
        size_mib = db.stat().st_size / 2**20
        print(f"{label(wanted)}: {activities:,} activities ({size_mib:,.0f} MiB, grown in {grown_s:.0f} s)")
        for engine in engines:
            if engine == "spark" and wanted > size_of(args.spark_up_to):
                continue
            location = db
            row = {"size": label(wanted), "activities": activities, "engine": engine}
            if engine == "spark":
                location = args.workdir / f"parquet-{label(wanted)}"
                start = time.perf_counter()
                with Store(db, read_only=True) as store:
                    export(store, location)
                row["export_s"] = round(time.perf_counter() - start, 1)
            report = run_engine(engine, location, args.master, person, args.memory)
            metric_s = sum(m["s"] for m in report["metrics"].values())
            row.update(
                wall_s=round(report["wall_s"], 1),
                startup_s=round(report["startup_s"], 1),
                metrics_s=round(metric_s, 1),
                peak_mib=round(report["peak_mib"]),
                metrics=report["metrics"],
                failed=report["failed"],
            )
            slowest = sorted(report["metrics"].items(), key=lambda m: -m[1]["s"])[:3]
            print(
                f"  {engine}: {metric_s:,.1f} s for {len(report['metrics'])} metrics (+{row['startup_s']} s startup), "
                f"peak {row['peak_mib']:,} MiB; slowest: " + ", ".join(f"{n} {m['s']:.1f} s" for n, m in slowest)
            )
            for name, why in report["failed"].items():
                print(f"    {name} {why}")
            results.append(row)
        if len(engines) and "spark" in engines:
            shutil.rmtree(args.workdir / f"parquet-{label(wanted)}", ignore_errors=True)
        db.unlink()
    print_table(results)
    (args.workdir / "scale.json").write_text(json.dumps(results, indent=2))


def print_table(results: list[dict]) -> None:
    print(
        f"\n{'size':>6} {'activities':>12} {'engine':>7} {'metrics s':>10} {'startup s':>10} {'peak MiB':>9} "
        f"{'time x/10x':>11} {'mem x/10x':>10}"
    )
    previous: dict[str, dict] = {}
    for row in results:
        before = previous.get(row["engine"])
        time_growth = mem_growth = ""
        if before:
            small, large = before["activities"], row["activities"]
            time_growth = f"{growth_per_10x((small, before['metrics_s']), (large, row['metrics_s'])):.1f}"
            mem_growth = f"{growth_per_10x((small, before['peak_mib']), (large, row['peak_mib'])):.1f}"
        print(
            f"{row['size']:>6} {row['activities']:>12,} {row['engine']:>7} {row['metrics_s']:>10,.1f} "
            f"{row['startup_s']:>10,.1f} {row['peak_mib']:>9,} {time_growth:>11} {mem_growth:>10}"
        )
        previous[row["engine"]] = row


if __name__ == "__main__":
    main()

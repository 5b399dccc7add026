"""Employer of the day on real history: how many commits niche credits to an organisation, and a
sample of them to check by hand.

    python bench/employer_share.py STORE.duckdb [--sample 50 --seed 20]
    python bench/employer_share.py --sync REPO STORE.duckdb      # sync a git repository first

For the commits authored by people (not bots) it prints the share credited to an organisation
next to a plain lookup of each commit's own author address in niche's domain table (the
baseline the issue measured: no periods, no history), and the organisations with most
commits. With --sample it draws commits at random (seeded, so a re-run draws the same ones)
and prints, for each, what a reader needs to judge it: the author, the address's domain, what
niche credits, and every address the person used nearest that date. Addresses are cut to their
domain. Only the store's tables are read, so an older niche's store can be measured the same
way (run this file with that niche on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

import duckdb

SHARE = """
    SELECT count(*) AS commits, count(org) AS credited FROM authored_commits
"""
TOP = "SELECT coalesce(org, '(unknown)'), count(*) FROM authored_commits GROUP BY 1 ORDER BY 2 DESC LIMIT 15"
COMMITS = """
    SELECT ac.item_id, ac.person_id, ac.org, c.author_name, c.author_email, c.author_at, c.committer_email,
           c.committer_at, p.name
    FROM authored_commits ac JOIN commits c USING (source, item_id) JOIN people p USING (person_id)
    ORDER BY ac.item_id
"""
NEAR = """
    SELECT i.email, i.name, min(a.occurred_at), max(a.occurred_at), count(*)
    FROM activities a JOIN person_identities pi USING (identity_id) JOIN identities i USING (identity_id)
    WHERE pi.person_id = ? GROUP BY 1, 2 ORDER BY 3
"""


def domain(address: str | None) -> str:
    return address.rsplit("@", 1)[1].lower() if address and "@" in address else "(no address)"


def own_domain_share(con: duckdb.DuckDBPyConnection) -> float | None:
    """Share credited by the author address's own domain alone, in niche's current table."""
    try:
        from niche.identity import normalize as norm
        from niche.identity.organisations import shipped
    except ImportError:
        return None
    rows = con.execute("SELECT c.author_email, c.author_name, c.author_at FROM authored_commits "
                       "JOIN commits c USING (source, item_id)").fetchall()  # fmt: skip
    orgs = shipped()
    credited = sum(orgs.org_of(norm.find_email(email, name), at) is not None for email, name, at in rows)
    return credited / len(rows) if rows else None


def sample(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> None:
    rows = con.execute(COMMITS).fetchall()
    for sha, person, org, name, email, at, committer_email, committed, shown in random.Random(seed).sample(rows, n):
        print(f"\n{sha[:10]} {at:%Y-%m-%d} (committed {committed:%Y-%m-%d}) {name!r} <…@{domain(email)}>"
              f" committer …@{domain(committer_email)} -> {org or '(unknown)'}   [{shown}]")  # fmt: skip
        for address, alias, first, last, count in con.execute(NEAR, [person]).fetchall():
            print(f"    …@{domain(address)} ({alias}) {first:%Y-%m-%d} .. {last:%Y-%m-%d} x{count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--sync", type=Path, help="a git repository to sync into the store first")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    if args.sync:
        cmd = [sys.executable, "-m", "niche", "--db", str(args.store), "sync", "git", str(args.sync)]
        subprocess.run(cmd, check=True)
    with duckdb.connect(str(args.store), read_only=True) as con:
        commits, credited = con.execute(SHARE).fetchone()
        print(f"{args.store}: {commits:,} commits by people, {credited:,} credited to an organisation "
              f"({credited / commits:.1%})")  # fmt: skip
        baseline = own_domain_share(con)
        if baseline is not None:
            print(f"  the author address's own domain alone, same table: {baseline:.1%}")
        for org, count in con.execute(TOP).fetchall():
            print(f"  {org:<30} {count:>7,}")
        if args.sample:
            sample(con, args.sample, args.seed)


if __name__ == "__main__":
    main()

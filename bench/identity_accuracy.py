"""Identity resolution accuracy on real ground truth, niche against gambit and email-only, and speed.

    python bench/identity_accuracy.py [bench/data/identities-*.csv ...]
    python bench/identity_accuracy.py --speed 100000

The ground truth files come from public projects' .mailmap files (see bench/data/PROVENANCE.md).
Each is resolved by niche's resolver, by gambit (Gote & Zingg, MSR 2021; `pip install
gambit-disambig`, skipped when absent) with its published defaults, and by grouping on the email
address alone; the table gives pairwise and B-cubed precision, recall and F1, on two views:

- covered: the rows the .mailmap speaks of (it rewrites them, or they are what it rewrites to).
  There the truth is the project's explicit word.
- all: every identity in the history. A .mailmap is not complete: two rows of one person that
  it never joined count against any tool that joins them, so precision there is a lower bound.
  gambit compares every pair of rows in Python (about 0.1 ms a pair), so it runs on this view
  only with --gambit-all (about 15 minutes per file).

--speed N resolves N identities (the real ones from every truth file, replicated with a
replica mark added to every word of names and to addresses until there are N) and prints the time and peak
memory for N/4, N/2 and N, so that growth can be read off.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def niche_people(rows: list[dict[str, str]]) -> list[str]:
    from niche.identity.resolve import Identity, resolve

    resolution = resolve(Identity(str(i), "git", r["name"] or None, r["email"] or None) for i, r in enumerate(rows))
    return [resolution.person_of[str(i)] for i in range(len(rows))]


def email_people(rows: list[dict[str, str]]) -> list[str]:
    return [r["email"].strip().lower() or f"row{i}" for i, r in enumerate(rows)]


def gambit_people(rows: list[dict[str, str]]) -> list[str] | None:
    os.environ.setdefault("TQDM_DISABLE", "1")  # gambit's progress bar, one line per pair batch
    try:
        import pandas as pd
        from gambit import disambiguate_aliases
    except ImportError:
        return None
    aliases = pd.DataFrame({"alias_name": [r["name"] for r in rows], "alias_email": [r["email"] for r in rows]})
    result = disambiguate_aliases(aliases)
    return [str(a) for a in result["author_id"]]


def scores(predicted: list[str], truth: list[str]) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall/F1 of a clustering against the truth."""

    def pairs(sizes) -> int:
        return sum(n * (n - 1) // 2 for n in sizes)

    both = Counter(zip(predicted, truth, strict=True))
    size_p, size_t = Counter(predicted), Counter(truth)
    together = pairs(both.values())
    p = together / pairs(size_p.values()) if pairs(size_p.values()) else 1.0
    r = together / pairs(size_t.values()) if pairs(size_t.values()) else 1.0
    n = len(truth)
    bp = sum(both[(a, b)] / size_p[a] for a, b in zip(predicted, truth, strict=True)) / n
    br = sum(both[(a, b)] / size_t[b] for a, b in zip(predicted, truth, strict=True)) / n
    f1 = lambda x, y: 2 * x * y / (x + y) if x + y else 0.0  # noqa: E731
    return {"P": p, "R": r, "F1": f1(p, r), "bP": bp, "bR": br, "bF1": f1(bp, br)}


METHODS = (("niche", niche_people), ("gambit", gambit_people), ("email", email_people))


def accuracy(paths: list[Path], gambit_everywhere: bool) -> None:
    print(f"{'data':<8}{'rows':<9}{'method':<8}{'ids':>7}{'people':>8}  pairwise P     R    F1  "
          f"B-cubed P     R    F1   secs")  # fmt: skip
    totals: dict[tuple[str, str], list[tuple[list[str], list[str]]]] = {}
    for path in paths:
        name = path.stem.removeprefix("identities-")
        every = load(path)
        for view, rows in (("covered", [r for r in every if r["covered"] == "1"]), ("all", every)):
            truth = [r["truth"] for r in rows]
            for method, run in METHODS:
                if method == "gambit" and view == "all" and not gambit_everywhere:
                    continue  # O(n^2) pairs at ~0.1 ms each: about 15 minutes per 4,000 rows
                start = time.perf_counter()
                predicted = run(rows)
                elapsed = time.perf_counter() - start
                if predicted is None:
                    print(f"{name:<8}{view:<9}{method:<8}  (not installed: pip install gambit-disambig)")
                    continue
                totals.setdefault((view, method), []).append(
                    ([f"{name}:{p}" for p in predicted], [f"{name}:{t}" for t in truth])
                )
                _row(name, view, method, predicted, truth, f"{elapsed:6.1f}")
    for (view, method), parts in sorted(totals.items()):
        _row("total", view, method, [p for pred, _ in parts for p in pred], [t for _, tr in parts for t in tr], "")


def _row(name: str, view: str, method: str, predicted: list[str], truth: list[str], secs: str) -> None:
    s = scores(predicted, truth)
    print(
        f"{name:<8}{view:<9}{method:<8}{len(truth):>7,}{len(set(predicted)):>8,}  "
        f"{s['P']:9.3f} {s['R']:5.3f} {s['F1']:5.3f}  {s['bP']:9.3f} {s['bR']:5.3f} {s['bF1']:5.3f} {secs}"
    )


SPEED_CHILD = """
import csv, resource, sys, time
from pathlib import Path
from niche.identity.resolve import Identity, resolve
n = int(sys.argv[1])
real = [r for p in sorted(Path(sys.argv[2]).glob("identities-*.csv")) for r in csv.DictReader(p.open(encoding="utf-8"))]
rows = []
replica = 0
while len(rows) < n:
    for r in real[: n - len(rows)]:
        name, email = r["name"], r["email"]
        if replica:  # another community of the same shape: every word and domain marked with the replica
            tag = "".join(chr(97 + int(d)) for d in str(replica))
            name = " ".join(w + tag for w in name.split())
            email = email.replace("@", f"{tag}@r{replica}.", 1)
        rows.append(Identity(str(len(rows)), "git", name or None, email or None))
    replica += 1
start = time.perf_counter()
result = resolve(rows)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{n:>8,} identities  {len(set(result.person_of.values())):>8,} people  {elapsed:6.1f} s  peak {peak:6.0f} MiB")
"""


def speed(n: int) -> None:
    for size in (n // 4, n // 2, n):
        subprocess.run([sys.executable, "-c", SPEED_CHILD, str(size), str(DATA)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--speed", type=int, help="time resolving this many identities instead")
    parser.add_argument("--gambit-all", action="store_true", help="run gambit on all rows too (hours)")
    args = parser.parse_args()
    if args.speed:
        speed(args.speed)
    else:
        accuracy(args.files or sorted(DATA.glob("identities-*.csv")), args.gambit_all)


if __name__ == "__main__":
    main()

"""Derive an identity ground truth from a public repository's .mailmap, for bench/identity_accuracy.py.

    python bench/identity_truth.py REPO --name NAME [--out bench/data/identities-NAME.csv]

Every distinct (name, email) that authored or committed in the repository's history is one row;
its person is what the project's own .mailmap says (git's %aN/%aE): two rows are one person when
the mailmap gives them the same address or the same name, as `git shortlog -e` and `git shortlog`
count people. `covered` marks the rows the mailmap speaks of (see covered_by_mailmap). Only names,
addresses and the derived person are kept (no code, no history), and the repository, commit and
date are recorded in bench/data/PROVENANCE.md.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx

FORMATS = ("%an%x00%ae%x00%aN%x00%aE", "%cn%x00%ce%x00%cN%x00%cE")


def identities(repo: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(name, email) as written -> (name, email) as the mailmap makes them."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for fmt in FORMATS:
        out = subprocess.run(
            ["git", "-C", str(repo), "log", "--all", f"--format={fmt}"], capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        for line in out.splitlines():
            parts = line.split("\0")
            if len(parts) == 4:
                found.setdefault((parts[0], parts[1]), (parts[2], parts[3]))
    return found


def people(found: dict[tuple[str, str], tuple[str, str]]) -> dict[tuple[str, str], int]:
    graph = nx.Graph()
    for raw, (name, email) in found.items():
        graph.add_edge(raw, "email:" + email.lower())
        graph.add_edge(raw, "name:" + name.lower())
    person: dict[tuple[str, str], int] = {}
    for number, component in enumerate(nx.connected_components(graph), 1):
        for node in component:
            if isinstance(node, tuple):
                person[node] = number
    return person


def covered_by_mailmap(found: dict[tuple[str, str], tuple[str, str]]) -> set[tuple[str, str]]:
    """The rows the .mailmap speaks of: those it rewrites, and those already written as a line of
    it makes them (its targets). Among these the truth is the project's explicit word; elsewhere
    it is silence, which may hide one person's two rows."""
    changed = {raw for raw, proper in found.items() if raw != proper}
    targets = {(found[raw][0].lower(), found[raw][1].lower()) for raw in changed}
    target_emails = {email for _, email in targets}
    return changed | {
        (name, email)
        for name, email in found
        if (name.lower(), email.lower()) in targets or email.lower() in target_emails
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--name", required=True, help="short name of the repository, e.g. git")
    parser.add_argument("--url", required=True, help="where the repository is published")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or Path(__file__).parent / "data" / f"identities-{args.name}.csv"
    found = identities(args.repo)
    person = people(found)
    covered = covered_by_mailmap(found)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "email", "truth", "covered"])
        for name, email in sorted(found):
            writer.writerow([name, email, person[(name, email)], int((name, email) in covered)])
    head = subprocess.run(["git", "-C", str(args.repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    mailmap_lines = subprocess.run(
        ["git", "-C", str(args.repo), "show", "HEAD:.mailmap"], capture_output=True, text=True
    ).stdout.count("<")
    with (out.parent / "PROVENANCE.md").open("a", encoding="utf-8") as f:
        f.write(
            f"- `{out.name}`: {len(found):,} identities, {len(set(person.values())):,} people; from {args.url} "
            f"at {head.strip()} (.mailmap with {mailmap_lines:,} addresses), derived "
            f"{datetime.now(UTC):%Y-%m-%d} with `bench/identity_truth.py`.\n"
        )
    print(f"{out}: {len(found):,} identities, {len(set(person.values())):,} people")


if __name__ == "__main__":
    main()

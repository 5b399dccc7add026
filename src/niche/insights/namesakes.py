"""People shown by one name whom niche keeps apart (nova's three "Dan Smith"s), each with what
tells them apart: employers, years, the domains of their addresses, where they worked most.

A reader who sees two "Dan Smith"s in a list cannot know they are two records, nor which is
which; `niche people why A B` says what keeps them apart and what evidence would join them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from niche import metrics
from niche.store import Store


@dataclass(frozen=True)
class Namesake:
    person_id: str
    name: str
    told_apart: str  # "IBM; 2012-2013; addresses at us.ibm.com; most in nova: nova/compute"
    contributions: int


def namesakes(store: Store, as_of: datetime) -> dict[str, list[Namesake]]:
    """person id -> everyone shown by their name (themselves first), for people who share it."""
    groups: dict[str, list[Namesake]] = {}
    for row in metrics.run(store, "namesakes", as_of=as_of):
        groups.setdefault(row["name_key"], []).append(
            Namesake(row["person_id"], row["name"], told_apart(row), row["contributions"])
        )
    return {
        one.person_id: [one, *(other for other in group if other is not one)]
        for group in groups.values()
        for one in group
    }


def told_apart(row: dict[str, Any]) -> str:
    """One namesakes.sql row in words."""
    first, last = row["first_at"], row["last_at"]
    said = [" then ".join(row["employers"]) or "no employer known"]
    if first and last:
        said.append(str(first.year) if first.year == last.year else f"{first.year}-{last.year}")
    if row["domains"]:
        said.append(f"addresses at {', '.join(row['domains'])}")
    if row["areas"]:
        said.append(f"most in {', '.join(row['areas'])}")
    return "; ".join(said)


def with_told_apart(rows: list[dict[str, Any]], found: dict[str, list[Namesake]]) -> list[dict[str, Any]]:
    """People rows (person_id, ...) with `told_apart`: what tells them from their namesakes, or None."""
    return [r | {"told_apart": found[r["person_id"]][0].told_apart if r["person_id"] in found else None}
            for r in rows]  # fmt: skip

"""What to try when a command has nothing to show: sync the kind of source it needs, or look at
another window of the data there is."""

from __future__ import annotations

from collections.abc import Iterable

from niche.community import Community
from niche.metrics.window import DataWindow

# What each kind of figure is made of: the source kinds that bring it, and how to sync one.
NEEDS = {
    "review": (("gerrit", "github"), "`niche sync gerrit URL`, `niche sync gerrit-export FILE` or "
               "`niche sync github OWNER/REPO`"),
    "code": (("git",), "`niche sync git PATH`"),
    "bugs": (("launchpad", "github"), "`niche sync launchpad PROJECT` or `niche sync github-issues OWNER/REPO`"),
    "anything": ((), "`niche sync git PATH`, `niche sync mail ...`, or the sources in niche.toml with `niche sync`"),
}  # fmt: skip


def synced_kinds(community: Community) -> set[str]:
    return {s["kind"] for s in community.sources()}


def nothing_to_show(synced: Iterable[str], window: DataWindow, months: int, what: str, needs: str = "anything") -> str:
    """One sentence: that there is no `what`, and the likeliest way to get some (synced: the kinds
    of source the store holds, see synced_kinds)."""
    kinds, how = NEEDS[needs]
    synced = set(synced)
    if not synced or (kinds and not synced & set(kinds)):
        return f"No {what}: nothing synced holds them yet; sync a source first: {how}."
    span = f"in the {months} months to {window.as_of:%Y-%m-%d}"
    if window.first is None or window.last is None:
        return f"No {what} {span}, and no activity at all yet: sync a source first: {how}."
    data = f"the data runs from {window.first:%Y-%m-%d} to {window.last:%Y-%m-%d}"
    if window.as_of > window.last:
        return f"No {what} {span}; {data}: try --as-of {window.last:%Y-%m-%d} or a longer --months."
    return f"No {what} {span}; {data}: try another --as-of or a longer --months."

"""What a derive step last derived from, so that an unchanged re-run skips it.

A step's fingerprint hashes everything its output depends on: niche's own code (a new niche
whose derive logic changed redoes every step), the synced data (raw items, identities and what
the store keeps about each source, such as its .mailmap; never what a derive step writes), the
step's own inputs (a people file, the role rules) and the fingerprint of the step before it
(roles depend on people). The fingerprint is forgotten before the step runs and recorded once it
has finished, so a step killed part way is redone next time, never taken as done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import niche
from niche.store.db import Store

Step = tuple[str, Sequence[object], Callable[[], object]]  # name, its own inputs, what it does


def digest(*parts: object) -> str:
    """One short hash of parts (their reprs; bytes as they are)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()


@cache
def code_version() -> str:
    """A hash of every file of the installed niche package: changes with any change to its logic,
    its rules, its SQL or its templates, released or not."""
    root = Path(niche.__file__).parent
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(*(part for p in files for part in (str(p.relative_to(root)), p.read_bytes())))


def data_version(store: Store) -> str:
    """A hash of what sources brought: any item stored, replaced or removed, any identity or
    source attribute changed, changes it. Timestamps of a sync that brought nothing do not."""
    items = store.one("SELECT count(*), max(fetched_at), coalesce(sum(hash(source, item_id)), 0) FROM raw_items")
    identities = store.one(
        "SELECT count(*), coalesce(sum(hash(identity_id, name, email, username, is_bot)), 0) FROM identities"
    )
    sources = store.one("SELECT count(*), coalesce(sum(hash(source, kind, name, location, attrs)), 0) FROM sources")
    return digest(items, identities, sources)


def file_versions(paths: Iterable[Path]) -> list[object]:
    """What a step reads from files: each one's bytes, or that it is missing."""
    return [(str(p), p.read_bytes() if p.is_file() else None) for p in paths]


def recorded(store: Store) -> dict[str, str]:
    """Each step's fingerprint as recorded when it last finished."""
    return {r["step"]: r["fingerprint"] for r in store.rows("SELECT step, fingerprint FROM derived")}


def run_steps(store: Store, steps: Sequence[Step]) -> list[str]:
    """Run, in order, the steps whose inputs changed since they last ran; returns their names."""
    previous = digest(code_version(), data_version(store))
    last = recorded(store)
    redone = []
    for name, inputs, step in steps:
        fingerprint = digest(previous, name, *inputs)
        if last.get(name) != fingerprint:
            with store.transaction():
                store.con.execute("DELETE FROM derived WHERE step = ?", [name])
            step()
            with store.transaction():
                store.con.execute("INSERT INTO derived VALUES (?, ?, ?)",
                                  [name, fingerprint, datetime.now(UTC).replace(tzinfo=None)])  # fmt: skip
            redone.append(name)
        previous = fingerprint
    return redone


def state(store: Store) -> str:
    """One hash of all that was derived and from what: changes whenever any step's output may have."""
    return digest(code_version(), data_version(store), sorted(recorded(store).items()))

"""What every source hands over: items it read, and `BadRecord`s for those it could not.

A `BadRecord` is never dropped: the store keeps it in the quarantine table with its error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from niche.errors import SourceError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BadRecord:
    """An item a source could not parse: where it was, what was wrong, and its bytes as read."""

    location: str
    error: str
    raw: bytes
    item_id: str | None = None  # what it is quarantined as; its location when None

    @property
    def key(self) -> str:
        return self.item_id or self.location


def read_item(
    parse: Callable[[], T], raw: bytes, location: str, what: str, item_id: str | None = None
) -> T | BadRecord:
    """parse(), or the BadRecord that quarantines this one item when parse raises anything.

    Outside data breaks parsers in ways nobody can list (a KeyError, an AttributeError on a
    string where an object was promised, a RecursionError from MIME nested 1,000 deep), so any
    exception while one item is read sets that item aside and the run goes on. A SourceError is
    the source failing (a server down, a repository gone), not the item: it propagates, and the
    sync resumes from its cursor next time.
    """
    try:
        return parse()
    except SourceError:
        raise
    except Exception as exc:
        return BadRecord(location, f"{what}: {type(exc).__name__}: {exc}", raw, item_id)

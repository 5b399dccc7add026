"""What every source hands over: items it read, and `BadRecord`s for those it could not.

A `BadRecord` is never dropped: the store keeps it in the quarantine table with its error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BadRecord:
    """An item a source could not parse: where it was, what was wrong, and its bytes as read."""

    location: str
    error: str
    raw: bytes

"""The source contract: what every connector hands over, and the one rule for what is quarantined.

A source reads a service or a file from a cursor and yields what it found, oldest first when it
can; it never touches the database. `niche.store.sync.sync` does the rest, the same for every
source: it registers the source, hands it its cursor, writes the items in batches, each in one
transaction together with the cursor that covers it (so a sync killed at any point resumes
without loss or duplicates), quarantines what could not be read, and says what it did.

A source yields:
  Item       one thing read: its id, its kind, its bytes as read, what they were parsed into, and
             the cursor once it is stored (a patch merged into the source's cursor: keys set to
             None are dropped, nested dicts merge); the store writes it with the writer of its kind
  BadRecord  something that could not be read: quarantined with its error, never dropped
  Checkpoint the cursor moved without an item (an archive read to its end, a listing finished)
  Gone       items the source no longer has (commits a force-push dropped): deleted
  Retain     the only items the source still has: every other stored item is deleted

The cursor is plain JSON. Perceval calls the same things fetch_items, metadata_id and
metadata_category; dlt calls the cursor an incremental.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from niche.errors import SourceError

T = TypeVar("T")
Cursor = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Item(Generic[T]):
    """One thing a source read."""

    id: str  # stable within the source: read again, the same thing has the same id
    kind: str  # what it is, e.g. "gerrit-change"; the store writes it with that kind's writer
    raw: bytes  # exactly as read, kept so everything can be derived again
    record: T  # what the connector parsed it into
    cursor: Mapping[str, Any] | None = None  # merged into the cursor once this item is stored


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


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The cursor moved without an item; merged like an item's cursor."""

    cursor: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Gone:
    """Items the source no longer has: the store deletes them and everything derived from them."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Retain:
    """The items the source still has; the store deletes every other item it holds for the source."""

    ids: frozenset[str]


Yielded = Item[Any] | BadRecord | Checkpoint | Gone | Retain


@dataclass
class Tally:
    """What a source counts while it reads, for the report of its sync."""

    requests: int = 0  # HTTP requests made, retries included
    expected: int | None = None  # items the source expects to yield in this sync, when it knows
    details: dict[str, int] = field(default_factory=dict)  # e.g. {"archive": 3, "unchanged archive": 2}
    warnings: list[str] = field(default_factory=list)  # said once, e.g. "shallow clone"


class Source(Protocol):
    """A connector's reader. `id` keys the source in the store (e.g. "git:/srv/nova/.git"); `kind`
    is its family ("git", "gerrit", ...); `name` is what people call it (the repository, project
    or list); `location` the path or URL; `label` how a sync report names it; `noun` what one of
    its items is called ("commit"); `batch` how many items go in one transaction."""

    id: str
    kind: str
    name: str
    location: str
    label: str
    noun: str
    batch: int
    tally: Tally

    def attrs(self) -> Mapping[str, Any]:
        """What the store keeps about the source itself (e.g. a repository's .mailmap)."""
        ...

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        """Everything new since cursor ({} the first time). stored() lists the ids the store holds
        for this source, for the rare source that must compare (git after a garbage collection)."""
        ...


def merge(cursor: Cursor, patch: Mapping[str, Any]) -> None:
    """Merge an item's cursor patch: nested dicts merge, a key set to None is dropped."""
    for key, value in patch.items():
        if value is None:
            cursor.pop(key, None)
        elif isinstance(value, Mapping):
            if not isinstance(cursor.get(key), dict):
                cursor[key] = {}
            merge(cursor[key], value)
        else:
            cursor[key] = value


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

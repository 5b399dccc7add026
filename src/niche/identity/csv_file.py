"""People from a CSV file of identities, without a database (`niche identities resolve`).

The file is read twice and never whole: once for what the resolver needs of each row (its name,
address and username, each bounded), once to write every row back with its person. A line longer
than LINE_LIMIT is skipped without being held in memory (no name, address and username take that
much; a 1 GB line took 2.15 GB before); a file that is not UTF-8 is one error naming the line,
raised before anything is written.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from niche.errors import ConfigError
from niche.identity.mailmap import Mailmap, mailmap_evidence
from niche.identity.resolve import Identity, resolve
from niche.sources.bounds import bounded

LINE_LIMIT = 64 * 1024  # bytes


@dataclass
class Resolved:
    rows: int = 0
    people: int = 0
    skipped: list[int] = field(default_factory=list)  # numbers of the lines over LINE_LIMIT


def resolve_csv(source: BinaryIO, name: str, sink: Callable[[], TextIO], mailmaps: list[Mailmap], reasons: bool
                ) -> Resolved:  # fmt: skip
    """Write source's rows to sink() with a person_id column (and a reason one); sink() is called
    once the input is read whole, so a bad input writes nothing. source must be seekable (copy
    standard input to a temporary file first); name is how errors name it."""
    done = Resolved()
    rows = _rows(source, name, done.skipped)
    header = next(rows, None)
    if not header or not {"name", "email"} <= set(header):
        raise ConfigError(f"{name}: needs a header with at least the columns name,email")
    column = {c: header.index(c) if c in header else None for c in ("source", "name", "email", "username")}

    def cell(row: list[str], what: str) -> str | None:
        at = column[what]
        return bounded(row[at] or None) if at is not None and at < len(row) else None

    identities = [Identity(str(i), cell(row, "source") or "csv", cell(row, "name"), cell(row, "email"),
                           cell(row, "username")) for i, row in enumerate(rows)]  # fmt: skip
    _, known = mailmap_evidence(identities, mailmaps)
    resolution = resolve(identities, known)
    numbers: dict[str, int] = {}
    writer = csv.writer(sink())
    writer.writerow([*header, "person_id", *(["reason"] if reasons else [])])
    source.seek(0)
    again = _rows(source, name, [])
    next(again)
    for ident, row in zip(identities, again, strict=True):
        person = numbers.setdefault(resolution.person_of[ident.key], len(numbers) + 1)
        reason = [resolution.reason_of[ident.key]] if reasons else []
        writer.writerow([*(row + [""] * len(header))[: len(header)], person, *reason])
    done.rows, done.people = len(identities), len(numbers)
    return done


def _rows(source: BinaryIO, name: str, skipped: list[int]) -> Iterator[list[str]]:
    reader = csv.reader(_lines(source, name, skipped))
    try:
        yield from reader
    except csv.Error as exc:
        raise ConfigError(f"{name}: line {reader.line_num}: {exc}; nothing was written") from None


def _lines(source: BinaryIO, name: str, skipped: list[int]) -> Iterator[str]:
    """The file's lines as text, at most LINE_LIMIT bytes each (a longer one is skipped)."""
    number = 0
    while line := source.readline(LINE_LIMIT + 1):
        number += 1
        if len(line) > LINE_LIMIT:
            while line and not line.endswith(b"\n"):  # the rest of it, a piece at a time
                line = source.readline(LINE_LIMIT)
            skipped.append(number)
            continue
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")  # a spreadsheet's BOM is no column name
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{name}: line {number} is not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1}); "
                "nothing was written; save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`"
            ) from None

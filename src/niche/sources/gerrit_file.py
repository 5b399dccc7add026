"""Saved Gerrit REST answers: what `curl .../changes/?q=...&o=MESSAGES...` or a study's dump kept.

A file holds a JSON array of ChangeInfo, or one change per line (or several JSON values one
after another); plain or gzip (told by its first bytes, not its name), with or without Gerrit's
`)]}'` prefix. Changes are read one at a time (ijson, numbers as json.loads gives them), so a
dump of any size is read in the memory of one change. Any era's shape is read (see `gerrit.from_rest`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import ijson

from niche.errors import SourceError
from niche.sources.changes import Change
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.gerrit import BATCH_CHANGES, XSSI_PREFIX, from_rest

GZIP_MAGIC = b"\x1f\x8b"


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, unzipped when it is gzip, positioned after any XSSI prefix and blank space."""
    with path.open("rb") as probe:
        zipped = probe.read(2) == GZIP_MAGIC
    # typeshed's GzipFile and BufferedReader are IO[bytes] in all but name; the caller closes it
    stream = cast(IO[bytes], gzip.open(path, "rb") if zipped else path.open("rb"))  # noqa: SIM115
    head = stream.read(64)
    skip = len(head) - len(head.lstrip())
    if head[skip:].startswith(XSSI_PREFIX.encode()):
        skip += len(XSSI_PREFIX)
        skip += len(head[skip:]) - len(head[skip:].lstrip())
    stream.seek(skip)
    return stream


def _records(stream: IO[bytes]) -> Iterator[Any]:
    """Each change of an array, or each top-level value of JSON lines (or values back to back)."""
    first = stream.read(1)
    stream.seek(stream.tell() - 1)
    if first == b"[":
        yield from ijson.items(stream, "item", use_float=True)
    else:
        yield from ijson.items(stream, "", multiple_values=True, use_float=True)


def read_saved_changes(
    path: Path, host: str = "", base_url: str | None = None
) -> Iterator[tuple[Change | BadRecord, bytes]]:
    """Every change saved in path, with its JSON as raw bytes; an unreadable change is a BadRecord
    naming the file and its position, and the rest is read. A file broken mid-way (truncated,
    not JSON) ends with one BadRecord saying how far it was read."""
    position = 0
    try:
        with _open(path) as stream:
            for position, info in enumerate(_records(stream), 1):
                raw = json.dumps(info).encode()
                where = f"{path}: change {position}"
                yield read_item(partial(_change, info, host, base_url), raw, where, "unreadable Gerrit change"), raw
    except (ijson.JSONError, OSError, EOFError, UnicodeDecodeError) as exc:
        where = f"{path}: after change {position}"
        yield BadRecord(where, f"not readable as saved Gerrit changes past this point: {exc}", b""), b""


def _change(info: Any, host: str, base_url: str | None) -> Change:
    if not isinstance(info, dict):
        raise TypeError(f"a change is a JSON object, not {type(info).__name__}")
    return from_rest(info, host, base_url)


class GerritFile:
    """A file of saved Gerrit REST answers as a source; url is the server they came from, for links
    to each change. A file read before and unchanged since (the same bytes) is not read again."""

    kind, noun, batch = "gerrit", "change", BATCH_CHANGES

    def __init__(self, path: Path, url: str | None = None):
        self.path, self.url = path, url.rstrip("/") if url else None
        self.location = str(path.resolve())
        self.id = self.label = f"gerrit-file:{self.location}"
        self.name = path.name
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {"url": self.url}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        if not self.path.is_file():
            raise SourceError(f"{self.path}: no such file")
        digest = hashlib.blake2b(self.path.read_bytes(), digest_size=16).hexdigest()
        if cursor.get("digest") == digest and cursor.get("url") == self.url:
            self.tally.details["unchanged file"] = 1
            return
        host = (urlsplit(self.url).hostname or "") if self.url else ""
        for change, raw in read_saved_changes(self.path, host, self.url):
            yield change if isinstance(change, BadRecord) else Item(change.key, "gerrit-change", raw, change)
        yield Checkpoint({"digest": digest, "url": self.url})

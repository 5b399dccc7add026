"""A mailing list as a source: mbox files (plain or gzip), maildirs, folders of monthly archives,
and archive URLs (a Mailman 2 pipermail or Apache mod_mbox index page, a HyperKitty list page, or
one archive file).

Each archive keeps its own place in the cursor (the byte offset after the last message stored,
with a fingerprint of that message), so an archive that only grew is read from where the last
sync stopped, one that changed is read again, and a sync killed mid-archive resumes from its last
committed batch. Old months of web archives are closed: only the newest month seen before is
asked for again, conditionally (ETag / Last-Modified).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from niche.credentials import strip_credentials
from niche.errors import SourceError
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.http import HttpClient
from niche.sources.mail.archives import Archive, hyperkitty_archives, hyperkitty_list, index_archives
from niche.sources.mail.mbox import RawMessage, open_archive, read_message_file, split_mbox
from niche.sources.mail.message import Message, parse_message

BATCH_MESSAGES = 1000
_ARCHIVE_FILE = re.compile(r"\.(mbox|mbx|txt|gz|eml|mail)$|^[^.]+$", re.I)


@dataclass(frozen=True, slots=True)
class Post:
    """A message as read from its archive."""

    message: Message
    archive: str
    offset: int  # where it starts in its (uncompressed) archive


class MailingList:
    """One mail location, a path or a URL (a URL needs an HttpClient for its host)."""

    kind, noun, batch = "mail", "message", BATCH_MESSAGES

    def __init__(self, location: str, list_name: str | None = None, since: str | None = None,
                 client: HttpClient | None = None):  # fmt: skip
        self.remote = "://" in location
        if self.remote and client is None:
            raise ValueError("a remote mail archive needs an HttpClient")
        # A login in the URL is the client's (basic auth), never part of a key, a label or an error.
        location = strip_credentials(location) if self.remote else location
        self.where, self.since, self.client = location, since, client
        self.location = location if self.remote else str(Path(location).resolve())
        self.id, self.label = f"mail:{self.location}", location
        self.name = list_name or _default_list_name(location)
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        archives = cursor.get("archives", {})
        if self.remote:
            assert self.client is not None
            try:
                yield from self._remote(self.client, archives, cursor.get("newest_month", ""))
            finally:
                self.tally.requests = self.client.requests
        else:
            yield from self._local(Path(self.where), archives)

    def _count(self, what: str) -> None:
        self.tally.details[what] = self.tally.details.get(what, 0) + 1

    def _archive(
        self, key: str, label: str, stream: io.BufferedIOBase, state: dict[str, Any] | None
    ) -> Iterator[Yielded]:
        """The messages of one archive (key: its path or URL in the cursor; label: how errors name
        it), from where the last sync stopped when the archive only grew."""
        self._count("archive")
        stream = open_archive(stream)
        for raw in split_mbox(stream, _resume_offset(stream, state)):
            if isinstance(raw, BadRecord):
                yield BadRecord(f"{label}: {raw.location}", raw.error, raw.raw)
                continue
            place = {"archives": {key: {"offset": raw.end, "check_at": raw.offset, "check": _fingerprint(raw)}}}
            found = _parse(raw, f"{label}: byte {raw.offset}")
            if isinstance(found, BadRecord):
                yield found
                yield Checkpoint(place)
            else:
                yield Item(found.message_id, "mail-message", raw.envelope + raw.data, Post(found, label, raw.offset),
                           place)  # fmt: skip

    def _local(self, path: Path, archives: dict[str, Any]) -> Iterator[Yielded]:
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        if path.is_dir() and any((path / d).is_dir() for d in ("cur", "new")):
            yield from self._maildir(path, archives)
            return
        for file in [path] if path.is_file() else sorted(_archive_files(path)):
            stat = file.stat()
            key = str(file.resolve())
            state = archives.get(key) or {}
            done = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            if state.get("size") == stat.st_size and state.get("mtime_ns") == stat.st_mtime_ns:
                self._count("unchanged archive")
                continue
            try:
                with file.open("rb") as stream:
                    yield from self._archive(key, str(file), stream, state)
            except OSError as exc:
                raise SourceError(f"{file}: cannot read: {exc.strerror or exc}") from None
            yield Checkpoint({"archives": {key: done}})

    def _maildir(self, folder: Path, archives: dict[str, Any]) -> Iterator[Yielded]:
        """A maildir: messages in cur/ and new/; those modified since the last sync are read."""
        key = str(folder.resolve())
        seen = (archives.get(key) or {}).get("mtime_ns", 0)
        files = [p for d in ("new", "cur") if (folder / d).is_dir() for p in sorted((folder / d).iterdir())]
        files = [p for p in files if p.is_file() and not p.name.startswith(".") and p.stat().st_mtime_ns > seen]
        self._count("archive")
        for path in files:
            raw = read_message_file(path)
            found = raw if isinstance(raw, BadRecord) else _parse(raw, str(path))
            if isinstance(found, BadRecord):
                yield BadRecord(str(path), found.error, found.raw)
            else:
                assert isinstance(raw, RawMessage)
                yield Item(found.message_id, "mail-message", raw.data, Post(found, str(path), 0))
        newest = max((p.stat().st_mtime_ns for p in files), default=seen)
        yield Checkpoint({"archives": {key: {"mtime_ns": newest}}})

    def _remote(self, client: HttpClient, archives: dict[str, Any], newest_seen: str) -> Iterator[Yielded]:
        for archive in _remote_archives(client, self.where, newest_seen, self.since):
            if archive.month and archive.month < newest_seen:
                self._count("unchanged archive")  # a closed month, stored whole by an earlier sync
                continue
            state = archives.get(archive.url) or {}
            conditional = {}
            if state.get("etag"):
                conditional["If-None-Match"] = state["etag"]
            if state.get("last_modified"):
                conditional["If-Modified-Since"] = state["last_modified"]
            response = client.get(_relative(archive.url), headers=conditional)
            if response.status_code == 304:
                self._count("unchanged archive")
                continue
            yield from self._archive(archive.url, archive.url, io.BytesIO(response.content), state)
            validators = {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}
            newest_seen = max(newest_seen, archive.month)  # committed with the month's messages
            yield Checkpoint({"archives": {archive.url: validators}, "newest_month": newest_seen or None})


def _parse(raw: RawMessage, location: str) -> Message | BadRecord:
    return read_item(partial(parse_message, raw, location), raw.envelope + raw.data, location, "unreadable message")


def _fingerprint(raw: RawMessage) -> str:
    return hashlib.blake2b(raw.envelope + raw.data, digest_size=16).hexdigest()


def _resume_offset(stream: io.BufferedIOBase, state: dict[str, Any] | None) -> int:
    """Where to start reading an archive read before: after the last message stored, when that
    message is still there unchanged (the archive only grew); else from the start."""
    if not state or not state.get("offset"):
        return 0
    try:
        first = next(split_mbox(stream, state["check_at"]), None)
    except OSError:
        first = None
    if isinstance(first, RawMessage) and first.end == state["offset"] and _fingerprint(first) == state["check"]:
        return int(state["offset"])
    return 0


def _default_list_name(location: str) -> str:
    """The list a location holds: a folder's name, a month archive's folder, a file's stem."""
    path = Path(urlsplit(location).path.rstrip("/")) if "://" in location else Path(location).resolve()
    if path.is_dir() or not path.suffix:
        return path.name
    if re.match(r"\d{4}-\w+\.txt|\d{6}\.mbox", path.name):
        return path.parent.name
    return path.name.split(".", 1)[0]


def _archive_files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        wanted = not path.name.startswith(".") and _ARCHIVE_FILE.search(path.name)
        if wanted and path.is_file() and path.parent.name not in ("cur", "new", "tmp"):
            yield path


def _remote_archives(client: HttpClient, url: str, newest_seen: str, since: str | None) -> list[Archive]:
    hyperkitty = hyperkitty_list(url)
    if hyperkitty:
        first = newest_seen or (since or "")[:7]
        if not first:
            raise SourceError(
                f"{url}: HyperKitty does not say when a list began; give --since YYYY-MM-DD for the first sync"
            )
        return hyperkitty_archives(*hyperkitty, first, datetime.now(UTC).strftime("%Y-%m"))
    if re.search(r"\.(txt|gz|mbox|mbx)$", urlsplit(url).path):
        return [Archive(url, "")]
    page = client.get(_relative(url))
    archives = index_archives(page.text, str(page.url))
    if not archives:
        raise SourceError(f"{url}: no monthly archives linked from this page (pipermail or mod_mbox index expected)")
    return [a for a in archives if not since or a.month >= since[:7]]


def _relative(url: str) -> str:
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")

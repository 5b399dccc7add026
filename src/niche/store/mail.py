"""Sync mailing-list archives into the store and rebuild their threads.

`niche sync mail` takes mbox files (plain or gzip), maildirs, folders of monthly archives, and
archive URLs: a Mailman 2 pipermail or Apache mod_mbox index page, a HyperKitty list page, or one
archive file. Each archive keeps its own place in the source's cursor (the byte offset after the
last message stored, with a fingerprint of that message), so an archive that only grew is read
from where the last sync stopped, one that changed is read again, and a sync killed mid-archive
resumes from its last committed batch. Old months of web archives are closed: only the newest
month seen before is asked for again, conditionally (ETag / Last-Modified).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import pyarrow as pa

from niche.errors import SourceError
from niche.sources import mail
from niche.sources.contract import BadRecord, read_item
from niche.sources.http import HttpClient
from niche.store.db import Store
from niche.store.rows import Rows

BATCH_MESSAGES = 1000
_ARCHIVE_FILE = re.compile(r"\.(mbox|mbx|txt|gz|eml|mail)$|^[^.]+$", re.I)


@dataclass
class MailSync:
    """What one mail sync did, for the CLI to report."""

    source: str
    messages: int = 0  # new messages stored
    quarantined: int = 0
    archives: int = 0
    unchanged: int = 0  # archives skipped: not modified since the last sync
    requests: int = 0


@dataclass(frozen=True, slots=True)
class Parsed:
    """A message as read: what it was parsed into (or why not), its bytes and its archive."""

    message: mail.Message | BadRecord
    raw: mail.RawMessage | None
    archive: str


def write_messages(store: Store, source: str, list_name: str, items: Iterable[Parsed]) -> int:
    """Write a batch of read messages (call inside a transaction); returns how many were written.
    A Message-ID seen twice keeps its later copy."""
    rows = Rows()
    latest: dict[str, Parsed] = {}
    for item in items:
        if isinstance(item.message, BadRecord):
            bad = item.message
            store.quarantine(source, bad.location, bad.location, bad.error, bad.raw)
        else:
            latest[item.message.message_id] = item
    for item_id, item in latest.items():
        m, raw = item.message, item.raw
        assert isinstance(m, mail.Message) and raw is not None
        sender = rows.identity("mail", m.from_name, m.from_email)
        place = m.list_id or list_name
        rows.raw(source, item_id, "mail-message", raw.envelope + raw.data)
        rows.add("mail_messages", source=source, item_id=item_id, list=place, archive=item.archive,
                 archive_offset=raw.offset, synthetic_id=m.synthetic_id, subject=m.subject,
                 thread_subject=m.thread_subject, is_reply=m.is_reply, sender_id=sender, sent_at=m.sent_at,
                 tz_offset_minutes=m.tz_offset_minutes, date_from_envelope=m.date_from_envelope,
                 in_reply_to=m.in_reply_to, refs=list(m.references), own_text=m.own_text,
                 own_length=len(m.own_text), quoted_lines=m.quoted_lines, is_patch=m.is_patch,
                 asks_question=m.asks_question, attachments=list(m.attachments), lossy_text=m.lossy)  # fmt: skip
        attrs = {"subject": m.subject, "length": len(m.own_text), "quoted_lines": m.quoted_lines,
                 "is_patch": m.is_patch, "asks_question": m.asks_question}  # fmt: skip
        rows.add("activities", source=source, item_id=item_id,
                 kind="mail.reply" if m.is_reply else "mail.thread_started", identity_id=sender,
                 occurred_at=m.sent_at, tz_offset_minutes=m.tz_offset_minutes, project=place, object_id=item_id,
                 attrs=json.dumps(attrs))  # fmt: skip
    rows.write(store, source, latest)
    return len(latest)


def _parse(raw: mail.RawMessage, location: str) -> mail.Message | BadRecord:
    return read_item(partial(mail.parse_message, raw, location), raw.envelope + raw.data, location,
                     "unreadable message")  # fmt: skip


def _fingerprint(raw: mail.RawMessage) -> str:
    return hashlib.blake2b(raw.envelope + raw.data, digest_size=16).hexdigest()


def _resume_offset(stream: BinaryIO, state: dict[str, Any] | None) -> int:
    """Where to start reading an archive read before: after the last message stored, when that
    message is still there unchanged (the archive only grew); else from the start."""
    if not state or not state.get("offset"):
        return 0
    try:
        first = next(mail.split_mbox(stream, state["check_at"]), None)
    except OSError:
        first = None
    if isinstance(first, mail.RawMessage) and first.end == state["offset"] and _fingerprint(first) == state["check"]:
        return state["offset"]
    return 0


class _MailReader:
    """Reads archives into one source. Messages are written in batches that may span archives
    (a month of a list is often a few hundred messages); each batch is committed with every
    archive's place in the cursor, so a sync stopped at any point resumes without loss or
    duplicates."""

    def __init__(self, store: Store, source: str, list_name: str, progress: Callable[[int], None] | None):
        self.store, self.source, self.list_name, self.progress = store, source, list_name, progress
        self.result = MailSync(source)
        self.cursor: dict[str, Any] = store.cursor(source) or {}
        self.cursor.setdefault("archives", {})
        self.pending: list[Parsed] = []
        self.done = 0  # messages written, for progress
        self.last_read: dict[str, mail.RawMessage] = {}  # per archive, its last message not yet committed

    def read(self, key: str, label: str, stream: BinaryIO, done_state: dict[str, Any]) -> None:
        """Read one archive (key: its path or URL in the cursor; label: how errors name it).
        done_state (size and mtime, or ETag) joins its cursor once all of it is read."""
        self.result.archives += 1
        stream = mail.open_archive(stream)
        for raw in mail.split_mbox(stream, _resume_offset(stream, self.cursor["archives"].get(key))):
            if isinstance(raw, BadRecord):
                self._add(key, Parsed(BadRecord(f"{label}: {raw.location}", raw.error, raw.raw), None, label))
            else:
                self.last_read[key] = raw
                self._add(key, Parsed(_parse(raw, f"{label}: byte {raw.offset}"), raw, label))
        self._place(key)
        self.cursor["archives"][key] |= done_state

    def read_files(self, key: str, files: list[Path], done_state: dict[str, Any]) -> None:
        """Read a maildir's message files (one message each)."""
        self.result.archives += 1
        for path in files:
            raw = mail.read_message_file(path)
            if isinstance(raw, BadRecord):
                self._add(key, Parsed(BadRecord(str(path), raw.error, raw.raw), None, str(path)))
            else:
                self._add(key, Parsed(_parse(raw, str(path)), raw, str(path)))
        self.cursor["archives"][key] = done_state

    def _add(self, key: str, parsed: Parsed) -> None:
        self.pending.append(parsed)
        if len(self.pending) >= BATCH_MESSAGES:
            self._place(key)
            self.flush()

    def _place(self, key: str) -> None:
        """Note in the cursor how far the archive has been read."""
        state = self.cursor["archives"].setdefault(key, {})
        last = self.last_read.pop(key, None)
        if last is not None:
            state |= {"offset": last.end, "check_at": last.offset, "check": _fingerprint(last)}

    def flush(self) -> None:
        """Commit the pending messages together with the cursor that covers them."""
        with self.store.transaction():
            written = write_messages(self.store, self.source, self.list_name, self.pending)
            self.result.quarantined += sum(isinstance(p.message, BadRecord) for p in self.pending)
            self.store.set_cursor(self.source, self.cursor)
        self.pending = []
        self.done += written
        if self.progress:
            self.progress(self.done)


def _default_list_name(location: str) -> str:
    """The list a location holds: a folder's name, a month archive's folder, a file's stem."""
    path = Path(urlsplit(location).path.rstrip("/")) if "://" in location else Path(location).resolve()
    if path.is_dir() or not path.suffix:
        return path.name
    if re.match(r"\d{4}-\w+\.txt|\d{6}\.mbox", path.name):
        return path.parent.name
    return path.name.split(".", 1)[0]


def sync_mail(store: Store, location: str, list_name: str | None = None, since: str | None = None,
              client: HttpClient | None = None, progress: Callable[[int], None] | None = None) -> MailSync:  # fmt: skip
    """Sync one mail location (a path or an archive URL) into the source `mail:<location>`."""
    remote = "://" in location
    where = location if remote else str(Path(location).resolve())
    source = f"mail:{where}"
    name = list_name or _default_list_name(location)
    with store.transaction():
        store.register_source(source, "mail", name, where, {})
    reader = _MailReader(store, source, name, progress)
    before = _stored_messages(store, source)
    try:
        if remote:
            if client is None:
                raise ValueError("a remote mail archive needs an HttpClient")
            _sync_remote(reader, client, location, since)
            reader.result.requests = client.requests
        else:
            _sync_local(reader, Path(location))
    except SourceError:
        reader.flush()  # keep what was read before the archive that failed
        raise
    reader.flush()
    reader.result.messages = _stored_messages(store, source) - before
    with store.transaction():
        store.mark_synced(source)
    thread_messages(store)
    return reader.result


def _stored_messages(store: Store, source: str) -> int:
    return store.con.execute("SELECT count(*) FROM mail_messages WHERE source = ?", [source]).fetchone()[0]


def _sync_local(reader: _MailReader, path: Path) -> None:
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if path.is_dir() and any((path / d).is_dir() for d in ("cur", "new")):
        _sync_maildir(reader, path)
        return
    files = [path] if path.is_file() else sorted(_archive_files(path))
    for file in files:
        stat = file.stat()
        key = str(file.resolve())
        state = reader.cursor["archives"].get(key) or {}
        if state.get("size") == stat.st_size and state.get("mtime_ns") == stat.st_mtime_ns:
            reader.result.unchanged += 1
            continue
        try:
            with file.open("rb") as stream:
                reader.read(key, str(file), stream, {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
        except OSError as exc:
            raise SourceError(f"{file}: cannot read: {exc.strerror or exc}") from None


def _archive_files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        wanted = not path.name.startswith(".") and _ARCHIVE_FILE.search(path.name)
        if wanted and path.is_file() and path.parent.name not in ("cur", "new", "tmp"):
            yield path


def _sync_maildir(reader: _MailReader, folder: Path) -> None:
    """A maildir: messages in cur/ and new/; those modified since the last sync are read."""
    key = str(folder.resolve())
    seen = (reader.cursor["archives"].get(key) or {}).get("mtime_ns", 0)
    files = [p for d in ("new", "cur") if (folder / d).is_dir() for p in sorted((folder / d).iterdir())]
    files = [p for p in files if p.is_file() and not p.name.startswith(".") and p.stat().st_mtime_ns > seen]
    newest = max((p.stat().st_mtime_ns for p in files), default=seen)
    reader.read_files(key, files, {"mtime_ns": newest})


def _sync_remote(reader: _MailReader, client: HttpClient, url: str, since: str | None) -> None:
    newest_seen = reader.cursor.get("newest_month", "")
    archives = _remote_archives(client, url, newest_seen, since)
    for archive in archives:
        if archive.month and archive.month < newest_seen:
            reader.result.unchanged += 1  # a closed month, stored whole by an earlier sync
            continue
        state = reader.cursor["archives"].get(archive.url) or {}
        conditional = {}
        if state.get("etag"):
            conditional["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            conditional["If-Modified-Since"] = state["last_modified"]
        response = client.get(_relative(archive.url), headers=conditional)
        if response.status_code == 304:
            reader.result.unchanged += 1
            continue
        validators = {"etag": response.headers.get("ETag"), "last_modified": response.headers.get("Last-Modified")}
        reader.read(archive.url, archive.url, io.BytesIO(response.content), validators)
        if archive.month > reader.cursor.get("newest_month", ""):
            reader.cursor["newest_month"] = archive.month  # committed with the month's messages


def _remote_archives(client: HttpClient, url: str, newest_seen: str, since: str | None) -> list[mail.Archive]:
    hyperkitty = mail.hyperkitty_list(url)
    if hyperkitty:
        first = newest_seen or (since or "")[:7]
        if not first:
            raise SourceError(
                f"{url}: HyperKitty does not say when a list began; give --since YYYY-MM-DD for the first sync"
            )
        return mail.hyperkitty_archives(*hyperkitty, first, datetime.now(UTC).strftime("%Y-%m"))
    if re.search(r"\.(txt|gz|mbox|mbx)$", urlsplit(url).path):
        return [mail.Archive(url, "")]
    page = client.get(_relative(url))
    archives = mail.index_archives(page.text, str(page.url))
    if not archives:
        raise SourceError(f"{url}: no monthly archives linked from this page (pipermail or mod_mbox index expected)")
    return [a for a in archives if not since or a.month >= since[:7]]


def _relative(url: str) -> str:
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")


# -- threads --------------------------------------------------------------------------------------


def thread_messages(store: Store) -> int:
    """Give every message its parent, thread and whether it answers someone else's question.

    The parent is the nearest message named by In-Reply-To or References that is in the store;
    a reply naming none that is stored (a "Re:" subject, or a parent from before the archive
    began) follows the latest earlier message of the same list with the same subject. Threads are
    rebuilt over all lists at once, since posts are cross-posted and replies arrive out of order.
    Activities whose answer flag changes are unclassified, so roles follow. Every stored copy of a
    message (one per route it came by) gets the same thread, so a folded copy is ready to count.
    """
    rows = store.con.execute(
        """SELECT m.item_id, m.list, m.in_reply_to, m.refs, m.thread_subject, m.is_reply, epoch(m.sent_at),
                  i.email, m.asks_question, m.answers_question
           FROM mail_messages m LEFT JOIN identities i ON i.identity_id = m.sender_id
           QUALIFY row_number() OVER (PARTITION BY m.item_id ORDER BY m.source) = 1  -- copies not folded yet
           ORDER BY m.sent_at NULLS LAST, m.item_id"""
    ).fetchall()
    present = {r[0] for r in rows}
    by_id = {r[0]: r for r in rows}
    parent: dict[str, str | None] = {}
    latest_by_subject: dict[tuple[str, str], str] = {}
    for item, list_name, in_reply_to, refs, subject, is_reply, _, _, _, _ in rows:
        candidates = ([in_reply_to] if in_reply_to else []) + list(reversed(refs or []))
        found = next((c for c in candidates if c in present and c != item), None)
        if found is None and is_reply and subject:
            found = latest_by_subject.get((list_name, subject))
        parent[item] = found
        if subject:
            latest_by_subject[(list_name, subject)] = item
    updates: dict[str, list] = {"item_id": [], "parent_id": [], "thread_id": [], "answers_question": []}
    changed_answers = []
    for item, *_, sender, _, answered_before in rows:
        root, seen = item, {item}
        while parent.get(root) and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        up = parent[item]
        answers = bool(up and by_id[up][8] and by_id[up][7] != sender)
        updates["item_id"].append(item)
        updates["parent_id"].append(up)
        updates["thread_id"].append(root)
        updates["answers_question"].append(answers)
        if answers != bool(answered_before):
            changed_answers.append(item)
    if not rows:
        return 0
    with store.transaction():
        store.con.register("_niche_threads", pa.table(updates))
        try:
            store.con.execute(
                """UPDATE stored.mail_messages m SET parent_id = t.parent_id, thread_id = t.thread_id,
                          answers_question = t.answers_question
                   FROM _niche_threads t WHERE m.item_id = t.item_id"""
            )
            store.con.execute(
                """UPDATE stored.activities a SET role_rule = NULL, attrs = json_merge_patch(a.attrs, json_object(
                          'answers_question', t.answers_question, 'thread', t.thread_id)), role = NULL
                   FROM _niche_threads t
                   WHERE a.source LIKE 'mail:%' AND a.item_id = t.item_id
                     AND (a.role IS NULL OR t.item_id IN (SELECT unnest(?::VARCHAR[])))""",
                [changed_answers],
            )
        finally:
            store.con.unregister("_niche_threads")
    return len(rows)

"""Sync IRC logs (one file a channel-day, as loggers and eavesdrop write them) into the store.

A log file is one item: a log that grew since the last sync (today's) is read again whole and
replaces what it had stored, quarantine entries included; unchanged files are skipped by size
and modification time. Each batch of files is committed with the cursor that covers it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from niche.errors import SourceError
from niche.sources import irc
from niche.sources.contract import BadRecord
from niche.store.db import Store
from niche.store.rows import Rows

BATCH_FILES = 100
MAX_BAD_LINES = 20  # per file; a file in no known format at all is one entry (irc.read_log_file)


@dataclass
class IrcSync:
    source: str
    files: int = 0
    unchanged: int = 0
    lines: int = 0
    meetings: int = 0
    quarantined: int = 0


def _epoch(when) -> int | None:
    return int(when.replace(tzinfo=UTC).timestamp()) if when else None


def write_log(rows: Rows, store: Store, source: str, item_id: str, path: Path, data: bytes, log: irc.Log,
              channel: str) -> None:  # fmt: skip
    """Rows for one parsed log file; its bad lines are quarantined, named by the file's full path."""
    rows.raw(source, item_id, "irc-log", data)
    for bad in log.bad[:MAX_BAD_LINES]:
        store.quarantine(source, f"{item_id}: {bad.location}", f"{path}: {bad.location}", bad.error, bad.raw)
    if len(log.bad) > MAX_BAD_LINES:
        more = len(log.bad) - MAX_BAD_LINES
        store.quarantine(source, f"{item_id}: more", str(path), f"{more} more unparseable lines not listed", None)

    def person(nick: str) -> str:
        return rows.identity("irc", nick, None, nick)

    for line in log.lines:
        attrs = {"length": len(line.text), "kind": line.kind, "addressed": line.addressed,
                 "answers_question": line.answers_question, "line": line.line_number}  # fmt: skip
        if line.said_as != line.nick:
            attrs["said_as"] = line.said_as
        rows.add("activities", source=source, item_id=item_id, kind="irc.message", identity_id=person(line.nick),
                 occurred_at=_epoch(line.at), tz_offset_minutes=line.tz_offset_minutes, project=channel,
                 object_id=f"{item_id}#L{line.line_number}", attrs=json.dumps(attrs))  # fmt: skip
    for m in log.meetings:
        meeting_id = f"{item_id}#L{m.line_number}"
        rows.add("meetings", source=source, item_id=item_id, channel=channel, name=m.name,
                 started_at=_epoch(m.started_at), ended_at=_epoch(m.ended_at), started_by=m.started_by,
                 chairs=m.chairs, participants=list(m.participants), topics=m.topics,
                 actions=[{"owners": owners, "text": text} for owners, text in m.actions], agreed=m.agreed)  # fmt: skip
        credits = [("meeting.chaired", nick, {}) for nick in m.chairs]
        credits += [("meeting.attended", nick, {"lines": n}) for nick, n in m.participants.items()]
        credits += [("meeting.action_owner", nick, {"action": text}) for owners, text in m.actions for nick in owners]
        for kind, nick, extra in credits:
            rows.add("activities", source=source, item_id=item_id, kind=kind, identity_id=person(nick),
                     occurred_at=_epoch(m.started_at), project=channel, object_id=meeting_id,
                     attrs=json.dumps({"meeting": m.name} | extra))  # fmt: skip


def _item_id(root: Path, file: Path) -> str:
    return file.name if file == root else str(file.relative_to(root))


def _log_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and not p.name.endswith((".html", ".htm", ".json")))  # fmt: skip


def sync_irc(store: Store, path: Path, channel: str | None = None, tz: tzinfo = UTC,
             progress: Callable[[int, int], None] | None = None) -> IrcSync:  # fmt: skip
    """Sync a log file or a folder of them into the source `irc:<path>`."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    root = path.resolve()
    source = f"irc:{root}"
    result = IrcSync(source)
    with store.transaction():
        store.register_source(source, "irc", channel or root.name, str(root), {"timezone": str(tz)})
    cursor = store.cursor(source) or {"files": {}}
    files = _log_files(root)
    pending: list[Path] = []

    def flush() -> None:
        rows = Rows()
        with store.transaction():
            for file in pending:
                item_id = _item_id(root, file)
                stat = file.stat()
                cursor["files"][item_id] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
                store.clear_quarantine(source, item_id)  # what an earlier read of the file set aside
                data, log = irc.read_log_file(file, tz)
                if isinstance(log, BadRecord):
                    store.quarantine(source, item_id, log.location, log.error, log.raw)
                    result.quarantined += 1
                    continue
                place = channel or irc.channel_of(file.name) or log.channel or root.name
                write_log(rows, store, source, item_id, file, data, log, place)
                result.lines += len(log.lines)
                result.meetings += len(log.meetings)
                result.quarantined += min(len(log.bad), MAX_BAD_LINES + 1)
            rows.write(store, source, [_item_id(root, f) for f in pending])
            store.set_cursor(source, cursor)
        result.files += len(pending)
        pending.clear()

    for done, file in enumerate(files, 1):
        stat = file.stat()
        if cursor["files"].get(_item_id(root, file)) == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}:
            result.unchanged += 1
            continue
        pending.append(file)
        if len(pending) >= BATCH_FILES:
            flush()
        if progress:
            progress(done, len(files))
    if pending:
        flush()
    with store.transaction():
        store.mark_synced(source)
    return result

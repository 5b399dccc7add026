"""IRC logs into rows: every line someone said, and MeetBot meetings with their chairs,
attendees and action-item owners. A log file is one item (see `niche.sources.irc.IrcLogs`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from niche.sources import irc
from niche.sources.contract import Item, Source
from niche.store.rows import Rows


def _epoch(when: datetime | None) -> int | None:
    return int(when.replace(tzinfo=UTC).timestamp()) if when else None


def log_rows(source: Source, items: Sequence[Item[irc.LogFile]]) -> Rows:
    rows = Rows()
    for item in items:
        _log(rows, source.id, item.id, item.raw, item.record.log, item.record.channel)
    return rows


def _log(rows: Rows, source: str, item_id: str, data: bytes, log: irc.Log, channel: str) -> None:
    """Rows for one parsed log file: every line said, and each meeting with who chaired, attended
    and took actions."""
    rows.raw(source, item_id, "irc-log", data)

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
        credits: list[tuple[str, str, dict[str, Any]]] = [("meeting.chaired", nick, {}) for nick in m.chairs]
        credits += [("meeting.attended", nick, {"lines": n}) for nick, n in m.participants.items()]
        credits += [("meeting.action_owner", nick, {"action": text}) for owners, text in m.actions for nick in owners]
        for kind, nick, extra in credits:
            rows.add("activities", source=source, item_id=item_id, kind=kind, identity_id=person(nick),
                     occurred_at=_epoch(m.started_at), project=channel, object_id=meeting_id,
                     attrs=json.dumps({"meeting": m.name} | extra))  # fmt: skip

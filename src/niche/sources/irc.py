"""Read IRC channel logs and MeetBot meetings: who talked, helped, chaired and took actions.

Formats, recognised line by line so a file may mix them:
  Supybot/Limnoria ChannelLogger  2012-10-17T09:16:21+0000  <nick> text     (offset optional)
  WeeChat                         2012-10-17 09:16:21<TAB>nick<TAB>text
  irssi                           09:16 <@nick> text, with "--- Log opened/Day changed" dates
  ZNC, MeetBot .log.txt           [09:16:21] <nick> text / 09:16:21 <nick> text, the date taken
                                  from the file name (#chan_20121017.log, nova.2023-01-10-16.00.log.txt)
A file may be gzip-compressed (known by its content), as rotated logs are. A file that is no log
at all (binary, or not one line in any known format) is one BadRecord, not one per line.
Times without an offset are in the log's timezone (UTC unless told). Within a log, nick
changes are followed: whoever "is now known as" another nick keeps being credited as the nick
they were first seen with. MeetBot commands (#startmeeting, #chair, #topic, #action, #agreed,
#endmeeting) in any of these logs make meetings, with their chairs, participants and the owners
of action items.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from niche.errors import SourceError
from niche.sources.bounds import bounded
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.git import decode_text

QUESTION_WINDOW = timedelta(minutes=30)  # how long a question waits for its answer
GZIP_MAGIC = b"\x1f\x8b"
SAMPLE_BYTES = 1 << 16  # what a quarantined file keeps of itself, to look at

_SUPYBOT = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d{4}|Z)?\s+(.*)$")
_WEECHAT = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\t([^\t]*)\t(.*)$")
_TIME_ONLY = re.compile(r"\[?(\d\d:\d\d(?::\d\d)?)\]?\s+(.*)$")
_IRSSI_DATE = re.compile(r"--- (?:Log opened|Day changed) \w{3} (.+)$")
_SAY = re.compile(r"<[ @+%&~]?([^>\s]+)>\s?(.*)$")
_ACTION = re.compile(r"\*\s+(\S+)\s*(.*)$")
_NOTICE = re.compile(r"-([^\s-]\S*?)-(?:\s(.*))?$")
_NICK_CHANGE = re.compile(r"(?:\*{3}|-!-|--)\s+(\S+) is now known as (\S+)")
_PRESENCE = re.compile(r"(?:\*{3}|-!-|-->|<--)\s+(?:(?:Joins|Quits|Parts):\s+)?(\S+)")
_FILE_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)")
_ADDRESSED = re.compile(r"([^\s:,]+)[:,]\s")
_MEETING_COMMAND = re.compile(
    r"#(startmeeting|endmeeting|chair|topic|action|agreed|info|link|idea|help|undo)\b\s*(.*)$", re.I
)


_UNRECOGNISED = "unrecognised line: expected '<nick> text', '* nick action', '-nick- notice' or a join/part/nick line"


@dataclass(frozen=True, slots=True)
class Line:
    at: datetime  # UTC
    tz_offset_minutes: int
    nick: str  # the nick credited: the first one this speaker had in the log
    said_as: str  # the nick shown on the line
    kind: str  # 'message', 'action' or 'notice'
    text: str
    addressed: str | None  # "nick: ..." — whom the line speaks to
    answers_question: bool  # it answers someone else's recent question
    line_number: int


@dataclass
class Meeting:
    name: str
    started_at: datetime
    started_by: str
    line_number: int
    ended_at: datetime | None = None
    chairs: list[str] = field(default_factory=list)
    participants: dict[str, int] = field(default_factory=dict)  # nick -> lines said
    topics: list[str] = field(default_factory=list)
    actions: list[tuple[list[str], str]] = field(default_factory=list)  # (owners, text)
    agreed: list[str] = field(default_factory=list)


@dataclass
class Log:
    lines: list[Line] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    nick_changes: list[tuple[datetime, str, str]] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    channel: str | None = None


def read_log_file(path: Path, tz: tzinfo = UTC) -> tuple[bytes, Log | BadRecord]:
    """A log file's bytes (uncompressed) and what it says, or the one BadRecord, naming the file,
    that says why it is no chat log."""
    data, cut = _read(path)
    if b"\0" in data:
        return data, BadRecord(str(path), "a binary file, not a chat log", data[:SAMPLE_BYTES])
    text, _ = decode_text(data)
    log = read_item(partial(parse_log, text, path.name.removesuffix(".gz"), tz), data, str(path), "unreadable log")
    if isinstance(log, BadRecord):
        return data, BadRecord(log.location, log.error, data[:SAMPLE_BYTES])
    written = [line for line in text.splitlines() if line.strip()]
    if written and len(log.bad) == len(written):
        error = f"not a chat log in any known format: none of its {len(written):,} lines reads as one"
        return data, BadRecord(str(path), f"{error} (first: {written[0][:80]!r})", data[:SAMPLE_BYTES])
    if cut:
        cut_short = f"the gzip file ends early ({cut}); the lines before are kept"
        log.bad.append(BadRecord(f"byte {len(data)}", cut_short, b""))
    return data, log


def _read(path: Path) -> tuple[bytes, str | None]:
    """The file's bytes, through gzip when it is one; with why a gzip file was cut short."""
    with path.open("rb") as stream:
        if stream.read(2) != GZIP_MAGIC:
            return path.read_bytes(), None
        stream.seek(0)
        parts: list[bytes] = []
        with gzip.GzipFile(fileobj=stream) as unzipped:
            try:
                while chunk := unzipped.read1(1 << 20):
                    parts.append(chunk)
            except (EOFError, OSError, zlib.error) as exc:
                return b"".join(parts), str(exc)
    return b"".join(parts), None


def parse_log(text: str, file_name: str, tz: tzinfo = UTC) -> Log:
    """Everything a channel log says, with unparseable lines set aside as BadRecords."""
    log = Log()
    day = _file_date(file_name)
    alias: dict[str, str] = {}
    questions: dict[str, datetime] = {}  # credited nick -> when they last asked
    meeting: Meeting | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            parsed = _parse_line(raw, day, tz)
        except ValueError as exc:  # a date or time that does not exist
            log.bad.append(BadRecord(f"line {number}", f"bad date or time: {exc}", raw.encode()))
            continue
        if isinstance(parsed, date):
            day = parsed
            continue
        if parsed is None:
            log.bad.append(BadRecord(f"line {number}", "not a log line in any known format", raw.encode()))
            continue
        at, offset, body = parsed
        if change := _NICK_CHANGE.match(body):
            old, new = bounded(change.group(1)) or "", bounded(change.group(2)) or ""
            alias[new] = alias.get(old, old)
            log.nick_changes.append((at, old, new))
            continue
        said = _said(body)
        if said is None:
            if not _PRESENCE.match(body):
                log.bad.append(BadRecord(f"line {number}", _UNRECOGNISED, raw.encode()))
            elif log.channel is None and (joined := re.search(r"has joined (#\S+)", body)):
                log.channel = joined.group(1)
            continue
        said_as, content = bounded(said.group(1)) or "", said.group(2) or ""
        nick = alias.get(said_as, said_as)
        addressed_match = _ADDRESSED.match(content)
        to = bounded(addressed_match.group(1)) if addressed_match else None
        addressed = alias.get(to, to) if to else None
        asked_at = questions.get(addressed) if addressed and addressed != nick else None
        answers = asked_at is not None and at - asked_at <= QUESTION_WINDOW
        if content.rstrip().endswith("?"):
            questions[nick] = at
        kind = {_SAY: "message", _ACTION: "action", _NOTICE: "notice"}[said.re]
        log.lines.append(Line(at, offset, nick, said_as, kind, content, addressed, answers, number))
        meeting = _meeting_command(log, meeting, nick, content, at, number)
        if meeting is not None:
            meeting.participants[nick] = meeting.participants.get(nick, 0) + 1
    return log


def _said(body: str) -> re.Match[str] | None:
    """Someone saying something: <nick> text, * nick acts, -nick- notice."""
    if body.startswith("<"):
        return _SAY.match(body)
    if body.startswith("* "):
        return _ACTION.match(body)
    if body.startswith("-") and not body.startswith(("-!-", "--")):
        return _NOTICE.match(body)
    return None


def _meeting_command(log: Log, meeting: Meeting | None, nick: str, text: str, at: datetime,
                     number: int) -> Meeting | None:  # fmt: skip
    """The meeting in progress after this line (MeetBot's commands)."""
    command = _MEETING_COMMAND.match(text.strip())
    if command is None:
        return meeting
    verb, rest = command.group(1).lower(), command.group(2).strip()
    if verb == "startmeeting":
        meeting = Meeting(rest or "meeting", at, nick, number, chairs=[nick])
        log.meetings.append(meeting)
        return meeting
    if meeting is None or (verb in ("chair", "endmeeting", "undo") and nick not in meeting.chairs):
        return meeting  # only chairs may end a meeting or name chairs, as MeetBot has it
    if verb == "endmeeting":
        meeting.ended_at = at
        meeting.participants[nick] = meeting.participants.get(nick, 0) + 1
        return None
    if verb == "chair":
        named = (bounded(n) or "" for n in re.split(r"[\s,]+", rest) if n)
        meeting.chairs = list(dict.fromkeys([*meeting.chairs, *named]))  # in order, once each (a set: linear)
    elif verb == "topic":
        meeting.topics.append(rest)
    elif verb == "agreed":
        meeting.agreed.append(rest)
    elif verb == "action":
        words = {w.strip(":,.()").lower() for w in rest.split()}
        owners = [n for n in meeting.participants if n.lower() in words]
        meeting.actions.append((owners, rest))
    return meeting


def _parse_line(raw: str, day: date | None, tz: tzinfo) -> tuple[datetime, int, str] | date | None:
    """(UTC time, offset in minutes, the rest), a new date (irssi's day lines), or None."""
    if m := _SUPYBOT.match(raw):
        when = datetime.fromisoformat(m.group(1))
        return _localise(when, m.group(2), tz, m.group(3))
    if m := _WEECHAT.match(raw):
        prefix, text = m.group(2).strip(), m.group(3)
        body = _weechat_body(prefix, text)
        return _localise(datetime.fromisoformat(m.group(1)), None, tz, body)
    if m := _IRSSI_DATE.match(raw):
        for fmt in ("%b %d %H:%M:%S %Y", "%b %d %Y"):
            try:
                return datetime.strptime(" ".join(m.group(1).split()), fmt).date()
            except ValueError:
                continue
        return None
    if (m := _TIME_ONLY.match(raw)) and day is not None:
        clock = m.group(1) if m.group(1).count(":") == 2 else m.group(1) + ":00"
        when = datetime.combine(day, datetime.strptime(clock, "%H:%M:%S").time())
        return _localise(when, None, tz, m.group(2))
    return None


def _weechat_body(prefix: str, text: str) -> str:
    """WeeChat's prefix column, turned into the shape of the other formats."""
    if prefix in ("-->", "<--"):
        return f"{prefix} {text}"
    if prefix == "--":
        return f"-- {text}"
    if prefix == "*":
        return f"* {text}"
    return f"<{prefix}> {text}"


def _localise(when: datetime, offset: str | None, tz: tzinfo, body: str) -> tuple[datetime, int, str]:
    if offset and offset != "Z":
        minutes = (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[3:5]))
        aware = when.replace(tzinfo=None) - timedelta(minutes=minutes)
        return aware, minutes, body
    local = when.replace(tzinfo=UTC if offset == "Z" else tz)
    shift = local.utcoffset()
    minutes = int(shift.total_seconds() // 60) if shift else 0
    return local.astimezone(UTC).replace(tzinfo=None), minutes, body


def _file_date(name: str) -> date | None:
    for m in _FILE_DATE.finditer(name):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def channel_of(file_name: str) -> str | None:
    """The channel a log file's name tells: '#openstack-nova.2023-01-10.log' -> '#openstack-nova'."""
    m = re.match(r"(#[^.\s_]+(?:[._-][^.\s_\d][^.\s_]*)*)", file_name)
    return m.group(1) if m else None


BATCH_FILES = 100
MAX_BAD_LINES = 20  # per file; a file in no known format at all is one entry (read_log_file)


@dataclass(frozen=True, slots=True)
class LogFile:
    log: Log
    channel: str


class IrcLogs:
    """A log file or a folder of them (one file a channel-day, as loggers and eavesdrop write them).

    A log file is one item: a log that grew since the last sync (today's) is read again whole and
    replaces what it had stored, what it set aside included; unchanged files are skipped by size
    and modification time.
    """

    kind, noun, batch = "irc", "log file", BATCH_FILES

    def __init__(self, path: Path, channel: str | None = None, tz: tzinfo = UTC):
        self.path, self.channel, self.tz = path, channel, tz
        self.root = path.resolve()
        self.id = f"irc:{self.root}"
        self.name, self.location, self.label = channel or self.root.name, str(self.root), str(path)
        self.tally = Tally()

    def attrs(self) -> Mapping[str, Any]:
        return {"timezone": str(self.tz)}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        if not self.path.exists():
            raise SourceError(f"{self.path}: no such file or folder")
        files = _log_files(self.root)
        self.tally.expected = len(files)
        seen = cursor.get("files", {})
        for file in files:
            stat = file.stat()
            item_id = file.name if file == self.root else str(file.relative_to(self.root))
            state = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            if seen.get(item_id) == state:
                self._count("unchanged log file")
                continue
            data, log = read_log_file(file, self.tz)
            if isinstance(log, BadRecord):
                yield BadRecord(log.location, log.error, log.raw, item_id)
                yield Checkpoint({"files": {item_id: state}})
                continue
            place = self.channel or channel_of(file.name.removesuffix(".gz")) or log.channel or self.root.name
            self._count("line", len(log.lines))
            self._count("meeting", len(log.meetings))
            yield Item(item_id, "irc-log", data, LogFile(log, place), {"files": {item_id: state}})
            for bad in log.bad[:MAX_BAD_LINES]:  # named by the file's full path, kept as parts of the item
                yield BadRecord(f"{file}: {bad.location}", bad.error, bad.raw, f"{item_id}: {bad.location}")
            if len(log.bad) > MAX_BAD_LINES:
                more = len(log.bad) - MAX_BAD_LINES
                yield BadRecord(str(file), f"{more} more unparseable lines not listed", b"", f"{item_id}: more")

    def _count(self, what: str, n: int = 1) -> None:
        self.tally.details[what] = self.tally.details.get(what, 0) + n


def _log_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                  and not p.name.endswith((".html", ".htm", ".json")))  # fmt: skip

"""Split mail archives into raw messages: mbox (plain or gzip), one message per file (maildir).

Archives are split with a streaming reader rather than `mailbox.mbox`, which indexes the whole
file first and keeps it open in memory-hungry ways; each message is then parsed on its own
(`niche.sources.mail.message`), so one broken message becomes one quarantined item and the rest
of the archive goes on.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path

from niche.sources.contract import BadRecord

# A message bigger than this (say a 50 MB attachment) is quarantined, not parsed; only its first
# bytes are kept, so memory stays bounded however large the archive's worst message.
MAX_MESSAGE_BYTES = int(os.environ.get("NICHE_MAIL_MAX_BYTES") or 20 * 1024 * 1024)
KEPT_OF_OVERSIZE = 64 * 1024

# The mbox separator: "From <sender> <asctime date>". Pipermail writes the sender as "a at b",
# git format-patch as a commit hash; requiring the date keeps body lines that start with
# "From " (in mboxo archives, which do not escape them) from splitting a message.
_FROM_LINE = re.compile(
    rb"From \S.*?(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} "
    rb"+\d{1,2}:\d\d"
)
_MBOXRD_FROM = re.compile(rb"(?m)^>(>*From )")


@dataclass(frozen=True, slots=True)
class RawMessage:
    data: bytes  # the message without its From_ line (only the start of it when oversize)
    envelope: bytes  # the From_ line, b"" for maildir files
    offset: int  # byte offset of the message in its (uncompressed) file
    end: int  # byte offset just after it: where a resumed read starts
    size: int


def open_archive(stream: BufferedIOBase) -> BufferedIOBase:
    """The stream's bytes, uncompressed when it is gzip (known by content, whatever the name)."""
    magic = stream.read(2)
    stream.seek(0)
    return gzip.GzipFile(fileobj=stream, mode="rb") if magic == b"\x1f\x8b" else stream


CHUNK = 1 << 20
_CONTEXT = 16  # bytes kept before unscanned data, to see the blank line ahead of a separator


def split_mbox(stream: BufferedIOBase, start: int = 0) -> Iterator[RawMessage | BadRecord]:
    """Messages of an mbox stream, from byte offset start (which must begin a message).

    The stream is read in large chunks and separators found with bytes.find, not line by line:
    splitting costs little more than reading. Text before the first From_ line is not a message:
    it comes back as a BadRecord, as does the end of a gzip archive cut short (the messages read
    before the cut are kept).
    """
    stream.seek(start)  # gzip streams seek forward by decompressing
    buf = b""  # unconsumed input; the current message begins at buf[begin]
    begin = 0
    msg_start, dropped, head = start, 0, b""  # dropped: bytes cut from an oversize message's middle
    scan = 0  # where the search for the next separator resumes in buf
    eof = False
    while not eof:
        try:
            chunk = stream.read1(CHUNK)  # read1: what a cut-short gzip gave before the cut comes back
        except (EOFError, OSError, zlib.error) as exc:
            yield from _segment(buf[begin:], msg_start, dropped, head)
            yield BadRecord(f"byte {msg_start + dropped + len(buf) - begin}", f"archive ends early: {exc}", b"")
            return
        eof = not chunk
        buf, scan, begin = buf[begin:] + chunk, scan - begin, 0
        while (found := buf.find(b"\nFrom ", scan)) >= 0:
            i = found + 1
            line_end = buf.find(b"\n", i)
            if line_end < 0 and not eof:
                break  # the candidate line is not all read yet
            scan = i
            after_blank = buf[found - 1 : found] == b"\n" or buf[found - 2 : found] == b"\n\r"
            if after_blank and _FROM_LINE.match(buf, i, line_end if line_end >= 0 else len(buf)):
                yield from _segment(buf[begin:i], msg_start, dropped, head)
                msg_start += dropped + i - begin
                begin, dropped, head = i, 0, b""
        else:
            scan = max(begin, len(buf) - _CONTEXT)
        if len(buf) - begin > MAX_MESSAGE_BYTES + CHUNK:
            head = head or buf[begin : begin + KEPT_OF_OVERSIZE]
            cut = len(buf) - _CONTEXT
            dropped += cut - begin
            buf, begin, scan = buf[cut:], 0, 0
    yield from _segment(buf[begin:], msg_start, dropped, head)


def _segment(buf: bytes, offset: int, dropped: int, head: bytes) -> Iterator[RawMessage | BadRecord]:
    """The message (or junk) between two separators; nothing for blank space."""
    size = dropped + len(buf)
    first = head or buf
    is_message = first.startswith(b"From ") and _FROM_LINE.match(first)
    if not is_message:
        if first.strip():
            why = "not an mbox message: text before the first 'From ' separator line"
            yield BadRecord(f"byte {offset}", why, first[:KEPT_OF_OVERSIZE])
        return
    if dropped or size > MAX_MESSAGE_BYTES:
        yield BadRecord(
            f"byte {offset}",
            f"message of {size / 1e6:.1f} MB is over the {MAX_MESSAGE_BYTES / 1e6:.0f} MB limit "
            "(NICHE_MAIL_MAX_BYTES); kept unparsed",
            first[:KEPT_OF_OVERSIZE],
        )
        return
    envelope, _, data = buf.partition(b"\n")
    if b">From " in data:  # mboxrd escaping, undone; rare, so looked for before the regex runs
        data = _MBOXRD_FROM.sub(rb"\1", data)
    yield RawMessage(data, envelope + b"\n", offset, offset + size, size)


def read_message_file(path: Path) -> RawMessage | BadRecord:
    """One message stored alone in a file (maildir, .eml)."""
    size = path.stat().st_size
    if size > MAX_MESSAGE_BYTES:
        with path.open("rb") as f:
            head = f.read(KEPT_OF_OVERSIZE)
        return BadRecord(path.name, f"message of {size / 1e6:.1f} MB is over the limit; kept unparsed", head)
    data = path.read_bytes()
    return RawMessage(data, b"", 0, size, size)

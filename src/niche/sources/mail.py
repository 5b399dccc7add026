"""Read mailing-list archives: mbox (plain or gzip), maildir, Mailman 2 pipermail, HyperKitty.

Archives are split with a streaming reader rather than `mailbox.mbox`, which indexes the whole
file first and keeps it open in memory-hungry ways; each message is then parsed on its own, so
one broken message becomes one quarantined item and the rest of the archive goes on. Headers
are read by a small parser and bodies decoded by hand for the common single-part message; the
stdlib `email` package takes over for MIME multiparts and encoded words. What a list post
means for a person — their own words rather than the quoted ones, whether it carries a patch,
whether it asks a question — is decided here, from the message alone; threads are rebuilt
across the whole archive by the store (`niche.store.mail`).
"""

from __future__ import annotations

import binascii
import calendar
import email
import email.header
import email.policy
import email.utils
import gzip
import hashlib
import html
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from niche.sources.git import BadRecord

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
# An RFC 5322 field name, then the value with its folded continuation lines.
_HEADER = re.compile(rb"^([!-9;-~]+)[ \t]*:[ \t]*(.*(?:\n[ \t].*)*)", re.M)
_WANTED = {
    b"from",
    b"sender",
    b"subject",
    b"date",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"list-id",
    b"content-type",
    b"content-transfer-encoding",
}
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_SIMPLE_ADDRESS = re.compile(r'\s*"?([^"<>()\\,;:@]*?)"?\s*<([^<>\s"()\\,;:@]+@[^<>\s"()\\,;:@]+)>\s*$')
# "user at host (Name)" (pipermail's obfuscation) and the plain "user@host (Name)" of old mailers.
_BARE_ADDRESS = re.compile(r"^\s*([^\s@()<>]+)(?: at |@)([^\s@()<>]+)\s*(?:\(([^()]*(?:\([^()]*\)[^()]*)*)\))?\s*$")
# The RFC 5322 date nearly every mailer writes ("Mon, 1 Dec 1997 10:02:33 +0100"), read without
# email.utils, which is slow; anything else goes to email.utils.
_USUAL_DATE = re.compile(
    r"\s*(?:[A-Z][a-z]{2}, *)?(\d{1,2}) ([A-Z][a-z]{2}) ([1-9]\d{3}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)(?!\S)"
)
_MONTH_NUMBER = {
    m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)
}
_ENVELOPE_DATE = re.compile(rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? .*\d{4}")
_PATCH_SUBJECT = re.compile(r"\[[^\]]*\bPATCH\b[^\]]*\]", re.I)
_DIFF = re.compile(r"^(diff --git |Index: |--- \S.*\n\+\+\+ \S.*\n@@ )", re.M)
_QUESTION_MARK = re.compile(r"\?+(\s|$)")
_URL_TAIL = re.compile(r"://\S*")  # a URL's "?" is no question
# "On Mon, Bob wrote:", Gmail's "2016-04-14 11:06 GMT+02:00 Bob <bob at x.org>:" — any line that
# ends in a colon right before a quote introduces it.
_ATTRIBUTION_END = re.compile(r":[ \t]*\r?\n(?:[ \t]*\r?\n)?(?=[ \t]*>)")
_QUOTED = re.compile(r"\n[ \t]*>[^\n]*")  # searched in "\n" + text, like _CUT below
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|antw|r)\s*(\[\d+\])?\s*:\s*|\[[^\]]*\]\s*)+", re.I)
# Where a post stops being its author's words: signature, forwarded or top-posted original,
# the list's own footer, pipermail's note of a scrubbed attachment.
# (Searched from a newline, not with ^ and re.M: a literal start lets the regex engine skip ahead.)
_CUT = re.compile(
    r"\n(-- ?|-{3,} ?Original Message ?-{3,}|_{20,}|-{5,} ?(Forwarded message|next part) ?-{5,})\r?(\n|$)", re.I
)


@dataclass(frozen=True, slots=True)
class RawMessage:
    data: bytes  # the message without its From_ line (only the start of it when oversize)
    envelope: bytes  # the From_ line, b"" for maildir files
    offset: int  # byte offset of the message in its (uncompressed) file
    end: int  # byte offset just after it: where a resumed read starts
    size: int


@dataclass(frozen=True, slots=True)
class Message:
    message_id: str
    synthetic_id: bool  # the message had no usable Message-ID; this one is derived from its content
    subject: str
    thread_subject: str  # subject without Re:/Fwd:/[list] prefixes, for threading by subject
    is_reply: bool  # In-Reply-To/References or a "Re:" subject
    from_name: str | None
    from_email: str | None
    sent_at: int | None  # epoch seconds, UTC
    tz_offset_minutes: int | None
    date_from_envelope: bool  # the Date header was missing or broken; the mbox's From_ date is used
    in_reply_to: str | None
    references: tuple[str, ...]
    list_id: str | None
    own_text: str  # the author's own words: quotes, attributions, signatures and footers removed
    quoted_lines: int
    is_patch: bool
    asks_question: bool
    attachments: tuple[str, ...]
    lossy: bool  # some text was in an unknown or wrong charset and was decoded by a fallback


# -- splitting archives -------------------------------------------------------------------------


def open_archive(stream: BinaryIO) -> BinaryIO:
    """The stream's bytes, uncompressed when it is gzip (known by content, whatever the name)."""
    magic = stream.read(2)
    stream.seek(0)
    return gzip.GzipFile(fileobj=stream, mode="rb") if magic == b"\x1f\x8b" else stream  # type: ignore[return-value]


CHUNK = 1 << 20
_CONTEXT = 16  # bytes kept before unscanned data, to see the blank line ahead of a separator


def split_mbox(stream: BinaryIO, start: int = 0) -> Iterator[RawMessage | BadRecord]:
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


# -- parsing one message ------------------------------------------------------------------------


def parse_message(raw: RawMessage, location: str) -> Message | BadRecord:
    """The post in a raw message, or a BadRecord saying why it is not one."""
    data = raw.data.replace(b"\r\n", b"\n") if b"\r\n" in raw.data[:4096] else raw.data
    head, _, body = data.partition(b"\n\n")
    headers, lossy = _headers(head)
    if not headers:
        return BadRecord(location, "not an email message: no header lines", raw.envelope + raw.data)
    sender = headers.get("from") or headers.get("sender") or ""
    if not sender.strip():
        return BadRecord(location, "message has no From header: nobody to credit", raw.envelope + raw.data)
    subject, bad_subject = _decode_words(headers.get("subject", ""))
    name, address, bad_from = _address(sender)
    sent_at, tz = _date(headers.get("date"))
    from_envelope = False
    if sent_at is None:
        sent_at, tz = _envelope_date(raw.envelope), None
        from_envelope = sent_at is not None
    text, attachments, bad_body = _body(headers, body, raw.data)
    diff = _DIFF.search(text) if "\n+++ " in text or "diff --git " in text or "Index: " in text else None
    # A patch's own words are its description: git's "---" line ends it, the diff is code.
    prose = text[: diff.start()].split("\n---\n", 1)[0] if diff else text
    own, quoted = own_words(prose)
    references = tuple(_MESSAGE_ID.findall(headers.get("references", "")))
    in_reply_to = next(iter(_MESSAGE_ID.findall(headers.get("in-reply-to", ""))), None)
    message_id = next(iter(_MESSAGE_ID.findall(headers.get("message-id", ""))), None)
    if message_id is None:
        bare = headers.get("message-id", "").strip()
        message_id = bare if bare and " " not in bare else None
    synthetic = message_id is None
    if synthetic:
        digest = hashlib.blake2b(raw.data, digest_size=12).hexdigest()
        message_id = f"{digest}@niche.invalid"
    thread_subject = _REPLY_PREFIX.sub("", subject).strip()
    return Message(
        message_id=message_id,
        synthetic_id=synthetic,
        subject=subject,
        thread_subject=thread_subject.lower(),
        is_reply=bool(in_reply_to or references or re.match(r"\s*(re|aw|sv)\s*:", subject, re.I)),
        from_name=name,
        from_email=address,
        sent_at=sent_at,
        tz_offset_minutes=tz,
        date_from_envelope=from_envelope,
        in_reply_to=in_reply_to,
        references=references,
        list_id=_list_id(headers.get("list-id")),
        own_text=own,
        quoted_lines=quoted,
        is_patch=bool(diff or _PATCH_SUBJECT.search(subject))
        or any(a.endswith((".patch", ".diff")) or "x-patch" in a or "x-diff" in a for a in attachments),
        asks_question=("?" in own and _asks(_URL_TAIL.sub("", own))) or thread_subject.endswith("?"),
        attachments=attachments,
        lossy=lossy or bad_subject or bad_from or bad_body,
    )


def _asks(text: str) -> bool:
    """A question mark ends a word ("works?"), not a "." as where pipermail lost a character."""
    return any(m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ")_")
               for m in _QUESTION_MARK.finditer(text))  # fmt: skip


def _headers(head: bytes) -> tuple[dict[str, str], bool]:
    """The header fields niche reads, by lower-case name (the first of repeated ones), unfolded;
    raw 8-bit bytes are read as UTF-8 when they are, else as Latin-1 (lossy). An empty dict
    when there is no header line at all."""
    fields: dict[bytes, bytes] = {}
    found = False
    for name, value in _HEADER.findall(head):
        found = True
        key = name.lower()
        if key in _WANTED and key not in fields:  # later From/Date... are relays or forgeries
            fields[key] = value
    lossy = False
    decoded: dict[str, str] = {}
    for key, value in fields.items():
        if b"\n" in value:
            value = b" ".join(part.strip() for part in value.split(b"\n"))
        try:
            decoded[key.decode()] = value.decode("utf-8").strip()
        except UnicodeDecodeError:
            decoded[key.decode()] = value.decode("latin-1").strip()
            lossy = True
    return (decoded if found else {}), lossy


def _decode_words(value: str) -> tuple[str, bool]:
    """RFC 2047 encoded words ("=?iso-8859-1?q?G=F6ran?=") decoded; True when a fallback was used."""
    if "=?" not in value:
        return " ".join(value.split()), False
    lossy = False
    parts = []
    try:
        chunks = email.header.decode_header(value)
    except (email.errors.HeaderParseError, ValueError):
        return " ".join(value.split()), True
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        text, bad = _decode(chunk, charset)
        parts.append(text)
        lossy = lossy or bad
    return " ".join("".join(parts).split()), lossy


def _decode(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Bytes in the charset a message claims; an unknown or wrong charset falls back to UTF-8, then
    Latin-1 (which cannot fail), and says so."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate), bool(charset) and candidate != charset
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1"), True


def _address(value: str) -> tuple[str | None, str | None, bool]:
    """(name, email) of a From header, undoing pipermail's "user at host (Name)" obfuscation."""
    bare = _BARE_ADDRESS.match(value)
    if bare:
        name, lossy = _decode_words(bare.group(3) or "")
        return name or None, f"{bare.group(1)}@{bare.group(2)}".lower(), lossy
    simple = _SIMPLE_ADDRESS.match(value)  # most From lines; parseaddr is slow
    name, address = simple.groups() if simple else email.utils.parseaddr(value)
    decoded, lossy = _decode_words(name)
    address = address.strip().lower()
    if "@" not in address:
        address = ""
    if not decoded and not address:
        decoded = " ".join(value.split())
    return decoded or None, address or None, lossy


def _date(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    usual = _USUAL_DATE.match(value)
    if usual and usual.group(2) in _MONTH_NUMBER:
        day, _, year, hour, minute, second, sign, tz_hours, tz_minutes = usual.groups()
        offset = (int(tz_hours) * 60 + int(tz_minutes)) * (-1 if sign == "-" else 1)
        when = (int(year), _MONTH_NUMBER[usual.group(2)], int(day), int(hour), int(minute), int(second))
        return calendar.timegm(when) - offset * 60, offset
    try:
        parsed = email.utils.parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        return None, None
    if parsed is None or not 1 <= parsed[0] <= 9999:
        return None, None
    try:
        return email.utils.mktime_tz(parsed), (parsed[9] or 0) // 60
    except (OverflowError, ValueError):
        return None, None


def _envelope_date(envelope: bytes) -> int | None:
    match = _ENVELOPE_DATE.search(envelope)
    if not match:
        return None
    for fmt in ("%a %b %d %H:%M:%S %Y", "%a, %b %d %H:%M:%S %Y"):
        try:
            when = datetime.strptime(" ".join(match.group(0).decode("ascii", "replace").split()), fmt)
        except ValueError:
            continue
        return int(when.replace(tzinfo=UTC).timestamp())
    return None


def _list_id(value: str | None) -> str | None:
    """The list's short name from List-Id ("Nova developers <openstack-dev.lists.openstack.org>")."""
    if not value:
        return None
    match = re.search(r"<([^<>]+)>", value)
    ident = (match.group(1) if match else value).strip()
    return ident.split(".", 1)[0] or None


def _body(headers: dict[str, str], body: bytes, whole: bytes) -> tuple[str, tuple[str, ...], bool]:
    """(plain text, attachment names and types, lossy) of the message body."""
    content_type = headers.get("content-type", "text/plain").lower()
    if content_type.startswith(("multipart/", "message/")):
        return _mime_body(whole)
    charset = _charset(content_type)
    data = _transfer_decode(body, headers.get("content-transfer-encoding", ""))
    text, lossy = _decode(data, charset)
    if content_type.startswith("text/html"):
        text = _html_text(text)
    elif not content_type.startswith("text/") and content_type.strip():
        return "", (content_type.split(";", 1)[0],), lossy
    return text, (), lossy


def _charset(content_type: str) -> str | None:
    match = re.search(r'charset\s*=\s*"?([\w.:-]+)', content_type)
    return match.group(1) if match else None


def _transfer_decode(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    try:
        if encoding == "base64":
            return binascii.a2b_base64(body)
        if encoding == "quoted-printable":
            return binascii.a2b_qp(body)
    except (binascii.Error, ValueError):
        pass  # the body is kept as it came; a broken encoding is not a reason to lose a post
    return body


def _mime_body(whole: bytes) -> tuple[str, tuple[str, ...], bool]:
    message = email.message_from_bytes(whole, policy=email.policy.compat32)
    texts: list[str] = []
    html_parts: list[str] = []
    attachments: list[str] = []
    lossy = False
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = part.get_filename()
        if filename or not content_type.startswith("text/"):
            attachments.append(filename or content_type)
            if not content_type.startswith("text/"):
                continue
        payload = part.get_payload(decode=True) or b""
        text, bad = _decode(payload, part.get_content_charset())
        lossy = lossy or bad
        if filename and (filename.endswith((".patch", ".diff")) or "x-patch" in content_type):
            texts.append(text)
        elif filename:
            continue
        elif content_type == "text/plain":
            texts.append(text)
        elif content_type == "text/html":
            html_parts.append(_html_text(text))
        elif content_type in ("text/x-patch", "text/x-diff"):
            attachments.append(content_type)
            texts.append(text)
    return "\n".join(texts or html_parts), tuple(attachments), lossy


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def own_words(text: str) -> tuple[str, int]:
    """(the author's own words, number of quoted lines): quoted lines, the attribution line
    before a quote, and everything after a signature, forwarded original or list footer are not
    the author's. Whole-text regular expressions, not a loop over lines: archives are large."""
    quoted = 0
    text = "\n" + text
    cut = _CUT.search(text)
    if cut:
        quoted = len(_QUOTED.findall(text, cut.end() - 1))
        text = text[: cut.start()]
    if ">" not in text:
        return text.strip(), quoted
    text, own_quoted = _QUOTED.subn("", _drop_attributions(text))
    return text.strip(), quoted + own_quoted


def _drop_attributions(text: str) -> str:
    pieces, last = [], 0
    for end in _ATTRIBUTION_END.finditer(text):
        line_start = text.rfind("\n", 0, end.start()) + 1
        if line_start >= last:
            pieces.append(text[last:line_start])
            last = end.end()
    return "".join(pieces) + text[last:]


# -- archives on the web ------------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
_PIPERMAIL_ARCHIVE = re.compile(r"(\d{4})-(" + "|".join(m.title() for m in MONTHS) + r")\.txt(\.gz)?$")
_MOD_MBOX_ARCHIVE = re.compile(r"(\d{4})(\d{2})\.mbox$")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)
_HYPERKITTY_LIST = re.compile(r"^(.*?)/(?:hyperkitty/)?(?:archives/)?list/([^/]+@[^/]+)/?")


@dataclass(frozen=True, slots=True)
class Archive:
    url: str
    month: str  # 'YYYY-MM'


def index_archives(index_html: str, index_url: str) -> list[Archive]:
    """The monthly archives an index page links to, oldest first: a Mailman 2 pipermail index
    (2016-April.txt.gz) or an Apache mod_mbox one (201604.mbox/thread)."""
    base = index_url if index_url.endswith("/") else index_url.rsplit("/", 1)[0] + "/"
    found: dict[str, Archive] = {}
    for href in _HREF.findall(index_html):
        name = href.split("?", 1)[0]
        if name.endswith(".mbox/thread") or name.endswith(".mbox/date") or name.endswith(".mbox/author"):
            name = name.rsplit("/", 1)[0]
        pipermail = _PIPERMAIL_ARCHIVE.search(name)
        mod_mbox = _MOD_MBOX_ARCHIVE.search(name)
        if pipermail:
            month = f"{pipermail.group(1)}-{MONTHS.index(pipermail.group(2).lower()) + 1:02d}"
        elif mod_mbox:
            month = f"{mod_mbox.group(1)}-{mod_mbox.group(2)}"
        else:
            continue
        url = name if "://" in name else base + name.lstrip("/")
        found.setdefault(month, Archive(url, month))
    return sorted(found.values(), key=lambda a: a.month)


def hyperkitty_list(url: str) -> tuple[str, str] | None:
    """(site root, list address) when url is a HyperKitty list page, else None."""
    match = _HYPERKITTY_LIST.match(url)
    return (match.group(1), match.group(2)) if match else None


def hyperkitty_archives(root: str, address: str, first: str, last: str) -> list[Archive]:
    """HyperKitty's mbox export of each month from first to last ('YYYY-MM'), as HyperKitty
    serves it: /hyperkitty/list/ADDR/export/NAME.mbox.gz?start=DATE&end=DATE."""
    year, month = map(int, first.split("-"))
    archives = []
    while f"{year:04d}-{month:02d}" <= last:
        following = (year + month // 12, month % 12 + 1)
        start, end = f"{year:04d}-{month:02d}-01", f"{following[0]:04d}-{following[1]:02d}-01"
        name = f"{year:04d}-{month:02d}"
        url = f"{root}/hyperkitty/list/{address}/export/{address}-{name}.mbox.gz?start={start}&end={end}"
        archives.append(Archive(url, name))
        year, month = following
    return archives

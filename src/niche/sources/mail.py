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
_HEADER = re.compile(rb"([!-9;-~]+)[ \t]*:[ \t]*(.*)")  # RFC 5322 field name, then the value
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_OBFUSCATED = re.compile(r"^\s*([^\s@()<>]+) at ([^\s@()<>]+)\s*(?:\((.*)\))?\s*$")
_ENVELOPE_DATE = re.compile(rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? .*\d{4}")
_PATCH_SUBJECT = re.compile(r"\[[^\]]*\bPATCH\b[^\]]*\]", re.I)
_DIFF = re.compile(r"^(diff --git |Index: |--- \S.*\n\+\+\+ \S.*\n@@ )", re.M)
_QUESTION = re.compile(r"[\w)]\?+(\s|$)")  # "works?" but not pipermail's "." + "?" for a lost character
_URL = re.compile(r"\S+://\S+")
# "On Mon, Bob wrote:", Gmail's "2016-04-14 11:06 GMT+02:00 Bob <bob at x.org>:" — any line that
# ends in a colon right before a quote introduces it.
_ATTRIBUTION = re.compile(r":\s*$")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|antw|r)\s*(\[\d+\])?\s*:\s*|\[[^\]]*\]\s*)+", re.I)
# Where a post stops being its author's words: signature, forwarded or top-posted original,
# the list's own footer, pipermail's note of a scrubbed attachment.
_CUT = re.compile(r"^(-- ?|-{3,} ?Original Message ?-{3,}|_{20,}|-{5,} ?(Forwarded message|next part) ?-{5,})$", re.I)


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


def split_mbox(stream: BinaryIO, start: int = 0) -> Iterator[RawMessage | BadRecord]:
    """Messages of an mbox stream, from byte offset start (which must begin a message).

    Text before the first From_ line is not a message: it comes back as a BadRecord, as does the
    end of a gzip archive cut short (the messages read before the cut are kept).
    """
    stream.seek(start)  # gzip streams seek forward by decompressing
    position = offset = start
    lines: list[bytes] = []
    envelope = b""
    size = 0
    previous_blank = True
    try:
        for line in stream:
            if previous_blank and line.startswith(b"From ") and _FROM_LINE.match(line):
                if envelope or any(text.strip() for text in lines):
                    yield _message(lines, envelope, offset, position, size)
                lines, envelope, offset, size = [], line, position, 0
            else:
                size += len(line)
                if size <= MAX_MESSAGE_BYTES:
                    lines.append(line)
            position += len(line)
            previous_blank = line in (b"\n", b"\r\n")
    except (EOFError, OSError, zlib.error) as exc:
        if envelope:
            yield _message(lines, envelope, offset, position, size)
        yield BadRecord(f"byte {position}", f"archive ends early: {exc}", b"")
        return
    if envelope or any(text.strip() for text in lines):
        yield _message(lines, envelope, offset, position, size)


def _message(lines: list[bytes], envelope: bytes, offset: int, end: int, size: int) -> RawMessage | BadRecord:
    data = b"".join(lines)
    if not envelope:
        why = "not an mbox message: text before the first 'From ' separator line"
        return BadRecord(f"byte {offset}", why, data[:KEPT_OF_OVERSIZE])
    if size > MAX_MESSAGE_BYTES:
        return BadRecord(
            f"byte {offset}",
            f"message of {size / 1e6:.1f} MB is over the {MAX_MESSAGE_BYTES / 1e6:.0f} MB limit "
            "(NICHE_MAIL_MAX_BYTES); kept unparsed",
            envelope + data[:KEPT_OF_OVERSIZE],
        )
    return RawMessage(_MBOXRD_FROM.sub(rb"\1", data), envelope, offset, end, size)


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
    head, _, body = raw.data.replace(b"\r\n", b"\n").partition(b"\n\n")
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
    own, quoted = own_words(text)
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
        is_patch=bool(_PATCH_SUBJECT.search(subject) or _DIFF.search(text))
        or any(a.endswith((".patch", ".diff")) or "x-patch" in a or "x-diff" in a for a in attachments),
        asks_question=bool(_QUESTION.search(_URL.sub("", own)) or thread_subject.endswith("?")),
        attachments=attachments,
        lossy=lossy or bad_subject or bad_from or bad_body,
    )


def _headers(head: bytes) -> tuple[dict[str, str], bool]:
    """Header fields by lower-case name (the first of repeated ones), unfolded; raw 8-bit bytes
    are read as UTF-8 when they are, else as Latin-1 (lossy)."""
    fields: dict[str, bytes] = {}
    name = None
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and name is not None:
            if name in fields and fields[name] is not None:
                fields[name] += b" " + line.strip()
            continue
        match = _HEADER.match(line)
        if match is None:
            name = None
            continue
        name = match.group(1).decode("ascii").lower()
        if name in fields:
            name = None  # keep the first Received/From/...; later ones are relays or forgeries
            continue
        fields[name] = match.group(2).strip()
    lossy = False
    decoded = {}
    for key, value in fields.items():
        try:
            decoded[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            decoded[key] = value.decode("latin-1")
            lossy = True
    return decoded, lossy


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
            return data.decode(candidate), candidate != charset
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1"), True


def _address(value: str) -> tuple[str | None, str | None, bool]:
    """(name, email) of a From header, undoing pipermail's "user at host (Name)" obfuscation."""
    obfuscated = _OBFUSCATED.match(value)
    if obfuscated:
        name, lossy = _decode_words(obfuscated.group(3) or "")
        return name or None, f"{obfuscated.group(1)}@{obfuscated.group(2)}".lower(), lossy
    name, address = email.utils.parseaddr(value)
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
    the author's."""
    lines = text.split("\n")
    own: list[str] = []
    quoted = 0
    for i, line in enumerate(lines):
        stripped = line.rstrip()
        if _CUT.match(stripped):
            quoted += sum(1 for rest in lines[i + 1 :] if rest.lstrip().startswith(">"))
            break
        if stripped.lstrip().startswith(">"):
            quoted += 1
            continue
        if _ATTRIBUTION.search(stripped) and _next_is_quote(lines, i):
            continue
        own.append(stripped)
    return "\n".join(own).strip(), quoted


def _next_is_quote(lines: list[str], i: int) -> bool:
    for line in lines[i + 1 : i + 3]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


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

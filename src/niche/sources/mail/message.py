"""Parse one raw message into a list post: who sent it, when, in reply to what, and what it says.

Headers are read by a small parser and bodies decoded by hand for the common single-part message;
the stdlib `email` package takes over for MIME multiparts and encoded words. Which words are the
author's own and whether they ask a question is `niche.sources.mail.words`' job.
"""

from __future__ import annotations

import binascii
import calendar
import email
import email.header
import email.policy
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from niche.sources.contract import BadRecord
from niche.sources.mail.mbox import RawMessage
from niche.sources.mail.words import asks_question, own_words, patch_prose

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
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|antw|r)\s*(\[\d+\])?\s*:\s*|\[[^\]]*\]\s*)+", re.I)


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
    prose, diff = patch_prose(text)
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
        asks_question=asks_question(own, thread_subject),
        attachments=attachments,
        lossy=lossy or bad_subject or bad_from or bad_body,
    )


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

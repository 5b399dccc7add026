"""Parse one raw message into a list post: who sent it, when, in reply to what, and what it says.

Headers are read by a small parser and bodies decoded by hand for the common single-part message;
the stdlib `email` package takes over for MIME multiparts and encoded words. Which words are the
author's own and whether they ask a question is `niche.sources.mail.words`' job.
"""

from __future__ import annotations

import binascii
import calendar
import email
import email.policy
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from niche.sources.bounds import FIELD_LIMIT, HEADER_LIMIT, SUBJECT_LIMIT, Cut, bounded, parse_address
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
MAX_REFERENCES = 100  # the nearest ancestors: threading looks for the latest one stored
MAX_MIME_DEPTH = 50  # parts in parts; the stdlib parser recurses once per level (1,000 overflow it)
# "Name <user@host>", the From line of most mailers, read without parseaddr, which is slow.
_PLAIN_ADDRESS = re.compile(r'[^<>\s"()\\,;:@]+@[^<>\s"()\\,;:@]+')
_NOT_IN_NAME = frozenset('"<>()\\,;:@')
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
ENVELOPE_LIMIT = 512  # a From_ line: "From " sender and an asctime date
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")  # "[PATCH v2 1/3]": a subject's tags (spans never overlap)
_PATCH_TAG = re.compile(r"\bPATCH\b", re.I)
# RFC 2047: =?charset?B|Q?text?=; the text holds neither "?" nor white space.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BOUNDARY = re.compile(rb'boundary\s*=\s*"?([^";\s]+)', re.I)
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
    """The post in a raw message, or a BadRecord saying why it is not one. Fields are bounded
    before they are parsed (see `niche.sources.bounds`); the whole message stays in raw.data."""
    data = raw.data.replace(b"\r\n", b"\n") if b"\r\n" in raw.data[:4096] else raw.data
    head, _, body = data.partition(b"\n\n")
    headers, lossy = _headers(head)
    if not headers:
        return BadRecord(location, "not an email message: no header lines", raw.envelope + raw.data)
    sender = headers.get("from") or headers.get("sender") or ""
    if not sender.strip():
        return BadRecord(location, "message has no From header: nobody to credit", raw.envelope + raw.data)
    content_type = headers.get("content-type", "text/plain").lower()
    if content_type.startswith(("multipart/", "message/")) and (depth := _mime_depth(raw.data)) > MAX_MIME_DEPTH:
        why = f"MIME parts nested {depth} deep, over the limit of {MAX_MIME_DEPTH}; kept unparsed"
        return BadRecord(location, why, raw.envelope + raw.data)
    whole_subject = headers.get("subject", "")
    subject, bad_subject = _decode_words(whole_subject[: SUBJECT_LIMIT * 4])
    if len(subject) > SUBJECT_LIMIT or len(whole_subject) > SUBJECT_LIMIT * 4:
        subject = Cut(subject[:SUBJECT_LIMIT], len(whole_subject))
    name, address, bad_from = _address(sender)
    sent_at, tz = _date(headers.get("date"))
    from_envelope = False
    if sent_at is None:
        sent_at, tz = _envelope_date(raw.envelope), None
        from_envelope = sent_at is not None
    text, attachments, bad_body = _body(content_type, headers, body, raw.data)
    prose, diff = patch_prose(text)
    own, quoted = own_words(prose)
    references = tuple(_bounded_id(i) for i in _MESSAGE_ID.findall(headers.get("references", ""))[-MAX_REFERENCES:])
    in_reply_to = next(map(_bounded_id, _MESSAGE_ID.findall(headers.get("in-reply-to", ""))), None)
    found = next(map(_bounded_id, _MESSAGE_ID.findall(headers.get("message-id", ""))), None)
    if found is None:
        bare = headers.get("message-id", "").strip()
        found = _bounded_id(bare) if bare and " " not in bare else None
    synthetic = found is None
    message_id = found or f"{hashlib.blake2b(raw.data, digest_size=12).hexdigest()}@niche.invalid"
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
        is_patch=bool(diff or _is_patch_subject(subject))
        or any(a.endswith((".patch", ".diff")) or "x-patch" in a or "x-diff" in a for a in attachments),
        asks_question=asks_question(own, thread_subject),
        attachments=attachments,
        lossy=lossy or bad_subject or bad_from or bad_body,
    )


def _bounded_id(message_id: str) -> str:
    """A Message-ID as stored; one over FIELD_LIMIT (no mailer writes one) becomes a digest of
    itself, the same wherever it is named, so replies still find it."""
    if len(message_id) <= FIELD_LIMIT:
        return message_id
    return hashlib.blake2b(message_id.encode(errors="replace"), digest_size=16).hexdigest() + "@niche.long-id"


def _is_patch_subject(subject: str) -> bool:
    """ "[PATCH]", "[PATCH v2 3/7]", "[nova][PATCH]"."""
    return any(_PATCH_TAG.search(tag) for tag in _BRACKETS.findall(subject))


def _mime_depth(data: bytes) -> int:
    """How deep multiparts nest (0 when it cannot be too deep), from the boundaries declared and
    closed, in one pass over the lines and without the stdlib parser, which recurses once per
    level; it stops counting past the limit."""
    if data.count(b"oundary") <= MAX_MIME_DEPTH:
        return 0  # too few boundaries to nest too deep: most messages end here
    open_parts: dict[bytes, int] = {}  # boundary -> its level, outermost first
    deepest = 0
    for line in data.split(b"\n"):
        line = line.rstrip()
        if line.startswith(b"--") and line.endswith(b"--") and line[2:-2] in open_parts:
            level = open_parts[line[2:-2]]
            open_parts = {b: lv for b, lv in open_parts.items() if lv < level}
        elif b"oundary" in line and (declared := _BOUNDARY.search(line)) and declared.group(1) not in open_parts:
            open_parts[declared.group(1)] = len(open_parts)
            deepest = max(deepest, len(open_parts))
            if deepest > MAX_MIME_DEPTH:
                break
    return deepest


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
    """RFC 2047 encoded words ("=?iso-8859-1?q?G=F6ran?=") decoded; True when a fallback was used.
    Adjacent words in one charset are joined before decoding (a character may be split across
    them) and the white space between them dropped, as `email.header.decode_header` does, but in
    one linear pass: the stdlib joins bytes one word at a time, so a long folded header (2.6 MB)
    took half a minute and a longer one never finished."""
    if "=?" not in value:
        return " ".join(value.split()), False
    parts: list[str] = []
    pending: list[bytes] = []  # adjacent encoded words in one charset, not decoded yet
    charset: str | None = None
    lossy = False
    end = 0
    for word in _ENCODED_WORD.finditer(value):
        between = value[end : word.start()]
        word_charset = word.group(1).split("*", 1)[0].lower()  # RFC 2231 adds "*language"
        if between.strip() or word_charset != charset:  # white space between two words is dropped
            lossy = _flush(pending, charset, parts) or lossy
            parts.append(between if between.strip() else "")
        data, bad = _word_bytes(word.group(2), word.group(3))
        pending.append(data)
        charset, lossy, end = word_charset, lossy or bad, word.end()
    lossy = _flush(pending, charset, parts) or lossy
    parts.append(value[end:])
    return " ".join("".join(parts).split()), lossy


def _word_bytes(encoding: str, text: str) -> tuple[bytes, bool]:
    """The bytes one encoded word holds; a broken one is kept as written (lossy)."""
    raw = text.encode("ascii", "replace")
    try:
        if encoding in "bB":
            return binascii.a2b_base64(raw + b"=" * (-len(raw) % 4)), False
        return binascii.a2b_qp(raw, header=True), False
    except (binascii.Error, ValueError):
        return raw, True


def _flush(pending: list[bytes], charset: str | None, parts: list[str]) -> bool:
    """Decode the pending words into parts; True when a fallback charset was used."""
    if not pending:
        return False
    text, lossy = _decode(b"".join(pending), charset)
    parts.append(text)
    pending.clear()
    return lossy


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
    """(name, email) of a From header, undoing pipermail's "user at host (Name)" obfuscation.
    The header is bounded before it is parsed; a name or address from a cut header is a Cut."""
    whole = len(value)
    value = value[:HEADER_LIMIT]
    bare = _BARE_ADDRESS.match(value)
    if bare:
        name, lossy = _decode_words(bare.group(3) or "")
        address: str = f"{bare.group(1)}@{bare.group(2)}".lower()
    else:
        name, address = _simple_address(value) or parse_address(value)
        name, lossy = _decode_words(name)
        address = address.strip().lower()
        if "@" not in address:
            address = ""
        if not name and not address:
            name = " ".join(value.split())
    return _from_field(name, whole), _from_field(address, whole), lossy


def _simple_address(value: str) -> tuple[str, str] | None:
    """("Name", "user@host") of the usual 'Name <user@host>' or '"Name" <user@host>', else None."""
    head, bracket, tail = value.rpartition("<")
    tail = tail.rstrip()
    if not bracket or not tail.endswith(">") or not _PLAIN_ADDRESS.fullmatch(tail[:-1]):
        return None
    name = head.strip()
    name = name[1:] if name.startswith('"') else name
    name = name[:-1] if name.endswith('"') else name
    return None if _NOT_IN_NAME.intersection(name) else (name, tail[:-1])


def _from_field(value: str, whole: int) -> str | None:
    """A name or address of the From header, bounded; a Cut when the header itself was cut."""
    if not value:
        return None
    return bounded(value) if whole <= HEADER_LIMIT else Cut(value[:FIELD_LIMIT], whole)


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
    match = _ENVELOPE_DATE.search(envelope[:ENVELOPE_LIMIT])
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
    return bounded(ident.split(".", 1)[0]) or None


def _body(content_type: str, headers: dict[str, str], body: bytes, whole: bytes) -> tuple[str, tuple[str, ...], bool]:
    """(plain text, attachment names and types, lossy) of the message body."""
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
        payload = part.get_payload(decode=True)  # bytes for a leaf part; None when it has none
        text, bad = _decode(payload if isinstance(payload, bytes) else b"", part.get_content_charset())
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
    markup = _without_scripts(markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup)
    return html.unescape(re.sub(r"<[^<>]+>", "", markup))


def _without_scripts(markup: str) -> str:
    """markup without <script> and <style> elements; an unclosed one runs to the end, as in a
    browser. One pass: a regex looking for each opening tag's end tag rescans the rest of the
    text every time ("<script" ten thousand times made it quadratic)."""
    lower = markup.lower()
    kept, at = [], 0
    for tag in re.finditer(r"<(script|style)\b", lower):
        if tag.start() < at:
            continue
        kept.append(markup[at : tag.start()])
        close = lower.find(f"</{tag.group(1)}>", tag.end())
        at = len(markup) if close < 0 else close + len(tag.group(1)) + 3
        kept.append(" ")
    return "".join(kept) + markup[at:]

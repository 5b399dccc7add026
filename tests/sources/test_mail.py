"""Mail parsing on real archives (mbox, pipermail, HyperKitty) and on generated malformed input."""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import gzip
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from niche.sources import mail
from niche.sources.contract import BadRecord
from niche.sources.mail import mbox
from niche.sources.mail import message as message_parser


def _messages(path: Path) -> list[mail.Message | BadRecord]:
    with path.open("rb") as f:
        stream = mail.open_archive(f)
        out = []
        for raw in mail.split_mbox(stream):
            out.append(raw if isinstance(raw, BadRecord) else mail.parse_message(raw, f"{path}:{raw.offset}"))
        return out


def test_pipermail_archive_undoes_obfuscation_and_reads_threads(fixtures: Path) -> None:
    first, reply, answer = _messages(fixtures / "pipermail" / "pipermail_2016_april.mbox")
    assert (first.from_name, first.from_email) == ("Jesus M. Gonzalez-Barahona", "jgb@example.com")
    assert first.sent_at == 1460624816 and first.tz_offset_minutes == 120
    assert first.message_id == "1460624816.5581.114.camel@example.com"
    assert not first.is_reply and first.quoted_lines == 0
    assert first.own_text.startswith("Hi all,") and "twitter.com" not in first.own_text  # signature cut
    assert not first.asks_question  # pipermail's "vizGrimoire.?" is a lost character, not a question
    assert reply.in_reply_to == first.message_id and reply.is_reply
    assert reply.asks_question and reply.quoted_lines > 30
    assert "obsolete and get no further development" in reply.own_text
    assert ">" not in reply.own_text.replace("->", "")
    assert answer.references[-1] == reply.message_id
    assert first.thread_subject == reply.thread_subject == "presenting grimoirelab"


def test_charsets_encoded_words_and_multipart(fixtures: Path) -> None:
    (iso,) = _messages(fixtures / "mbox" / "mbox_iso8859_encoding.mbox")
    assert iso.from_name == "Lucía Charlie"
    (unknown,) = _messages(fixtures / "mbox" / "mbox_unknown_encoding.mbox")
    assert unknown.from_name == "\u00d4\u00ac\u00b4\u00cf"  # kept as it came
    assert unknown.from_email == "yuancong@example.com"
    assert unknown.list_id == "platform-swt-dev" and unknown.asks_question
    multi = _messages(fixtures / "mbox" / "mbox_multipart.mbox")
    assert [m.list_id for m in multi] == ["esl-dev", "platform-dev"]
    assert all("<META" not in m.own_text and m.own_text for m in multi)  # the text part, not the HTML one
    complex_ = _messages(fixtures / "mbox" / "mbox_complex.mbox")
    assert complex_[1].from_name == "Danilo Šegan" and complex_[1].quoted_lines == 42


def test_missing_fields_keep_the_post(fixtures: Path) -> None:
    messages = _messages(fixtures / "mbox" / "mbox_no_fields.mbox")
    assert len(messages) == 6 and not any(isinstance(m, BadRecord) for m in messages)
    no_date, no_id, blank_date = messages[2], messages[3], messages[4]
    assert no_date.date_from_envelope and no_date.sent_at == 1291192000  # "Wed Dec  1 08:26:40 2010"
    assert no_id.synthetic_id and no_id.message_id.endswith("@niche.invalid")
    assert blank_date.date_from_envelope
    assert messages[0].message_id == messages[1].message_id  # Message-id / Message-ID spellings


def test_envelope_with_odd_bytes_still_separates(fixtures: Path) -> None:
    (message,) = _messages(fixtures / "mbox" / "mbox_unixfrom_encoding.mbox")
    assert message.from_email == "christian@example.org" and len(message.references) == 7
    assert message.quoted_lines > 0 and "Aaron Halfaker wrote" not in message.own_text


def _mbox(*messages: email.message.EmailMessage) -> bytes:
    out = b""
    for m in messages:
        out += b"From someone@example.org Mon Jan  1 00:00:00 2024\n" + m.as_bytes(policy=email.policy.SMTP) + b"\n"
    return out.replace(b"\r\n", b"\n")


def _message(body: str, subject: str = "Hello", **headers: str) -> email.message.EmailMessage:
    m = email.message.EmailMessage()
    m["From"] = headers.pop("sender", "Ana Example <ana@example.org>")
    m["Subject"] = subject
    m["Date"] = "Mon, 01 Jan 2024 10:00:00 +0100"
    for key, value in headers.items():
        m[key.replace("_", "-")] = value
    m.set_content(body)
    return m


def _parse(data: bytes) -> list[mail.Message | BadRecord]:
    return [
        r if isinstance(r, BadRecord) else mail.parse_message(r, f"byte {r.offset}")
        for r in mail.split_mbox(io.BytesIO(data))
    ]


def test_patches_and_attachments_are_recognised() -> None:
    diff = "Fix it.\n\n---\ndiff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n"
    inline = _message(diff, subject="[PATCH v2 3/7] nova: fix it")
    attached = _message("See attached.")
    attached.add_attachment(b"--- a/y\n+++ b/y\n@@ -1 +1 @@\n", maintype="text", subtype="x-patch", filename="y.patch")
    plain = _message("No code here, only words.")
    parsed = _parse(_mbox(inline, attached, plain))
    assert [m.is_patch for m in parsed] == [True, True, False]
    assert "y.patch" in parsed[1].attachments


def test_top_posting_and_signatures_are_not_own_words() -> None:
    body = "Yes, that works.\n\nOn Mon, Bob wrote:\n> Does it work?\n> really?\n-- \nAna, at work\n"
    (m,) = _parse(_mbox(_message(body, subject="Re: Hello", In_Reply_To="<a@b>")))
    assert m.own_text == "Yes, that works." and m.quoted_lines == 2 and not m.asks_question


def test_mboxrd_escaped_from_lines_are_body_not_separators() -> None:
    body = "Look:\n\nFrom the start it was broken.\n>From here on too.\n"
    data = _mbox(_message(body)).replace(b"\nFrom the start", b"\n>From the start")
    (m,) = _parse(data)
    assert "From the start it was broken." in m.own_text and "From here on too." in m.own_text


def test_junk_before_first_separator_is_reported_and_rest_kept() -> None:
    data = b"\x00\xffgarbage that is no mail\n\n" + _mbox(_message("fine"))
    bad, good = _parse(data)
    assert isinstance(bad, BadRecord) and "before the first 'From '" in bad.error and bad.location == "byte 0"
    assert isinstance(good, mail.Message) and good.own_text == "fine"


def test_truncated_gzip_keeps_what_was_read() -> None:
    data = _mbox(*[_message(f"message {i} " + "x" * 500) for i in range(50)])
    cut = gzip.compress(data)[: len(gzip.compress(data)) // 2]
    results = list(mail.split_mbox(mail.open_archive(io.BytesIO(cut))))
    assert isinstance(results[-1], BadRecord) and "ends early" in results[-1].error
    assert 0 < sum(isinstance(r, mail.RawMessage) for r in results) < 50


def test_oversize_message_is_set_aside_with_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mbox, "MAX_MESSAGE_BYTES", 10_000)
    data = _mbox(_message("small"), _message("big " * 10_000), _message("after"))
    small, big, after = list(mail.split_mbox(io.BytesIO(data)))
    assert isinstance(big, BadRecord) and "over the" in big.error and len(big.raw) < 70_000
    assert isinstance(small, mail.RawMessage) and isinstance(after, mail.RawMessage)


def test_raw_8bit_header_is_decoded_and_marked_lossy() -> None:
    (m,) = _parse(b"From x Mon Jan  1 00:00:00 2024\nFrom: G\xf6ran <g@example.org>\nSubject: hi\n\nbody\n")
    assert m.from_name == "G\u00f6ran" and m.lossy
    (m,) = _parse(b"From x Mon Jan  1 00:00:00 2024\nFrom: G\xc3\xb6ran <g@example.org>\nSubject: hi\n\nbody\n")
    assert m.from_name == "G\u00f6ran" and not m.lossy


def test_broken_headers_are_reported() -> None:
    data = b"From x Mon Jan  1 00:00:00 2024\nthis is not a header line\n\nbody\n"
    (bad,) = _parse(data)
    assert isinstance(bad, BadRecord) and "no header" in bad.error
    data = b"From x Mon Jan  1 00:00:00 2024\nSubject: nobody\n\nbody\n"
    (bad,) = _parse(data)
    assert isinstance(bad, BadRecord) and "no From header" in bad.error


def test_resume_offsets_split_the_same_messages() -> None:
    data = _mbox(*[_message(f"message {i}") for i in range(5)])
    all_messages = list(mail.split_mbox(io.BytesIO(data)))
    tail = list(mail.split_mbox(io.BytesIO(data), all_messages[2].offset))
    assert [m.data for m in tail] == [m.data for m in all_messages[2:]]
    assert all_messages[-1].end == len(data)


def test_index_pages(fixtures: Path) -> None:
    html = (fixtures / "pipermail" / "pipermail_index.html").read_text()
    archives = mail.index_archives(html, "https://lists.example.com/pipermail/example/")
    assert [(a.month, a.url.rsplit("/", 1)[1]) for a in archives] == [
        ("2015-11", "2015-November.txt.gz"),
        ("2016-03", "2016-March.txt"),
        ("2016-04", "2016-April.txt"),
    ]
    apache = mail.index_archives((fixtures / "pipermail" / "pipermail_apache_index.html").read_text(),
                                 "https://mail-archives.example.org/mod_mbox/user/")  # fmt: skip
    assert [a.url for a in apache][-1] == "https://mail-archives.example.org/mod_mbox/user/201604.mbox"
    assert mail.index_archives((fixtures / "pipermail" / "pipermail_index_empty.html").read_text(), "x/") == []


def test_hyperkitty_months() -> None:
    root, address = mail.hyperkitty_list("https://lists.example.org/archives/list/dev@example.org/")
    assert (root, address) == ("https://lists.example.org", "dev@example.org")
    months = mail.hyperkitty_archives(root, address, "2023-11", "2024-02")
    assert [a.month for a in months] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert months[1].url.endswith("dev@example.org-2023-12.mbox.gz?start=2023-12-01&end=2024-01-01")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_split_and_parse_without_crashing(data: bytes) -> None:
    for raw in mail.split_mbox(io.BytesIO(data)):
        if isinstance(raw, mail.RawMessage):
            parsed = mail.parse_message(raw, "x")
            assert isinstance(parsed, mail.Message | BadRecord)


_header_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None)
@given(
    name=_header_text,
    subject=_header_text,
    date=st.one_of(_header_text, st.just("Mon, 01 Jan 2024 10:00:00 +0100")),
    body=st.text(max_size=500),
    charset=st.sampled_from(["utf-8", "latin-1", "x-unknown", "gb2312", ""]),
)
def test_malformed_headers_and_charsets(name: str, subject: str, date: str, body: str, charset: str) -> None:
    head = f"From: {name} <a@example.org>\nSubject: {subject}\nDate: {date}\nMessage-ID: <m@x>\n"
    if charset:
        head += f"Content-Type: text/plain; charset={charset}\n"
    data = b"From a@example.org Mon Jan  1 00:00:00 2024\n" + head.encode("utf-8", "surrogateescape")
    data += b"\n" + body.encode("utf-8", "replace") + b"\n"
    for parsed in _parse(data):
        if isinstance(parsed, mail.Message):
            assert parsed.from_email is None or "@" in parsed.from_email  # unquoted specials may mislead parseaddr
            assert parsed.sent_at is None or isinstance(parsed.sent_at, int)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.booleans(),
)
def test_usual_dates_read_as_email_utils_reads_them(when: datetime, offset: int, weekday: bool) -> None:
    """The fast path for RFC 5322 dates agrees with the standard library on every such date."""
    stamp = email.utils.format_datetime(when.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset))))
    value = stamp if weekday else stamp.split(", ", 1)[1]
    parsed = email.utils.parsedate_tz(value)
    assert message_parser._date(value) == (email.utils.mktime_tz(parsed), offset)


def test_from_lines_in_every_archive_form() -> None:
    forms = {
        "bob at example.org (Bob (Example Inc))": ("Bob (Example Inc)", "bob@example.org"),
        "Bob@Example.org (Bob)": ("Bob", "bob@example.org"),
        "bob@example.org": (None, "bob@example.org"),
        '"Smith, Bob" <bob@example.org>': ("Smith, Bob", "bob@example.org"),
        "Bob <bob@example.org> (Bob)": ("Bob", "bob@example.org"),
        "=?utf-8?q?G=C3=B6ran?= <g@example.org>": ("G\u00f6ran", "g@example.org"),
    }
    for value, expected in forms.items():
        assert message_parser._address(value)[:2] == expected, value

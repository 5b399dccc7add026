"""Hostile fields are cut to their bound before they are parsed (issue 18.2), and the linear
rewrites of patterns that backtracked read normal input exactly as before.

Each hostile case here took seconds to minutes before (quadratic patterns, a name resolved at
full length on every sync) or raised RecursionError; the time itself is the bench's business
(bench/hostile_fields.py, guarded by tests/test_hostile_bench.py): these check what is kept."""

from __future__ import annotations

import base64
import email.header
import re
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from niche.identity import normalize
from niche.identity.mailmap import Mailmap, _entries
from niche.identity.resolve import Identity, resolve
from niche.sources import gerrit, git, irc, mail
from niche.sources.bounds import FIELD_LIMIT, LINE_LIMIT, SUBJECT_LIMIT, Cut, bounded, parse_address
from niche.sources.mail import message
from niche.store.rows import Rows

BIG = 100_000
SHA = "0123456789abcdef0123456789abcdef01234567"


def _record(name: str = "Ada", email: str = "ada@example.org", message: str = "m", path: str = "a.py") -> bytes:
    header = [f"\x1e{SHA}", "", name, email, "1700000000 +0100", "Ada", "ada@example.org", "1700000000 +0100", "",
              message]  # fmt: skip
    return "\0".join(header).encode() + b"\0\n1\t0\t" + path.encode() + b"\0"


def _message(headers: str, body: str = "hello") -> mail.Message | mail.BadRecord:
    raw = f"{headers}\n\n{body}\n".encode()
    return mail.parse_message(
        mail.RawMessage(raw, b"From a@b.org Mon Jan  1 00:00:00 2001\n", 0, len(raw), len(raw)), "x"
    )


def test_bounded_keeps_short_values_and_cuts_long_ones() -> None:
    assert bounded(None) is None and bounded("Ada") == "Ada" and not isinstance(bounded("Ada"), Cut)
    cut = bounded("x" * BIG)
    assert isinstance(cut, Cut) and len(cut) == FIELD_LIMIT and cut.length == BIG
    assert bounded(cut, 10).length == BIG  # cut again, it still knows the whole length
    assert bounded(12345) == "12345"  # JSON may hold a number where a name belongs


def test_git_record_fields_are_cut_and_the_record_kept_whole() -> None:
    name, address, path = "A" + " " * BIG + "B", "a." * BIG, "test_" * BIG
    [commit] = git.parse_log([_record(name, address, path=path)], "r")
    assert isinstance(commit, git.Commit)
    assert isinstance(commit.author.name, Cut) and commit.author.name.length == len(name)
    assert len(commit.author.email) == FIELD_LIMIT and len(commit.files[0].path) == 4096
    assert name.encode() in commit.raw and path.encode() in commit.raw


def test_a_co_author_of_nested_comments_is_read_not_a_recursion_error() -> None:
    """parseaddr recursed once per "(": a thousand of them raised RecursionError and stopped the sync."""
    trailer = "Co-Authored-By: Bob (" + "(" * 2000 + " <bob@example.org>"
    [commit] = git.parse_log([_record(message=f"t\n\n{trailer}")], "r")
    [(name, address)] = commit.co_authors
    assert address == "bob@example.org" and len(name) <= FIELD_LIMIT
    assert parse_address("Bob <bob@example.org>") == ("Bob", "bob@example.org")


def test_mail_from_and_subject_are_cut() -> None:
    post = _message(f'From: "{" " * BIG}Ada{"x" * BIG}" <ada@example.org>\nSubject: {"[" * BIG}')
    assert isinstance(post, mail.Message)
    assert post.from_email == "ada@example.org" or post.from_email is None  # the header was cut before its end
    assert isinstance(post.from_name, Cut) and len(post.from_name) <= FIELD_LIMIT
    assert isinstance(post.subject, Cut) and len(post.subject) == SUBJECT_LIMIT and post.subject.length == BIG
    assert not post.is_patch and len(post.thread_subject) <= SUBJECT_LIMIT


def test_mail_from_of_nested_comments_and_long_ids() -> None:
    post = _message("From: ada@example.org (" + "(" * 2000 + ")\nMessage-ID: <" + "i" * BIG + "@x>")
    assert isinstance(post, mail.Message) and post.from_email == "ada@example.org"
    assert len(post.message_id) < FIELD_LIMIT and post.message_id.endswith("@niche.long-id")
    reply = _message("From: bob@example.org\nIn-Reply-To: <" + "i" * BIG + "@x>")
    assert reply.in_reply_to == post.message_id  # a long id is digested the same wherever it is named
    many = _message("From: bob@example.org\nReferences: " + " ".join(f"<{i}@x>" for i in range(1000)))
    assert many.references[-1] == "999@x" and len(many.references) == message.MAX_REFERENCES


def test_irc_nicks_are_cut() -> None:
    nick = "n" * BIG
    log = irc.parse_log(
        f"2024-01-02T10:00:00 <{nick}> bob: hi\n2024-01-02T10:00:01 *** {nick} is now known as {nick}x\n"
        f"2024-01-02T10:00:02 <ada> #startmeeting m\n2024-01-02T10:00:03 <ada> #chair {nick} {nick}\n",
        "#x.2024-01-02.log", UTC,
    )  # fmt: skip
    assert {len(line.nick) for line in log.lines} == {FIELD_LIMIT, 3}
    assert [len(c) for c in log.meetings[0].chairs] == [3, FIELD_LIMIT]


def test_json_names_are_cut_where_identities_are_made() -> None:
    """Gerrit, GitHub and Launchpad names pass through Rows.identity, which cuts and flags them."""
    name = "Ab " * BIG
    info = {"_number": 1, "project": "p", "id": "p~main~I1", "subject": "s" * BIG,
            "owner": {"_account_id": 7, "name": name, "username": "u" * BIG}}  # fmt: skip
    change = gerrit.from_rest(info, "h", "https://h", {})
    assert isinstance(change.subject, Cut) and len(change.subject) == SUBJECT_LIMIT
    rows = Rows()
    owner = rows.identity("gerrit", change.owner.name, change.owner.email, change.owner.username)
    rows.add("changes", source="gerrit:h", item_id="p#1", subject=change.subject, owner_id=owner)
    [(_, kept_name, _, kept_username)] = rows.identities.values()
    assert len(kept_name) == len(kept_username) == FIELD_LIMIT
    flags = sorted(rows.tables["item_flags"]["detail"])
    assert flags == [
        f"changes.subject: {BIG:,} characters, the first {SUBJECT_LIMIT:,} kept; the raw item holds all of it",
        f"gerrit name: {len(name):,} characters, the first {FIELD_LIMIT} kept; the raw item holds all of it",
        f"gerrit username: {BIG:,} characters, the first {FIELD_LIMIT} kept; the raw item holds all of it",
    ]


def test_the_resolver_bounds_what_it_compares() -> None:
    """A store written before fields were bounded, or a CSV row, may hold a 100 KB name: it is
    compared within bounds (before, this took 67 s at 100 KB, on every sync)."""
    long = "Dolores Umbridge " + "x" * BIG
    resolution = resolve([Identity("1", "git", long, "du@example.org"), Identity("2", "git", long, "du@example.org")])
    assert resolution.person_of == {"1": "1", "2": "1"}
    assert all(len(ev.detail) < 2 * FIELD_LIMIT for ev in resolution.evidence)


def test_mailmap_lines_over_the_bound_are_no_one_s_entry() -> None:
    text = "A" * LINE_LIMIT + " <x@example.org>\nAda Lovelace <ada@example.org> <old@example.org>\n"
    mailmap = Mailmap(text)
    assert mailmap.map("x", "x@example.org") == ("x", "x@example.org")
    assert mailmap.map("Ada", "old@example.org") == ("Ada Lovelace", "ada@example.org")


# -- the linear rewrites read normal input as the patterns they replace --------------------------

_OLD_ENTRY = re.compile(r"([^<#]*)<([^>]*)>")
_OLD_SIMPLE_ADDRESS = re.compile(r'\s*"?([^"<>()\\,;:@]*?)"?\s*<([^<>\s"()\\,;:@]+@[^<>\s"()\\,;:@]+)>\s*$')
_OLD_PATCH_SUBJECT = re.compile(r"\[[^\]]*\bPATCH\b[^\]]*\]", re.I)
_MAILMAP_TEXT = st.text(st.sampled_from("ab #<>@. \t"), max_size=40)


@given(_MAILMAP_TEXT)
def test_mailmap_entries_as_the_old_pattern(line: str) -> None:
    assert _entries(line) == _OLD_ENTRY.findall(line)[:2]


@given(st.text(st.sampled_from('ab "<>@.() \\,'), max_size=30))
def test_simple_addresses_as_the_old_pattern(value: str) -> None:
    old = _OLD_SIMPLE_ADDRESS.match(value)
    new = message._simple_address(value)
    if old is None:
        assert new is None
    else:
        assert new is not None and " ".join(new[0].split()) == " ".join(old.group(1).split()) and new[1] == old.group(2)


@given(st.text(st.sampled_from("[] PATCHvx"), max_size=30))
def test_patch_subjects_as_the_old_pattern(subject: str) -> None:
    if "[" not in subject.partition("]")[2] or "]" not in subject:  # no nested brackets: the cases that exist
        assert message._is_patch_subject(subject) == bool(_OLD_PATCH_SUBJECT.search(subject))


def _encoded_word(charset: str, encoding: str, text: str) -> str:
    data = text.encode(charset)
    body = base64.b64encode(data).decode() if encoding in "bB" else "".join(f"={b:02X}" for b in data)
    return f"=?{charset}?{encoding}?{body}?="


_WORD = st.builds(
    _encoded_word,
    st.sampled_from(["utf-8", "iso-8859-1"]),
    st.sampled_from(["b", "q", "B", "Q"]),
    st.text(st.characters(codec="latin-1", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=8),
)


@given(st.lists(st.one_of(_WORD, st.sampled_from([" ", "  ", "plain", " text "])), max_size=8))
def test_encoded_words_as_the_standard_library(parts: list[str]) -> None:
    value = "".join(parts)
    expected = "".join(
        chunk.decode(charset or "ascii", "replace") if isinstance(chunk, bytes) else chunk
        for chunk, charset in email.header.decode_header(value)
    )
    assert message._decode_words(value)[0] == " ".join(expected.split())


def test_encoded_words_never_take_the_standard_library_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """email.header.decode_header joins bytes one word at a time: a 2.6 MB folded header took
    27 s, a longer one never finished. niche decodes in one pass of its own."""
    monkeypatch.setattr(email.header, "decode_header", lambda *_: pytest.fail("stdlib decode_header used"))
    folded = "=?utf-8?q?G=C3=B6ran?=\n =?utf-8?b?IEzDpnN0?=\n plain " * 20_000
    text, lossy = message._decode_words(folded)
    assert not lossy and text.startswith("Göran Læst plain Göran Læst plain") and len(text) == 20_000 * 17 - 1


def test_html_without_scripts_and_styles() -> None:
    assert message._html_text("<p>a<script>x</script>b<STYLE>y</style>c</p><script>unclosed") == "a b c\n "
    assert message._html_text("<b>bold</b> <<< text") == "bold <<< text"


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Jane Doe via GitGitGadget", ("jane", "doe")),
        ("Doe, John (Red Hat) <jdoe@example.org>", ("john", "doe")),
        ("Ann [ACME] (old (very old) name) Lee", ("ann", "lee")),  # nested remarks, innermost first
    ],
)
def test_name_tokens_after_the_linear_patterns(name: str, tokens: tuple[str, ...]) -> None:
    assert normalize.name_tokens(name) == tokens


def test_addresses_found_inside_text_start_where_a_run_starts() -> None:
    assert normalize.find_email("Jane <x", "mail me: jane.doe+x@example.org!") == "jane.doe+x@example.org"
    assert normalize.find_email("a" * BIG) is None

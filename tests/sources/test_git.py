"""The git source: log parsing, trailers, text decoding, repository discovery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from niche.errors import SourceError
from niche.sources import git
from niche.sources.contract import BadRecord
from tests.helpers.gitrepos import commit, extract, init


def _messages_from_fuller_log(text: str) -> list[str]:
    """Commit messages of a real `git log --pretty=fuller` capture (indented by four spaces)."""
    messages = []
    for block in re.split(r"^commit [0-9a-f]{40}.*$", text, flags=re.M)[1:]:
        lines = [line[4:] for line in block.splitlines() if line.startswith("    ") or line == "    "]
        messages.append("\n".join(lines))
    return messages


def test_trailers_of_real_messages(fixtures: Path) -> None:
    messages = _messages_from_fuller_log((fixtures / "git" / "git_log_trailers.txt").read_text())
    assert git.parse_trailers(messages[0]) == (
        ("Signed-off-by", "John Smith <jsmith@example.com>"),
        ("MyTrailer", "this is my trailer"),
        ("Signed-off-by", "John Doe <jdoe@example.com>"),
        ("Reported-by", "Jane Doe <jane@example.com>"),
    )
    assert git.parse_trailers(messages[1]) == (
        ("Signed-off-by", "John Smith <jsmith@example.com>"),
        ("Signed-off-by", "John Doe <jdoe@example.com>"),
    )
    assert git.parse_trailers(messages[2]) == ()  # a title alone has no trailers


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # OpenStack style: bug and change references in the last paragraph, keys normalised.
        (
            "Fix the scheduler\n\nLonger text: with a colon.\n\nCloses-bug: #1234567\nchange-id: I0123abcd\n",
            (("Closes-Bug", "#1234567"), ("Change-Id", "I0123abcd")),
        ),
        # A colon in ordinary prose is not a trailer block.
        ("Subject\n\nThis paragraph says: hello\nand continues here\n", ()),
        # git-generated lines allow some prose in the block.
        ("Subject\n\nSigned-off-by: A <a@x>\n(cherry picked from commit abc)\n", (("Signed-off-by", "A <a@x>"),)),
        # Continuation lines fold into the previous value.
        (
            "Subject\n\nCo-Authored-By: Grace\n  Hopper <grace@example.org>\n",
            (("Co-Authored-By", "Grace Hopper <grace@example.org>"),),
        ),
        ("Title: looks like a trailer\n", ()),
        ("", ()),
    ],
)
def test_trailer_rules(message: str, expected: tuple) -> None:
    assert git.parse_trailers(message) == expected


_token = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True)
_value = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
_prose = st.text(st.characters(blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=60)


@given(
    title=_prose.filter(lambda s: s.strip()),
    body=_prose,
    trailers=st.lists(st.tuples(_token, _value), min_size=1, max_size=6),
)
def test_trailer_block_round_trips(title: str, body: str, trailers: list[tuple[str, str]]) -> None:
    block = "\n".join(f"{k}: {v}" for k, v in trailers)
    parsed = git.parse_trailers(f"{title}\n\n{body}\n\n{block}\n")
    assert [(k.lower(), v) for k, v in parsed] == [(k.lower(), v) for k, v in trailers]


@given(st.text())
def test_trailers_never_fail(message: str) -> None:
    for key, _value in git.parse_trailers(message):
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", key) and key.lower() in message.lower()


def test_decode_text() -> None:
    assert git.decode_text("José".encode()) == ("José", False)
    assert git.decode_text("José".encode("latin-1")) == ("José", True)
    text, lossy = git.decode_text("Zoë ".encode() + b"\xff")  # valid UTF-8 with one broken byte
    assert (text, lossy) == ("Zoë \ufffd", True)


# -- the log stream: build git's exact output for arbitrary commits, parse it in arbitrary chunks --

_name = st.text(st.characters(blacklist_characters="\x00<>\n", blacklist_categories=("Cs",)), max_size=30)
_path = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1, max_size=30)
_files = st.lists(
    st.tuples(_path, st.none() | _path, st.none() | st.integers(0, 10**6), st.integers(0, 10**6)), max_size=5
)
_commit = st.tuples(
    st.from_regex(r"[0-9a-f]{40}", fullmatch=True),
    st.lists(st.from_regex(r"[0-9a-f]{40}", fullmatch=True), max_size=3),
    _name,
    _name,
    st.integers(-(2**40), 2**40),
    st.integers(-1439, 1439),
    st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=200),
    _files,
)


def _record(sha, parents, name, email, epoch, tz, message, files, nul_before_numstat=False, raw=False) -> bytes:
    sign = "-" if tz < 0 else "+"
    date = f"{epoch} {sign}{abs(tz) // 60:02d}{abs(tz) % 60:02d}".encode()
    fields = [
        b"\x1e" + sha.encode(),
        " ".join(parents).encode(),
        name.encode(),
        email.encode(),
        date,
        name.encode(),
        email.encode(),
        date,
        b"",
        message.encode() + b"\n",
    ]
    out = b"\0".join(fields) + b"\0"
    if files:
        out += b"\0\n" if nul_before_numstat else b"\n"  # real git writes either
        for path, old, added, deleted in files:
            if raw:  # `--raw --no-renames`: what changed, named without reading contents
                out += b":100644 100644 " + b"1" * 40 + b" " + b"2" * 40 + b" M\0" + path.encode() + b"\0"
                continue
            stat = b"-\t-\t" if added is None else f"{added}\t{deleted}\t".encode()
            out += stat + (b"\0" + old.encode() + b"\0" + path.encode() if old else path.encode()) + b"\0"
    return out


@settings(max_examples=150)
@given(
    commits=st.lists(_commit, max_size=6),
    chunk=st.integers(1, 64),
    layouts=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_log_stream_parses_any_commits_in_any_chunks(commits: list, chunk: int, layouts: list[bool]) -> None:
    stream = b"\0".join(_record(*c, nul_before_numstat=n) for c, n in zip(commits, layouts, strict=False))
    chunks = [stream[i : i + chunk] for i in range(0, len(stream), chunk)]
    parsed = list(git.parse_log(chunks, "repo"))
    assert [p.sha for p in parsed] == [c[0] for c in commits]
    for p, (_sha, parents, name, email, epoch, tz, message, files) in zip(parsed, commits, strict=True):
        assert isinstance(p, git.Commit)
        assert (p.parents, p.author.name, p.author.email, p.author.epoch, p.author.tz_minutes) == (
            tuple(parents),
            name,
            email,
            epoch,
            tz,
        )
        assert p.message == message + "\n"
        expected = [(path, old, added, None if added is None else deleted) for path, old, added, deleted in files]
        assert [(f.path, f.old_path, f.added, f.deleted) for f in p.files] == expected


@settings(max_examples=100)
@given(commits=st.lists(_commit, max_size=6), chunk=st.integers(1, 64))
def test_names_only_stream_parses_with_unknown_line_counts(commits: list, chunk: int) -> None:
    stream = b"\0".join(_record(*c, raw=True) for c in commits)
    parsed = list(git.parse_log([stream[i : i + chunk] for i in range(0, len(stream), chunk)], "r", True))
    assert [p.sha for p in parsed] == [c[0] for c in commits]
    for p, generated in zip(parsed, commits, strict=True):
        assert isinstance(p, git.Commit) and p.lines_unknown
        files = [(f.path, f.old_path, f.added, f.deleted) for f in p.files]
        assert files == [(path, None, None, None) for path, *_ in generated[7]]


@given(st.binary(max_size=300))
def test_log_stream_survives_junk(junk: bytes) -> None:
    for item in git.parse_log([junk], "repo"):
        assert isinstance(item, git.Commit | BadRecord)
        if isinstance(item, BadRecord):
            assert item.location.startswith("repo@") and item.error


def test_bad_record_is_reported_not_raised() -> None:
    good = _record("a" * 40, [], "A", "a@x", 1, 0, "ok", [])
    bad = b"\x1e" + b"b" * 40 + b"\0\0Name\0mail\0not-a-date\0Name\0mail\0x\0\0msg\n\0"
    items = list(git.parse_log([good + b"\0" + bad + b"\0" + good], "repo"))
    assert [type(i).__name__ for i in items] == ["Commit", "BadRecord", "Commit"]
    assert items[1].location == "repo@" + "b" * 40 and "timezone" in items[1].error


# -- repositories ---------------------------------------------------------------------------------


def test_discovers_clones_and_bare_repositories(tmp_path: Path) -> None:
    commit(init(tmp_path / "org" / "nova"), {"a": "1"}, "one")
    init(tmp_path / "org" / "neutron.git", bare=True)
    (tmp_path / "org" / "notes").mkdir()
    found = git.discover_repositories(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["org/neutron.git", "org/nova"]


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"not a git repository"):
        git.git_dir(tmp_path)
    with pytest.raises(SourceError, match="no such file"):
        git.git_dir(tmp_path / "missing")


def test_real_fixture_repository_logs_like_git(fixtures: Path, tmp_path: Path) -> None:
    repo = extract(fixtures / "git" / "gittest.tar.gz", tmp_path) / "gittest"
    with git.rev_list(repo, git.ref_tips(repo), []) as hashes:
        shas = list(hashes)
    commits = list(git.parse_log([git.log_commits(repo, shas)], "gittest"))
    # Independent expectations from plain git commands.
    from tests.helpers.gitrepos import git as run_git

    assert [c.sha for c in commits] == run_git(repo, "log", "--all", "--format=%H").split()
    numstat = run_git(repo, "log", "--all", "--numstat", "--format=")
    added = sum(int(line.split("\t")[0]) for line in numstat.splitlines() if line and line[0].isdigit())
    assert sum(f.added or 0 for c in commits for f in c.files) == added
    assert {c.author.email for c in commits} == set(run_git(repo, "log", "--all", "--format=%ae").split())

"""One bad item never stops a run, nor every later one (issue 18.3), and an item with a field over
its bound is stored cut and flagged (18.2): real repositories and archives built in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from niche.cli import app
from niche.links.build import build_links
from niche.sources.bounds import FIELD_LIMIT, SUBJECT_LIMIT
from niche.sources.git_repository import GitRepository
from niche.sources.mail.source import MailingList
from niche.store import Store
from niche.store.mail import thread_messages
from niche.store.sync import SyncResult, sync
from niche.web.pages import Site
from tests.helpers.gitrepos import commit, git, init
from tests.helpers.old_store import migration_with, store_before

BIG = 100_000
FLAGS = migration_with("CREATE TABLE item_flags")  # the upgrade under test


def sync_mail(store: Store, path: str) -> SyncResult:
    return sync(store, MailingList(path)).check()


def sync_repository(store: Store, repo: Path) -> SyncResult:
    return sync(store, GitRepository(repo)).check()


def _mbox(*messages: str) -> bytes:
    return b"".join(f"From x@example.org Mon Jan  1 00:00:00 2001\n{m}\n\n".encode() for m in messages)


def _post(number: int, headers: str = "", body: str = "hello") -> str:
    return (f"From: Poster {number} <p{number}@example.org>\nMessage-ID: <{number}@example.org>\n"
            f"Date: Mon, 1 Jan 2001 0{number}:00:00 +0000\nSubject: post {number}\n{headers}\n{body}")  # fmt: skip


def _nested_mime(depth: int) -> str:
    """A message whose multiparts nest `depth` deep (about 64 bytes a level)."""
    opening = "".join(f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth))
    closing = "".join(f"--b{i}--\n" for i in reversed(range(depth + 1)))
    head = "From: Deep <deep@example.org>\nMessage-ID: <deep@example.org>\nSubject: deep\nMIME-Version: 1.0\n"
    return f'{head}Content-Type: multipart/mixed; boundary="b0"\n\n{opening}--b{depth}\n\nhi\n{closing}'


def test_mime_nested_a_thousand_deep_is_quarantined_and_the_rest_stored(store: Store, tmp_path: Path) -> None:
    """The stdlib parser recursed once per level: 1,000 levels (64 KB) raised RecursionError and
    stopped the whole sync, on every run."""
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_mbox(_post(1), _nested_mime(1000), _post(2, body="after the deep one")))
    assert 60_000 < archive.stat().st_size < 100_000
    result = sync_mail(store, str(archive))
    assert (result.new, result.quarantined) == (2, 1)
    [(error,)] = store.con.execute("SELECT error FROM quarantine").fetchall()
    assert error == "MIME parts nested 51 deep, over the limit of 50; kept unparsed"
    shallow = tmp_path / "shallow.mbox"
    shallow.write_bytes(_mbox(_nested_mime(20)))  # deep, but as deep as real forwards get: read
    assert sync_mail(store, str(shallow)).new == 1


def test_a_huge_subject_neither_stalls_threading_nor_any_later_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 20 MB single-line subject exhausted DuckDB's memory while threading, and every later
    mail sync into that database failed. The same, scaled to a 4 MB subject in 32 MB."""
    monkeypatch.setenv("NICHE_MEMORY_LIMIT", "32MB")
    big, later = tmp_path / "big.mbox", tmp_path / "later.mbox"
    big.write_bytes(_mbox(_post(1).replace("Subject: post 1", "Subject: " + "x" * 4_000_000), _post(2)))
    later.write_bytes(_mbox(_post(3, "In-Reply-To: <1@example.org>")))
    with Store(tmp_path / "niche.duckdb") as store:
        assert sync_mail(store, str(big)).new == 2
        assert sync_mail(store, str(later)).new == 1
        subjects = dict(store.con.execute("SELECT item_id, length(subject) FROM mail_messages").fetchall())
        parent = store.con.execute("SELECT parent_id FROM mail_messages WHERE item_id = '3@example.org'").fetchone()
        [(item, detail)] = store.con.execute("SELECT item_id, detail FROM item_flags").fetchall()
        raw = store.con.execute("SELECT octet_length(payload) FROM raw_items WHERE item_id = '1@example.org'")
        assert raw.fetchone()[0] > 4_000_000  # the raw item keeps it whole
    assert subjects["1@example.org"] == SUBJECT_LIMIT and parent == ("1@example.org",)
    assert (item, detail) == (
        "1@example.org",
        "mail_messages.subject: 4,000,000 characters, the first 1,000 kept; the raw item holds all of it",
    )


def test_a_store_written_before_with_a_huge_subject_syncs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade cuts what an older niche stored whole, so the next sync works again."""
    monkeypatch.setenv("NICHE_MEMORY_LIMIT", "32MB")
    path, subject = tmp_path / "old.duckdb", "x" * 4_000_000
    con = store_before(path, FLAGS)
    con.execute(
        """INSERT INTO mail_messages (source, item_id, list, archive, archive_offset, synthetic_id, subject,
                  thread_subject, is_reply, sender_id, date_from_envelope, own_text, own_length, quoted_lines,
                  is_patch, asks_question, lossy_text)
           VALUES ('mail:/m', '1@x', 'l', '/m', 0, false, ?, ?, false, 'i', false, 'hi', 2, 0, false, false, false)""",
        [subject, subject],
    )
    con.execute(
        "INSERT INTO activities (source, item_id, kind, identity_id, attrs) VALUES ('mail:/m', '1@x', 'mail.reply',"
        " 'i', ?)",
        [json.dumps({"subject": subject, "length": 2, "quoted_lines": 0, "is_patch": False, "asks_question": False})],
    )  # fmt: skip
    con.execute("INSERT INTO identities (identity_id, source_kind, name) VALUES ('i', 'mail', ?)", ["N" * BIG])
    con.close()
    with Store(path) as store:
        assert thread_messages(store) == 1
        attrs = json.loads(store.con.execute("SELECT attrs FROM activities").fetchone()[0])
        name = store.con.execute("SELECT name FROM identities").fetchone()[0]
        [(detail,)] = store.con.execute("SELECT detail FROM item_flags").fetchall()
    assert len(attrs["subject"]) == SUBJECT_LIMIT and attrs["length"] == 2 and len(name) == FIELD_LIMIT
    assert detail.startswith("mail_messages.subject: 4,000,000 characters, the first 1,000 kept")


def test_git_sync_stores_a_hostile_commit_cut_and_flagged(store: Store, tmp_path: Path) -> None:
    """A 100 KB author name (resolved on every later sync, 67 s each) and a co-author of nested
    comments (RecursionError: the sync stopped)."""
    repo = init(tmp_path / "repo")
    name = "Ada " + "L" * BIG
    co_author = "Co-Authored-By: Bob (" + "(" * 2000 + " <bob@example.org>"
    sha = commit(repo, {"a.py": "1"}, f"hostile\n\n{co_author}", env={"GIT_AUTHOR_NAME": name})
    commit(repo, {"b.py": "2"}, "fine")
    result = sync_repository(store, repo)
    assert (result.new, result.quarantined) == (2, 0)
    names = sorted(len(n) for (n,) in store.con.execute("SELECT name FROM identities").fetchall())
    flags = store.con.execute("SELECT item_id, flag, detail FROM item_flags").fetchall()
    payload = store.con.execute("SELECT payload FROM raw_items WHERE item_id = ?", [sha]).fetchone()[0]
    assert max(names) == FIELD_LIMIT and name.encode() in payload
    assert flags == [(sha, "field-cut", f"author name: {len(name):,} characters, the first 256 kept; "
                                        "the raw item holds all of it")]  # fmt: skip
    co = store.con.execute("SELECT count(*) FROM activities WHERE kind = 'commit.co_authored'").fetchone()[0]
    assert co == 1


def test_cut_fields_are_listed_where_a_user_looks(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_mbox(_post(1).replace("Poster 1", "P" * BIG)))
    sync_mail(store, str(archive))
    html = Site(store).quality()
    assert [row[1:] for row in html["cut"]] == [
        ("1@example.org", f"mail name: {BIG + 17:,} characters, the first 256 kept; the raw item holds all of it")
    ]  # the From header's length ("P...P <p1@example.org>"): it was cut before it was parsed
    store.close()
    out = CliRunner().invoke(app, ["--db", str(store.path), "quarantine"])
    assert "cut: 1@example.org: mail name: 100,017 characters, the first 256 kept" in out.stdout


def test_niche_sync_goes_on_past_a_hostile_archive(tmp_path: Path) -> None:
    """Every source of niche.toml is synced though the mail archive holds MIME 1,000 deep (which
    aborted the whole `niche sync`, before the other sources got anything, on every run)."""
    repo = init(tmp_path / "repo")
    commit(repo, {"a.py": "1"}, "one")
    archive = tmp_path / "list.mbox"
    archive.write_bytes(_mbox(_nested_mime(1000), _post(1)))
    logs = tmp_path / "irc"
    logs.mkdir()
    (logs / "#chan.2024-01-02.log").write_text("2024-01-02T10:00:00 <" + "n" * BIG + "> hello\n")
    (tmp_path / "niche.toml").write_text(
        f'[[mail]]\nlocations = ["{archive}"]\n\n[git]\npaths = ["{repo}"]\n\n[[irc]]\npaths = ["{logs}"]\n'
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NICHE_DB", "NICHE_CONFIG")}
    out = subprocess.run([sys.executable, "-m", "niche", "sync"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "Traceback" not in out.stderr and out.returncode in (0, 1), out.stderr
    with Store(tmp_path / ".niche" / "niche.duckdb", read_only=True) as store:
        counts = store.con.execute(
            """SELECT (SELECT count(*) FROM commits), (SELECT count(*) FROM mail_messages),
                      (SELECT count(*) FROM quarantine),
                      (SELECT max(length(name)) FROM identities WHERE source_kind = 'irc'),
                      (SELECT count(*) FROM item_flags)"""
        ).fetchone()  # fmt: skip
    assert counts == (1, 1, 1, FIELD_LIMIT, 2)  # the nick is the identity's name and username: both cut


def test_links_read_a_huge_text_by_its_head_and_tail(store: Store, tmp_path: Path) -> None:
    """The breadcrumb index reads at most 64 KB from each end of a text, so a batch of 5,000
    items never loads 5,000 huge messages; references at the start and trailers at the end stay."""
    repo = init(tmp_path / "repo")
    message = tmp_path / "message"  # over the 128 KB a command-line argument may hold
    middle = "word " * 50_000 + "I" + "0" * 40 + " " + "word " * 50_000
    message.write_text(f"Fix it\n\nSee https://review.opendev.org/c/x/+/12345\n{middle}\n\nCloses-Bug: #1234567\n")
    git(repo, "commit", "-q", "--allow-empty", "-F", str(message))
    sync_repository(store, repo)
    build_links(store)
    keys = {k for (k,) in store.con.execute("SELECT key FROM item_refs").fetchall()}
    assert keys == {"gerrit:review.opendev.org/12345", "lp-bug:1234567"}  # the Change-Id in the middle is not read

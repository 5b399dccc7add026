"""What goes wrong around niche, not in it, is one line saying what happened and what was kept,
never a traceback (issue 18.5): Ctrl-C during a sync, a damaged or truncated database, a full
disk, a --db path that cannot be written."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from niche.sources.mail import source as mail_source
from niche.store import Store
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init

BLOCK = 256 * 1024  # DuckDB's block; the file starts with three 4 KB headers


def _archive(path: Path, messages: int, body: str = "hello") -> Path:
    path.write_bytes(b"".join(
        f"From x@example.org Mon Jan  1 00:00:00 2001\nFrom: P{i % 50} <p{i % 50}@example.org>\n"
        f"Message-ID: <{i}@example.org>\nDate: Mon, 1 Jan 2001 00:00:00 +0000\nSubject: s{i}\n\n{body} {i}\n\n".encode()
        for i in range(messages)
    ))  # fmt: skip
    return path


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "╭" not in stderr, stderr
    [line] = [line for line in stderr.splitlines() if line.startswith("error:")]
    return line


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    repo = init(tmp_path / "repo")
    for i in range(3):
        commit(repo, {f"f{i}.py": str(i)}, f"change {i}")
    assert niche("sync", "git", str(repo), cwd=tmp_path).returncode == 0
    return tmp_path / ".niche" / "niche.duckdb"


def test_ctrl_c_during_a_mail_sync_says_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C at the 2,501st message: all read before it is kept and said; the same sync
    again reads the rest, and nothing twice (it printed nothing at all before)."""
    archive = _archive(tmp_path / "list.mbox", 3000)
    parse = mail_source.parse_message

    def interrupted(raw, location):  # type: ignore[no-untyped-def]
        if b"<2500@example.org>" in raw.data:
            raise KeyboardInterrupt
        return parse(raw, location)

    monkeypatch.setattr(mail_source, "parse_message", interrupted)
    ran = niche("sync", "mail", str(archive), cwd=tmp_path)
    line = _one_line(ran.stderr)
    assert ran.returncode == 130
    assert line.startswith(f"error: interrupted while syncing {archive}; kept the 2,500 messages read before it")
    monkeypatch.setattr(mail_source, "parse_message", parse)
    assert niche("sync", "mail", str(archive), cwd=tmp_path).returncode == 0
    with Store(tmp_path / ".niche" / "niche.duckdb", read_only=True) as store:
        counts = store.con.execute("SELECT count(*), count(DISTINCT item_id) FROM mail_messages").fetchone()
    assert counts == (3000, 3000)


def _damage_every_block(path: Path) -> None:
    with path.open("r+b") as f:
        for offset in range(3 * 4096 + 64, path.stat().st_size, BLOCK):
            f.seek(offset)
            f.write(os.urandom(4096))


def test_a_damaged_database_is_one_line(synced: Path) -> None:
    _damage_every_block(synced)
    for command in (["people", "list"], ["stats"], ["sync", "git", str(synced.parent.parent / "repo")]):
        ran = niche("--db", str(synced), *command, cwd=synced.parent)
        assert ran.returncode == 2
        assert _one_line(ran.stderr).startswith(f"error: {synced}: the database file is damaged (")


def test_a_truncated_database_is_one_line(synced: Path) -> None:
    os.truncate(synced, 20_000)
    ran = niche("--db", str(synced), "stats", cwd=synced.parent)
    line = _one_line(ran.stderr)
    assert ran.returncode == 2 and line.startswith(f"error: {synced}: the database file is damaged")
    assert line.endswith("niche changed nothing in it; restore it from a backup, or sync into a new file with --db")
    assert synced.stat().st_size == 20_000


@pytest.mark.parametrize("where", ["a-folder", "a-file/niche.duckdb"])
def test_a_db_path_that_cannot_be_written_is_one_line(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    ran = niche("--db", str(tmp_path / where), "sync", "git", str(tmp_path), cwd=tmp_path)
    assert ran.returncode == 2
    assert "nothing was written; give a path you can write with --db" in _one_line(ran.stderr)


def _limit_file_size() -> None:
    """A disk that fills at 4 MB: writes past it fail (EFBIG) as they do on a full disk (ENOSPC)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_000_000, 4_000_000))


def test_a_full_disk_stops_the_sync_in_one_line_and_keeps_what_was_written(tmp_path: Path) -> None:
    """A write that fails mid-sync: before, one error per source and then a traceback from the
    derive steps; now the sync stops (no later source could be written) and says what was kept."""
    archive = _archive(tmp_path / "list.mbox", 6000, "word " * 200)
    env = {k: v for k, v in os.environ.items() if k not in ("NICHE_DB", "NICHE_CONFIG")}
    db = tmp_path / "niche.duckdb"
    ran = subprocess.run([sys.executable, "-m", "niche", "--db", str(db), "sync", "mail", str(archive)], cwd=tmp_path,
                         env=env, capture_output=True, text=True, preexec_fn=_limit_file_size)  # fmt: skip
    line = _one_line(ran.stderr)
    assert ran.returncode == 2 and line.startswith(f"error: {db}: the disk is full (")
    kept = int(line.rpartition(f"Of {archive}, ")[2].split()[0].replace(",", ""))
    assert 0 < kept < 6000 and line.endswith(f"{kept:,} message(s) were stored before it")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM mail_messages").fetchone()[0] == kept

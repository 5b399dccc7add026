"""Git sync into the store: exact counts, incremental, rewritten history, bad input, kill -9."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from niche.errors import SourceError
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import SyncResult, sync
from tests.helpers.gitrepos import commit, fast_history, git, init


def sync_repository(store: Store, repo: Path) -> SyncResult:
    return sync(store, GitRepository(repo)).check()


def _count(store: Store, sql: str) -> int:
    return store.con.execute(sql).fetchone()[0]


def _numstat_lines(repo: Path) -> int:
    out = git(repo, "log", "--all", "--numstat", "--format=")
    return sum(1 for line in out.splitlines() if "\t" in line)


def test_sync_matches_git(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "nova")
    fast_history(repo, 150)
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~5")
    commit(repo, {"feature.txt": "x"}, "Feature\n\nCo-Authored-By: Grace Hopper <grace@example.org>")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    result = sync_repository(store, repo)
    expected = int(git(repo, "rev-list", "--all", "--count"))
    assert result.new == expected == 152
    assert _count(store, "SELECT count(*) FROM commits") == expected
    assert _count(store, "SELECT count(*) FROM raw_items") == expected
    assert _count(store, "SELECT count(*) FROM commit_files") == _numstat_lines(repo)
    assert _count(store, "SELECT count(*) FROM commits WHERE is_merge") == 1
    assert _count(store, "SELECT count(*) FROM activities WHERE kind = 'commit.authored'") == expected
    co = store.con.execute(
        "SELECT i.name, i.email FROM activities a JOIN identities i USING (identity_id)"
        " WHERE a.kind = 'commit.co_authored'"
    ).fetchall()
    assert co == [("Grace Hopper", "grace@example.org")]
    trailers = store.con.execute("SELECT trailers FROM commits WHERE message LIKE 'Change 7\n%'").fetchone()[0]
    assert trailers == [{"key": "Closes-Bug", "value": "#1007"}, {"key": "Change-Id", "value": f"I{7:040x}"}]
    # tz offset kept as written (+0200), time stored in UTC
    row = store.con.execute("SELECT author_at, author_tz FROM commits WHERE message LIKE 'Change 0\n%'").fetchone()
    assert (str(row[0]), row[1]) == ("2020-09-13 12:26:40", 120)


def test_incremental_sync_reads_only_new_commits(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "r")
    fast_history(repo, 20)
    assert sync_repository(store, repo).new == 20
    assert sync_repository(store, repo).new == 0
    fast_history(repo, 3)
    again = sync_repository(store, repo)
    assert (again.new, again.removed) == (3, 0)
    assert _count(store, "SELECT count(*) FROM commits") == 23
    assert _count(store, "SELECT count(DISTINCT sha) FROM commits") == 23


@pytest.mark.parametrize("garbage_collected", [False, True])
def test_force_push_leaves_no_duplicates(store: Store, tmp_path: Path, garbage_collected: bool) -> None:
    repo = init(tmp_path / "r")
    first = commit(repo, {"a": "1"}, "one")
    dropped = [commit(repo, {"a": "2"}, "two"), commit(repo, {"a": "3"}, "three")]
    sync_repository(store, repo)
    git(repo, "reset", "-q", "--hard", first)
    replacement = commit(repo, {"a": "2 and 3"}, "two and three, squashed")
    if garbage_collected:
        git(repo, "reflog", "expire", "--expire=now", "--all")
        git(repo, "gc", "-q", "--prune=now")
        assert (
            subprocess.run(["git", "-C", str(repo), "cat-file", "-e", dropped[1]], capture_output=True).returncode != 0
        )
    result = sync_repository(store, repo)
    assert (result.new, result.removed) == (1, 2)
    stored = {r[0] for r in store.con.execute("SELECT sha FROM commits").fetchall()}
    assert stored == {first, replacement}
    assert _count(store, "SELECT count(*) FROM activities") == 2
    assert _count(store, "SELECT count(*) FROM raw_items") == 2


def _raw_commit(repo: Path, header: bytes, message: bytes) -> str:
    """Write a commit object byte for byte (git's porcelain refuses some of what real histories hold)."""
    tree = git(repo, "hash-object", "-t", "tree", "-w", "--stdin", input=b"").strip()
    parent = git(repo, "rev-parse", "-q", "--verify", "HEAD").strip()
    body = (
        b"tree "
        + tree.encode()
        + b"\n"
        + (b"parent " + parent.encode() + b"\n" if parent else b"")
        + header
        + b"\n"
        + message
    )
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=body).strip()
    git(repo, "update-ref", "HEAD", sha)
    return sha


def test_bad_input_gets_a_correct_result(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "r")
    commit(repo, {"a": "1"}, "start")
    latin1 = _raw_commit(
        repo,
        b"author Jos\xe9 Garc\xeda <jose@example.es> 1300000000 +0100\n"
        b"committer Jos\xe9 Garc\xeda <jose@example.es> 1300000000 +0100\n",
        b"Caf\xe9 cr\xe8me\n",
    )
    broken = _raw_commit(
        repo,
        "author Zoë <zoe@example.org> 1300000001 +0000\ncommitter Zoë <zoe@example.org> 1300000001 +0000\n".encode(),
        "naïve \xff bytes\n".encode()[:8] + b"\xff\xfe rest\n",
    )
    epoch0 = _raw_commit(
        repo, b"author Old <old@example.org> 0 +0000\ncommitter Old <old@example.org> 0 +0000\n", b"1970\n"
    )
    kiribati = _raw_commit(
        repo, b"author K <k@example.org> 1700000000 +1400\ncommitter K <k@example.org> 1700000000 +1400\n", b"tz +14\n"
    )
    future = _raw_commit(
        repo,
        b"author F <f@example.org> 99999999999999 +0000\ncommitter F <f@example.org> 99999999999999 +0000\n",
        b"far future\n",
    )
    result = sync_repository(store, repo)
    assert result.new == 6 and result.quarantined == 0
    rows = {
        r[0]: r[1:]
        for r in store.con.execute(
            "SELECT sha, author_name, message, author_at, author_tz, lossy_text FROM commits"
        ).fetchall()
    }
    assert rows[latin1][:2] == ("José García", "Café crème\n") and rows[latin1][4]
    assert rows[broken][1].startswith("naïve") and "\ufffd" in rows[broken][1]
    assert str(rows[epoch0][2]) == "1970-01-01 00:00:00"
    assert (str(rows[kiribati][2]), rows[kiribati][3]) == ("2023-11-14 22:13:20", 840)
    assert rows[future][2] is None  # beyond year 9999: kept, without a date


def test_ten_thousand_files_in_one_commit(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "r")
    commit(repo, {f"d{i % 10}/f{i}.txt": f"{i}\n" for i in range(10_000)}, "vendor everything")
    sync_repository(store, repo)
    assert store.con.execute("SELECT files_changed, lines_added FROM commits").fetchone() == (10_000, 10_000)
    assert _count(store, "SELECT count(*) FROM commit_files") == 10_000


def test_empty_shallow_and_missing_repositories(store: Store, tmp_path: Path) -> None:
    empty = init(tmp_path / "empty")
    result = sync_repository(store, empty)
    assert result.new == 0 and "empty repository" in result.warnings[0]

    origin = init(tmp_path / "origin")
    fast_history(origin, 10)
    git(tmp_path, "clone", "-q", "--depth", "3", f"file://{origin}", "shallow")
    shallow = sync_repository(store, tmp_path / "shallow")
    assert shallow.new == 3 and "shallow clone" in shallow.warnings[0]

    with pytest.raises(SourceError, match="not a git repository"):
        sync_repository(store, tmp_path)


def test_fixture_repositories(store: Store, fixtures: Path, tmp_path: Path) -> None:
    from tests.helpers.gitrepos import extract

    extract(fixtures / "git" / "gittest.tar.gz", tmp_path)
    extract(fixtures / "git" / "gittestempty.tar.gz", tmp_path)
    extract(fixtures / "git" / "gitdetached.tar.gz", tmp_path)
    for name in ("gittest", "gittestempty", "gitdetached"):
        repo = tmp_path / name
        expected = int(git(repo, "rev-list", "--all", "--count") or 0) if name != "gittestempty" else 0
        assert sync_repository(store, repo).new == expected, name


def _table_contents(db: Path) -> dict[str, list]:
    """Every table's rows, minus the wall-clock columns, in a canonical order (a derive step's
    fingerprint hashes when the items were fetched)."""
    clock = {"fetched_at", "recorded_at", "synced_at", "updated_at", "applied_at", "derived_at", "fingerprint"}
    with Store(db, read_only=True) as store:
        tables = [
            r[0]
            for r in store.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            cols = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in clock]
            out[table] = store.con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall()
        return out


SLOW_GIT = """#!{python}
import os, subprocess, sys, time
real = {real!r}
if "log" not in sys.argv:
    os.execv(real, [real, *sys.argv[1:]])
proc = subprocess.Popen([real, *sys.argv[1:]], stdout=subprocess.PIPE)
while chunk := proc.stdout.read(8192):
    sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()
    time.sleep(0.02)
sys.exit(proc.wait())
"""


@pytest.mark.slow
def test_sync_killed_at_any_point_resumes_exactly(tmp_path: Path) -> None:
    """kill -9 at random moments, then resume: the database ends exactly as after one clean sync.

    A `git` on PATH that trickles git's own output makes every sync last seconds on any
    machine, so the kills land at all stages: start-up, mid-batch, between batches.
    """
    repo = init(tmp_path / "r")
    fast_history(repo, 6000, files_per_commit=3)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(SLOW_GIT.format(python=sys.executable, real=shutil.which("git")))
    (bin_dir / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NICHE_DB", None)

    def sync(db: Path) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "niche", "--db", str(db), "sync", "git", str(repo)]
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    reference = tmp_path / "reference.duckdb"
    assert sync(reference).wait() == 0
    killed = tmp_path / "killed.duckdb"
    rng = random.Random(20261124)
    kills = 0
    for _ in range(10):
        proc = sync(killed)
        try:
            proc.wait(timeout=rng.uniform(0.05, 2.0))
            break  # finished before this kill
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
    final = sync(killed)
    assert final.wait() == 0, final.stderr.read()
    assert kills >= 3
    assert _table_contents(killed) == _table_contents(reference)


def test_only_branches_tags_and_head_are_history(store: Store, tmp_path: Path) -> None:
    """A GitHub mirror's pull request refs, Gerrit's change refs, filter-branch's backups and notes
    are not the community's history: their commits are not contributions."""
    repo = init(tmp_path / "mirror")
    commit(repo, {"a.py": "1"}, "merged work")
    tip = git(repo, "rev-parse", "HEAD").strip()
    for ref in ("refs/pull/7/head", "refs/changes/41/1341/1", "refs/original/refs/heads/main"):
        git(repo, "checkout", "-q", "--detach", tip)
        commit(repo, {"b.py": ref}, f"proposed in {ref}")
        git(repo, "update-ref", ref, "HEAD")
    git(repo, "checkout", "-q", "main")
    git(repo, "notes", "add", "-m", "a note", tip)
    commit(repo, {"c.py": "1"}, "more merged work")
    git(repo, "tag", "v1")
    result = sync_repository(store, repo)
    expected = int(git(repo, "rev-list", "--count", "--branches", "--tags", "--remotes", "HEAD"))
    assert result.new == expected == 2
    assert int(git(repo, "rev-list", "--count", "--all")) == 6  # what `--all` would have counted

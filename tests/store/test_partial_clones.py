"""Repositories as they are in the wild: a blob-less partial clone, a repository missing objects.
Every commit is stored, nothing is fetched, and the commits whose line counts are unknown say so."""

from __future__ import annotations

from pathlib import Path

from niche.classify import Rules, classify
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import SyncResult, sync
from tests.helpers.gitrepos import commit, git, init


def sync_repository(store: Store, repo: Path) -> SyncResult:
    return sync(store, GitRepository(repo)).check()


def _history(origin: Path) -> dict[str, str]:
    """Five commits; message -> hash. Only the last two touch nothing but files as they are at HEAD."""
    return {
        "add a and a doc": commit(origin, {"a.py": "1\n2\n", "doc/x.rst": "one\n"}, "add a and a doc"),
        "grow a": commit(origin, {"a.py": "1\n2\n3\n"}, "grow a"),
        "add b": commit(origin, {"b.py": "b\n"}, "add b"),
        "edit the doc": commit(origin, {"doc/x.rst": "one\ntwo\n"}, "edit the doc"),
        "add new": commit(origin, {"new.txt": "n\nn\nn\n"}, "add new"),
    }


def _missing(repo: Path) -> int:
    return sum(line.startswith("?") for line in git(repo, "rev-list", "--objects", "--missing=print", "--all").split())


def _files(repo: Path, sha: str) -> list[str]:
    return sorted(git(repo, "show", "--format=", "--name-only", sha).split())


def test_blobless_partial_clone_syncs_every_commit_and_fetches_nothing(store: Store, tmp_path: Path) -> None:
    origin = init(tmp_path / "origin")
    shas = _history(origin)
    git(origin, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--filter=blob:none", f"file://{origin}", str(clone))
    missing_before = _missing(clone)
    assert missing_before == 2  # a.py and doc/x.rst as they were, before their last change

    result = sync_repository(store, clone)

    assert _missing(clone) == missing_before  # nothing fetched, though the origin would answer
    assert result.new == int(git(origin, "rev-list", "--count", "HEAD")) == 5
    rows = {m.split("\n")[0]: (unknown, added, deleted) for m, unknown, added, deleted in store.con.execute(
        "SELECT message, lines_unknown, lines_added, lines_deleted FROM commits").fetchall()}  # fmt: skip
    for message, sha in shas.items():
        paths = store.con.execute("SELECT path FROM commit_files WHERE sha = ? ORDER BY 1", [sha]).fetchall()
        stored = [p for (p,) in paths]
        assert stored == _files(origin, sha), message
        numstat = [line.split("\t") for line in git(origin, "show", "--format=", "--numstat", sha).splitlines()]
        counted = (sum(int(n[0]) for n in numstat), sum(int(n[1]) for n in numstat))
        # Only commits that change files whose earlier version is gone have unknown line counts.
        unknown = message in ("add a and a doc", "grow a", "edit the doc")
        assert rows[message] == ((True, None, None) if unknown else (False, *counted)), message
    assert len(result.warnings) == 1
    assert result.warnings[0] == (
        f"{clone}: a partial clone, 2 objects are not in it and none was fetched; 3 commits were stored without "
        "line counts; `git fetch --refetch` without a filter (or a full clone) brings them"
    )
    flagged = store.con.execute(
        "SELECT count(*) FROM activities WHERE kind = 'commit.authored' AND attrs->>'lines_unknown' = 'true'"
    ).fetchone()[0]
    assert flagged == 3
    classify(store, Rules.load())
    role = store.con.execute(
        "SELECT role, role_rule FROM activities WHERE object_id = ? AND kind = 'commit.authored'",
        [shas["edit the doc"]],
    ).fetchone()
    assert role[0] == "docs" and role[1].startswith("100% of changed files are docs (doc/x.rst")


def test_a_repository_missing_a_blob_syncs_every_commit(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "damaged")
    shas = _history(repo)
    lost = git(repo, "rev-parse", f"{shas['add a and a doc']}:a.py").strip()
    (repo / ".git" / "objects" / lost[:2] / lost[2:]).unlink()  # a damaged repository: one blob gone

    result = sync_repository(store, repo)

    assert result.new == 5
    unknown = store.con.execute("SELECT split_part(message, chr(10), 1) FROM commits WHERE lines_unknown").fetchall()
    assert sorted(unknown) == [("add a and a doc",), ("grow a",)]  # the two diffs that need the lost blob
    assert store.con.execute("SELECT count(*) FROM commit_files").fetchone()[0] == sum(
        len(_files(repo, sha)) for sha in shas.values()
    )
    assert list(result.warnings) == [
        f"{repo}: 1 object is not in it (a damaged repository? `git fsck` says more); "
        "2 commits were stored without line counts"
    ]


def test_a_treeless_clone_keeps_what_each_commit_says(store: Store, tmp_path: Path) -> None:
    origin = init(tmp_path / "origin")
    _history(origin)
    git(origin, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone.git"
    git(tmp_path, "clone", "-q", "--bare", "--filter=tree:0", f"file://{origin}", str(clone))

    result = sync_repository(store, clone)

    assert result.new == 5
    authors = store.con.execute("SELECT DISTINCT author_name FROM commits WHERE lines_unknown").fetchall()
    assert authors == [("Ada Lovelace",)]
    assert "without file names either" in result.warnings[0]

"""Build real git repositories for tests with the git command itself."""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_AUTHOR_DATE": "1700000000 +0100",
    "GIT_COMMITTER_DATE": "1700000000 +0100",
}


def git(repo: Path, *args: str | bytes, env: dict | None = None, input: bytes | None = None) -> str:
    """Run git in repo with a fixed identity and no user config; returns stdout."""
    environ = {**os.environ, **GIT_ENV, **(env or {})}
    out = subprocess.run(["git", "-C", str(repo), *args], env=environ, input=input, capture_output=True, check=True)
    return out.stdout.decode(errors="replace")


def init(repo: Path, bare: bool = False) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main", *(["--bare"] if bare else []))
    return repo


def commit(repo: Path, files: dict[str, str], message: str, env: dict | None = None) -> str:
    """Write files, commit them, return the new commit's hash."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD").strip()


def fast_history(repo: Path, commits: int, files_per_commit: int = 2, ref: str = "refs/heads/main") -> None:
    """Append a linear history of many commits in one `git fast-import` run (fast, real objects)."""
    tip = git(repo, "rev-parse", "-q", "--verify", ref + "^{commit}").strip() if _has(repo, ref) else ""
    lines = []
    for i in range(commits):
        msg = f"Change {i}\n\nCloses-Bug: #{1000 + i}\nChange-Id: I{i:040x}\n".encode()
        when = 1600000000 + i * 3600
        lines.append(f"commit {ref}\nmark :{i + 1}\n".encode())
        lines.append(f"author Dev {i % 37} <dev{i % 37}@example.org> {when} +0200\n".encode())
        lines.append(f"committer Dev {i % 37} <dev{i % 37}@example.org> {when} +0200\n".encode())
        lines.append(b"data %d\n%s\n" % (len(msg), msg))
        if i == 0 and tip:
            lines.append(f"from {tip}\n".encode())
        for f in range(files_per_commit):
            body = f"line {i}\n".encode()
            lines.append(
                f"M 100644 inline dir{f % 3}/file{(i + f) % 50}.txt\n".encode() + b"data %d\n%s\n" % (len(body), body)
            )
    git(repo, "fast-import", "--quiet", input=b"".join(lines))


def _has(repo: Path, ref: str) -> bool:
    return (
        subprocess.run(["git", "-C", str(repo), "rev-parse", "-q", "--verify", ref], capture_output=True).returncode
        == 0
    )


def extract(archive: Path, dest: Path) -> Path:
    """Unpack a fixture repository archive, owned by the current user (git refuses others')."""
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    return dest


def scripted_history(
    repo: Path, commits: list[tuple[str, str, int, str, str, str]], ref: str = "refs/heads/main"
) -> None:
    """Commit exactly these (author name, email, epoch, tz like '+0200', path, message) in order,
    in one `git fast-import` run: a long history with chosen people, times and files, fast."""
    lines = []
    for i, (name, email, when, tz, path, message) in enumerate(commits):
        msg = f"{message}\n".encode()
        body = f"{i}\n".encode()
        lines.append(f"commit {ref}\n".encode())
        lines.append(f"author {name} <{email}> {when} {tz}\ncommitter {name} <{email}> {when} {tz}\n".encode())
        lines.append(b"data %d\n%s\n" % (len(msg), msg))
        lines.append(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(body), body))
    git(repo, "fast-import", "--quiet", input=b"".join(lines))
    git(repo, "reset", "-q", "--hard", ref)

"""Read commits from git repositories: `git rev-list` streams the hashes, `git log` the details.

Nothing here touches the database: the functions find repositories, run git, and turn its
output into `Commit` objects (or `BadRecord`s that the caller quarantines).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from niche.credentials import strip_credentials
from niche.errors import SourceError
from niche.sources.bounds import PATH_LIMIT, bounded, parse_address
from niche.sources.contract import BadRecord, read_item

# One record per commit: a NUL and a \x1e marker, nine NUL-terminated header fields, the message,
# then with `-z` the numstat entries, each NUL-terminated, and --summary's lines (" delete mode
# 100644 PATH"), which git ends with a newline only: the NUL opening the next record ends them.
LOG_FORMAT = "%x00%x1e%H%x00%P%x00%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%e%x00%B%x00"
HEADER_FIELDS = 10
READ_SIZE = 1 << 20

CANONICAL_TRAILERS = {
    key.lower(): key
    for key in (
        "Change-Id",
        "Closes-Bug",
        "Partial-Bug",
        "Related-Bug",
        "Depends-On",
        "Co-Authored-By",
        "Signed-off-by",
        "Reviewed-by",
        "Acked-by",
        "Tested-by",
        "Reported-by",
        "Suggested-by",
        "Implements",
        "Partially-Implements",
        "Blueprint",
        "Story",
        "Task",
        "Needed-By",
        "Cherry-picked-from",
        "Fixes",
        "Closes",
        "Related",
        "Conflicts",
    )
}
# Trailers git itself writes; a last paragraph with one of these may hold other prose lines too.
GIT_GENERATED = ("signed-off-by", "(cherry picked from commit")
_DELETED = re.compile(r"^ delete mode \d+ (.*)$", re.M)
_TRAILER_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)")


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    email: str
    epoch: int
    tz_minutes: int


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    old_path: str | None  # set when git detected a rename or copy
    added: int | None  # None for binary files
    deleted: int | None
    removed: bool = False  # the commit deleted the file


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str
    trailers: tuple[tuple[str, str], ...]
    files: tuple[FileChange, ...]
    raw: bytes  # the record exactly as git printed it, kept so it can be re-parsed later
    lossy_text: bool  # some bytes were not UTF-8 and were decoded by fallback
    lines_unknown: bool = False  # file contents missing (a partial clone): names known, line counts not

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def co_authors(self) -> tuple[tuple[str, str], ...]:
        """(name, email) of every Co-Authored-By trailer that names someone."""
        found = []
        for key, value in self.trailers:
            if key == "Co-Authored-By":
                name, email = parse_address(value)
                if name or email:
                    found.append((bounded(name or email) or "", bounded(email) or ""))
        return tuple(found)


def decode_text(data: bytes) -> tuple[str, bool]:
    """Decode git text: UTF-8 when it is, Latin-1 for legacy 8-bit text, else UTF-8 with U+FFFD.

    Returns the text and whether the decoding was lossy or a guess.
    """
    try:
        return data.decode(), False
    except UnicodeDecodeError:
        replaced = data.decode(errors="replace")
        if all(c == "\ufffd" or c < "\x80" for c in replaced):
            return data.decode("latin-1"), True  # no valid multi-byte UTF-8 at all: 8-bit text
        return replaced, True


def parse_trailers(message: str) -> tuple[tuple[str, str], ...]:
    """Trailers of a commit message, following git's rules closely enough for real histories.

    The trailer block is the last paragraph (never the title paragraph); it counts when every
    line is a `Key: value` trailer (or a continuation), or when at least a quarter are and one
    of them is written by git itself. Known keys are given their canonical spelling.
    """
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", message.strip("\n")) if p.strip()]
    if len(paragraphs) < 2:
        return ()
    trailers: list[list[str]] = []
    prose = 0
    git_generated = False
    for line in paragraphs[-1].split("\n"):
        if line[:1] in (" ", "\t") and trailers:
            trailers[-1][1] += " " + line.strip()
            continue
        if line.lower().startswith(GIT_GENERATED):
            git_generated = True
        match = _TRAILER_LINE.fullmatch(line.rstrip())
        if match:
            trailers.append([match.group(1), match.group(2).strip()])
        else:
            prose += 1
    if not trailers or (prose and not (git_generated and len(trailers) * 3 >= prose)):
        return ()
    return tuple((CANONICAL_TRAILERS.get(k.lower(), k), v) for k, v in trailers)


def _parse_signature(name: bytes, email: bytes, date: bytes) -> tuple[Signature, bool]:
    name_text, lossy_name = decode_text(name)
    email_text, lossy_email = decode_text(email)
    name_text, email_text = bounded(name_text) or "", bounded(email_text) or ""  # the record keeps them whole
    epoch, _, tz = date.decode("ascii").partition(" ")
    if len(tz) != 5 or tz[0] not in "+-" or not tz[1:].isdigit():
        raise ValueError(f"unreadable timezone {tz!r} in date {date!r}")
    minutes = int(tz[1:3]) * 60 + int(tz[3:5])
    return (
        Signature(name_text, email_text, int(epoch), -minutes if tz[0] == "-" else minutes),
        lossy_name or lossy_email,
    )


def _parse_numstat(entries: list[bytes]) -> tuple[FileChange, ...]:
    """Files from numstat entries (with --summary's lines saying which were deleted), or from
    `--raw --no-renames` entries (a ':modes ids status' token, then the path), which name the
    files without reading their contents."""
    files = []
    removed: set[str] = set()
    i = 0
    while i < len(entries):
        entry = entries[i].lstrip(b"\n")
        if entry.startswith(b" "):  # --summary: ' delete mode 100644 PATH', one a line
            removed.update(m.group(1) for m in _DELETED.finditer(decode_text(entry)[0]))
            i += 1
            continue
        if entry.startswith(b":"):
            files.append(FileChange(decode_text(entries[i + 1])[0], None, None, None, entry.endswith(b" D")))
            i += 2
            continue
        added, deleted, path = entry.split(b"\t", 2)
        old_path = None
        if not path:  # rename or copy: the two paths follow as separate entries
            old_path, path = entries[i + 1], entries[i + 2]
            i += 2
        i += 1
        files.append(
            FileChange(
                path=bounded(decode_text(path)[0], PATH_LIMIT) or "",
                old_path=bounded(decode_text(old_path)[0], PATH_LIMIT) if old_path is not None else None,
                added=None if added == b"-" else int(added),
                deleted=None if deleted == b"-" else int(deleted),
            )
        )
    if removed:
        files = [replace(f, removed=True) if f.path in removed and f.old_path is None else f for f in files]
    return tuple(files)


def parse_record(tokens: list[bytes], lines_unknown: bool = False) -> Commit:
    """Build a Commit from one record's NUL-separated tokens (header fields, then numstat or raw
    entries); lines_unknown when its files' contents could not be read."""
    if len(tokens) < HEADER_FIELDS or not tokens[0].startswith(b"\x1e"):
        raise ValueError(f"record has {len(tokens)} fields, expected at least {HEADER_FIELDS}")
    sha = tokens[0][1:].decode("ascii")
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        raise ValueError(f"not a commit hash: {sha!r}")
    author, lossy_a = _parse_signature(tokens[2], tokens[3], tokens[4])
    committer, lossy_c = _parse_signature(tokens[5], tokens[6], tokens[7])
    message, lossy_m = decode_text(tokens[9])
    return Commit(
        sha=sha,
        parents=tuple(tokens[1].decode("ascii").split()),
        author=author,
        committer=committer,
        message=message,
        trailers=parse_trailers(message),
        files=_parse_numstat(tokens[HEADER_FIELDS:]),
        raw=b"\0".join(tokens),
        lossy_text=lossy_a or lossy_c or lossy_m,
        lines_unknown=lines_unknown,
    )


_RECORD_START = re.compile(rb"\x1e(?:[0-9a-f]{40}|[0-9a-f]{64})")


def log_records(chunks: Iterable[bytes]) -> Iterator[list[bytes]]:
    """Group the NUL-separated token stream into one token list per commit.

    A record is HEADER_FIELDS tokens taken by position (names and messages may hold any byte
    but NUL, so their content never splits a record), then numstat entries until the next
    record's `\x1e<hash>` token. Empty tokens after the header are separators: depending on
    the commit, git puts one before the numstat, after it, or both.
    """
    record: list[bytes] = []
    rest = b""
    for chunk in chunks:
        tokens = (rest + chunk).split(b"\0")
        rest = tokens.pop()
        for token in tokens:
            if not record and not token:
                continue  # the NUL that opens a record
            if len(record) < HEADER_FIELDS:
                record.append(token)
            elif _RECORD_START.fullmatch(token):
                yield record
                record = [token]
            elif token:
                record.append(token)
    if rest:
        if len(record) >= HEADER_FIELDS and _RECORD_START.fullmatch(rest):
            yield record
            record = []
        record.append(rest)
    if record:
        yield record


def parse_log(chunks: Iterable[bytes], repo: str, lines_unknown: bool = False) -> Iterator[Commit | BadRecord]:
    """Parse a `git log` stream made with LOG_FORMAT; a bad record never stops the stream."""
    for tokens in log_records(chunks):
        yield parse_tokens(tokens, repo, lines_unknown)


def parse_tokens(tokens: list[bytes], repo: str, lines_unknown: bool = False) -> Commit | BadRecord:
    """One record of log_records as a Commit, or the BadRecord that says why it is not one."""
    head = tokens[0][1:41].decode("ascii", "replace") if tokens else "?"
    return read_item(partial(parse_record, tokens, lines_unknown), b"\0".join(tokens), f"{repo}@{head}",
                     "unparseable commit record", head)  # fmt: skip


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, env=_GIT_ENV, check=False)
    _check(repo, args[0], result.returncode, result.stderr)
    return result.stdout.decode(errors="replace")


# Git never fetches an object on demand: in a partial clone that would download file contents
# one request at a time. GIT_NO_LAZY_FETCH says so; no transport being allowed makes sure.
_GIT_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_NO_LAZY_FETCH": "1", "GIT_ALLOW_PROTOCOL": ""}


def git_dir(path: Path) -> Path:
    """The repository's git directory (works for bare repositories too), or SourceError."""
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    try:
        out = _git(path, "rev-parse", "--absolute-git-dir")
    except SourceError as exc:
        if "dubious ownership" in str(exc) or "safe.directory" in str(exc):
            raise SourceError(
                f"{path}: owned by another user, so git refuses to read it; if you trust it, run "
                f"`git config --global --add safe.directory {path.resolve()}`"
            ) from None
        raise SourceError(f"{path}: not a git repository (no .git directory and not a bare repository)") from None
    return Path(out.strip())


def _looks_like_repo(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def discover_repositories(path: Path, max_depth: int = 3) -> list[Path]:
    """PATH itself when it is a repository, else the repositories below it (clones or bare)."""
    if _looks_like_repo(path):
        return [path]
    found: list[Path] = []
    if path.is_dir() and max_depth > 0:
        for child in sorted(path.iterdir()):
            if child.is_dir() and not child.name.startswith("."):
                found.extend(discover_repositories(child, max_depth - 1))
    return found


HISTORY_REFS = ("refs/heads", "refs/tags", "refs/remotes")


def ref_tips(repo: Path) -> list[str]:
    """Commit hashes the branches, tags, remote-tracking branches and HEAD point at, sorted, unique.

    Other refs are not the community's history: a GitHub mirror's refs/pull/* are proposals never
    merged (1,343 of the commits of nova's GitHub mirror), Gerrit's refs/changes/* every patch set
    uploaded, refs/original/* a history filter-branch rewrote, refs/notes/* notes, not commits."""
    out = _git(repo, "for-each-ref", "--format=%(objectname) %(objecttype) %(*objectname)", *HISTORY_REFS)
    tips = set()
    for line in out.splitlines():
        sha, kind, peeled = [*line.split(" "), "", ""][:3]
        if kind == "commit":
            tips.add(sha)
        elif kind == "tag" and peeled:
            tips.add(peeled)
    head = (
        subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "-q", "HEAD^{commit}"],
            capture_output=True,
            env=_GIT_ENV,
            check=False,
        )
        .stdout.decode()
        .strip()
    )
    if head:
        tips.add(head)
    return sorted(tips)


def existing_commits(repo: Path, shas: list[str]) -> list[str]:
    """The hashes among shas that are still commits in the repository (gc may remove others)."""
    if not shas:
        return []
    result = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input="".join(f"{s}\n" for s in shas).encode(),
        capture_output=True,
        env=_GIT_ENV,
        check=False,
    )
    return [line.split()[0] for line in result.stdout.decode().splitlines() if line.endswith(" commit")]


def count_commits(repo: Path, tips: list[str], exclude: list[str]) -> int:
    if not tips:
        return 0
    return int(_git(repo, "rev-list", "--count", *tips, "--not", *exclude, "--") or 0)


def unreachable_commits(repo: Path, old_tips: list[str], tips: list[str]) -> list[str]:
    """Commits reachable from old tips but from none of the current ones (a rewritten history)."""
    if not old_tips:
        return []
    return _git(repo, "rev-list", *old_tips, "--not", *tips, "--").split()


def reachable_commits(repo: Path, tips: list[str]) -> set[str]:
    return set(_git(repo, "rev-list", *tips, "--").split()) if tips else set()


def missing_objects(repo: Path, tips: list[str], exclude: list[str]) -> set[str]:
    """Objects that commits reachable from tips but not from exclude need and the repository
    lacks (a partial clone's file contents, a damaged pack); never fetched."""
    result = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--objects", "--missing=print", "--stdin"],
        input=_stdin_revisions(tips, exclude), capture_output=True, env=_GIT_ENV, check=False,
    )  # fmt: skip
    _check(repo, "rev-list", result.returncode, result.stderr)
    return {line[1:].strip() for line in result.stdout.decode("ascii", "replace").splitlines() if line.startswith("?")}


def is_partial_clone(repo: Path) -> bool:
    """Whether a promisor remote is meant to supply what is missing (`git clone --filter=...`)."""
    out = subprocess.run(
        ["git", "-C", str(repo), "config", "--get-regexp", r"^(remote\..*\.promisor|extensions\.partialclone)$"],
        capture_output=True, env=_GIT_ENV, check=False,
    ).stdout.decode(errors="replace")  # fmt: skip
    return any(line.split(" ", 1)[-1].strip().lower() not in ("false", "") for line in out.splitlines())


def is_shallow(repo: Path) -> bool:
    return _git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"


def remote_url(repo: Path) -> str | None:
    """origin's URL, without the user and password a clone URL may carry."""
    result = subprocess.run(
        ["git", "-C", str(repo), "config", "--get", "remote.origin.url"],
        capture_output=True,
        env=_GIT_ENV,
        check=False,
    )
    return strip_credentials(result.stdout.decode(errors="replace").strip()) or None


MAX_MAILMAP_BYTES = 1 << 20  # the largest real ones (Linux, GNOME) are a tenth of this


def mailmap_text(repo: Path) -> tuple[str, str | None]:
    """(the repository's .mailmap, a warning or None), read from HEAD's tree as git reads it in a
    bare repository: never the work tree's file, which may be a link to anything on this machine
    (/proc/self/environ holds the tokens niche runs with), and only a regular file up to
    MAX_MAILMAP_BYTES."""
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "--long", "-z", "HEAD", "--", ".mailmap"],
        capture_output=True, env=_GIT_ENV, check=False,
    )  # fmt: skip
    entry = listed.stdout.split(b"\0", 1)[0].decode(errors="replace") if listed.returncode == 0 else ""
    if not entry:
        return "", None
    mode, kind, blob, size = entry.split("\t", 1)[0].split()
    if kind != "blob" or mode not in ("100644", "100755"):
        return "", f"{repo}: .mailmap is not a regular file (mode {mode}); not read, as git does not read it"
    if int(size) > MAX_MAILMAP_BYTES:
        limit = MAX_MAILMAP_BYTES >> 20
        return "", f"{repo}: .mailmap is {int(size) / 1e6:.1f} MB, over the {limit} MB limit; not read"
    return _git(repo, "cat-file", "blob", blob), None


def _stdin_revisions(tips: list[str], exclude: list[str]) -> bytes:
    # Revisions go on stdin: thousands of refs would not fit on a command line.
    return "".join([f"{t}\n" for t in tips] + [f"^{t}\n" for t in exclude]).encode()


@contextmanager
def rev_list(repo: Path, tips: list[str], exclude: list[str]) -> Iterator[Iterator[str]]:
    """Stream the hashes of commits reachable from tips but not from exclude, newest first.

    The order is git's default, stable for the same tips, so a count of commits done is a
    position an interrupted sync can resume from.
    """
    with tempfile.TemporaryFile() as stderr_file:  # a stderr pipe could fill up and stall git
        proc = subprocess.Popen(
            ["git", "-C", str(repo), "rev-list", "--stdin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr_file, env=_GIT_ENV,
        )  # fmt: skip
        assert proc.stdin and proc.stdout
        try:
            proc.stdin.write(_stdin_revisions(tips, exclude))
            proc.stdin.close()
        except BrokenPipeError:
            pass  # git stopped early; its exit status and stderr below say why
        try:
            yield (line.decode("ascii").strip() for line in proc.stdout)
        finally:
            proc.stdout.close()
            returncode = proc.wait()
        stderr_file.seek(0)
        _check(repo, "rev-list", returncode, stderr_file.read())


NUMSTAT = ("--numstat", "--summary")
NAMES_ONLY = ("--raw", "--no-renames", "--no-abbrev")  # reads trees, never file contents


def log_commits(repo: Path, shas: list[str], diff: tuple[str, ...] = NUMSTAT) -> bytes:
    """`git log` output (LOG_FORMAT, then the `diff` entries: numstat, raw, or none) for exactly
    these commits, in this order.

    One process per block of commits, never per commit; several blocks can run at once.
    """
    args = [
        "git", "-C", str(repo), "-c", "core.quotepath=off", "log", "--no-walk=unsorted", "--stdin",
        *diff, "-z", "--date=raw", f"--format={LOG_FORMAT}", "--no-color", "--no-mailmap",
        "--no-show-signature",
    ]  # fmt: skip
    result = subprocess.run(args, input=_stdin_revisions(shas, []), capture_output=True, env=_GIT_ENV, check=False)
    _check(repo, "log", result.returncode, result.stderr)
    return result.stdout


def _check(repo: Path, command: str, returncode: int, stderr: bytes) -> None:
    if returncode != 0:
        lines = stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(f"{repo}: git {command} failed: {lines[-1] if lines else f'exit status {returncode}'}")

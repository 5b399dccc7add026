"""Read a repository's commits block by block, whatever objects it lacks.

A blob-less partial clone (`git clone --filter=blob:none`, common for big repositories) has no
file contents, and a damaged repository may miss a few; `git log --numstat` stops at the first
missing blob, so a whole block of commits would be lost. Git is never allowed to fetch what is
missing (that would download every file version, one request at a time; see `git._GIT_ENV`).
Instead a block that fails is read again around what is missing: the commits whose changed
files are all here get their line counts, the others their metadata and file names, flagged
`lines_unknown`; a repository missing trees too (`--filter=tree:0`) gives metadata alone.
"""

from __future__ import annotations

import threading
from pathlib import Path

from niche.errors import SourceError
from niche.sources import git
from niche.sources.contract import BadRecord
from niche.words import plural

NULL_ID = frozenset({"0" * 40, "0" * 64})
GITLINK = b"160000"  # a submodule's commit: never an object of this repository


class CommitLog:
    """Commits of one repository (those reachable from tips, not from exclude), read a block at a
    time; safe to call from several threads at once."""

    def __init__(self, repo: Path, name: str, tips: list[str], exclude: list[str]):
        self.repo, self.name, self.tips, self.exclude = repo, name, tips, exclude
        self._missing: set[str] | None = None
        self._lock = threading.Lock()
        self.lines_unknown = 0  # commits read without line counts
        self.names_unknown = 0  # commits read without file names (their trees are missing too)

    def read(self, shas: list[str]) -> list[git.Commit | BadRecord]:
        try:
            return list(git.parse_log([git.log_commits(self.repo, shas)], self.name))
        except SourceError:
            if not self.missing():
                raise  # nothing is missing: a failure of another kind
        return self._read_around_missing(shas)

    def missing(self) -> set[str]:
        """What the commits need and the repository lacks; asked of git once, when first needed."""
        with self._lock:
            if self._missing is None:
                self._missing = git.missing_objects(self.repo, self.tips, self.exclude)
            return self._missing

    def _read_around_missing(self, shas: list[str]) -> list[git.Commit | BadRecord]:
        try:
            named = git.log_commits(self.repo, shas, git.NAMES_ONLY)
        except SourceError:  # trees are missing too: what the commits themselves say
            items = list(git.parse_log([git.log_commits(self.repo, shas, ())], self.name, lines_unknown=True))
            self._count(names=len(items))
            return items
        missing = self.missing()
        incomplete = {tokens[0][1:].decode("ascii", "replace"): tokens for tokens in git.log_records([named])
                      if _needs(tokens, missing)}  # fmt: skip
        complete = [sha for sha in shas if sha not in incomplete]
        items = list(git.parse_log([git.log_commits(self.repo, complete)], self.name)) if complete else []
        items += [git.parse_tokens(tokens, self.name, lines_unknown=True) for tokens in incomplete.values()]
        self._count(lines=len(incomplete))
        return items

    def _count(self, lines: int = 0, names: int = 0) -> None:
        with self._lock:
            self.lines_unknown += lines + names
            self.names_unknown += names

    def note(self, path: Path) -> str | None:
        """One sentence on what was missing and what it cost, or None when nothing was."""
        if not self.lines_unknown:
            return None
        what = f"{plural(len(self.missing()), 'object is', 'objects are')} not in it"
        cost = f"{plural(self.lines_unknown, 'commit was', 'commits were')} stored without line counts"
        if self.names_unknown:
            cost += f" ({self.names_unknown:,} without file names either)"
        if git.is_partial_clone(self.repo):
            return (f"{path}: a partial clone, {what} and none was fetched; {cost}; "
                    "`git fetch --refetch` without a filter (or a full clone) brings them")  # fmt: skip
        return f"{path}: {what} (a damaged repository? `git fsck` says more); {cost}"


def _needs(tokens: list[bytes], missing: set[str]) -> bool:
    """Whether a record of raw entries changes a file whose old or new content is missing."""
    for entry in tokens[git.HEADER_FIELDS :]:
        entry = entry.lstrip(b"\n")
        if entry.startswith(b":"):
            modes_ids = entry[1:].split()
            if GITLINK in modes_ids[:2]:
                continue
            ids = {i.decode("ascii", "replace") for i in modes_ids[2:4]}
            if (ids - NULL_ID) & missing:
                return True
    return False

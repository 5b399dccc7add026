"""The word of people on people: corrections kept in TOML files, reviewed and shared like code,
that niche applies on every run, so they survive every re-sync and re-resolution.

Two kinds of file are read, in this order: the community's own corrections, kept in its
repository and reviewed like code (`[people] corrections = [...]` in niche.toml; OpenStack kept
such a hand-made file for a decade), then the local file `niche people` commands write to
(`niche-people.toml`). Every entry may say who made it, when and why; `niche people log`
shows them, and `niche people corrections check FILE` checks a file with line numbers.

    [[merge]]                      # these identities are one person
    identities = ["jdoe@example.com", "github:jdoe"]
    by = "Jane Doe"                # who, when, why: optional, shown in the log
    at = 2026-11-02
    why = "her two accounts, she asked on the list"

    [[split]]                      # this identity is someone else: joined only by a [[merge]]
    identity = "shared@example.com"

    [[apart]]                      # these are different people: nothing joins them
    identities = ["dan@redhat.com", "dan.smith@ibm.com"]

    [[person]]                     # name shown, or bot / not a bot
    identity = "jdoe@example.com"
    name = "Jane Doe"
    bot = false

    [[affiliation]]                # employer for a time (dates optional; org "" = not known)
    identity = "jdoe@example.com"
    org = "Example Inc"
    from = 2019-04-01
    until = 2021-01-01

    [[optout]]                     # shown under a pseudonym everywhere; no name or address written
    identity = "jdoe@example.com"

    [[revert]]                     # an entry of the log no longer applies (see `niche people log`)
    entry = "3f2a9c1e0b"

    [domains]                      # more email domains; "" marks a personal mail provider
    "example.com" = "Example Inc"

An identity is named by an email address, by "kind:username" (github:jdoe, gerrit:jdoe,
launchpad:jdoe, irc:jdoe), by "name:Full Name", or by its identity id.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from niche.errors import ConfigError
from niche.identity import normalize as norm
from niche.identity.affiliations import Period
from niche.identity.resolve import Identity

HEADER = "niche people corrections: always win over what niche works out. See `niche people --help`."
META = ("by", "at", "why", "reverts")  # who, when, why; and which log entry an entry undoes
# kind -> (keys it needs, keys it may have)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "merge": (("identities",), ()),
    "split": (("identity",), ()),
    "apart": (("identities",), ()),
    "person": (("identity",), ("name", "bot")),
    "affiliation": (("identity", "org"), ("from", "until")),
    "optout": (("identity",), ()),
    "revert": (("entry",), ()),
}
_HEADER_LINE = re.compile(r"^\s*\[\[\s*([A-Za-z_-]+)\s*\]\]")


@dataclass(frozen=True)
class Correction:
    """One entry of a corrections file, with where it is and a stable id of what it says."""

    kind: str
    values: dict[str, Any]
    origin: str  # "FILE:LINE"

    @property
    def entry_id(self) -> str:
        said = {k: v for k, v in self.values.items() if k not in META}
        return entry_id(self.kind, json.dumps(said, sort_keys=True, default=str))

    @property
    def selectors(self) -> list[str]:
        values = self.values.get("identities") or [self.values.get("identity")]
        return [str(v) for v in values if v]


def entry_id(*parts: str) -> str:
    """A short id that stays the same for the same words: a log entry and its correction share it."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:10]


@dataclass
class Overrides:
    """One corrections file as written (tomlkit keeps comments and layout when niche adds to it),
    with the community files read before it (`included`, never written)."""

    path: Path | None = None
    document: tomlkit.TOMLDocument = field(default_factory=tomlkit.document)
    included: tuple[Overrides, ...] = ()

    def own_entries(self) -> list[Correction]:
        """This file's entries, each with its line number."""
        lines = _entry_lines(tomlkit.dumps(self.document))
        where = str(self.path) if self.path else "(corrections)"
        return [
            Correction(kind, entry.unwrap(), f"{where}:{lines.get((kind, i), 1)}")
            for kind in KINDS
            for i, entry in enumerate(self.document.get(kind, []))
        ]

    def entries(self) -> list[Correction]:
        """Every entry of the included files and this one that still applies: not reverted."""
        everything = [c for o in self.included for c in o.own_entries()] + self.own_entries()
        reverted = {str(c.values["entry"]) for c in everything if c.kind == "revert"}
        return [c for c in everything if c.entry_id not in reverted]

    def _of(self, kind: str) -> list[Correction]:
        return [c for c in self.entries() if c.kind == kind]

    @property
    def merges(self) -> list[list[str]]:
        return [c.selectors for c in self._of("merge")]

    @property
    def splits(self) -> list[str]:
        return [s for c in self._of("split") for s in c.selectors]

    @property
    def aparts(self) -> list[Correction]:
        return self._of("apart")

    @property
    def optouts(self) -> list[Correction]:
        return self._of("optout")

    @property
    def people(self) -> list[dict[str, Any]]:  # identity, name?, bot?
        return [c.values for c in self._of("person")]

    @property
    def affiliations(self) -> list[dict[str, Any]]:  # identity, org, from?, until?
        return [c.values for c in self._of("affiliation")]

    @property
    def domains(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for o in (*self.included, self):
            found |= {str(k): str(v) for k, v in o.document.get("domains", {}).items()}
        return found

    def add(self, kind: str, values: dict[str, Any], by: str | None = None, why: str | None = None) -> Correction:
        """Append an entry, with who made it, today's date and why."""
        meta = {"by": by, "at": datetime.now(UTC).date(), "why": why}
        entry = values | {k: v for k, v in meta.items() if v}
        self._entries(kind).append(entry)
        return Correction(kind, entry, str(self.path))

    def remove(self, entry: str) -> bool:
        """Drop this file's entry with that id; False when it is not this file's."""
        for kind in KINDS:
            entries = self.document.get(kind, [])
            for i, item in enumerate(entries):
                if Correction(kind, item.unwrap(), "").entry_id == entry:
                    del entries[i]
                    return True
        return False

    def merge(self, identities: list[str], by: str | None = None, why: str | None = None) -> None:
        self.add("merge", {"identities": identities}, by, why)

    def split(self, identity: str, by: str | None = None, why: str | None = None) -> None:
        if identity not in self.splits:
            self.add("split", {"identity": identity}, by, why)

    def set_person(self, identity: str, values: dict[str, Any], by: str | None = None, why: str | None = None) -> None:
        entry = next((p for p in self._entries("person") if p["identity"] == identity), None)
        if entry is None:
            self.add("person", {"identity": identity} | values, by, why)
        else:
            entry.update(values | {k: v for k, v in (("by", by), ("why", why)) if v})

    def add_affiliation(self, identity: str, org: str, start: date | None, until: date | None,
                        by: str | None = None, why: str | None = None) -> None:  # fmt: skip
        dates = {k: v for k, v in (("from", start), ("until", until)) if v}
        self.add("affiliation", {"identity": identity, "org": org} | dates, by, why)

    def _entries(self, kind: str) -> tomlkit.items.AoT:
        if kind not in self.document:
            self.document[kind] = tomlkit.aot()
        return self.document[kind]

    def save(self) -> None:
        if self.path is None:
            raise ConfigError("no people corrections file to write to")
        self.path.write_text(tomlkit.dumps(self.document))

    def stated_periods(self, index: SelectorIndex) -> dict[str, list[Period]]:
        """identity key -> the periods stated for it (the caller maps them to people); org None
        where the entry says the employer is not known."""
        stated: dict[str, list[Period]] = {}
        for entry in self.affiliations:
            reason = f"stated by {entry['by']}" if entry.get("by") else "stated"  # SortingHat's, a person's
            period = Period(entry["org"] or None, _moment(entry.get("from")), _moment(entry.get("until")), reason)
            for key in index.select(entry["identity"])[:1]:
                stated.setdefault(key, []).append(period)
        return stated


def _entry_lines(text: str) -> dict[tuple[str, int], int]:
    """(kind, index) -> line number of each [[kind]] header, in the order they appear."""
    counts: dict[str, int] = {}
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        if match := _HEADER_LINE.match(line):
            kind = match.group(1)
            lines[(kind, counts.get(kind, 0))] = number
            counts[kind] = counts.get(kind, 0) + 1
    return lines


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    error: bool = True  # else a warning: the file is usable


def check_text(text: str, index: SelectorIndex | None = None) -> list[Problem]:
    """What is wrong with a corrections file, by line: TOML syntax, unknown sections and keys,
    missing or mistyped values, bad dates; with an index, selectors that match no identity."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        return [Problem(int(found.group(1)) if found else 1, f"not valid TOML: {exc}")]
    lines = _entry_lines(text)
    problems = []
    for key, value in data.items():
        line = lines.get((key, 0)) or next(
            (n for n, t in enumerate(text.splitlines(), 1) if t.strip().lstrip("[").startswith(key)), 1
        )
        if key == "domains":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append(Problem(line, 'domains: each domain names an organisation, or "" a mail provider'))
        elif key not in KINDS:
            problems.append(Problem(line, f"{key}: not a kind of correction ({', '.join([*KINDS, 'domains'])})"))
        elif not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(Problem(line, f"{key}: write each entry as a [[{key}]] table"))
        else:
            for i, entry in enumerate(value):
                at = lines.get((key, i), line)
                wrong = [Problem(at, f"[[{key}]]: {m}") for m in _entry_problems(key, entry)]
                if index is not None and not wrong and key != "revert":
                    wrong += [Problem(at, f"[[{key}]]: {s!r} matches no identity in the store", False)
                              for s in Correction(key, entry, "").selectors if not index.select(s)]  # fmt: skip
                problems += wrong
    return problems


def _entry_problems(kind: str, entry: dict[str, Any]) -> Iterator[str]:
    needed, optional = KINDS[kind]
    for key in needed:
        if key not in entry:
            yield f"needs {key!r}"
    for key in entry.keys() - {*needed, *optional, *META}:
        yield f"{key!r} is not a key of [[{kind}]] (it has {', '.join([*needed, *optional, *META])})"
    listed = entry.get("identities", ["-", "-"])
    if not isinstance(listed, list) or len(listed) < 2 or not all(isinstance(s, str) and s.strip() for s in listed):
        yield "identities: a list of two or more identities"
    for key in ("identity", "entry", "name", "org", "why", "by"):
        if key in entry and not isinstance(entry[key], str):
            yield f"{key}: a string"
    if "bot" in entry and not isinstance(entry["bot"], bool):
        yield "bot: true or false"
    moments: dict[str, datetime] = {}
    for key in ("from", "until", "at"):
        if key in entry:
            try:
                moment = _moment(entry[key])
            except (TypeError, ValueError):
                yield f"{key}: a date, YYYY-MM-DD"
            else:
                moments.update({key: moment} if moment else {})
    if "from" in moments and "until" in moments and moments["from"] >= moments["until"]:
        yield "from: before until"


def load_overrides(path: Path, included: Iterable[Path] = ()) -> Overrides:
    """The corrections at path (empty, to be saved there, when the file does not exist yet), with
    the community's files read before it. A file with a mistake is an error naming its line."""
    community = tuple(_read(p) for p in included)
    if not path.is_file():
        document = tomlkit.document()
        document.add(tomlkit.comment(HEADER))
        return Overrides(path, document, community)
    return Overrides(path, _read(path).document, community)


def _read(path: Path) -> Overrides:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the people corrections: {exc.strerror}") from None
    problems = [p for p in check_text(text) if p.error]
    if problems:
        first = problems[0]
        raise ConfigError(f"{path}:{first.line}: {first.message} (`niche people corrections check` lists every one)")
    try:
        return Overrides(path, tomlkit.parse(text))
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not a valid people corrections file: {exc}") from None


def _moment(value: date | datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


class SelectorIndex:
    """Finds identities by the ways a user names them (see the module docstring)."""

    def __init__(self, identities: Iterable[Identity]) -> None:
        self._index: dict[str, list[str]] = {}
        for ident in identities:
            keys = {ident.key}
            email = norm.canonical_email(ident.email)
            if email:
                keys.add(email)
            if ident.username:
                keys.add(f"{ident.source_kind}:{ident.username.lower()}")
            if ident.name:
                keys.add("name:" + " ".join(norm.name_tokens(ident.name)))
            for k in keys:
                self._index.setdefault(k, []).append(ident.key)

    def select(self, selector: str) -> list[str]:
        selector = selector.strip()
        if selector.lower().startswith("name:"):
            key = "name:" + " ".join(norm.name_tokens(selector[5:]))
        elif "@" in selector and ":" not in selector:
            key = norm.canonical_email(selector) or selector.lower()
        elif ":" in selector:
            kind, _, username = selector.partition(":")
            key = f"{kind.lower()}:{username.lower()}"
        else:
            key = selector
        return self._index.get(key, [])

"""The user's word on people, kept in a TOML file beside niche.toml so it survives every re-sync
and re-resolution, and can be reviewed and shared like code:

    [[merge]]                      # these identities are one person
    identities = ["jdoe@example.com", "github:jdoe"]

    [[split]]                      # this identity is someone else: joined only by a [[merge]]
    identity = "shared@example.com"

    [[person]]                     # name shown, or bot / not a bot
    identity = "jdoe@example.com"
    name = "Jane Doe"
    bot = false

    [[affiliation]]                # employer for a time (dates optional)
    identity = "jdoe@example.com"
    org = "Example Inc"
    from = 2019-04-01
    until = 2021-01-01

    [domains]                      # more email domains; "" marks a personal mail provider
    "example.com" = "Example Inc"

An identity is named by an email address, by "kind:username" (github:jdoe, gerrit:jdoe,
launchpad:jdoe, irc:jdoe), by "name:Full Name", or by its identity id.
"""

from __future__ import annotations

from collections.abc import Iterable
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

HEADER = "niche people overrides: always win over what niche works out. See `niche people --help`."


@dataclass
class Overrides:
    """The file as the user wrote it (tomlkit keeps their comments and layout when niche adds to
    it), read through the properties below."""

    path: Path | None = None
    document: tomlkit.TOMLDocument = field(default_factory=tomlkit.document)

    @property
    def merges(self) -> list[list[str]]:
        return [[str(i) for i in m["identities"]] for m in self.document.get("merge", [])]

    @property
    def splits(self) -> list[str]:
        return [str(s["identity"]) for s in self.document.get("split", [])]

    @property
    def people(self) -> list[dict[str, Any]]:  # identity, name?, bot?
        return [p.unwrap() for p in self.document.get("person", [])]

    @property
    def affiliations(self) -> list[dict[str, Any]]:  # identity, org, from?, until?
        return [a.unwrap() for a in self.document.get("affiliation", [])]

    @property
    def domains(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.document.get("domains", {}).items()}

    def merge(self, identities: list[str]) -> None:
        self._entries("merge").append({"identities": identities})

    def split(self, identity: str) -> None:
        if identity not in self.splits:
            self._entries("split").append({"identity": identity})

    def set_person(self, identity: str, values: dict[str, Any]) -> None:
        entry = next((p for p in self._entries("person") if p["identity"] == identity), None)
        if entry is None:
            self._entries("person").append({"identity": identity} | values)
        else:
            entry.update(values)

    def add_affiliation(self, identity: str, org: str, start: date | None, until: date | None) -> None:
        dates = {k: v for k, v in (("from", start), ("until", until)) if v}
        self._entries("affiliation").append({"identity": identity, "org": org} | dates)

    def _entries(self, kind: str) -> tomlkit.items.AoT:
        if kind not in self.document:
            self.document[kind] = tomlkit.aot()
        return self.document[kind]

    def save(self) -> None:
        if self.path is None:
            raise ConfigError("no people overrides file to write to")
        self.path.write_text(tomlkit.dumps(self.document))

    def stated_periods(self, index: SelectorIndex) -> dict[str, list[Period]]:
        """identity key -> the periods stated for it (the caller maps them to people)."""
        stated: dict[str, list[Period]] = {}
        for entry in self.affiliations:
            period = Period(entry["org"], _moment(entry.get("from")), _moment(entry.get("until")), "stated")
            for key in index.select(entry["identity"])[:1]:
                stated.setdefault(key, []).append(period)
        return stated


def load_overrides(path: Path) -> Overrides:
    """The overrides at path; empty ones (to be saved there) when the file does not exist yet."""
    if not path.is_file():
        return Overrides(path, tomlkit.document().add(tomlkit.comment(HEADER)))
    try:
        overrides = Overrides(path, tomlkit.parse(path.read_text()))
        overrides.merges, overrides.splits, overrides.people, overrides.affiliations, overrides.domains  # noqa: B018
        return overrides
    except (TOMLKitError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: not a valid people overrides file: {exc}") from None


def _moment(value: date | datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
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

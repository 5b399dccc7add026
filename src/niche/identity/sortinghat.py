"""SortingHat interop: a GrimoireLab community's curated people, both ways.

SortingHat (GrimoireLab's identity manager) exports individuals as JSON: `uidentities`, keyed by
the individual's uuid, each with its `identities` (source, name, email, username), its
`enrollments` (organisation, start, end; 1900-01-01 and 2100-01-01 mean "ever") and a `profile`
(shown name, is_bot); `organizations` maps each organisation to its domains.

Importing turns each individual into corrections in niche's people file, the same entries
`niche people merge` and `niche people set --org` write: the identities are one person, they
worked for this organisation then, this is their name, this is a bot. Each says it came from
SortingHat, from which file and individual, so `niche people why` and `niche people log` show
it as evidence, and `niche people revert` undoes it like any correction. Re-importing the same
file adds nothing.

Exporting writes niche's people in the same format, for `sortinghat load` (0.7) or any tool
that reads it: every person with their identities (ids computed as SortingHat computes them)
and their employers over time. People who opted out are left out: the export names people.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from unidecode import unidecode

from niche.errors import ConfigError
from niche.identity.overrides import Correction, Overrides
from niche.store import Store

BY = "SortingHat"
EVER = (date(1900, 1, 1), date(2100, 1, 1))  # SortingHat's open ends of an enrollment
# SortingHat's source names (GrimoireLab backends and the older ones) -> niche's identity kinds
KINDS = {"scm": "git", "git": "git", "github": "github", "gitlab": "gitlab", "gerrit": "gerrit",
         "launchpad": "launchpad", "mbox": "mail", "pipermail": "mail", "hyperkitty": "mail", "mls": "mail",
         "groupsio": "mail", "supybot": "irc", "irc": "irc", "slack": "slack", "mattermost": "mattermost",
         "discourse": "discourse", "askbot": "askbot", "stackexchange": "stackexchange", "zulip": "zulip",
         "gitter": "gitter", "rss": "feeds"}  # fmt: skip


@dataclass(frozen=True)
class Individual:
    uuid: str
    selectors: tuple[str, ...]  # how niche names each of its identities (see overrides)
    name: str | None
    is_bot: bool
    enrollments: tuple[tuple[str, date | None, date | None], ...]  # org, from, until (None: open)


@dataclass
class Imported:
    individuals: int = 0
    entries: int = 0  # corrections added
    already: int = 0  # corrections the people file already had
    problems: list[str] = field(default_factory=list)  # one line per individual that could not be read


def _selector(identity: dict[str, Any]) -> str | None:
    email, username, name = (identity.get(k) for k in ("email", "username", "name"))
    kind = KINDS.get(str(identity.get("source") or "").lower(), str(identity.get("source") or "").lower())
    if isinstance(email, str) and "@" in email.strip(" @"):
        return email.strip()
    if isinstance(username, str) and username.strip() and kind:
        return f"{kind}:{username.strip()}"
    if isinstance(name, str) and name.strip():
        return f"name:{name.strip()}"
    return None


def _day(text: Any) -> date | None:
    """A SortingHat date, None for its open ends."""
    day = datetime.fromisoformat(str(text).replace("Z", "+00:00")).date()
    return None if day <= EVER[0] or day >= EVER[1] else day


def _individual(uuid: str, raw: Any) -> Individual:
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    selectors = dict.fromkeys(s for i in raw.get("identities") or [] if (s := _selector(i)))
    profile = raw.get("profile") or {}
    enrollments = []
    for e in raw.get("enrollments") or []:
        start, end = _day(e.get("start", "1900-01-01")), _day(e.get("end", "2100-01-01"))
        if start and end and start >= end:
            raise ValueError(f"enrollment in {e.get('organization')!r} ends before it starts")
        enrollments.append((str(e["organization"]), start, end))
    name = profile.get("name")
    return Individual(str(raw.get("uuid") or uuid), tuple(selectors),
                      name.strip() if isinstance(name, str) and name.strip() else None,
                      profile.get("is_bot") is True, tuple(enrollments))  # fmt: skip


def read_export(path: Path) -> tuple[list[Individual], list[str]]:
    """The individuals of a SortingHat export, and a line for each one that could not be read."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a SortingHat export (JSON): {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("uidentities"), dict):
        raise ConfigError(f"{path}: not a SortingHat export: no 'uidentities' object")
    found, problems = [], []
    for uuid, raw in data["uidentities"].items():
        try:
            found.append(_individual(uuid, raw))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}: individual {uuid}: {type(exc).__name__}: {exc}; not imported")
    return found, problems


def import_export(overrides: Overrides, path: Path) -> Imported:
    """Add a SortingHat export's merges, names, bot marks and enrollments to the people file."""
    individuals, problems = read_export(path)
    result = Imported(len(individuals), problems=problems)
    known = {c.entry_id for c in overrides.entries()}
    for person in individuals:
        why = f"individual {person.uuid} in {path.name}"
        wanted: list[tuple[str, dict[str, Any]]] = []
        if len(person.selectors) >= 2:
            wanted.append(("merge", {"identities": list(person.selectors)}))
        first = person.selectors[0] if person.selectors else None
        if first and (person.name or person.is_bot):
            wanted.append(("person", {"identity": first} | ({"name": person.name} if person.name else {})
                           | ({"bot": True} if person.is_bot else {})))  # fmt: skip
        for org, start, until in person.enrollments if first else ():
            dates = {k: v for k, v in (("from", start), ("until", until)) if v}
            wanted.append(("affiliation", {"identity": first, "org": org} | dates))
        for kind, values in wanted:
            if Correction(kind, values, "").entry_id in known:
                result.already += 1
                continue
            overrides.add(kind, values, BY, why)
            known.add(Correction(kind, values, "").entry_id)
            result.entries += 1
    return result


def sortinghat_id(source: str, email: str | None, name: str | None, username: str | None) -> str:
    """An identity's id as SortingHat computes it: sha1 of source:email:name:username, lower case,
    the name without accents."""
    text = ":".join((str(source), str(email), unidecode(str(name)), str(username))).lower()
    return hashlib.sha1(text.encode("utf-8", errors="surrogateescape")).hexdigest()


def export(store: Store) -> dict[str, Any]:
    """niche's people in SortingHat's export format; people who opted out are not in it."""
    rows = store.con.execute(
        """SELECT p.person_id, p.name, p.is_bot, i.source_kind, i.name, i.email, i.username
           FROM people p JOIN person_identities pi USING (person_id) JOIN identities i USING (identity_id)
           WHERE NOT coalesce(p.opted_out, false)
           ORDER BY p.person_id, i.source_kind, i.email, i.name, i.username"""
    ).fetchall()
    enrolled = store.con.execute(
        """SELECT person_id, org, valid_from, valid_until FROM affiliations
           WHERE org IS NOT NULL ORDER BY person_id, valid_from NULLS FIRST"""
    ).fetchall()
    individuals: dict[str, dict[str, Any]] = {}
    for person, shown, bot, kind, name, email, username in rows:
        uuid = hashlib.sha1(person.encode()).hexdigest()
        one = individuals.setdefault(person, {
            "uuid": uuid, "identities": [], "enrollments": [],
            "profile": {"uuid": uuid, "name": shown, "email": email, "gender": None, "gender_acc": None,
                        "is_bot": bool(bot), "country": None},
        })  # fmt: skip
        one["profile"]["email"] = one["profile"]["email"] or email
        one["identities"].append({"id": sortinghat_id(kind, email, name, username), "uuid": uuid, "source": kind,
                                  "name": name, "email": email, "username": username})  # fmt: skip
    organizations: dict[str, list[Any]] = {}
    for person, org, start, until in enrolled:
        if person not in individuals:
            continue
        organizations.setdefault(org, [])
        individuals[person]["enrollments"].append({
            "uuid": individuals[person]["uuid"], "organization": org,
            "start": (start or datetime(*EVER[0].timetuple()[:3])).strftime("%Y-%m-%dT%H:%M:%S"),
            "end": (until or datetime(*EVER[1].timetuple()[:3])).strftime("%Y-%m-%dT%H:%M:%S"),
        })  # fmt: skip
    return {
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
        "source": "niche",
        "blacklist": [],
        "organizations": organizations,
        "uidentities": {one["uuid"]: one for one in individuals.values()},
    }

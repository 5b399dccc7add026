"""The identity and affiliation log: every change to a person's record is an entry saying what,
when, why and by whom, and any entry can be undone.

Automatic entries are what changed between two resolutions (identities joined or parted, an
employment period found or lost, an account marked as automation), with the evidence. Entries
by hand are the corrections files' own entries, with the line they stand on. Undoing an entry
writes a correction into the local corrections file (`reverts = ID`), never deletes anything: an
automatic merge is undone by keeping its two sides apart, an automatic split by merging them, a
found period by stating the employer not known then, a correction by a [[revert]] of it. The
store is rebuilt from corrections on every run, so an undo survives every later sync.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from niche.errors import NotFoundError
from niche.identity import normalize as norm
from niche.identity.affiliations import Period
from niche.identity.overrides import Correction, Overrides, SelectorIndex, entry_id
from niche.identity.resolve import Identity, Resolution
from niche.store import Store


@dataclass(frozen=True)
class LogEntry:
    entry_id: str
    at: datetime
    action: str
    subject: list[str]
    what: str
    why: str | None
    by: str
    origin: str
    data: dict[str, Any] = field(default_factory=dict)
    active: bool = True


@dataclass(frozen=True)
class State:
    """What the store said of people before a resolution: identity -> person, person -> its
    periods (org, start), the people marked as bots."""

    person_of: Mapping[str, str]
    periods: Mapping[str, set[tuple[str | None, datetime | None]]]
    bots: set[str]

    @classmethod
    def read(cls, store: Store) -> State:
        periods: dict[str, set] = defaultdict(set)
        for person, org, start in store.con.execute("SELECT person_id, org, valid_from FROM affiliations").fetchall():
            periods[person].add((org, start))
        person_of = dict(store.con.execute("SELECT identity_id, person_id FROM person_identities").fetchall())
        bots = {p for (p,) in store.con.execute("SELECT person_id FROM people WHERE is_bot").fetchall()}
        return cls(person_of, periods, bots)


def _label(ident: Identity, shown: Mapping[str, str]) -> str:
    """An identity in words, without its address: its kind and name (or a person's pseudonym)."""
    if ident.key in shown:
        return shown[ident.key]
    name = ident.name if ident.name and not norm.find_email(ident.name) else None
    domain = norm.email_domain(norm.find_email(ident.email, ident.name))
    return f"{ident.source_kind} {name or ident.username or 'identity ' + ident.key[:8]!r}" + (
        f" (an address at {domain})" if domain else ""
    )


def automatic(
    before: State,
    resolution: Resolution,
    periods: Mapping[str, list[Period]],
    by_key: Mapping[str, Identity],
    shown: Mapping[str, str],
    names: Mapping[str, str],
    now: datetime,
) -> list[LogEntry]:
    """The changes between the store's people before and this resolution, as log entries.
    shown: identity -> what to call it instead of its name (a pseudonym for people who opted out);
    names: person -> the name shown for them."""
    entries: list[LogEntry] = []

    def add(action: str, subject: list[str], what: str, why: str | None, data: dict | None = None) -> None:
        eid = entry_id("auto", action, *subject, what, now.isoformat())
        entries.append(LogEntry(eid, now, action, subject, what, why, "niche", "automatic", data or {}))

    label = lambda key: _label(by_key[key], shown)  # noqa: E731
    for ev in resolution.joined:  # evidence that joined two earlier people, or a new identity, is a merge
        was_a, was_b = before.person_of.get(ev.a), before.person_of.get(ev.b)
        if was_a is None or was_a != was_b:
            add("merge", [ev.a, ev.b], f"{label(ev.a)} and {label(ev.b)} are one person", f"{ev.rule}: {ev.detail}")
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # old person -> new -> keys
    for key, old in before.person_of.items():
        if key in resolution.person_of:
            groups[old][resolution.person_of[key]].append(key)
    held = {frozenset((ev.a, ev.b)) for ev, _ in resolution.held_apart}
    for parts in groups.values():
        firsts = [min(keys) for keys in parts.values()]
        for other in firsts[1:]:
            why = "kept apart by a correction" if held else "the evidence that joined them is gone"
            add("split", [firsts[0], other], f"{label(firsts[0])} and {label(other)} are no longer one person", why)
    for root, found in periods.items():  # a person's id is their first identity's
        had = before.periods.get(before.person_of.get(root, ""), set())
        now_held = {(p.org, p.start) for p in found}
        for p in found:
            if (p.org, p.start) not in had:
                span = f"{_day(p.start, 'ever')} to {_day(p.end, 'now')}"
                add("affiliation", [root], f"{names[root]} worked for {p.org} from {span}", p.reason,
                    {"org": p.org, "from": _day(p.start), "until": _day(p.end), "found": True})  # fmt: skip
        for org, start in had - now_held:
            what = f"{names[root]} no longer counted at {org} from {_day(start, 'ever')}"
            why = "the addresses that showed it are gone, or a correction says otherwise"
            add("affiliation", [root], what, why, {"org": org, "from": _day(start)})
    people = resolution.people()
    for person, members in people.items():
        bot = all(k in resolution.bots for k in members)
        was = before.person_of.get(person)
        if bot != (was in before.bots) and (bot or was is not None):
            what = f"{names[person]} {'marked as automation' if bot else 'no longer marked as automation'}"
            add("bot", [person], what, "its name or address looks like automation" if bot else None, {"bot": bot})
    return entries


def _day(moment: datetime | date | None, otherwise: str | None = None) -> str | None:
    return f"{moment:%Y-%m-%d}" if moment else otherwise


def by_hand(overrides: Overrides, index: SelectorIndex, shown: Mapping[str, str], now: datetime) -> list[LogEntry]:
    """Every entry of the corrections files as a log entry; reverted ones marked inactive."""
    active = {c.entry_id for c in overrides.entries()}
    everything = [c for o in (*overrides.included, overrides) for c in o.own_entries()]
    return [_entry(c, index, shown, now, c.entry_id in active) for c in everything]


def _entry(c: Correction, index: SelectorIndex, shown: Mapping[str, str], now: datetime, active: bool) -> LogEntry:
    subject = [k for s in c.selectors for k in index.select(s)]
    hidden = any(k in shown for k in subject)
    said = ", ".join(c.selectors)
    what = {
        "merge": f"merged {said}",
        "split": f"split off {said}",
        "apart": f"kept apart {said}",
        "person": f"set {said}: " + ", ".join(f"{k} = {v}" for k, v in c.values.items() if k in ("name", "bot")),
        "affiliation": f"{said} worked for {c.values.get('org') or '(not known)'}"
        f" from {c.values.get('from', 'ever')} until {c.values.get('until', 'now')}",
        "optout": f"opted out {said}",
        "revert": f"reverted entry {c.values.get('entry')}",
    }[c.kind]
    if hidden:  # a person who opted out: neither their names nor their addresses are written
        what = f"{c.kind} of a person who opted out"
    at = c.values.get("at")
    when = datetime(at.year, at.month, at.day) if isinstance(at, date) else now
    undoes = c.values.get("reverts") or (c.values["entry"] if c.kind == "revert" else None)
    data = {"reverts": str(undoes)} if undoes else {}
    why = None if hidden or not c.values.get("why") else norm.without_addresses(str(c.values["why"]))
    by = str(c.values.get("by") or "a corrections file")
    return LogEntry(c.entry_id, when, c.kind, subject, norm.without_addresses(what), why, by, c.origin, data, active)


def write(store: Store, entries: list[LogEntry]) -> None:
    """Add entries (inside the caller's transaction); an entry already logged keeps its date."""
    if not entries:
        return
    rows = pa.table(
        {
            "entry_id": [e.entry_id for e in entries],
            "happened_at": pa.array([e.at for e in entries], pa.timestamp("us")),
            "action": [e.action for e in entries],
            "subject": pa.array([e.subject for e in entries], pa.list_(pa.string())),
            "what": [e.what for e in entries],
            "why": pa.array([e.why for e in entries], pa.string()),
            "by_whom": [e.by for e in entries],
            "origin": [e.origin for e in entries],
            "data": [json.dumps(e.data) for e in entries],
            "active": [e.active for e in entries],
        }
    )
    store.con.register("new_log_entries", rows)
    try:
        store.con.execute(
            """INSERT INTO people_log SELECT * FROM new_log_entries
               ON CONFLICT (entry_id) DO UPDATE SET origin = excluded.origin, active = excluded.active,
                   what = excluded.what, why = excluded.why, subject = excluded.subject"""
        )
    finally:
        store.con.unregister("new_log_entries")


def withhold(store: Store, opted_out: set[str]) -> None:
    """Rewrite what the log says of identities whose person opted out: no names, no reasons."""
    if opted_out:
        store.con.execute(
            """UPDATE people_log SET what = action || ' of a person who opted out', why = NULL
               WHERE list_has_any(subject, ?)""",
            [sorted(opted_out)],
        )


def selector_of(store: Store, key: str) -> str:
    """How a correction names an identity: its address, its account, or its id."""
    email, kind, username = store.one(
        "SELECT email, source_kind, username FROM identities WHERE identity_id = ?", [key]
    )
    email = norm.canonical_email(email)
    if email and not norm.is_placeholder_email(email):
        return email
    return f"{kind}:{username}" if username else key


def listed(store: Store, person_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The log newest first (or only the entries about one person's identities): what, when, why,
    by whom, whether it applies, and the entry that undid it. A log, not a metric: it stays out of
    the metrics (and their Parquet export) and is read here."""
    return store.rows(
        """SELECT l.entry_id, l.happened_at, l.action, l.what, l.why, l.by_whom, l.origin, l.active,
                  (SELECT first(r.entry_id) FROM people_log r
                   WHERE r.active AND json_extract_string(r.data, '$.reverts') = l.entry_id) AS undone_by
           FROM people_log l
           WHERE $person_id IS NULL OR list_has_any(l.subject, (SELECT list(identity_id) FROM person_identities
                                                                  WHERE person_id = $person_id))
           ORDER BY l.happened_at DESC, l.entry_id LIMIT $limit""",
        {"person_id": person_id, "limit": limit},
    )


def find(store: Store, prefix: str) -> LogEntry:
    rows = store.con.execute(
        """SELECT entry_id, happened_at, action, subject, what, why, by_whom, origin, data, active FROM people_log
           WHERE entry_id LIKE ? || '%'""",
        [prefix.strip().lstrip("#")],
    ).fetchall()
    if len(rows) != 1:
        found = "no log entry" if not rows else "more than one log entry"
        raise NotFoundError(f"{prefix}: {found} has that id (see `niche people log`)")
    entry, at, action, subject, what, why, by, origin, data, active = rows[0]
    return LogEntry(entry, at, action, subject, what, why, by, origin, json.loads(data or "{}"), active)


def revert(store: Store, overrides: Overrides, entry: LogEntry, by: str | None, why: str | None) -> str:
    """Write the correction that undoes an entry into the local corrections file; what it did."""
    meta = {"reverts": entry.entry_id}
    if entry.origin != "automatic":
        overrides.add("revert", {"entry": entry.entry_id}, by, why)
        return f"reverted {entry.action} {entry.entry_id}"
    sel = [selector_of(store, k) for k in entry.subject]
    if entry.action == "merge":
        overrides.add("apart", {"identities": sel} | meta, by, why)
        return f"kept apart {', '.join(sel)}"
    if entry.action == "split":
        overrides.add("merge", {"identities": sel} | meta, by, why)
        return f"merged {', '.join(sel)}"
    if entry.action == "bot":
        overrides.add("person", {"identity": sel[0], "bot": not entry.data["bot"]} | meta, by, why)
        return f"{sel[0]} {'not ' if entry.data['bot'] else ''}marked as automation"
    if entry.action == "affiliation":
        dates = {k: date.fromisoformat(entry.data[k]) for k in ("from", "until") if entry.data.get(k)}
        org = "" if entry.data.get("found") else entry.data["org"]
        overrides.add("affiliation", {"identity": sel[0], "org": org} | dates | meta, by, why)
        return f"stated {sel[0]} worked for {org or '(not known)'} then"
    raise NotFoundError(f"{entry.entry_id}: a {entry.action} entry cannot be undone")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)

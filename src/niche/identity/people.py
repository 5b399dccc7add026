"""People in the store: every identity resolved, with .mailmap files and the user's overrides,
into people with a name, bot flag, evidence and affiliation periods. Re-run after every sync:
it rebuilds from identities, activities and the overrides file, so nothing a user said is lost."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pyarrow as pa

from niche.errors import AmbiguousError, NotFoundError
from niche.identity import log
from niche.identity import normalize as norm
from niche.identity.affiliations import Period, Seen, periods_from_seen, with_stated
from niche.identity.bots import ci_by_behaviour
from niche.identity.guards import guards_between
from niche.identity.mailmap import Mailmap, mailmap_evidence
from niche.identity.organisations import shipped
from niche.identity.overrides import Overrides, SelectorIndex
from niche.identity.resolve import Evidence, Identity, Resolution, explain, resolve
from niche.store import Store


@dataclass(frozen=True)
class PeopleSummary:
    identities: int
    people: int


def load_identities(store: Store) -> list[Identity]:
    rows = store.con.execute(
        """SELECT identity_id, source_kind, name, email, username, coalesce(is_bot, false)
           FROM identities ORDER BY identity_id"""
    ).fetchall()
    return [Identity(*row) for row in rows]


def person_of(store: Store, who: str) -> str:
    """The person `who` names: an identity selector (email, kind:username, name:Full Name, an
    identity or person id) or a plain name ("Stephen Finucane"). A name that fits several people
    is an AmbiguousError listing them; one that fits nobody a NotFoundError."""
    index = SelectorIndex(load_identities(store))
    keys = index.select(who)
    plain = not keys and ":" not in who and "@" not in who
    if plain:
        keys = index.select(f"name:{who}")
    people = _people_of(store, keys)
    if not people and who.strip():
        people = _people_of(store, [who.strip()], by="person_id")  # a person's id, as the dashboard links it
    by_name = plain or who.lower().startswith("name:")
    if by_name:  # the name niche shows for a person (a .mailmap's, the user's) counts too
        name = " ".join(norm.name_tokens(who[5:] if who.lower().startswith("name:") else who))
        people += [p for p, shown in store.con.execute("SELECT person_id, name FROM people").fetchall()
                   if name and " ".join(norm.name_tokens(shown)) == name and p not in people]  # fmt: skip
    if not people:
        raise NotFoundError(f"{who}: nobody by that name or identity (use a name, an email, kind:username or an id)")
    if len(people) > 1 and by_name:
        raise AmbiguousError(f"{who}: {len(people)} people have that name; say which", _describe_people(store, people))
    return people[0]


def _people_of(store: Store, keys: list[str], by: str = "identity_id") -> list[str]:
    """The distinct people of these identities (or person ids), the most active first."""
    if not keys:
        return []
    rows = store.con.execute(
        f"""SELECT pi.person_id FROM person_identities pi LEFT JOIN activities a USING (identity_id)
            WHERE pi.{by} IN (SELECT unnest(?::VARCHAR[])) GROUP BY pi.person_id
            ORDER BY count(a.identity_id) DESC, pi.person_id""",
        [keys],
    ).fetchall()
    return [r[0] for r in rows]


def _describe_people(store: Store, people: list[str]) -> list[tuple[str, str]]:
    """(person id, a line telling them apart: employers, years, contributions, sources) for each."""
    rows = store.con.execute(
        """SELECT p.person_id, p.name, count(a.identity_id), min(a.occurred_at), max(a.occurred_at),
                  string_agg(DISTINCT i.source_kind, ', ' ORDER BY i.source_kind),
                  (SELECT string_agg(org, ' then ' ORDER BY valid_from) FROM affiliations f
                   WHERE f.person_id = p.person_id)
           FROM people p JOIN person_identities pi USING (person_id) JOIN identities i USING (identity_id)
           LEFT JOIN activities a ON a.identity_id = pi.identity_id
           WHERE p.person_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY p.person_id, p.name""",
        [people],
    ).fetchall()
    said = {
        p: f"{name} ({orgs or 'no employer known'}; {first:%Y}-{last:%Y}; {contributions:,} contributions in {kinds})"
        if last else f"{name} (no contributions; in {kinds})"
        for p, name, contributions, first, last, kinds, orgs in rows
    }  # fmt: skip
    return [(p, said.get(p, p)) for p in people]


def resolve_people(store: Store, overrides: Overrides | None = None, bots: tuple[str, ...] = ()) -> PeopleSummary:
    """Rebuild people, person_identities, identity_evidence and affiliations from the identities
    and the corrections, and log what changed."""
    overrides = overrides or Overrides()
    identities = load_identities(store)
    by_key = {i.key: i for i in identities}
    index = SelectorIndex(identities)
    mailmap_names, known = _mailmap_evidence(store, identities)
    known += _override_evidence(overrides, index)
    detached = {key for selector in overrides.splits for key in index.select(selector)}
    apart, apart_by = _apart(overrides, index)
    resolution = resolve(identities, known, detached, bots, ci_by_behaviour(store.con), apart)
    mailmap_names = {key: name for key, name in mailmap_names.items() if key not in detached}  # the user said otherwise
    people = _describe(store, identities, resolution, mailmap_names, overrides, index)
    pseudonyms = _opted_out(overrides, index, resolution)
    for person, pseudonym in pseudonyms.items():
        people[person] = (pseudonym, people[person][1], None)
    shown = {key: pseudonyms[p] for key, p in resolution.person_of.items() if p in pseudonyms}
    affiliations = _affiliations(store, identities, resolution, overrides, index)
    periods: dict[str, list[Period]] = defaultdict(list)
    for person, period in affiliations:
        periods[person].append(period)
    moment = log.now()
    names = {person: described[0] for person, described in people.items()}
    entries = log.automatic(log.State.read(store), resolution, periods, by_key, shown, names, moment)
    entries += log.by_hand(overrides, index, shown, moment)
    held = [(ev, apart_by[i]) for ev, i in resolution.held_apart]
    _write(store, resolution, people, affiliations, held, set(shown), set(pseudonyms))
    with store.transaction():
        log.write(store, entries)
        log.withhold(store, set(shown))
    return PeopleSummary(len(identities), len(people))


def _apart(overrides: Overrides, index: SelectorIndex) -> tuple[list[tuple[str, str]], list[str]]:
    """Pairs of identities said to be different people, and the correction behind each pair."""
    pairs, owners = [], []
    for c in overrides.aparts:
        groups = [index.select(s) for s in c.selectors]
        for i, left in enumerate(groups):
            for right in groups[i + 1 :]:
                for a in left:
                    for b in right:
                        pairs.append((a, b))
                        owners.append(c.entry_id)
    return pairs, owners


def _opted_out(overrides: Overrides, index: SelectorIndex, resolution: Resolution) -> dict[str, str]:
    """person -> the pseudonym they are shown by, for everyone who opted out by any identity.
    The pseudonym comes from the opt-out entry, so it stays the same across syncs and merges."""
    pseudonyms: dict[str, str] = {}
    for c in overrides.optouts:
        for key in index.select(c.selectors[0])[:1]:
            pseudonyms.setdefault(resolution.person_of[key], f"Contributor {c.entry_id[:6]}")
    return pseudonyms


def _mailmap_evidence(store: Store, identities: list[Identity]) -> tuple[dict[str, str], list[Evidence]]:
    """What every synced repository's .mailmap says of the git identities."""
    texts = [json.loads(a or "{}").get("mailmap") for (a,) in store.con.execute(
        "SELECT attrs FROM sources WHERE kind = 'git'").fetchall()]  # fmt: skip
    mailmaps = [Mailmap(t) for t in texts if t]
    return mailmap_evidence(identities, mailmaps, lambda ident: ident.source_kind == "git")


def _override_evidence(overrides: Overrides, index: SelectorIndex) -> list[Evidence]:
    evidence = []
    for merge in (c for c in overrides.entries() if c.kind == "merge"):
        keys = [key for selector in merge.selectors for key in index.select(selector)]
        said = f"merged by {merge.values.get('by') or 'the user'}: {', '.join(merge.selectors)}"
        said += f" ({merge.values['why']})" if merge.values.get("why") else ""
        evidence += [Evidence(keys[0], k, "override", said) for k in keys[1:]]
    return evidence


def _describe(
    store: Store,
    identities: list[Identity],
    resolution: Resolution,
    mailmap_names: dict[str, str],
    overrides: Overrides,
    index: SelectorIndex,
) -> dict[str, tuple[str, bool, str | None]]:
    """person -> (name shown, is a bot, primary email). The name: the user's, else the .mailmap's,
    else the full name used on most contributions."""
    weight = dict(store.con.execute("SELECT identity_id, count(*) FROM activities GROUP BY identity_id").fetchall())
    by_key = {i.key: i for i in identities}
    people: dict[str, tuple[str, bool, str | None]] = {}
    for person, members in resolution.people().items():
        names: Counter[str] = Counter()
        emails: Counter[str] = Counter()
        for key in members:
            ident, w = by_key[key], weight.get(key, 0) + 1
            name = mailmap_names.get(key) or ident.name
            tokens = norm.name_tokens(name)
            if name and "@" not in name and not norm.is_generic_name(tokens):  # a name, not an address
                names[name] += w * (10 if len(tokens) > 1 else 1) * (100 if key in mailmap_names else 1)
            email = norm.canonical_email(ident.email)
            if email and not norm.is_placeholder_email(email):
                emails[email] += w
        first = by_key[members[0]]
        fallback = first.username or norm.mailbox_name(norm.find_email(first.email, first.name)) or person
        shown = names.most_common(1)[0][0] if names else fallback
        bot = all(k in resolution.bots for k in members)
        people[person] = (shown, bot, emails.most_common(1)[0][0] if emails else None)
    for entry in overrides.people:
        for key in index.select(entry["identity"])[:1]:
            person = resolution.person_of[key]
            shown, bot, email = people[person]
            people[person] = (entry.get("name", shown), bool(entry.get("bot", bot)), email)
    return people


def _affiliations(
    store: Store, identities: list[Identity], resolution: Resolution, overrides: Overrides, index: SelectorIndex
) -> list[tuple[str, Period]]:
    orgs = shipped().with_domains(overrides.domains)
    domain_org = {i.key: orgs.org_of(norm.find_email(i.email, i.name)) for i in identities}
    seen: dict[str, list[Seen]] = defaultdict(list)
    for key, since, day in store.con.execute(_SEEN).fetchall():
        if key in resolution.person_of:
            named = domain_org[key]
            org = named and orgs.employer(named, datetime(day.year, day.month, day.day))
            seen[resolution.person_of[key]].append(Seen(day, since, org))
    stated: dict[str, list[Period]] = defaultdict(list)
    for key, periods in overrides.stated_periods(index).items():
        stated[resolution.person_of[key]] += [replace(p, org=p.org and orgs.canonical(p.org)) for p in periods]
    return [
        (person, period)
        for person in seen.keys() | stated.keys()
        for period in with_stated(periods_from_seen(seen.get(person, [])), stated.get(person, []))
        if period.org
    ]


# The days each address was seen in use. Only sources that record the address with the
# contribution date it: a commit's author and committer, a mail's From line. A review server or
# tracker reports an account's address as it is when niche reads it (Gerrit's 2011 reviews come
# back with addresses of companies founded in 2015), which joins identities but dates nothing.
# A commit its author also committed under the same address was last written on its committer
# date; under another address, that one is seen then instead (as the commit's committer).
_SEEN = """
    SELECT a.identity_id, CAST(a.occurred_at AS DATE) AS since,
           CAST(CASE WHEN c.committer_id = a.identity_id THEN greatest(a.occurred_at, c.committer_at)
                     ELSE a.occurred_at END AS DATE) AS day
    FROM activities a
    JOIN identities i ON i.identity_id = a.identity_id AND i.source_kind IN ('git', 'mail')
    LEFT JOIN commits c ON a.kind = 'commit.authored' AND c.source = a.source AND c.item_id = a.item_id
    WHERE a.occurred_at IS NOT NULL
    GROUP BY ALL
"""


def _write(
    store: Store,
    resolution: Resolution,
    people: dict[str, tuple[str, bool, str | None]],
    affiliations: list[tuple[str, Period]],
    held: list[tuple[Evidence, str]],
    withheld: set[str],
    opted_out: set[str],
) -> None:
    """Replace the people tables. What reaches them is what outputs may show: evidence and
    reasons without addresses, and nothing but the rule for people who opted out (withheld)."""
    ids = list(people)
    names, bots, emails = zip(*people.values(), strict=True) if people else ((), (), ())
    keys = list(resolution.person_of)
    evidence = [(ev, None) for ev in resolution.evidence] + held

    def said(rule: str, detail: str, *keys: str) -> str:
        return rule if withheld.intersection(keys) else norm.without_addresses(detail)

    with store.transaction():
        for table in ("person_identities", "people", "identity_evidence", "affiliations"):
            store.con.execute(f"DELETE FROM {table}")
        store.insert("people", {"person_id": ids, "name": names, "is_bot": bots, "email": emails,
                                "opted_out": [p in opted_out for p in ids]})  # fmt: skip
        store.insert(
            "person_identities",
            {
                "identity_id": keys,
                "person_id": [resolution.person_of[k] for k in keys],
                "reason": [said(resolution.reason_of[k].split(":")[0], resolution.reason_of[k], k) for k in keys],
            },
        )
        store.insert(
            "identity_evidence",
            {
                "a": [ev.a for ev, _ in evidence],
                "b": [ev.b for ev, _ in evidence],
                "rule": [ev.rule for ev, _ in evidence],
                "detail": [said("(withheld)", ev.detail, ev.a, ev.b) for ev, _ in evidence],
                "held_apart_by": [by for _, by in evidence],
            },
        )
        store.insert(
            "affiliations",
            {
                "person_id": [p for p, _ in affiliations],
                "org": [a.org for _, a in affiliations],
                "valid_from": pa.array([a.start for _, a in affiliations], pa.timestamp("us")),
                "valid_until": pa.array([a.end for _, a in affiliations], pa.timestamp("us")),
                "reason": [a.reason for _, a in affiliations],
            },
        )


@dataclass(frozen=True)
class Why:
    """Why two identities are one person: the chain of evidence, step by step (identity, rule,
    identity, detail; empty for the same identity); or, when they are two people (chain None),
    what keeps them apart (a correction, a split, or the resolver's guard) and what would join them."""

    chain: list[tuple[str, str, str, str]] | None
    held_apart: list[str]


def why(store: Store, first: str, second: str) -> Why:
    """What `niche people why FIRST SECOND` says; identities as outputs show them."""
    index = SelectorIndex(load_identities(store))
    a, b = index.select(first)[:1], index.select(second)[:1]
    if not a or not b:
        raise NotFoundError(f"{first if not a else second}: no identity matches")
    rows = store.con.execute("SELECT a, b, rule, detail FROM identity_evidence WHERE held_apart_by IS NULL").fetchall()
    chain = explain([Evidence(*row) for row in rows], a[0], b[0])
    if chain is None:
        return Why(None, apart_because(store, a[0], b[0], first, second))
    label = "source_kind || ' ' || coalesce(name, username, '?')"
    labels = dict(store.con.execute(f"SELECT identity_id, {label} FROM shown_identities").fetchall())
    return Why([(labels[e.a], e.rule, labels[e.b], e.detail) for e in chain], [])


def kept_apart(store: Store, a: str, b: str) -> list[str]:
    """Why two identities are different people when evidence would join them: the correction that
    keeps their people apart (who, when, why) and the evidence it overrides."""
    rows = store.con.execute(
        """WITH mine AS (SELECT identity_id FROM person_identities WHERE person_id =
                             (SELECT person_id FROM person_identities WHERE identity_id = ?)),
                theirs AS (SELECT identity_id FROM person_identities WHERE person_id =
                             (SELECT person_id FROM person_identities WHERE identity_id = ?))
           SELECT e.rule, e.detail, l.entry_id, json_extract_string(l.data, '$.reverts'),
                  l.by_whom, l.happened_at, l.why
           FROM identity_evidence e LEFT JOIN people_log l ON l.entry_id = e.held_apart_by
           WHERE e.held_apart_by IS NOT NULL
             AND ((e.a IN (FROM mine) AND e.b IN (FROM theirs)) OR (e.b IN (FROM mine) AND e.a IN (FROM theirs)))""",
        [a, b],
    ).fetchall()
    lines = []
    for rule, detail, entry, undoes, by, at, why in rows:
        undone = f", undoing log entry {undoes}" if undoes else ""
        said = f"kept apart by {by} on {at:%Y-%m-%d} (log entry {entry}{undone})" + (f": {why}" if why else "")
        lines += [said, f"  the evidence that would join them: {rule}: {detail}"]
    return list(dict.fromkeys(lines))


def apart_because(store: Store, a: str, b: str, said_a: str, said_b: str) -> list[str]:
    """Why identities a and b (named by the user as said_a, said_b) are two people: the correction
    that keeps them apart, else the resolver's guard that did; and what evidence would join them."""
    held = kept_apart(store, a, b) + _split_off(store, a, b, said_a, said_b)
    if held:
        return held
    sides = []
    for key in (a, b):
        (person,) = store.one("SELECT person_id FROM person_identities WHERE identity_id = ?", [key])
        keys = {k for (k,) in store.con.execute(
            "SELECT identity_id FROM person_identities WHERE person_id = ?", [person]).fetchall()}  # fmt: skip
        bot = store.value("SELECT is_bot FROM people WHERE person_id = ?", [person])
        sides.append(([i for i in load_identities(store) if i.key in keys], bool(bot)))
    return guards_between(sides[0][0], sides[1][0], said_a, said_b, (sides[0][1], sides[1][1]))


def _split_off(store: Store, a: str, b: str, said_a: str, said_b: str) -> list[str]:
    """The splits by hand of either person's identities: only a merge by hand joins those again."""
    rows = store.con.execute(
        """SELECT entry_id, by_whom, happened_at, why, what FROM people_log
           WHERE action = 'split' AND origin <> 'automatic' AND active
             AND list_has_any(subject, (SELECT list(identity_id) FROM person_identities WHERE person_id IN
                 (SELECT person_id FROM person_identities WHERE identity_id IN (?, ?))))
           ORDER BY happened_at, entry_id""",
        [a, b],
    ).fetchall()
    lines = []
    for entry, by, at, why, what in rows:
        merge = f"`niche people merge {said_a} {said_b}`"
        lines += [f"{what} by {by} on {at:%Y-%m-%d} (log entry {entry})" + (f": {why}" if why else ""),
                  f"  what would join them: `niche people revert {entry}`, or {merge}"]  # fmt: skip
    return lines


@dataclass(frozen=True)
class PersonDetails:
    """What the store knows of one person: shown by `niche people show` and the profile page."""

    person_id: str
    name: str
    is_bot: bool
    email: str | None
    identities: list[tuple[str, str | None, str | None, str | None, str]]  # kind, name, email, username, why
    periods: list[tuple[str, datetime | None, datetime | None, str]]  # org, from, until, reason


def shown_email(email: str | None, show: bool) -> str:
    """An address as reports show it: hidden unless the user asked to see addresses."""
    if not email:
        return ""
    return email if show else "(hidden)"


def shown_identity(identity: tuple[Any, ...], show: bool) -> dict[str, Any]:
    """One identity (kind, name, email, username[, why]) as JSON output shows it: its address
    hidden unless the user asked to see addresses."""
    kind, name, email, username, *why = identity
    return {"kind": kind, "name": name, "email": shown_email(email, show) or None, "username": username} | (
        {"why": why[0]} if why else {}
    )


def person_ids(store: Store) -> list[str]:
    """Every person's id, bots included."""
    return [p for (p,) in store.con.execute("SELECT person_id FROM people ORDER BY person_id").fetchall()]


def person_details(store: Store, person_id: str) -> PersonDetails | None:
    found = store.con.execute("SELECT name, is_bot, email FROM people WHERE person_id = ?", [person_id]).fetchone()
    if found is None:
        return None
    identities = store.con.execute(
        """SELECT source_kind, name, email, username, reason FROM shown_identities
           WHERE person_id = ? ORDER BY source_kind, name""",
        [person_id],
    ).fetchall()
    periods = store.con.execute(
        "SELECT org, valid_from, valid_until, reason FROM affiliations WHERE person_id = ? ORDER BY valid_from",
        [person_id],
    ).fetchall()
    name, is_bot, email = found
    return PersonDetails(person_id, name, is_bot, email, identities=identities, periods=periods)

"""Which identities are one person: evidence between identities, then the people it connects.

Every merge rests on a piece of evidence between two identities (an edge) that can be shown to a
user: the same mailbox, the same account, the same full name or its short form ("Matt"/"Matthew"),
a username made from a name, one login seen in several places, a .mailmap line, an override.
People are the connected groups. What guards against merging two people matters more than what
finds one person twice (a wrong merge hides a contributor):

- placeholder addresses (root@localhost, you@example.com) and generic names ("Your Name",
  "ubuntu") are no evidence at all;
- an address used under clearly different names (a shared or role address, "info@") links only
  the identities whose names agree;
- a full name alone merges only when it is distinctive: a short given name with one of the most
  common family names ("Wei Wang", "John Smith") needs a second clue (the same mail domain or
  the same mailbox name); the same goes for such a name run together as a login ("weiwang");
- a login or handle that is a word of someone's name in the community ("kunal", "christophe")
  identifies nobody; a mailbox name alone ("david@") is not a login;
- single-word names never merge on the name alone; bots and people never merge.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import networkx as nx
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from niche.identity import normalize as norm
from niche.identity.bots import is_bot
from niche.identity.organisations import shipped
from niche.sources.bounds import bounded


@dataclass(frozen=True, slots=True)
class Identity:
    key: str  # identity_id in the store, a row number for the standalone resolver
    source_kind: str  # git, gerrit, github, launchpad, mail, irc, ...
    name: str | None
    email: str | None
    username: str | None = None
    is_bot: bool = False  # the service itself says so (a Slack integration, a Discourse system user)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two identities are the same person, in words a user can check."""

    a: str
    b: str
    rule: str  # same-email, same-account, same-name, similar-name, short-name, handle, same-login, mailmap, override
    detail: str


@dataclass
class Resolution:
    person_of: dict[str, str]  # identity key -> person id (the smallest identity key of the person)
    reason_of: dict[str, str]  # identity key -> how it joined its person
    evidence: list[Evidence]
    bots: set[str] = field(default_factory=set)  # identity keys that look like automation
    # evidence not followed, with the index of the apart-pair that forbade it
    held_apart: list[tuple[Evidence, int]] = field(default_factory=list)
    joined: list[Evidence] = field(default_factory=list)  # the evidence that joined two groups: one per merge

    def people(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for key, person in self.person_of.items():
            members[person].append(key)
        return dict(members)


@dataclass(frozen=True, slots=True)
class _Prepared:
    ident: Identity
    email: str | None  # canonical, None when absent or a placeholder
    mailbox: str | None  # the name before the @, also on a machine's address; None for "root"-like defaults
    tokens: tuple[str, ...]  # name words; () when the name says nothing
    nick: bool  # written as one word ("jdoe", "Psycho-Pirate"): a login typed as the name
    bot: bool

    @property
    def full_name(self) -> str:
        return " ".join(self.tokens)

    @property
    def named(self) -> bool:
        """A name of two words or more, which another name can contradict; a nick cannot."""
        return len(self.tokens) > 1 and not self.nick


SIMILAR_NAME = 90  # rapidfuzz ratio (0-100) above which two names can be one person's


def resolve(
    identities: Iterable[Identity],
    known: Iterable[Evidence] = (),
    detached: Iterable[str] = (),
    bots: tuple[str, ...] = (),
    bot_keys: Iterable[str] = (),
    apart: Iterable[tuple[str, str]] = (),
) -> Resolution:
    """Group identities into people.

    known: evidence from outside (.mailmap, user overrides), taken as it is.
    detached: identities the user split off; only the user's own merges ("override") join them.
    bots: more automation account names (niche.toml [people] bots).
    bot_keys: identities known to be automation by what they do (e.g. CI posting build results).
    apart: pairs of identities the user said are two people: no evidence joins them, directly or
        through others (the evidence that would is kept in Resolution.held_apart).
    """
    bot_keys = set(bot_keys)
    prepared = [_prepare(ident, bots, ident.key in bot_keys) for ident in identities]
    by_key = {p.ident.key: p for p in prepared}
    detached = set(detached)
    candidates: dict[tuple[str, str], Evidence] = {}
    for ev in known:  # the user's word first, then .mailmap: the first evidence between two identities stands
        if ev.rule != "override" and (ev.a in detached or ev.b in detached):
            continue
        if ev.a in by_key and ev.b in by_key and ev.a != ev.b:
            candidates.setdefault(_pair(ev), ev)
    for ev in _found_evidence(prepared):
        if ev.a in detached or ev.b in detached or by_key[ev.a].bot != by_key[ev.b].bot:
            continue
        candidates.setdefault(_pair(ev), ev)
    groups = _Groups(by_key, apart)
    graph = nx.Graph()
    graph.add_nodes_from(by_key)
    held_apart, joined = [], []
    for ev in sorted(candidates.values(), key=lambda ev: ev.rule != "override"):
        apart_before = groups.find(ev.a) != groups.find(ev.b)
        blocked = groups.join(ev.a, ev.b)
        if blocked is None:
            graph.add_edge(ev.a, ev.b, evidence=ev)
            if apart_before:
                joined.append(ev)
        else:
            held_apart.append((ev, blocked))
    person_of: dict[str, str] = {}
    reason_of: dict[str, str] = {}
    for component in nx.connected_components(graph):
        person = min(component)
        person_of[person], reason_of[person] = person, "first identity of this person"
        for parent, child in nx.bfs_edges(graph, person):
            person_of[child] = person
            ev = graph.edges[parent, child]["evidence"]
            reason_of[child] = f"{ev.rule}: {ev.detail}"
    evidence = [data["evidence"] for _, _, data in graph.edges(data=True)]
    bots_found = {p.ident.key for p in prepared if p.bot}
    return Resolution(person_of, reason_of, evidence, bots_found, held_apart, joined)


def _pair(ev: Evidence) -> tuple[str, str]:
    return (ev.a, ev.b) if ev.a < ev.b else (ev.b, ev.a)


class _Groups:
    """Union-find over identities that refuses a union putting two identities said to be apart
    into one group: each group carries the sides of the apart-pairs it holds."""

    def __init__(self, keys: Iterable[str], apart: Iterable[tuple[str, str]]) -> None:
        self.parent = {k: k for k in keys}
        self.sides: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for i, pair in enumerate(apart):
            for side, key in enumerate(pair):
                if key in self.parent:
                    self.sides[key].add((i, side))

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> int | None:
        """Join a's and b's groups; when they may not be one, the apart-pair that forbids it."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for i, side in self.sides[ra]:
            if (i, 1 - side) in self.sides[rb]:
                return i
        self.parent[rb] = ra
        self.sides[ra] |= self.sides.pop(rb, set())
        return None


def explain(evidence: Iterable[Evidence], a: str, b: str) -> list[Evidence] | None:
    """The shortest chain of evidence that makes identities a and b one person; None when they are two."""
    graph = nx.Graph()
    graph.add_nodes_from((a, b))
    for ev in evidence:
        graph.add_edge(ev.a, ev.b, evidence=ev)
    if not nx.has_path(graph, a, b):
        return None
    path = nx.shortest_path(graph, a, b)
    return [graph.edges[x, y]["evidence"] for x, y in itertools.pairwise(path)]


def _prepare(ident: Identity, bots: tuple[str, ...], bot: bool = False) -> _Prepared:
    # A store written before sources bounded their fields, or a CSV row, may hold a 100 KB name:
    # matching one took minutes, on every sync. Compared within bounds, its key stays whole.
    ident = replace(ident, name=bounded(ident.name), email=bounded(ident.email), username=bounded(ident.username))
    email = norm.find_email(ident.email, ident.name)
    mailbox = norm.mailbox_name(email or ident.email)
    if norm.is_placeholder_email(email):
        email = None
    tokens = norm.name_tokens(ident.name)
    if norm.is_generic_name(tokens):
        tokens = ()
    nick = bool(tokens) and not any(c.isspace() for c in (ident.name or "").strip())
    bot = bot or ident.is_bot or is_bot(ident.name, ident.email, ident.username, bots)
    return _Prepared(ident, email, mailbox, tokens, nick, bot)


def _found_evidence(prepared: list[_Prepared]) -> Iterator[Evidence]:
    yield from _same_email(prepared)
    yield from _same_account(prepared)
    yield from _same_name(prepared)
    yield from _similar_names(prepared)
    yield from _short_given_names(prepared)
    name_words = {t for p in prepared if p.named for t in p.tokens}  # a login that is one identifies nobody
    yield from _handles(prepared, name_words)
    yield from _same_login(prepared, name_words)


def _groups(prepared: Iterable[_Prepared], key) -> Iterator[tuple[str, list[_Prepared]]]:
    groups: dict[str, list[_Prepared]] = defaultdict(list)
    for p in prepared:
        k = key(p)
        if k:
            groups[k].append(p)
    for k, members in groups.items():
        if len(members) > 1:
            yield k, members


def _names_agree(a: _Prepared, b: _Prepared) -> bool:
    """Two names that can be one person's: a word of 3+ letters in common, or one the short form
    of the other's ("Chris", "Christos"), or one spelling of the other."""
    if not a.tokens or not b.tokens:
        return True  # a missing name does not disagree
    if any(x.startswith(y) or y.startswith(x) for x in a.tokens if len(x) > 2 for y in b.tokens if len(y) > 2):
        return True
    return fuzz.ratio(norm.name_key(a.tokens), norm.name_key(b.tokens)) >= SIMILAR_NAME


def _all_agree(named: list[_Prepared]) -> bool:
    return all(_names_agree(x, y) for i, x in enumerate(named) for y in named[i + 1 :])


def _same_email(prepared: list[_Prepared]) -> Iterator[Evidence]:
    """One mailbox, one person; unless the mailbox is used under names that cannot be one person
    (a shared or role address): then only identities whose names agree are linked."""
    for email, members in _groups(prepared, lambda p: p.email):
        named = [p for p in members if p.named]
        role = norm.email_local(email) in norm.ROLE_LOCAL_PARTS
        shared = role or not _all_agree(named)
        if not shared:
            yield from _star(members, "same-email", email)
            continue
        for i, x in enumerate(named):  # a shared address: link by it only those who agree by name
            for y in named[i + 1 :]:
                if _names_agree(x, y):
                    yield Evidence(x.ident.key, y.ident.key, "same-email", f"{email} (shared address, names agree)")


def _same_account(prepared: list[_Prepared]) -> Iterator[Evidence]:
    """One account on one server (a Gerrit username, GitHub login, Launchpad id, IRC nick), and
    GitHub's private noreply addresses, which name the login they belong to."""

    def account(p: _Prepared) -> str | None:
        login = norm.github_login_of(p.email)
        if login:
            return f"github:{login}"
        return f"{p.ident.source_kind}:{p.ident.username.lower()}" if p.ident.username else None

    for key, members in _groups(prepared, account):
        yield from _star(members, "same-account", key)


def _distinctive(tokens: tuple[str, ...]) -> bool:
    """A name unlikely to belong to two people in one community: at least two words, and not a
    short given name with one of the world's most common family names ("Wei Wang", "John Smith")."""
    if len(tokens) != 2:
        return len(tokens) > 2
    a, b = tokens
    return not ((a in norm.COMMON_FAMILY_NAMES and len(b) <= 5) or (b in norm.COMMON_FAMILY_NAMES and len(a) <= 5))


def _corroborated(a: _Prepared, b: _Prepared) -> bool:
    """A second clue beside a common name: the same mailbox name or the same organisation domain."""
    if a.mailbox and a.mailbox == b.mailbox:
        return True
    domain = norm.email_domain(a.email)
    return domain is not None and domain == norm.email_domain(b.email) and not shipped().is_personal(domain)


def _same_name(prepared: list[_Prepared]) -> Iterator[Evidence]:
    for key, members in _groups(prepared, lambda p: norm.name_key(p.tokens) if len(p.tokens) >= 2 else None):
        if _distinctive(members[0].tokens):
            yield from _star(members, "same-name", " ".join(members[0].tokens))
            continue
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                if _corroborated(x, y):
                    yield Evidence(x.ident.key, y.ident.key, "same-name", f"{key}, and the same mailbox or domain")


def _similar_names(prepared: list[_Prepared]) -> Iterator[Evidence]:
    """Spellings of one distinctive name that differ by a typo in one word ("Dolores Umbrige") or
    by spacing ("ChangBo Guo", "Chang Bo Guo"). Names a letter or two apart are often two people
    ("Alexander Gordeev", "Alexander Gorodnev", "Andrew Dawson", "Andrew Lawson"), so a typo
    counts only in a long word, once, and not in its first letter.

    Candidates meet on a key, not by comparing every pair: the joined words, or the name with one
    letter of one word deleted (two words one edit apart share such a deletion), so the work grows
    with the number of names, whatever their distribution."""
    distinct: dict[str, _Prepared] = {}
    for p in prepared:
        if _distinctive(p.tokens):
            distinct.setdefault(p.full_name, p)
    meeting: dict[str, list[str]] = defaultdict(list)
    for name, p in distinct.items():
        meeting["".join(p.tokens)].append(name)
        for i, word in enumerate(p.tokens):
            if len(word) >= 6:
                before, after = " ".join(p.tokens[:i]), " ".join(p.tokens[i + 1 :])
                for cut in range(len(word) + 1):
                    meeting[f"{before}|{word[:cut]}{word[cut + 1 :]}|{after}"].append(name)
    seen: set[tuple[str, str]] = set()
    for names in meeting.values():
        for i, x in enumerate(names):
            for y in names[i + 1 :]:
                pair = (x, y) if x < y else (y, x)
                if x != y and pair not in seen and _one_typo_apart(distinct[x].tokens, distinct[y].tokens):
                    seen.add(pair)
                    yield Evidence(distinct[x].ident.key, distinct[y].ident.key, "similar-name", f"{x!r} ~ {y!r}")


def _short_given_names(prepared: list[_Prepared]) -> Iterator[Evidence]:
    """A given name and its short form with the same uncommon family name ("Matt Dietz",
    "Matthew Dietz"). A short form that fits several long ones ("Chris": "Christine",
    "Christopher") joins none of them."""
    by_rest: dict[tuple[str, ...], dict[str, _Prepared]] = defaultdict(dict)
    for p in prepared:
        if _distinctive(p.tokens) and p.tokens[-1] not in norm.COMMON_FAMILY_NAMES:
            by_rest[p.tokens[1:]].setdefault(p.tokens[0], p)
    for given in by_rest.values():
        for short, p in given.items():
            longer = [g for g in given if len(short) >= 3 and g != short and g.startswith(short)]
            if len(longer) == 1:
                q = given[longer[0]]
                yield Evidence(p.ident.key, q.ident.key, "short-name", f"{p.full_name!r} is short for {q.full_name!r}")


def _common_name_run(login: str, name_words: set[str]) -> bool:
    """A login that is a common name run together ("chenxing", "weiwang"): like the name, it
    may be several people's."""
    halves = ((login[:i], login[i:]) for i in range(2, len(login) - 1))
    return any(a in name_words and b in name_words and not _distinctive((a, b)) for a, b in halves)


def _one_typo_apart(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if "".join(a) == "".join(b):
        return True
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differ) != 1:
        return False
    x, y = differ[0]  # a typo rarely hits the first letter: "Dawson" and "Lawson" are two names
    return min(len(x), len(y)) >= 6 and x[0] == y[0] and Levenshtein.distance(x, y) == 1


def _handles(prepared: list[_Prepared], name_words: set[str]) -> Iterator[Evidence]:
    """A username or mailbox name made from someone's name (jdoe, john.doe) joins an identity that
    has no name of its own, or a name that agrees. Not a handle that is someone's name here
    ("christophe" from "Christoph Egger"), nor initials with a common family name ("ajones")."""
    owners: dict[str, list[_Prepared]] = defaultdict(list)
    for p in prepared:
        if _distinctive(p.tokens):
            for handle in norm.handles(p.tokens, initials=p.tokens[-1] not in norm.COMMON_FAMILY_NAMES):
                if handle not in name_words:
                    owners[handle].append(p)
    for p in prepared:
        said = (p.mailbox, (p.ident.username or "").lower(), norm.github_login_of(p.email))
        mine = {handle for handle in said if handle}
        if len(p.tokens) == 1:
            mine.add(p.tokens[0])  # a login typed as the name: "JoryKlaverstijn"
        for handle in mine:
            candidates = owners.get(handle, ())
            if len(handle) < 5 or handle in norm.ROLE_LOCAL_PARTS or not candidates:
                continue
            if len({c.full_name for c in candidates}) > 1 and not _one_name(candidates):
                continue  # two different names make this handle: it identifies neither
            owner = candidates[0]
            if owner is not p and (not p.named or _names_agree(owner, p)):
                yield Evidence(p.ident.key, owner.ident.key, "handle", f"{handle!r} is made from {owner.full_name!r}")


def _one_name(people: list[_Prepared]) -> bool:
    """All these names are one name or its short form ("Matt Dietz", "Matthew Dietz")."""
    longest = max(people, key=lambda p: len(p.full_name)).tokens
    return all(p.tokens[1:] == longest[1:] and longest[0].startswith(p.tokens[0]) for p in people)


def _star(members: list[_Prepared], rule: str, detail: str) -> Iterator[Evidence]:
    first = members[0].ident.key
    for other in members[1:]:
        yield Evidence(first, other.ident.key, rule, detail)


def _same_login(prepared: list[_Prepared], name_words: set[str]) -> Iterator[Evidence]:
    """One login seen in several places: a GitHub login or account name that is another
    identity's nickname or mailbox name ("mmythen" and mmythen@gmail.com), or one nickname on
    several addresses ("jamestitus299"). Mailbox names alone are not logins ("david@" is anyone),
    and a login that is a word of someone's name here ("kunal"), a common name run together
    ("chenxing"), or used under names that disagree, identifies nobody."""
    holders: dict[str, list[tuple[_Prepared, str]]] = defaultdict(list)  # login -> (identity, where seen)
    for p in prepared:
        seen = {norm.login_key(x): "login" for x in (norm.github_login_of(p.email), p.ident.username) if x}
        if p.nick:
            seen.setdefault(norm.login_key(p.full_name), "nickname")
        if p.mailbox:
            seen.setdefault(norm.login_key(p.mailbox), "mailbox name")
        for login, where in seen.items():
            holders[login].append((p, where))
    for login, members in holders.items():
        if (
            len(login) < 5
            or login in name_words
            or login in norm.ROLE_LOCAL_PARTS
            or _common_name_run(login, name_words)
        ):
            continue
        members.sort(key=lambda m: m[1] == "mailbox name")  # a login or nickname first: the others meet it
        if len(members) < 2 or members[0][1] == "mailbox name":
            continue
        if not _all_agree([p for p, _ in members if p.named]):
            continue
        (first, seen_as), rest = members[0], members[1:]
        for p, where in rest:
            yield Evidence(
                first.ident.key, p.ident.key, "same-login", f"{login!r}: {seen_as} of one, {where} of the other"
            )

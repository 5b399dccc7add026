"""Find your niche: concrete places where help is wanted now (untriaged bugs, changes nobody has
reviewed, unanswered questions, docs left behind by their code, areas mostly one person's work),
matched to what someone has worked on before or says they care about, each with a link where the
source has one and the reasons it was suggested.

Waiting items are recent ones: a question unanswered for years is a backlog, not an opportunity,
so only those of the last RECENT_DAYS count, the longest waiting first. Each item is suggested
once, under its most specific kind (an untriaged bug nobody answered is an untriaged bug)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from niche import metrics
from niche.store import Store

RECENT_DAYS = 90  # how far back a question, bug or change waiting for someone is still news
# metric -> (what the opportunity is, words a stated interest may use for it); an item found by
# two is suggested under the first
KINDS = {
    "untriaged_bugs": ("untriaged bug", ("triage", "bugs")),
    "waiting_reviews": ("change waiting for review", ("review", "reviews", "code")),
    "open_questions": ("unanswered question", ("support", "questions", "help", "user_support", "mail")),
    "stale_docs": ("docs behind their code", ("docs", "documentation", "writing")),
}
LONE_AREA = ("area with bus factor 1", ("code", "maintenance", "bus factor"))
WAITING = frozenset(KINDS[m][0] for m in ("untriaged_bugs", "waiting_reviews", "open_questions"))
INTEREST_WORDS = dict([*KINDS.values(), LONE_AREA])  # what the opportunity is -> words for it


@dataclass(frozen=True)
class Opportunity:
    kind: str
    title: str
    url: str | None
    place: str  # repository, review project, tracker project or list
    area: str  # code area, bug tags or branch; may be empty
    since: datetime | None  # waiting since
    detail: str
    reasons: tuple[str, ...] = ()
    score: float = 0.0
    key: str = ""  # the item it is about (source and id), so it is suggested once


@dataclass(frozen=True)
class Place:
    """Somewhere a person has worked, from person_areas.sql."""

    kind: str
    name: str
    items: int


def candidates(store: Store, as_of: datetime, months: int, recent_days: int = RECENT_DAYS) -> list[Opportunity]:
    since = as_of - timedelta(days=recent_days)
    found: dict[str, Opportunity] = {}
    for metric, (kind, _) in KINDS.items():
        for r in metrics.run(store, metric, as_of=as_of, months=months, since=since):
            key = f"{r['source']}\x1f{r['item_id']}"
            found.setdefault(key, Opportunity(kind, r["title"] or r["item_id"], r["url"], r["place"] or "",
                                              r["area"] or "", r["since"], r["detail"], key=key))  # fmt: skip
    remotes = dict(
        store.con.execute(
            "SELECT name, json_extract_string(attrs, '$.remote_url') FROM sources WHERE kind = 'git'"
        ).fetchall()
    )
    for r in metrics.run(store, "bus_factor", as_of=as_of, months=months):
        if r["bus_factor"] == 1 and r["area"] != "*" and r["commits"] >= 5:
            if r["contributors"] == 1:
                title, detail = "rests on one person", f"all {r['commits']} commits in {months} months by one person"
            else:
                title = "is mostly one person's work"
                detail = (f"{r['top_commits']} of its {r['commits']} commits in {months} months by one person, "
                          f"{r['contributors'] - 1} other{'s' if r['contributors'] > 2 else ''} the rest")  # fmt: skip
            key = f"area\x1f{r['repo']}\x1f{r['area']}"
            found[key] = Opportunity(LONE_AREA[0], f"{r['repo']}: {r['area']} {title}", remotes.get(r["repo"]),
                                     r["repo"], r["area"], None, detail, key=key)  # fmt: skip
    return list(found.values())


def _words(text: str) -> set[str]:
    return {w for w in text.lower().replace(":", " ").replace("/", " ").split() if len(w) >= 3}


def _reasons(o: Opportunity, places: list[Place], interests: Iterable[str]) -> tuple[list[str], float]:
    reasons, score = [], 0.0
    text = f"{o.title} {o.place} {o.area} {o.detail}".lower()
    for interest in interests:
        if interest in INTEREST_WORDS[o.kind] or interest in text:
            reasons.append(f"matches your interest '{interest}'")
            score += 2
    here = {o.place.lower(), o.place.lower().rsplit("/", 1)[-1]} - {""}
    for p in places:
        repo, _, area = p.name.lower().partition(": ")
        if p.kind == "code area" and repo in here and area == o.area.lower():
            reasons.append(f"you worked in {p.name} ({p.items} commits)")
            score += 3
        elif p.kind == "bug tag" and p.name.lower() in _words(o.area):
            reasons.append(f"you worked on bugs tagged {p.name} ({p.items})")
            score += 2
        elif p.kind != "code area" and p.name.lower() in here:
            reasons.append(f"you are active in {p.name} ({p.items} {p.kind} items)")
            score += 1
    return reasons[:3], score


def niches(
    store: Store,
    as_of: datetime,
    months: int = 12,
    person_id: str | None = None,
    interests: Iterable[str] = (),
    limit: int = 20,
) -> list[Opportunity]:
    """The opportunities matched to the person's places and stated interests, best match first and
    then longest waiting; with neither, the longest waiting of each kind."""
    interests = [i.strip().lower() for i in interests if i.strip()]
    places = (
        [Place(r["place_kind"], r["place"], r["items"])
         for r in metrics.run(store, "person_areas", as_of=as_of, person_id=person_id)]
        if person_id else []
    )  # fmt: skip
    ranked = []
    for o in candidates(store, as_of, months):
        reasons, match = _reasons(o, places, interests)
        waiting = (as_of - o.since).days if o.since else 0
        if not (places or interests):
            reasons = [_why(o, waiting)]
        elif not reasons:
            continue
        ranked.append(
            Opportunity(**{**o.__dict__, "reasons": tuple(reasons), "score": match + math.log1p(max(waiting, 0)) / 10})
        )
    ranked.sort(key=lambda o: (-o.score, o.kind, o.title))
    return _spread(ranked, limit)


def _why(o: Opportunity, days: int) -> str:
    """Why an opportunity is shown to someone who gave no person or interests."""
    if o.kind in WAITING:
        return f"waiting {days} days"
    if o.since:
        return f"its docs last changed {days} days ago"
    return "what one person knows is worth spreading: learn it beside them"


def _spread(ranked: list[Opportunity], limit: int) -> list[Opportunity]:
    """The best of each kind first, so one busy kind does not hide the others."""
    by_kind: dict[str, list[Opportunity]] = {}
    for o in ranked:
        by_kind.setdefault(o.kind, []).append(o)
    spread: list[Opportunity] = []
    while len(spread) < limit and any(by_kind.values()):
        for kind in list(by_kind):
            if by_kind[kind] and len(spread) < limit:
                spread.append(by_kind[kind].pop(0))
    return sorted(spread, key=lambda o: (-o.score, o.kind, o.title))

"""Who someone worked for, and when: email domains mapped to organisations, then periods.

Contributions are attributed to the employer of the day (people change jobs and keep
contributing), so an affiliation is a period, not a label: from the first day a person used an
address of an organisation until the first day of the next one. A user's stated periods win
over anything derived from addresses.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Period:
    org: str | None
    start: datetime | None  # None: since ever
    end: datetime | None  # exclusive; None: until now
    reason: str


@dataclass(frozen=True)
class DomainMap:
    orgs: Mapping[str, str]  # domain -> organisation
    personal: frozenset[str]  # mail providers: no employer

    def org_of(self, email: str | None) -> str | None:
        """The organisation of an address, by its domain or the nearest parent domain listed."""
        if not email or "@" not in email:
            return None
        labels = email.rsplit("@", 1)[1].lower().split(".")
        for i in range(len(labels) - 1):
            domain = ".".join(labels[i:])
            if domain in self.personal:
                return None
            if domain in self.orgs:
                return self.orgs[domain]
        return None


@cache
def _shipped() -> dict:
    return tomllib.loads(resources.files("niche.identity").joinpath("domains.toml").read_text())


PERSONAL_DOMAINS = frozenset(_shipped()["personal"])


def domain_map(extra: Mapping[str, str] = {}) -> DomainMap:
    """The shipped map with a user's additions (domain -> organisation; "" marks a personal domain)."""
    orgs = {domain: org for org, domains in _shipped()["organisations"].items() for domain in domains}
    personal = set(PERSONAL_DOMAINS)
    for domain, org in extra.items():
        domain = domain.lower()
        if org:
            orgs[domain] = org
            personal.discard(domain)
        else:
            personal.add(domain)
            orgs.pop(domain, None)
    return DomainMap(orgs, frozenset(personal))


def periods_from_uses(uses: Iterable[tuple[str | None, datetime, datetime]]) -> list[Period]:
    """Employment periods from when each address was used: (org, first, last), org None for a
    personal or unknown address (its periods say "employer unknown"; the caller drops them).

    From any moment the organisation is the one whose use began most recently and goes on;
    when none goes on, the last one carries on; the first period starts with the first use and the last
    one stays open.
    """
    uses = sorted(uses, key=lambda u: (u[1], u[2]))
    if not uses:
        return []
    moments = sorted({t for _, first, last in uses for t in (first, last)})
    periods: list[Period] = []
    for moment in moments:
        covering = [u for u in uses if u[1] == moment or u[1] <= moment < u[2]]  # what holds from this moment
        org = max(covering, key=lambda u: u[1])[0] if covering else periods[-1].org
        if not periods or periods[-1].org != org:
            periods.append(Period(org, moment, None, "email domain"))
    return [
        Period(p.org, p.start, following.start, p.reason) for p, following in itertools.pairwise(periods)
    ] + periods[-1:]


def with_stated(derived: list[Period], stated: list[Period]) -> list[Period]:
    """Derived periods with the user's stated ones laid over them: a stated period wins wherever it
    covers, derived periods keep what is left on either side."""
    result = list(derived)
    for own in stated:
        kept = []
        for p in result:
            if own.start is not None and (p.start is None or p.start < own.start):
                kept.append(Period(p.org, p.start, own.start if p.end is None else min(p.end, own.start), p.reason))
            if own.end is not None and (p.end is None or own.end < p.end):
                kept.append(Period(p.org, own.end if p.start is None else max(p.start, own.end), p.end, p.reason))
        result = [*kept, own]
    return sorted(result, key=lambda p: p.start or datetime.min)

"""Why two people are kept apart when no correction says so: the resolver's guard that refused
what looked like evidence between their identities, and the evidence that would join them.

Two "Dan Smith"s are two records because a common name alone joins nobody; a user who knows they
are one person needs to hear that, and what to give niche (an address both used, a .mailmap line,
`niche people merge`). Addresses are never said, only their domains."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from niche.identity import normalize as norm
from niche.identity.resolve import Identity, _corroborated, _distinctive, _names_agree, _prepare, _Prepared

MERGE = "`niche people merge {a} {b}` (kept in the corrections file, with --why)"


def guards_between(ours: list[Identity], theirs: list[Identity], a: str, b: str, bots: tuple[bool, bool]) -> list[str]:
    """Lines saying which guard kept these two people's identities apart (a and b as the user named
    them; bots: whether each person is marked as automation), each followed by the evidence that
    would join them."""
    said: dict[str, str] = {}
    mine, yours = [_prepare(i, ()) for i in ours], [_prepare(i, ()) for i in theirs]
    if bots[0] != bots[1]:
        said["bot"] = "one is an automation account and the other a person: bots and people never merge"
    for x in mine:
        for y in yours:
            for guard, line in _refused(x, y):
                said.setdefault(guard, line)
    if not said:
        return [
            "no evidence joins them: no address, account, login or distinctive name of one is the other's",
            f"  what would join them: an address or account both used, a .mailmap line, or {MERGE.format(a=a, b=b)}",
        ]
    lines = []
    for guard, line in said.items():
        lines += [line, f"  what would join them: {_would_join(guard, a, b)}"]
    return lines


def _refused(x: _Prepared, y: _Prepared) -> list[tuple[str, str]]:
    """(guard, what it refused) for one identity of each person."""
    found = []
    ex, ey = norm.canonical_email(x.ident.email), norm.canonical_email(y.ident.email)
    if ex and ex == ey:
        domain = ex.rsplit("@", 1)[1]
        if x.email is None:
            found.append(("placeholder", f"both used one placeholder address (at {domain}), which many people use"))
        elif not _names_agree(x, y) or norm.email_local(ex) in norm.ROLE_LOCAL_PARTS:
            names = f"{x.ident.name!r}, {y.ident.name!r}"
            found.append(("shared", f"both used one address at {domain}, under names that cannot be one person's "
                                    f"({names}): a shared address joins only names that agree"))  # fmt: skip
    if x.tokens and x.tokens == y.tokens:
        name = x.full_name
        if len(x.tokens) == 1:
            found.append(("one-word", f"the one-word name {name!r} joins nobody on its own"))
        elif not _distinctive(x.tokens) and not _corroborated(x, y):
            found.append(("common", f"{name!r} is a common name (a short given name with one of the most common "
                                    "family names): it joins two identities only with a second clue, the same "
                                    f"mailbox name or an organisation's domain, and they share neither "
                                    f"({_domains(x, y)})"))  # fmt: skip
    elif len(x.tokens) == len(y.tokens) > 1 and 0 < Levenshtein.distance(x.full_name, y.full_name) <= 2:
        names = f"{x.full_name!r} and {y.full_name!r}"
        found.append(("similar", f"{names} are a letter or two apart, which is more often two people than a "
                                 "typo: niche joins only one typo inside a long word"))  # fmt: skip
    return found


def _domains(x: _Prepared, y: _Prepared) -> str:
    domains = [norm.email_domain(p.email) or "no address" for p in (x, y)]
    return "addresses at " + " and ".join(dict.fromkeys(domains)) if any("." in d for d in domains) else "no addresses"


def _would_join(guard: str, a: str, b: str) -> str:
    merge = MERGE.format(a=a, b=b)
    return {
        "bot": f"nothing, until the account is marked as a person (`niche people set WHO --not-bot`); then {merge}",
        "placeholder": f"an address or account that is theirs alone, a .mailmap line, or {merge}",
        "shared": f"a .mailmap line naming the one person behind the address, or {merge}",
        "one-word": f"a full name, an address or account both used, a .mailmap line, or {merge}",
        "common": "an address or account both used (a Gerrit or Launchpad account lists all of a person's "
        f"addresses), the same mailbox name, a .mailmap line, or {merge}",
        "similar": f"an address or account both used, a .mailmap line, or {merge}",
    }[guard]

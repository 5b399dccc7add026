"""git's .mailmap (gitmailmap(5)), read as git reads it: the project's own word on who is who."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from niche.identity.normalize import canonical_email
from niche.identity.resolve import Evidence, Identity
from niche.sources.bounds import LINE_LIMIT


class Mailmap:
    """Maps a (name, email) seen in history to the proper (name, email), as `git check-mailmap`.

    Lines are "Proper Name <commit email>", "<proper email> <commit email>", "Proper Name
    <proper email> <commit email>" or "Proper Name <proper email> Commit Name <commit email>";
    emails and commit names match case-insensitively; "#" starts a comment line.
    """

    def __init__(self, text: str = "") -> None:
        # commit email -> commit name (None: any name) -> (proper name, proper email)
        self._entries: dict[str, dict[str | None, tuple[str | None, str | None]]] = {}
        for line in text.splitlines():
            if not line.startswith("#") and len(line) <= LINE_LIMIT:  # a longer one is no one's entry
                self._read_line(line)

    def _read_line(self, line: str) -> None:
        found = _entries(line)
        if not found:
            return
        if len(found) == 1:
            (name, email), old_name, old_email = found[0], None, found[0][1]
            proper_name, proper_email = name.strip() or None, None
        else:
            (name, email), (old, old_email) = found
            proper_name, proper_email, old_name = name.strip() or None, email.strip() or None, old.strip() or None
        by_name = self._entries.setdefault(old_email.strip().lower(), {})
        key = old_name.lower() if old_name else None
        prior_name, prior_email = by_name.get(key, (None, None))
        by_name[key] = (proper_name or prior_name, proper_email or prior_email)

    def map(self, name: str | None, email: str | None) -> tuple[str | None, str | None]:
        """The proper (name, email) for one seen in history; unchanged when no line matches."""
        by_name = self._entries.get((email or "").strip().lower())
        if by_name is None:
            return name, email
        proper = by_name.get((name or "").lower()) or by_name.get(None)
        if proper is None:
            return name, email
        return proper[0] or name, proper[1] or email


def _entries(line: str) -> list[tuple[str, str]]:
    """The first two "Name <email>" of a line (a name stops at "#"), found with str.find: a
    regex retried at every position of a long line without "<" took time growing with its square."""
    found: list[tuple[str, str]] = []
    at = 0
    while len(found) < 2 and (start := line.find("<", at)) >= 0 and (end := line.find(">", start)) >= 0:
        found.append((line[at:start].rpartition("#")[2], line[start + 1 : end]))
        at = end + 1
    return found


def mailmap_evidence(
    identities: Iterable[Identity], mailmaps: list[Mailmap], applies: Callable[[Identity], bool] = lambda _: True
) -> tuple[dict[str, str], list[Evidence]]:
    """(identity -> proper name, evidence) from .mailmap files: identities mapped to one proper
    address are one person, with any identity that uses that address itself; identities mapped
    to one proper name (and no address) are one person too, as `git shortlog` counts them.
    applies: which identities the files speak of (git ones, in a store)."""
    by_email: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    mapped: set[str] = set()  # proper addresses some identity was mapped to
    for ident in identities:
        own = canonical_email(ident.email)
        if own:
            by_email[own].append(ident.key)
        if not applies(ident):
            continue
        for mailmap in mailmaps:
            name, email = mailmap.map(ident.name, ident.email)
            proper = canonical_email(email)
            if proper and proper != own:
                by_email[proper].append(ident.key)
                mapped.add(proper)
            if name and name != ident.name:
                names[ident.key] = name
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, name in names.items():
        by_name[name].append(key)
    evidence = []
    by_email = {email: keys for email, keys in by_email.items() if email in mapped}
    for detail, groups in (("maps to", by_email), ("names them", by_name)):
        for proper, keys in groups.items():
            unique = list(dict.fromkeys(keys))
            evidence += [Evidence(unique[0], k, "mailmap", f".mailmap {detail} {proper}") for k in unique[1:]]
    return names, evidence

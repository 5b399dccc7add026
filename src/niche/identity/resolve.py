"""Group identities into people.

This first resolver is deliberately conservative: identities are the same person when they
share an email address (case-insensitive), and an identity without one stands alone. It never
merges two different people; it may still split one person who used several addresses.
"""

from __future__ import annotations

from niche.identity.bots import is_bot
from niche.store import Store


def resolve_people(store: Store, bots: tuple[str, ...] = ()) -> int:
    """Rebuild people and person_identities from all identities; returns the number of people."""
    rows = store.con.execute(
        "SELECT identity_id, name, email, username FROM identities ORDER BY identity_id"
    ).fetchall()
    person_of: dict[str, str] = {}
    people: dict[str, tuple[str, bool]] = {}
    links = []
    for ident, name, email, username in rows:
        key = (email or "").strip().lower()
        if key:
            person, reason = person_of.setdefault(key, ident), f"same email {key}"
        else:
            person, reason = ident, "only identity"
        links.append((ident, person, reason))
        display = name or username or email or ident
        prior = people.get(person)
        people[person] = (
            prior[0] if prior else display,
            (prior[1] if prior else False) or is_bot(name, email, username, bots),
        )
    with store.transaction():
        store.con.execute("DELETE FROM person_identities")
        store.con.execute("DELETE FROM people")
        if links:
            store.insert(
                "person_identities",
                dict(zip(("identity_id", "person_id", "reason"), zip(*links, strict=True), strict=True)),
            )
            names, bot_flags = zip(*people.values(), strict=True)
            store.insert("people", {"person_id": list(people), "name": names, "is_bot": bot_flags})
    return len(people)

"""How long a field read from outside may be before niche parses it.

Names, addresses, usernames and nicks are typed by anyone: a 100 KB display name or a
10-million-character nick is an attack, not a person, and every later step (address finding,
name matching, identity resolution, run again on every sync) would pay for its length. Such a
field is cut to its bound before any parsing; the whole value stays in the raw item, and the
cut is a `Cut` string, which the store notes against the item (`item_flags`) so a user can find
it (`niche quarantine` and the data quality page list them).
"""

from __future__ import annotations

import email.utils

FIELD_LIMIT = 256  # a name, an address (RFC 5321 allows 254), a username, a nick
LINE_LIMIT = 1024  # a .mailmap line: two names and two addresses
HEADER_LIMIT = 4096  # a mail header that holds a name: room for encoded words (4/3 and more)
SUBJECT_LIMIT = 1000  # a subject or title line (RFC 5322 keeps a line under 998 characters)
PATH_LIMIT = 4096  # a file path (Linux's PATH_MAX), matched against the role patterns


class Cut(str):
    """A field cut to its bound; `length` is how long the whole value was."""

    length: int

    def __new__(cls, text: str, length: int) -> Cut:
        cut = super().__new__(cls, text)
        cut.length = length
        return cut


def bounded(value: object, limit: int = FIELD_LIMIT) -> str | None:
    """value as text (None stays None; JSON may hold a number where a name belongs), or its first
    `limit` characters as a Cut when it is longer."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return Cut(text[:limit], getattr(text, "length", len(text)))


MAX_COMMENTS = 20  # "(...)" comments in an address; parseaddr recurses once per nested one


def parse_address(value: str) -> tuple[str, str]:
    """email.utils.parseaddr of a bounded value, without its recursion on nested comments
    (a thousand "(" raise RecursionError): past MAX_COMMENTS, parentheses are read as spaces."""
    value = value[:HEADER_LIMIT]
    if value.count("(") > MAX_COMMENTS:
        value = value.replace("(", " ").replace(")", " ")
    return email.utils.parseaddr(value)

"""Credentials never leave niche: the user and password written into a URL
("https://oauth2:TOKEN@github.com/o/r", "http://user:pw@gerrit.example.org") are used to log in
and taken out of the URL before it is stored, printed or rendered."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# "://", then the userinfo up to its last "@" before the host's end. Each match starts at a
# "://" and stops before the next "/", so the scan is linear in the text's length.
_USERINFO = re.compile(r"://[^/?#\s]*@")


def strip_credentials(text: str) -> str:
    """text with the user and password taken out of every URL in it (one URL or a message)."""
    return _USERINFO.sub("://", text) if "@" in text else text


def url_credentials(url: str) -> tuple[str, str] | None:
    """(user, password) written in url, decoded, or None when it names none."""
    try:
        split = urlsplit(url)
    except ValueError:
        return None
    if split.username is None and split.password is None:
        return None
    return unquote(split.username or ""), unquote(split.password or "")

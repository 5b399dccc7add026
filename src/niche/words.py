"""Counts in words, the same on every page and in every command: '1 person', '2 people'."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 commit', '3 commits', '1,204 commits', '1 person', '2 people' (nouns: the plural when
    it is not noun + 's')."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"

"""Recognise automation accounts, so that CI and bots never count as contributors."""

from __future__ import annotations

import re

# Matched against "name <email>", lower-cased. Each pattern names a kind of automation that
# real communities run: CI systems, proposal/translation bots, GitHub apps, forge web commits.
BOT_PATTERNS = (
    r"\[bot\]",  # GitHub apps: dependabot[bot], github-actions[bot]
    r"(^|[^a-z])bot([^a-z]|$)",  # "OpenStack Proposal Bot", "release-bot"
    r"\b(zuul|jenkins|gerrit code review|github actions|travis ci|ci system|gitlab ci)\b",
    r"\b(dependabot|renovate|pre-commit-ci|mergify|snyk|greenkeeper|allcontributors|tarmac)\b",
    r"launchpad translations|\bon behalf of\b",  # Launchpad's translation imports
    r"<(infra-root|jenkins|zuul|noreply|no-reply)@",
    r"<openstack-infra@",
    r"<[^<>]*\+bot@",
)
_BOT = re.compile("|".join(BOT_PATTERNS))


def is_bot(name: str | None, email: str | None, username: str | None = None, extra: tuple[str, ...] = ()) -> bool:
    """True when the identity looks like automation rather than a person.

    extra: more automation accounts a project names (niche.toml [people] bots), matched exactly,
    case-insensitively, against the name or the username.
    """
    known = {e.lower() for e in extra}
    if known & {(name or "").lower(), (username or "").lower()}:
        return True
    return bool(_BOT.search(f"{name or ''} <{email or ''}> {username or ''}".lower()))

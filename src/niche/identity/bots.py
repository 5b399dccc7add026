"""Recognise automation accounts, so that CI and bots never count as contributors."""

from __future__ import annotations

import re

import duckdb

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
# Third-party CI accounts are named "<Vendor> CI" ("SmokeStack CI", "VMware NSX CI"); matched on
# the name as written, since a person's name ends in "Ci", never in "CI".
_CI_NAME = re.compile(r"\S\s+CI$")
# What CI says on a change: a build's start or result ("Build Successful", "Build failed (check
# pipeline)", "Starting gate jobs.", "Merge Failed."). An account whose review messages are mostly
# these is CI, whatever it is called.
CI_REPORT = r"^(Build (started|succeeded|successful|failed|unstable)|Starting (check|gate) jobs|Merge failed)"
CI_MIN_REPORTS = 3
CI_SHARE = 0.8


def is_bot(name: str | None, email: str | None, username: str | None = None, extra: tuple[str, ...] = ()) -> bool:
    """True when the identity looks like automation rather than a person.

    extra: more automation accounts a project names (niche.toml [people] bots), matched exactly,
    case-insensitively, against the name or the username.
    """
    known = {e.lower() for e in extra}
    if known & {(name or "").lower(), (username or "").lower()}:
        return True
    if _CI_NAME.search((name or "").strip()):
        return True
    return bool(_BOT.search(f"{name or ''} <{email or ''}> {username or ''}".lower()))


def ci_by_behaviour(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Identities that act as CI on code review: at least CI_MIN_REPORTS review messages, and
    CI_SHARE of them build reports."""
    rows = con.execute(
        f"""SELECT identity_id FROM review_events
            WHERE kind = 'comment' AND NOT inline AND identity_id IS NOT NULL
            GROUP BY identity_id
            HAVING count(*) FILTER (WHERE regexp_matches(text, '{CI_REPORT}', 'i')) >= {CI_MIN_REPORTS}
               AND count(*) FILTER (WHERE regexp_matches(text, '{CI_REPORT}', 'i')) >= {CI_SHARE} * count(*)"""
    ).fetchall()
    return {r[0] for r in rows}

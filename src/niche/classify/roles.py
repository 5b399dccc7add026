"""Give every activity a role (code, tests, docs, review, triage, ...) and say which rule did.

Rules live in `default_roles.toml` (shipped) and can be extended or replaced per project under
`[roles]` in niche.toml. A commit's role is that of most of the lines it changed (files
classified by path, or the whole repository by name); a commit message naming a CVE/OSSA makes
it security work. Other activities are classified by where they happened (a meeting channel)
and by their kind and attributes (a mail that answers someone else's question is user support).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any, ClassVar

import pyarrow as pa

from niche.classify.mentoring import mark_mentoring, unmark_mentoring
from niche.store import Store

BATCH = 20_000
COMMIT_KINDS = ("commit.authored", "commit.co_authored")
ROLES = (
    "code", "tests", "docs", "ci_infra", "security", "packaging_release", "translation", "design_specs",
    "review", "bug_reporting", "triage", "user_support", "discussion", "meetings", "mentoring",
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    role: str
    patterns: tuple[re.Pattern[str], ...]
    when: str | None = None  # an attribute that must be true (kind rules only)
    tags: tuple[re.Pattern[str], ...] = ()  # one of the activity's tags must match (kind rules only)

    def matches(self, text: str) -> re.Pattern[str] | None:
        return next((p for p in self.patterns if p.search(text)), None)

    def tagged(self, attrs: dict[str, Any]) -> str | None:
        """The first of the activity's tags that one of the rule's tag patterns matches."""
        tags = attrs.get("tags")
        if not isinstance(tags, list):
            return None
        return next((t for t in tags if isinstance(t, str) and any(p.search(t) for p in self.tags)), None)


@dataclass(frozen=True)
class Rules:
    paths: tuple[Rule, ...]
    repos: tuple[Rule, ...]
    messages: tuple[Rule, ...]
    kinds: tuple[Rule, ...]
    places: tuple[Rule, ...]
    newcomer_days: int = 90  # someone is a newcomer this long after their first contribution

    LISTS: ClassVar[tuple[str, ...]] = ("paths", "repos", "messages", "kinds", "places")

    @classmethod
    def load(cls, project_config: dict[str, Any] | None = None) -> Rules:
        """The shipped rules, with any `[roles]` lists of a project's config replacing them; a rule
        that is not one (an unknown role, a pattern that is no regular expression) is a ValueError
        naming it."""
        config = tomllib.loads((resources.files("niche.classify") / "default_roles.toml").read_text())["roles"]
        config.update((project_config or {}).get("roles", {}))
        compiled = {
            section: tuple(_rule(section, entry) for entry in _entries(config, section)) for section in cls.LISTS
        }
        return cls(**compiled, newcomer_days=int(config.get("newcomer_days", cls.newcomer_days)))

    def of_path(self, path: str) -> tuple[str, str]:
        for rule in self.paths:
            pattern = rule.matches(path)
            if pattern:
                return rule.role, pattern.pattern
        return "code", "no path rule"

    def of_commit(self, repo: str, message: str, files: list[tuple[str, int | None]]) -> tuple[str, str]:
        """(role, reason) for a commit, from its message, repository or changed lines (changed
        files when line counts are unknown: None)."""
        for rule in self.messages:
            pattern = rule.matches(message or "")
            if pattern:
                return rule.role, f"message matches {pattern.pattern}"
        for rule in self.repos:
            pattern = rule.matches(repo)
            if pattern:
                return rule.role, f"repository {repo} matches {pattern.pattern}"
        if not files:
            return "code", "commit without file changes (a merge)"
        lines: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for path, changed in files:
            role, matched = self.of_path(path)
            lines[role] += max(changed or 0, 1)  # a binary or empty file still counts a little
            examples.setdefault(role, f"{path} ~ {matched}")
        role, weight = lines.most_common(1)[0]
        share = weight / sum(lines.values())
        counted = "changed lines" if all(changed is not None for _, changed in files) else "changed files"
        return role, f"{share:.0%} of {counted} are {role} ({examples[role]})"

    def of_activity(self, kind: str, place: str | None, attrs: dict[str, Any]) -> tuple[str, str] | None:
        for rule in self.places:
            pattern = rule.matches(place or "")
            if place and pattern and not kind.startswith(("commit.", "review.")):
                return rule.role, f"in {place}, which matches {pattern.pattern}"
        for rule in self.kinds:
            if not rule.matches(kind) or (rule.when and not attrs.get(rule.when)):
                continue
            tag = rule.tagged(attrs) if rule.tags else None
            if rule.tags and tag is None:
                continue
            reason = f"kind {kind}" + (f" with {rule.when}" if rule.when else "") + (f" tagged {tag!r}" if tag else "")
            return rule.role, reason
        return None


def _entries(config: dict[str, Any], section: str) -> list[dict[str, Any]]:
    entries = config.get(section, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"[[roles.{section}]] must be tables with a role and patterns")
    return entries


def _rule(section: str, entry: dict[str, Any]) -> Rule:
    where = f"[[roles.{section}]] of role {entry.get('role')!r}"
    if entry.get("role") not in ROLES:
        raise ValueError(f"unknown role {entry.get('role')!r} in [roles.{section}]; roles: {', '.join(ROLES)}")
    patterns = entry.get("patterns") or [entry.get("kind")]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ValueError(f"{where}: patterns must be a list of regular expressions (strings)")
    when = entry.get("when")
    if when is not None and not isinstance(when, str):
        raise ValueError(f"{where}: when must be the name of an attribute")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"{where}: tags must be a list of regular expressions (strings)")
    try:
        return Rule(entry["role"], tuple(re.compile(p) for p in patterns), when, tuple(re.compile(t) for t in tags))
    except re.error as exc:
        raise ValueError(f"{where}: {exc.pattern!r} is not a regular expression: {exc}") from None


def classify_pending(store: Store, rules: Rules | None = None) -> int:
    """Classify every activity without a role yet; returns how many were classified."""
    rules = rules or Rules.load()
    done = 0
    while rows := store.con.execute(
        f"SELECT rowid, source, item_id, kind, project, attrs FROM stored.activities WHERE role IS NULL LIMIT {BATCH}"
    ).fetchall():
        commits = _commit_details(store, {(r[1], r[2]) for r in rows if r[3] in COMMIT_KINDS})
        rowids, roles, reasons = [], [], []
        for rowid, source, item_id, kind, project, attrs in rows:
            if kind in COMMIT_KINDS and (source, item_id) in commits:
                repo, message, files = commits[(source, item_id)]
                role, reason = rules.of_commit(repo, message, files)
            else:
                found = rules.of_activity(kind, project, json.loads(attrs) if attrs else {})
                role, reason = found or ("discussion", f"no rule for kind {kind}")
            rowids.append(rowid)
            roles.append(role)
            reasons.append(reason)
        store.con.register("_niche_roles", pa.table({"rid": rowids, "role": roles, "rule": reasons}))
        try:
            with store.transaction():
                store.con.execute(
                    """UPDATE stored.activities a SET role = r.role, role_rule = r.rule
                       FROM _niche_roles r WHERE a.rowid = r.rid"""
                )
        finally:
            store.con.unregister("_niche_roles")
        done += len(rows)
    return done


def classify(store: Store, rules: Rules | None = None) -> int:
    """Give every activity its role: the rules first, then mentoring; returns how many were mentoring."""
    rules = rules or Rules.load()
    unmark_mentoring(store)
    classify_pending(store, rules)
    return mark_mentoring(store, rules.newcomer_days)


def _commit_details(store: Store, items: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str, list]]:
    """repo, message and (path, lines changed) of each commit, folded copies too (every stored copy
    is classified, so one counts with its role when the other's route is removed); lines changed
    is None when the repository lacked the files' contents."""
    if not items:
        return {}
    sources, ids = zip(*items, strict=True)
    store.con.register("_niche_items", pa.table({"source": list(sources), "item_id": list(ids)}))
    try:
        rows = store.con.execute(
            """SELECT c.source, c.item_id, c.repo, c.message,
                      list({'p': f.path, 'n': CASE WHEN NOT c.lines_unknown
                                                   THEN coalesce(f.added, 0) + coalesce(f.deleted, 0) END})
                          FILTER (WHERE f.path IS NOT NULL)
               FROM stored.commits c JOIN _niche_items USING (source, item_id)
               LEFT JOIN stored.commit_files f USING (source, item_id)
               GROUP BY ALL"""
        ).fetchall()
    finally:
        store.con.unregister("_niche_items")
    return {(s, i): (repo, message, [(f["p"], f["n"]) for f in files or []]) for s, i, repo, message, files in rows}

"""Roles and the reasons for them in words a person reads, for every page and command.

The rules store a precise reason with each activity (`activities.role_rule`: the kind, the path
and the regular expression that matched), which is what someone checking a rule by hand needs.
A reader of a profile needs words: "72% of the changed lines are tests (nova/tests/test_api.py)",
not "(^|/)tests?/". This module turns the one into the other; it reads the formats that
`roles.py` writes, so the two stay side by side in this package.
"""

from __future__ import annotations

import re

ROLE_WORDS = {
    "code": "code",
    "tests": "tests",
    "docs": "docs",
    "ci_infra": "CI and infrastructure",
    "security": "security",
    "packaging_release": "packaging and releases",
    "translation": "translation",
    "design_specs": "design and specs",
    "review": "review",
    "bug_reporting": "bug reports",
    "triage": "triage",
    "user_support": "user support",
    "discussion": "discussion",
    "meetings": "meetings",
    "mentoring": "mentoring",
}

KIND_WORDS = {
    "commit.authored": "wrote a commit",
    "commit.co_authored": "co-wrote a commit",
    "commit.committed": "committed someone else's change (applied, rebased or amended it)",
    "review.vote": "voted on a change",
    "review.comment": "commented on a change",
    "review.commented": "commented on a change",
    "review.approved": "approved a change",
    "review.changes_requested": "asked for changes to a change",
    "review.merged": "merged a change",
    "review.change_created": "proposed a change",
    "review.patchset_uploaded": "uploaded a new version of a change",
    "review.abandoned": "abandoned a change",
    "review.restored": "restored a change",
    "mail.thread_started": "started a mailing-list thread",
    "mail.reply": "replied on a mailing list",
    "irc.message": "spoke on IRC",
    "bug.reported": "reported a bug",
    "bug.comment": "commented on a bug",
    "issue.opened": "opened an issue",
    "issue.comment": "commented on an issue",
    "meeting.chaired": "chaired a meeting",
    "meeting.attended": "attended a meeting",
    "meeting.action_owner": "took an action item from a meeting",
}
_FAMILIES = {"bug": "a bug", "issue": "an issue", "mail": "a mailing-list post", "irc": "an IRC message",
             "chat": "a chat message", "forum": "a forum post", "review": "a change", "commit": "a commit",
             "meeting": "a meeting"}  # fmt: skip
_WHEN_WORDS = {"answers_question": "answering someone's question", "is_patch": "carrying a patch",
               "security": "on a security bug"}  # fmt: skip

_KIND = re.compile(r"(?P<none>no rule for )?kind (?P<kind>[\w.]+)(?: with (?P<when>\w+))?")


def role_words(role: str | None) -> str:
    """'ci_infra' -> 'CI and infrastructure'; a project's own role ids read as themselves."""
    return ROLE_WORDS.get(role or "", (role or "").replace("_", " "))


def kind_words(kind: str) -> str:
    """'review.approved' -> 'approved a change'; an unknown kind still reads as words."""
    if kind in KIND_WORDS:
        return KIND_WORDS[kind]
    family, _, verb = kind.partition(".")
    return f"{verb.replace('_', ' ')} ({_FAMILIES.get(family, family)})" if verb else kind.replace("_", " ")


def explain_rule(rule: str | None, role: str | None = None) -> str:
    """The reason an activity has its role, in words: no regular expression, no internal ids."""
    if not rule:
        return ""
    share, lines_are, rest = rule.partition(" of changed lines are ")
    if lines_are and rest.endswith(")"):  # '72% of changed lines are tests (a/test_b.py ~ REGEX)'
        role_id, _, example = rest.partition(" (")
        return f"{share} of the changed lines are {role_words(role_id)} ({example.rpartition(' ~ ')[0]})"
    if m := _KIND.fullmatch(rule):
        words = kind_words(m["kind"]) + (f", {_WHEN_WORDS.get(m['when'], m['when'])}" if m["when"] else "")
        return words + (" (no rule gives it another role)" if m["none"] else "")
    if rule.startswith("message matches "):
        return f"the commit message marks it as {role_words(role)} work"
    if rule.startswith("repository ") and " matches " in rule:
        return (
            f"the repository {rule.removeprefix('repository ').partition(' matches ')[0]} holds {role_words(role)} work"
        )
    if rule.startswith("in ") and ", which matches " in rule:
        return f"in {rule.removeprefix('in ').rpartition(', which matches ')[0]}, a place for {role_words(role)}"
    return rule

"""Reasons in words (issue 17.5): each reason format the rules write reads as words, with no
regular expression and no internal id left in it."""

from __future__ import annotations

import re

from niche.classify.explain import ROLE_WORDS, explain_rule, kind_words, role_words
from niche.classify.roles import ROLES, Rules

REGEX_BITS = re.compile(r"\(\^\||\\\.|\[\^|\$\)|\\b|\bkind \w+\.|\bci_infra\b")


def test_every_reason_the_rules_write_reads_as_words() -> None:
    rules = Rules.load()
    reasons = [
        rules.of_commit("nova", "Fix gate", [("tox.ini", 3), ("nova/api.py", 1)]),
        rules.of_commit("nova", "Add tests", [("nova/tests/unit/test_api.py", 30)]),
        rules.of_commit("nova", "Fix CVE-2024-1234 in the API", [("nova/api.py", 3)]),
        rules.of_commit("project-config", "Add a job", [("zuul.d/jobs.yaml", 3)]),
        rules.of_commit("nova", "Merge branch", []),
        rules.of_activity("irc.message", "#openstack-meeting", {}),
        rules.of_activity("mail.reply", "openstack-discuss", {"answers_question": True}),
        rules.of_activity("commit.committed", "nova", {}),
        rules.of_activity("review.vote", "openstack/nova", {}),
        rules.of_activity("bug.status_changed", "nova", {}),
    ]
    said = {}
    for found in reasons:
        assert found is not None
        role, rule = found
        said[rule] = explain_rule(rule, role)
        assert not REGEX_BITS.search(said[rule]), (rule, said[rule])
    assert said[reasons[0][1]] == "75% of the changed lines are CI and infrastructure (tox.ini)"
    assert said[reasons[7][1]] == "committed someone else's change (applied, rebased or amended it)"
    assert said[reasons[6][1]] == "replied on a mailing list, answering someone's question"
    assert said[reasons[2][1]] == "the commit message marks it as security work"
    assert (
        explain_rule("no rule for kind chat.poke", "discussion")
        == "poke (a chat message) (no rule gives it another role)"
    )
    assert explain_rule(None) == "" and explain_rule("reviewed change nova#1 by Ada") == "reviewed change nova#1 by Ada"


def test_every_role_and_kind_has_words() -> None:
    assert set(ROLE_WORDS) == set(ROLES)
    assert all("_" not in role_words(r) for r in ROLES) and role_words("our_own_role") == "our own role"
    assert kind_words("review.approved") == "approved a change" and "_" not in kind_words("issue.marked_duplicate")

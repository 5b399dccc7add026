"""Breadcrumb extraction from free text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from niche.links.extract import extract_refs

SHA = "0123456789abcdef0123456789abcdef01234567"


def keys(text: str) -> list[str]:
    return [r.key for r in extract_refs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Closes-Bug: #1234567\nPartial-Bug: 7654321", ["lp-bug:1234567", "lp-bug:7654321"]),
        ("Related-Bug: #1, #22", ["lp-bug:1", "lp-bug:22"]),
        ("see LP #1950000 and bug #2001234", ["lp-bug:1950000", "lp-bug:2001234"]),
        ("https://bugs.launchpad.net/nova/+bug/1234567/comments/3", ["lp-bug:1234567"]),
        ("https://launchpad.net/bugs/42424242", ["lp-bug:42424242"]),
        # every Gerrit URL shape names the same change
        ("https://review.opendev.org/c/openstack/nova/+/876543", ["gerrit:review.opendev.org/876543"]),
        ("https://review.opendev.org/#/c/876543/", ["gerrit:review.opendev.org/876543"]),
        ("https://review.opendev.org/876543.", ["gerrit:review.opendev.org/876543"]),
        ("https://gerrit.wikimedia.org/r/c/mediawiki/core/+/12/3", ["gerrit:gerrit.wikimedia.org/12"]),
        ("https://gerrit.wikimedia.org/r/416443", ["gerrit:gerrit.wikimedia.org/416443"]),
        ("Change-Id: I" + "a" * 40, ["change-id:I" + "a" * 40]),
        ("Depends-On: https://review.opendev.org/c/openstack/neutron/+/5", ["gerrit:review.opendev.org/5"]),
        ("https://github.com/Org/Repo/pull/17#discussion_r1", ["github:org/repo#17"]),
        ("fixed in chaoss/grimoirelab-perceval#123", ["github:chaoss/grimoirelab-perceval#123"]),
        (f"This reverts commit {SHA}.", [f"commit:{SHA}"]),
        (f"(cherry picked from commit {SHA.upper()})", [f"commit:{SHA}"]),
        ("Implements: blueprint Live-Migration-Over-TLS", ["blueprint:live-migration-over-tls"]),
        ("https://blueprints.launchpad.net/nova/+spec/flavor-extra-specs", ["blueprint:flavor-extra-specs"]),
        ("Story: 2005678\nTask: 33", ["story:2005678"]),
        ("Bug: T98765", ["phabricator:T98765"]),
        (
            "http://lists.openstack.org/pipermail/openstack-dev/2015-April/061234.html and "
            "https://lists.openstack.org/pipermail/openstack-dev/2015-April/061234.html#x",
            ["list-archive:lists.openstack.org/pipermail/openstack-dev/2015-April/061234.html"],
        ),
        (
            "https://eavesdrop.openstack.org/meetings/nova/2023/nova.2023-01-10-16.00.log.html",
            ["irc-log:eavesdrop.openstack.org/meetings/nova/2023/nova.2023-01-10-16.00.log.html"],
        ),
        ("In-Reply-To: <CAF1234@mail.gmail.com>", ["message-id:CAF1234@mail.gmail.com"]),
        # not references
        ("fixed a bug in the 3rd commit, see #12", []),
        ("https://example.com/review/123", []),
        ("Change-Id: Ishort", []),
    ],
)
def test_extracts(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_a_change_id_is_not_also_a_commit() -> None:
    assert keys(f"Change-Id: I{SHA}") == [f"change-id:I{SHA}"]


def test_real_commit_messages(fixtures) -> None:
    text = (fixtures / "git" / "git_log.txt").read_text(errors="replace")
    for key in keys(text):
        assert re.fullmatch(r"[a-z-]+:.+", key)


@given(st.text())
def test_never_fails_and_keys_are_canonical(text: str) -> None:
    for ref in extract_refs(text):
        kind, _, value = ref.key.partition(":")
        assert kind in {
            "change-id",
            "gerrit",
            "github",
            "lp-bug",
            "commit",
            "message-id",
            "list-archive",
            "irc-log",
            "blueprint",
            "story",
            "phabricator",
        }
        assert value and not value.isspace()


@given(st.integers(1, 10**9), st.sampled_from(["Closes-Bug: #{n}", "LP #{n}", "https://bugs.launchpad.net/x/+bug/{n}"]))
def test_bug_spellings_meet(n: int, template: str) -> None:
    if template.startswith("LP") and n < 1000:
        n += 1000  # "LP #12" is too short to be told from prose
    assert keys(template.format(n=n)) == [f"lp-bug:{n}"]

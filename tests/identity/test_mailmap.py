"""The .mailmap reader agrees with `git check-mailmap` itself."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from niche.identity.mailmap import Mailmap
from tests.helpers.gitrepos import git, init

MAILMAP = """\
# a comment line
Proper Name <commit@example.org>
<proper@example.org> <OLD@example.org>
Jane Doe <jane@example.org> <jd@old.example.org>
Jane Doe <jane@example.org> Janie <janie@example.org>
Other Name <other@example.org> Some Name <shared@example.org>
Fallback Name <shared@example.org>
"""

CONTACTS = [
    ("Whoever", "commit@example.org"),
    ("Old Self", "old@example.org"),
    ("JD", "jd@old.example.org"),
    ("Janie", "janie@example.org"),
    ("janie", "JANIE@example.org"),
    ("Someone Else", "janie@example.org"),
    ("Some Name", "shared@example.org"),
    ("Another", "shared@example.org"),
    ("Unmapped", "nobody@example.org"),
]


def test_maps_every_form_as_git_does(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    (repo / ".mailmap").write_text(MAILMAP)
    mailmap = Mailmap(MAILMAP)
    for name, email in CONTACTS:
        expected = git(repo, "check-mailmap", f"{name} <{email}>").strip()
        mapped_name, mapped_email = mailmap.map(name, email)
        assert f"{mapped_name} <{mapped_email}>" == expected, (name, email)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.text(max_size=30), st.text(max_size=30))
def test_any_text_is_read_without_crashing(text: str, name: str, email: str) -> None:
    mapped = Mailmap(text).map(name, email)
    assert len(mapped) == 2

"""Gerrit's vote wordings, old and new: each read to its label and value, none guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from niche.sources.gerrit_messages import WORDINGS, read_message, read_vote_line

# Written out here, not taken from niche: what each wording meant on OpenStack's server.
MEANING = {
    "Looks good to me, approved": ("Code-Review", 2),
    "Looks good to me (core reviewer)": ("Code-Review", 2),
    "Looks good to me, but someone else must approve": ("Code-Review", 1),
    "I would prefer that you didn't submit this": ("Code-Review", -1),
    "I would prefer that you didn't merge this": ("Code-Review", -1),
    "Do not submit": ("Code-Review", -2),
    "Do not merge": ("Code-Review", -2),
    "Approved": ("Workflow", 1),
    "Work In Progress": ("Workflow", -1),
    "Verified": ("Verified", 1),
    "Fails": ("Verified", -1),
    "Works for me": ("Verified", 1),
    "Doesn't seem to work": ("Verified", -1),
    "No score": (None, 0),
}
LABELS = st.sampled_from(["Code-Review", "Workflow", "Verified", "Backport-Candidate", "Review-Priority"])
KNOWN = st.sampled_from(sorted(MEANING))
# Vote-line text that is no wording Gerrit ever wrote.
UNKNOWN = st.text(st.characters(codec="utf-8", exclude_characters=";\n\r"), min_size=1, max_size=30).filter(
    lambda t: (
        t.strip().lower().rstrip(".") not in WORDINGS
        and t.strip().lower() not in ("abandoned", "restored", "reverted", "cherry picked")
        and "(" not in t
        and " was rebased" not in t.lower()
        and "commit message was updated" not in t.lower()
        and not all(c.isspace() or c in "+-0123456789" or c.isalpha() for c in t)
    )  # could be Label+1 tokens
)


@pytest.mark.parametrize(("wording", "meaning"), sorted(MEANING.items()))
def test_every_wording_openstack_used(wording: str, meaning: tuple[str | None, int]) -> None:
    [vote] = [e for e in read_message(None, 1, f"Patch Set 2: {wording}\n\nwhy", None) if e.kind == "vote"]
    assert (vote.label, vote.value, vote.patchset, vote.detail) == (*meaning, 2, wording)


@given(st.lists(KNOWN, min_size=1, max_size=4), st.booleans())
def test_several_2x_votes_in_one_message(wordings: list[str], shout: bool) -> None:
    line = read_vote_line("; ".join(w.upper() if shout else w for w in wordings))
    assert [(label, value) for label, value, _ in line.votes] == [MEANING[w] for w in wordings]
    assert line.unread == ()


@given(st.lists(st.tuples(LABELS, st.integers(-2, 2).filter(bool)), min_size=1, max_size=4))
def test_label_and_value_votes(votes: list[tuple[str, int]]) -> None:
    line = read_vote_line(" ".join(f"{label}{value:+d}" for label, value in votes))
    assert [(label, value) for label, value, _ in line.votes] == votes


@given(st.lists(KNOWN, max_size=3), st.lists(UNKNOWN, min_size=1, max_size=3), st.randoms())
def test_an_unknown_wording_is_listed_never_guessed(known: list[str], unknown: list[str], rnd) -> None:
    parts = known + unknown
    rnd.shuffle(parts)
    events = read_message(None, 1, f"Patch Set 1: {'; '.join(parts)}\n\nmy words", None)
    votes = [e.detail for e in events if e.kind == "vote"]
    assert sorted(votes) == sorted(known)
    assert sorted(e.detail for e in events if e.kind == "unread") == sorted(u.strip() for u in unknown)
    assert [e.text for e in events if e.kind == "comment"] == ["my words"]  # the rest is still read


@given(st.text(max_size=200))
def test_any_message_is_read_without_error(text: str) -> None:
    events = read_message(None, 1, text, None, count_inline=True)
    assert all(e.kind in ("vote", "unread", "comment", "merged", "abandoned", "restored", "reverted",
                          "cherry_picked") for e in events)  # fmt: skip


@given(st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and "(" not in t))
def test_the_persons_words_survive_the_vote_line(words: str) -> None:
    events = read_message(None, 1, f"Patch Set 4: Code-Review-1\n\n{words}", None)
    comments = [e.text for e in events if e.kind == "comment"]
    said = "\n".join(line.removesuffix("\r") for line in words.strip().split("\n")).strip()  # CRLF read as LF
    assert comments == ([said] if said else [])


def test_counted_inline_comments_stand_in_for_missing_ones() -> None:
    events = read_message(None, 1, "Patch Set 1: Do not submit; (3 inline comments)\n\nsee inline", None, True)
    assert [(e.kind, e.inline) for e in events] == [("vote", False), ("comment", False)] + [("comment", True)] * 3
    without = read_message(None, 1, "Patch Set 1: (3 inline comments)", None)
    assert without == []  # fetched separately when live


def test_what_is_not_a_review() -> None:
    assert read_message(None, 1, "Patch Set 2: Patch Set 1 was rebased", None) == []
    assert read_message(None, 1, "Uploaded patch set 3.", None) == []
    assert read_message(None, 1, "Removed the following votes:\n\n* Code-Review-1 by A <a@b.c>\n", None) == []
    assert read_message(None, 1, "Change could not be merged because of a missing dependency.", None) == []
    assert [e.kind for e in read_message(None, 1, "Patch Set 4: Abandoned\n\nold", None)] == ["abandoned"]
    [recheck] = read_message(None, 1, "Patch Set 1:\n\nrecheck bug 123456", None)
    assert (recheck.kind, recheck.detail) == ("comment", "recheck")
    assert read_message(None, 1, "Patch Set 2: -Code-Review", None) == []  # a vote taken back is no verdict

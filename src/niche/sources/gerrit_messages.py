"""What a Gerrit change message records, in every wording Gerrit has used since 2.1.

Gerrit writes one message per review action. Since 2.5 a vote reads `Patch Set 3: Code-Review+2
Workflow+1`; Gerrit 2.1-2.4 named each label's new value by its description instead, several
joined by "; " (`Patch Set 3: Looks good to me (core reviewer); Approved`), as OpenStack's
review server did until 2012. A wording niche does not know is never guessed: it comes back as
unread, so a sync can count and list it, and the rest of the message is still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from niche.sources.changes import Account, Event

# Label value descriptions of Gerrit's default labels and of OpenStack's, lower-cased. OpenStack's
# "Approved" label became "Workflow" in 2013 (Workflow+1 is still "Approved", -1 "Work In
# Progress"). "Works for me" and "Doesn't seem to work" are Verified +1 and -1: Jenkins posted
# "Build succeeded." under "Works for me" until April 2014 and under "Verified+1" from May 2014 on
# (same for "Build failed." and -1; the 2015 recording holds both). OpenStack's gate later voted
# Verified +2 under the word "Verified", which a 2.x message cannot tell apart from +1: Verified
# votes are CI's, and review figures use only their sign.
WORDINGS: dict[str, tuple[str | None, int]] = {
    "looks good to me, approved": ("Code-Review", 2),
    "looks good to me (core reviewer)": ("Code-Review", 2),
    "looks good to me, but someone else must approve": ("Code-Review", 1),
    "no score": (None, 0),  # the label is not named; 0 is no verdict
    "i would prefer that you didn't submit this": ("Code-Review", -1),
    "i would prefer that you didn't merge this": ("Code-Review", -1),
    "i would prefer this is not merged as is": ("Code-Review", -1),  # Gerrit 2.14+ default
    "do not submit": ("Code-Review", -2),
    "do not merge": ("Code-Review", -2),
    "this shall not be merged": ("Code-Review", -2),  # Gerrit 2.14+ default
    "approved": ("Workflow", 1),
    "work in progress": ("Workflow", -1),
    "verified": ("Verified", 1),
    "works for me": ("Verified", 1),
    "doesn't seem to work": ("Verified", -1),
    "fails": ("Verified", -1),
}
# Words on the vote line that record an action, not a vote.
ACTIONS = {"abandoned": "abandoned", "restored": "restored", "reverted": "reverted", "cherry picked": "cherry_picked"}
# Words on the vote line that are Gerrit's note about an upload (no one's verdict).
UPLOAD_NOTES = re.compile(r"(?i)^(patch set \d+ was rebased|commit message was updated)\.?$")

_PATCH_SET_LINE = re.compile(r"^Patch Set (\d+):?(.*)$")
_COMMENT_COUNT = re.compile(r"\((\d+) (?:inline )?comments?\)")
_MODERN_VOTE = re.compile(r"([A-Za-z][\w-]*?)([+-]\d+)")
_REMOVED_VOTE = re.compile(r"-[A-Za-z][\w-]*")
# Gerrit's own notices (merge results, dependency and conflict errors, vote removals): no one's words.
_NOTICES = re.compile(
    r"^(Uploaded patch set \d+|Change has been successfully (merged|cherry-picked|pushed|rebased)"
    r"|Change could not be merged|Change cannot be merged|Your change could not be merged"
    r"|Your change requires a recursive merge|Removed the following votes|Removed reviewer|Topic set to"
    r"|Topic changed|Topic removed)"
)
# A person asking CI to run again ("recheck", "recheck bug 123", "reverify", "retriggering"): CI
# care, not review.
RECHECK = re.compile(r"(?i)^\s*(recheck|reverify|re-?trigger\w*|rebuild)\b")
_MERGED = re.compile(r"^Change has been successfully (merged|cherry-picked|pushed|rebased and submitted)")


@dataclass(frozen=True, slots=True)
class VoteLine:
    """What the words after `Patch Set N:` say."""

    votes: tuple[tuple[str | None, int, str], ...] = ()  # (label, value, the wording as written)
    unread: tuple[str, ...] = ()  # wordings niche does not know
    action: str | None = None  # abandoned, restored, reverted, cherry_picked
    upload_note: bool = False  # a rebase or commit-message note: not a review
    inline_comments: int = 0  # "(3 inline comments)": how many were published with the message


def read_vote_line(words: str) -> VoteLine:
    """Votes, actions and unknown wordings in what follows `Patch Set N:` on a message's first line."""
    inline = sum(int(n) for n in _COMMENT_COUNT.findall(words))
    words = _COMMENT_COUNT.sub(" ", words.replace("\u2019", "'")).strip().rstrip(";").strip()
    if not words:
        return VoteLine(inline_comments=inline)
    if UPLOAD_NOTES.match(words):
        return VoteLine(upload_note=True)
    tokens = words.split()
    if all(_MODERN_VOTE.fullmatch(t) or _REMOVED_VOTE.fullmatch(t) for t in tokens):
        votes = [(m.group(1), int(m.group(2)), t) for t in tokens if (m := _MODERN_VOTE.fullmatch(t))]
        return VoteLine(votes=tuple(votes), inline_comments=inline)
    votes, unread, action = [], [], None
    for part in (p.strip() for p in words.split(";")):
        if not part:
            continue
        key = part.lower().rstrip(".")
        if key in WORDINGS:
            label, value = WORDINGS[key]
            votes.append((label, value, part))
        elif key in ACTIONS:
            action = ACTIONS[key]
        else:
            unread.append(part)
    return VoteLine(tuple(votes), tuple(unread), action, inline_comments=inline)


def read_message(
    who: Account | None, at: int | None, message: str, patchset: int | None, count_inline: bool = False
) -> list[Event]:
    """The events one change message records: votes, unread vote wordings, a merge, an abandon,
    a restore or revert, and the person's own words as a comment.

    Uploads are left out (patch sets are events of their own); Gerrit's lines (`Patch Set N: ...`,
    `(3 comments)`, merge and dependency notices) are not the person's words, so they are stripped.
    count_inline: where the inline comments themselves are not at hand (a saved file), each one
    the message counts becomes an inline comment without text, so review depth still sees them.
    """
    lines = [x.removesuffix("\r") for x in message.strip().split("\n")]  # not splitlines(): \x1e is no line end here
    first = lines[0] if lines else ""
    if _MERGED.match(first):
        return [Event("merged", who, at, patchset)]
    if _NOTICES.match(first):
        return []
    line = VoteLine()
    match = _PATCH_SET_LINE.match(first)
    if match:
        patchset = int(match.group(1))
        line = read_vote_line(match.group(2))
        lines = lines[1:]
    elif first.strip().lower() in ACTIONS:  # Gerrit 2.5+: "Abandoned" on a line of its own
        line = VoteLine(action=ACTIONS[first.strip().lower()])
        lines = lines[1:]
    if line.upload_note:
        return []
    counts = [m for x in lines if (m := _COMMENT_COUNT.fullmatch(x.strip()))]
    words = "\n".join(x for x in lines if not _COMMENT_COUNT.fullmatch(x.strip())).strip()
    events = [Event("vote", who, at, patchset, label=label, value=value, detail=wording)
              for label, value, wording in line.votes]  # fmt: skip
    events += [Event("unread", who, at, patchset, detail=wording) for wording in line.unread]
    if line.action:
        events.append(Event(line.action, who, at, patchset, text=words or None))
    elif words:
        recheck = "recheck" if RECHECK.match(words) else None
        events.append(Event("comment", who, at, patchset, text=words, detail=recheck))
    if count_inline:
        inline = line.inline_comments + sum(int(m.group(1)) for m in counts)
        events += [Event("comment", who, at, patchset, inline=True)] * inline
    return events

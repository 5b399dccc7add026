"""What a post means for its author: their own words (not the quoted ones, the signature or
the list's footer), whether it carries a patch, and whether it asks a question.

Whole-text regular expressions, not loops over lines: archives are large.
"""

from __future__ import annotations

import re

_DIFF = re.compile(r"^(diff --git |Index: |--- \S.*\n\+\+\+ \S.*\n@@ )", re.M)
_QUESTION_MARK = re.compile(r"(?<!\?)\?+(?=\s|$)")  # from the first "?" of a run: linear
_URL_TAIL = re.compile(r"://\S*")  # a URL's "?" is no question
# "On Mon, Bob wrote:", Gmail's "2016-04-14 11:06 GMT+02:00 Bob <bob at x.org>:" — any line that
# ends in a colon right before a quote introduces it.
_ATTRIBUTION_END = re.compile(r":[ \t]*\r?\n(?:[ \t]*\r?\n)?(?=[ \t]*>)")
_QUOTED = re.compile(r"\n[ \t]*>[^\n]*")  # searched in "\n" + text, like _CUT below
# Where a post stops being its author's words: signature, forwarded or top-posted original,
# the list's own footer, pipermail's note of a scrubbed attachment.
# (Searched from a newline, not with ^ and re.M: a literal start lets the regex engine skip ahead.)
_CUT = re.compile(
    r"\n(-- ?|-{3,} ?Original Message ?-{3,}|_{20,}|-{5,} ?(Forwarded message|next part) ?-{5,})\r?(\n|$)", re.I
)


def patch_prose(text: str) -> tuple[str, bool]:
    """(the words before a patch's diff, whether there is a diff): a patch's own words are its
    description; git's "---" line ends it, and the diff is code, not words."""
    diff = _DIFF.search(text) if "\n+++ " in text or "diff --git " in text or "Index: " in text else None
    return (text[: diff.start()].split("\n---\n", 1)[0], True) if diff else (text, False)


def asks_question(own_text: str, thread_subject: str) -> bool:
    """Whether a post asks something: a question mark ending a word of its own text (not in a
    URL), or a subject that is a question."""
    return ("?" in own_text and _asks(_URL_TAIL.sub("", own_text))) or thread_subject.endswith("?")


def _asks(text: str) -> bool:
    """A question mark ends a word ("works?"), not a "." as where pipermail lost a character."""
    return any(m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ")_")
               for m in _QUESTION_MARK.finditer(text))  # fmt: skip


def own_words(text: str) -> tuple[str, int]:
    """(the author's own words, number of quoted lines): quoted lines, the attribution line
    before a quote, and everything after a signature, forwarded original or list footer are not
    the author's."""
    quoted = 0
    text = "\n" + text
    cut = _CUT.search(text)
    if cut:
        quoted = len(_QUOTED.findall(text, cut.end() - 1))
        text = text[: cut.start()]
    if ">" not in text:
        return text.strip(), quoted
    text, own_quoted = _QUOTED.subn("", _drop_attributions(text))
    return text.strip(), quoted + own_quoted


def _drop_attributions(text: str) -> str:
    pieces, last = [], 0
    for end in _ATTRIBUTION_END.finditer(text):
        line_start = text.rfind("\n", 0, end.start()) + 1
        if line_start >= last:
            pieces.append(text[last:line_start])
            last = end.end()
    return "".join(pieces) + text[last:]

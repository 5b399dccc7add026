"""Find the breadcrumbs in any text: references to changes, bugs, commits, mails, logs, specs.

Every reference becomes a canonical key, the same key the referenced item carries itself (see
`niche.links.build`), so a commit message's `Closes-Bug: #1234567` and the Launchpad bug 1234567
meet at `lp-bug:1234567` whatever the spelling. Keys:

    change-id:I<40 hex>           Gerrit Change-Id
    gerrit:<host>/<number>        a Gerrit change URL (any of Gerrit's URL shapes)
    github:<owner>/<repo>#<n>     a GitHub issue or pull request (they share numbers)
    gitlab:<host>/<project>!<n>   a GitLab merge request (<project> with its groups, lower case)
    gitlab:<host>/<project>#<n>   a GitLab issue
    lp-bug:<n>                    a Launchpad bug (trailers, "LP #n", bug URLs)
    commit:<40 hex>               a full commit hash (reverts, cherry-picks, plain mentions)
    message-id:<id>               an email Message-ID (without angle brackets)
    list-archive:<url>            a mailing-list archive page (pipermail, HyperKitty)
    irc-log:<url>                 an IRC or meeting log page (eavesdrop, meetbot)
    blueprint:<name>              a Launchpad blueprint / spec name
    story:<n>                     a StoryBoard story
    phabricator:T<n>              a Phabricator task (Wikimedia's `Bug: T123` trailer, task URLs)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class Ref:
    key: str
    how: str  # what in the text made it a reference: 'Closes-Bug', 'url', 'Change-Id', ...


_URL = re.compile(r"https?://[^\s<>\"'`)\]]+", re.I)
# Written to start with a literal (the regex engine then skips ahead fast); same as \bI[0-9a-f]{40}\b.
_CHANGE_ID = re.compile(r"I(?<!\wI)([0-9a-f]{40})\b")
# Trailers start a line; "^[ \t]*", not "^\s*", which tried at every line start of a long run of
# blank lines rescanned all of them.
_BUG_TRAILER = re.compile(
    r"^[ \t]*(Closes-Bug|Partial-Bug|Related-Bug|Fixes-Bug)\s*:\s*((?:#?\d+[\s,]*)+)", re.I | re.M
)
_LP_SHORT = re.compile(r"\b(?:LP|lp|Launchpad)\s*:?\s*#\s*(\d{4,})\b")
# "Fixes bug 888147", "bug #888147": how OpenStack's commits named Launchpad bugs before the
# Closes-Bug trailer (2013). Five digits at least; "Bug: N" is left alone (Bugzilla's trailer).
_BUG_WORD = re.compile(r"\b[Bb]ug\s*#?\s*(\d{5,})\b")
_BLUEPRINT = re.compile(r"^[ \t]*(?:Partially-)?Implements\s*:\s*(?:blueprint|bp)\s+([\w.-]+)", re.I | re.M)
_PHAB_TRAILER = re.compile(r"^[ \t]*Bug[ \t]*:[ \t]*(T\d+)[ \t\r]*$", re.M)
_STORY = re.compile(r"^[ \t]*Story\s*:\s*#?(\d+)", re.I | re.M)
_COMMIT = re.compile(r"(?<!\w)([0-9a-fA-F]{40})(?!\w)")  # reverts, cherry-picks, mentions
_MESSAGE_ID = re.compile(r"^(?:Message-ID|In-Reply-To)[ \t]*:[ \t]*<([^<>\s@]+@[^<>\s]+)>", re.I | re.M)
_GITHUB_SHORT = re.compile(r"(?<![\w/.-])([A-Za-z0-9][\w.-]*/[\w.-]+)#(\d+)\b")


def _gerrit_number(parts: list[str], fragment: str) -> str | None:
    """The change number in Gerrit's URL shapes: /c/proj/+/N, /#/c/N/, /N, /c/N, /r/N."""
    if fragment.startswith("change,"):  # Gerrit 2.1: https://review.openstack.org/#change,1472
        number = fragment.removeprefix("change,").split(",")[0]
        return number if number.isdigit() else None
    if fragment.startswith("/c/"):  # old UI: https://review.openstack.org/#/c/123456/
        parts = [p for p in fragment.split("/") if p]
    if "+" in parts:
        after = parts[parts.index("+") + 1 :]
        return after[0] if after and after[0].isdigit() else None
    while parts and parts[0] in ("r", "c", "gerrit"):  # servers mounted under /r/ or /gerrit/
        parts = parts[1:]
    return parts[0] if len(parts) >= 1 and parts[0].isdigit() else None


def _url_ref(url: str) -> Ref | None:
    url = url.rstrip(".,;:!?")
    try:
        split = urlsplit(url)
    except ValueError:
        return None
    host = (split.hostname or "").lower()
    parts = [unquote(p) for p in split.path.split("/") if p]
    if host.startswith("review.") or "gerrit" in host:
        number = _gerrit_number(parts, split.fragment)
        if number:
            return Ref(f"gerrit:{host}/{number}", "url")
    if host in ("github.com", "www.github.com") and len(parts) >= 4 and parts[2] in ("pull", "issues"):
        if parts[3].isdigit():
            return Ref(f"github:{parts[0]}/{parts[1]}#{parts[3]}".lower(), "url")
        return None
    gitlab = _gitlab_ref(host, parts)
    if gitlab:
        return gitlab
    if host.endswith("launchpad.net"):
        if "+bug" in parts and parts.index("+bug") + 1 < len(parts) and parts[parts.index("+bug") + 1].isdigit():
            return Ref(f"lp-bug:{parts[parts.index('+bug') + 1]}", "url")
        if parts[:1] == ["bugs"] and len(parts) > 1 and parts[1].isdigit():
            return Ref(f"lp-bug:{parts[1]}", "url")
        if "+spec" in parts and parts.index("+spec") + 1 < len(parts):
            return Ref(f"blueprint:{parts[parts.index('+spec') + 1]}", "url")
    if host.startswith("phabricator.") and parts and re.fullmatch(r"T\d+", parts[0]):
        return Ref(f"phabricator:{parts[0]}", "url")
    if "storyboard" in host and "stories" in split.fragment:
        story = split.fragment.rstrip("/").rsplit("/", 1)[-1]
        if story.isdigit():
            return Ref(f"story:{story}", "url")
    if "/pipermail/" in split.path or "/archives/list/" in split.path or "/hyperkitty/" in split.path:
        return Ref(f"list-archive:{_normal_url(split)}", "url")
    if "eavesdrop" in host or "/irclogs/" in split.path or "/meetings/" in split.path:
        return Ref(f"irc-log:{_normal_url(split)}", "url")
    return None


def _gitlab_ref(host: str, parts: list[str]) -> Ref | None:
    """A GitLab merge request or issue URL: /GROUP/PROJECT/-/merge_requests/N (and /issues/N);
    before GitLab 12 without the "/-", which is read only on a host named gitlab (other forges
    have /issues/N too)."""
    for i in range(2, len(parts) - 1):
        what, number = parts[i], parts[i + 1]
        if what not in ("merge_requests", "issues") or not number.isdigit():
            continue
        dashed = parts[i - 1] == "-"
        project = parts[: i - 1] if dashed else parts[:i]
        if len(project) >= 2 and (dashed or what == "merge_requests" or "gitlab" in host):
            sign = "!" if what == "merge_requests" else "#"
            return Ref(f"gitlab:{host}/{'/'.join(project).lower()}{sign}{number}", "url")
    return None


def _normal_url(split) -> str:
    """Scheme-less and fragment-less, so http/https and #anchors meet at the same key."""
    return f"{(split.hostname or '').lower()}{split.path}"


def extract_refs(text: str | None) -> list[Ref]:
    """Every reference in text, once each, in the order found."""
    if not text:
        return []
    found: dict[str, Ref] = {}

    def add(ref: Ref | None) -> None:
        if ref and ref.key not in found:
            found[ref.key] = ref

    for match in _URL.finditer(text):
        add(_url_ref(match.group(0)))
    for match in _CHANGE_ID.finditer(text):
        add(Ref(f"change-id:I{match.group(1)}", "Change-Id"))
    for match in _BUG_TRAILER.finditer(text):
        for number in re.findall(r"\d+", match.group(2)):
            add(Ref(f"lp-bug:{number}", match.group(1).title()))
    has_hash = "#" in text  # the costlier patterns below need one; most text has none
    for match in _LP_SHORT.finditer(text) if has_hash else ():
        add(Ref(f"lp-bug:{match.group(1)}", "LP #"))
    for match in _BUG_WORD.finditer(text) if "ug" in text else ():
        add(Ref(f"lp-bug:{match.group(1)}", "bug N"))
    for match in _BLUEPRINT.finditer(text):
        add(Ref(f"blueprint:{match.group(1).lower()}", "Implements"))
    for match in _PHAB_TRAILER.finditer(text):
        add(Ref(f"phabricator:{match.group(1)}", "Bug"))
    for match in _STORY.finditer(text):
        add(Ref(f"story:{match.group(1)}", "Story"))
    text_without_urls = _URL.sub(" ", text)
    for match in _COMMIT.finditer(text_without_urls):
        sha = match.group(1).lower()
        add(Ref(f"commit:{sha}", "commit"))
    for match in _MESSAGE_ID.finditer(text):
        add(Ref(f"message-id:{match.group(1)}", "Message-ID"))
    for match in _GITHUB_SHORT.finditer(text_without_urls) if has_hash else ():
        add(Ref(f"github:{match.group(1)}#{match.group(2)}".lower(), "owner/repo#n"))
    return list(found.values())


_KEY_URLS = (
    (re.compile(r"lp-bug:(\d+)"), "https://bugs.launchpad.net/bugs/{0}"),
    (re.compile(r"gerrit:([^/]+)/(\d+)"), "https://{0}/{1}"),
    (re.compile(r"github:([^/]+/[^#]+)#(\d+)"), "https://github.com/{0}/issues/{1}"),
    (re.compile(r"gitlab:([^/]+/[^!#]+)!(\d+)"), "https://{0}/-/merge_requests/{1}"),
    (re.compile(r"gitlab:([^/]+/[^!#]+)#(\d+)"), "https://{0}/-/issues/{1}"),
    (re.compile(r"story:(\d+)"), "https://storyboard.openstack.org/#!/story/{0}"),
    (re.compile(r"phabricator:(T\d+)"), "https://phabricator.wikimedia.org/{0}"),
    (re.compile(r"(?:list-archive|irc-log):(.+)"), "https://{0}"),
)


def key_url(key: str) -> str | None:
    """Where a user can open what a key names, when the key alone says it (a Launchpad bug, a
    Gerrit change, a GitHub issue); None for keys that name no page (a Change-Id, a commit)."""
    for pattern, url in _KEY_URLS:
        match = pattern.fullmatch(key)
        if match and all(match.groups()):
            return url.format(*match.groups())
    return None

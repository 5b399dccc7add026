"""GrimoireLab's Perceval items (`perceval BACKEND --json-line`) as the items niche's own
connectors yield, so a community that ran GrimoireLab for years moves without fetching again.

Each Perceval item holds what its service answered (`data`), as niche's connectors read it too;
the item is handed to the parser niche's own connector uses for that data: a commit becomes the
same `Commit`, a message is given back its headers and read by niche's mail parser, a day of
Supybot lines is written out as its log file and read by niche's IRC parser, a Gerrit item is
the `gerrit query` record GerritExport reads, a GitLab item the answers GitLabProject reads, an
RSS item the feedparser entry niche's feed reader reads, a Discourse item the topic its reader
reads, a Mattermost item the post with its author as niche's reader reads it, an Askbot item the
question with its answers and comments read from its pages, as niche's reader assembles it, a
Slack item the message with its author (`user_data`) as niche's reader reads it, a Stack Exchange
item the API's question with its answers and comments, a GitHub pull request the pull request with
its reviews and comments (its conversation from Perceval's issue item of it), a GitHub issue the
issue with its comments, a Launchpad item the bug task with its bug, messages, activity log and
the accounts they link to. So
the activities are those niche's own sync of the same data makes; tests/test_perceval_import.py
checks that on the same inputs read both ways.

An item of a backend niche does not read (yet) is quarantined with the backend's name, its bytes
kept, never dropped. Items of one backend, category and origin (a repository, a list, a channel)
are one source whichever file they came from, so an item found in two files is one item.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from niche.errors import SourceError
from niche.sources import git, irc
from niche.sources.askbot import question_thread
from niche.sources.contract import BadRecord, Checkpoint, Cursor, Item, Tally, Yielded, read_item
from niche.sources.discourse import topic_thread
from niche.sources.feeds import entry_thread
from niche.sources.gerrit import from_ssh
from niche.sources.github import issue_record as github_issue
from niche.sources.github import pull_request_change
from niche.sources.gitlab import issue_record, merge_request_change
from niche.sources.launchpad import Person, bug_record
from niche.sources.mail.mbox import RawMessage
from niche.sources.mail.message import parse_message
from niche.sources.mail.source import Post
from niche.sources.mattermost import post_thread
from niche.sources.slack import message_thread
from niche.sources.stackexchange import question_thread as stackexchange_thread

# Perceval's backend_name -> the kind of niche source that reads the same data (NOUNS: what one
# item of it is called; else the category's name).
KINDS = {"Git": "git", "MBox": "mail", "Pipermail": "mail", "HyperKitty": "mail", "Supybot": "irc",
         "Gerrit": "gerrit", "GitLab": "gitlab", "RSS": "feed", "Discourse": "discourse",
         "Mattermost": "mattermost", "Askbot": "askbot", "Slack": "slack",
         "StackExchange": "stackexchange", "GitHub": "github", "Launchpad": "launchpad"}  # fmt: skip
NOUNS = {"git": "commit", "mail": "message", "irc": "log day", "gerrit": "change", "feed": "blog post",
         "discourse": "topic", "mattermost": "post", "askbot": "question", "slack": "message",
         "stackexchange": "question", "github": "pull request", "launchpad": "bug"}  # fmt: skip
# Headers Perceval has already decoded the body by: the body handed back is plain UTF-8 text.
_BODY_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


@dataclass(frozen=True, slots=True)
class Origin:
    """Which items of the files one source reads: a backend, a category and an origin."""

    backend: str
    category: str
    origin: str


def _line_key(item: Mapping[str, Any]) -> Origin:
    return Origin(str(item.get("backend_name")), str(item.get("category")), str(item.get("origin")))


def scan(paths: list[Path]) -> dict[Origin, int]:
    """Every backend, category and origin in the files, with how many items each has, in the order
    first met (the first source of a file also quarantines its lines that are no item)."""
    found: dict[Origin, int] = defaultdict(int)
    for path in paths:
        for _, item in _lines(path):
            if isinstance(item, dict):
                found[_line_key(item)] += 1
    return dict(found)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRecord]]:
    """(line number, item) of a JSON-lines file; a line that is not a JSON object is a BadRecord."""
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError as exc:
                    yield number, BadRecord(f"{path}: line {number}", f"not a JSON line: {exc}", line)
                    continue
                if not isinstance(item, dict) or not isinstance(item.get("data"), dict):
                    yield number, BadRecord(f"{path}: line {number}", "not a Perceval item: no 'data' object", line)
                    continue
                yield number, item
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None


# -- one backend's data into what niche's own connector makes of it -------------------------------


def _signature(who: str, when: str) -> git.Signature:
    """'Name <email>' and git's default date ('Tue Aug 14 14:30:13 2012 -0300')."""
    name, email = parseaddr(who)
    at = datetime.strptime(when, "%a %b %d %H:%M:%S %Y %z")
    offset = at.utcoffset()
    return git.Signature(name, email, int(at.timestamp()), int(offset.total_seconds() // 60) if offset else 0)


def commit(data: Mapping[str, Any], raw: bytes) -> git.Commit:
    """Perceval's commit. Its files of a merge are git's combined diff (-c), which niche's own git
    reading does not list (a merge's changes are its parents'): left out here too."""
    parents = tuple(data.get("parents") or ())
    files = () if len(parents) > 1 else tuple(
        git.FileChange(path=f.get("newfile") or f["file"], old_path=f["file"] if f.get("newfile") else None,
                       added=None if f.get("added") in (None, "-") else int(f["added"]),
                       deleted=None if f.get("removed") in (None, "-") else int(f["removed"]),
                       removed=f.get("action") == "D")
        for f in data.get("files") or ()
    )  # fmt: skip
    message = str(data.get("message") or "")
    return git.Commit(
        sha=str(data["commit"]),
        parents=parents,
        author=_signature(data["Author"], data["AuthorDate"]),
        committer=_signature(data.get("Commit") or data["Author"], data.get("CommitDate") or data["AuthorDate"]),
        message=message,
        trailers=git.parse_trailers(message),
        files=files,
        raw=raw,
        lossy_text=False,
    )


def message_bytes(data: Mapping[str, Any]) -> RawMessage:
    """The message as an archive holds it: Perceval's headers, and its decoded text as the body."""
    head = [f"{key}: {value}" for key, value in data.items()
            if isinstance(value, str) and key.lower() not in _BODY_HEADERS and key not in ("unixfrom",)]  # fmt: skip
    given = data.get("body")
    body = given if isinstance(given, dict) else {}
    text = body.get("plain") or body.get("html") or ""
    kind = "html" if not body.get("plain") and body.get("html") else "plain"
    head += ["MIME-Version: 1.0", f"Content-Type: text/{kind}; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    envelope = f"From {data['unixfrom']}\n".encode() if data.get("unixfrom") else b""
    whole = ("\n".join(head) + "\n\n" + str(text)).encode(errors="surrogateescape")
    return RawMessage(whole, envelope, 0, len(whole), len(whole))


def supybot_line(data: Mapping[str, Any]) -> str:
    """One Supybot item back as the line its log has: '<nick> text', '* nick acts', '*** what happened'."""
    body, nick, kind = str(data.get("body") or ""), str(data["nick"]), data.get("type")
    said = {"comment": f"<{nick}> {body}", "action": f"* {nick} {body}"}.get(str(kind), f"*** {body}")
    return f"{data['timestamp']}  {said}"


def sources(paths: Sequence[Path]) -> list[PercevalItems]:
    """One source per backend, category and origin found in the files."""
    files = list(paths)
    found = scan(files)
    return [PercevalItems(files, origin, count, bad_lines=i == 0) for i, (origin, count) in enumerate(found.items())]


def without_strays(topic: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A Discourse topic without the posts of other topics Perceval added to it (a server can
    answer a post id with another topic's post); niche's reader sets those aside too."""
    stream = topic.get("post_stream")
    if not isinstance(stream, dict) or not isinstance(stream.get("posts"), list):
        return topic, []
    posts = [p for p in stream["posts"] if not isinstance(p, dict) or p.get("topic_id") in (None, topic.get("id"))]
    strays = [p for p in stream["posts"] if p not in posts]
    return {**topic, "post_stream": {**stream, "posts": posts}}, strays


# -- the source -----------------------------------------------------------------------------------


class PercevalItems:
    """The items of one backend, category and origin found in Perceval JSON-lines files.

    Files unchanged since the last import (size and modification time) are skipped.
    """

    batch = 200

    def __init__(self, paths: list[Path], origin: Origin, expected: int | None = None, bad_lines: bool = False):
        self.paths, self.origin, self.bad_lines = paths, origin, bad_lines
        self.kind = KINDS.get(origin.backend, "perceval")
        self.noun = NOUNS.get(self.kind, origin.category.replace("_", " "))
        self.id = self.label = f"perceval:{origin.backend.lower()}/{origin.category}:{origin.origin}"
        self.name = _name(origin)
        self.location = ", ".join(str(p.resolve()) for p in paths)
        self.tally = Tally(expected=expected)
        if self.kind == "github" and origin.category == "issue":
            self.noun = "issue"
        # GitHub: a pull request's conversation (its comments) is in Perceval's issue item of it
        self.conversations: dict[int, list[Any] | None] = {}

    def attrs(self) -> Mapping[str, Any]:
        return {"perceval_backend": self.origin.backend, "origin": self.origin.origin}

    def read(self, cursor: Cursor, stored: Callable[[], set[str]]) -> Iterator[Yielded]:
        seen = cursor.get("files", {})
        if self.kind == "github":
            self.conversations = _github_conversations(self.paths, self.origin.origin)
        for path in self.paths:
            key = str(path.resolve())
            stat = path.stat()
            state = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            if seen.get(key) == state:
                self.tally.details["unchanged file"] = self.tally.details.get("unchanged file", 0) + 1
                continue
            mine = []
            for number, item in _lines(path):
                if isinstance(item, BadRecord):
                    if self.bad_lines:
                        yield item
                elif _line_key(item) == self.origin:
                    mine.append((number, item))
            yield from self._items(path, iter(mine))
            yield Checkpoint({"files": {key: state}})

    def _items(self, path: Path, lines: Iterator[tuple[int, Any]]) -> Iterator[Yielded]:
        if self.kind == "irc":
            yield from self._days(path, lines)
            return
        for number, item in lines:
            where = f"{path}: line {number}"
            raw = json.dumps(item).encode()
            uuid = str(item.get("uuid") or where)
            if self.kind == "perceval":
                said = f"Perceval backend {self.origin.backend!r} ({self.origin.category}): not read by niche; kept raw"
                yield BadRecord(where, said, raw, uuid)
                continue
            data = item["data"]
            if self.kind == "github" and self.origin.category == "issue" and "pull_request" in data:
                if isinstance(self.conversations.get(data.get("number")), list):  # read with its pull request
                    self.tally.details["pull request conversation"] = self.tally.details.get(
                        "pull request conversation", 0) + 1  # fmt: skip
                    continue
                said = "a pull request's conversation without Perceval's pull_request item of it: kept raw"
                yield BadRecord(where, said, raw, uuid)
                continue
            if self.kind == "discourse":
                data, strays = without_strays(data)
                for post in strays:
                    yield BadRecord(f"{where}: post {post.get('id')}", f"a post of topic {post.get('topic_id')} in "
                                    f"topic {data.get('id')}", json.dumps(post).encode())  # fmt: skip
            found = read_item(partial(self._record, data, raw, where), raw, where,
                              f"unreadable {self.origin.backend} item", uuid)  # fmt: skip
            yield found if isinstance(found, BadRecord) else Item(found[0], found[1], raw, found[2])

    def _record(self, data: dict[str, Any], raw: bytes, where: str) -> tuple[str, str, Any]:
        """(item id, kind of niche item, record) of one item's data."""
        if self.kind == "git":
            found = commit(data, raw)
            return found.sha, "git-log-record", found
        if self.kind == "mail":
            message = parse_message(message_bytes(data), where)
            if isinstance(message, BadRecord):
                raise ValueError(message.error)
            return message.message_id, "mail-message", Post(message, self.origin.origin, 0)
        if self.kind == "gerrit":
            change = from_ssh(data)
            return change.key, "gerrit-change", change
        if self.kind == "feed":  # the item is the entry; the feed's own title and author are not kept
            thread = entry_thread(data, {})
            return thread.item_id, "post-thread", thread
        if self.kind in ("discourse", "askbot"):  # a topic; a question with its answers and comments
            read = topic_thread if self.kind == "discourse" else question_thread
            thread = read(data, urlsplit(self.origin.origin).hostname or self.origin.origin)
            return thread.item_id, "post-thread", thread
        if self.kind == "mattermost":  # the post, with its channel's and its author's answers
            channel = data.get("channel_data") or {}
            thread = post_thread(data, channel.get("display_name") or channel.get("name") or data["channel_id"])
            return thread.item_id, "post-thread", thread
        if self.kind == "slack":  # the message with its author's answer; the channel as Perceval read it
            channel = data.get("channel_info") or {}
            thread = message_thread(data, f"#{channel.get('name') or _name(self.origin)}")
            return thread.item_id, "post-thread", thread
        if self.kind == "stackexchange":  # the question with its answers and comments; the origin is the site
            thread = stackexchange_thread(data, self.origin.origin)
            return thread.item_id, "post-thread", thread
        if self.kind == "launchpad":  # the bug task with its bug, messages, activity and their people
            bug = bug_record(data, data["bug_data"], _list(data.get("messages_data")), _list(data.get("activity_data")),
                             partial(launchpad_person, launchpad_people(data)))  # fmt: skip
            return str(bug.number), "launchpad-bug", bug
        if self.kind == "github":  # the service's JSON; Perceval's *_data about people is left aside as
            host, repo = _gitlab_project(self.origin.origin)  # niche's reader does not ask for it either
            if self.origin.category == "pull_request":
                comments = self.conversations.get(int(data["number"])) or []
                change = pull_request_change(host, repo, data, _list(data.get("reviews_data")),
                                             _list(data.get("review_comments_data")), comments)  # fmt: skip
                return change.key, "github-change", change
            issue = github_issue(repo, data, _list(data.get("comments_data")), [])
            return str(issue.number), "github-issue", issue
        host, project = _gitlab_project(self.origin.origin)
        if self.origin.category == "merge_request":
            change = merge_request_change(host, project, data, data.get("notes_data") or [],
                                          data.get("versions_data") or [])  # fmt: skip
            return change.key, "gitlab-change", change
        issue = issue_record(project, data, data.get("notes_data") or [])
        return str(issue.number), "gitlab-issue", issue

    def _days(self, path: Path, lines: Iterator[tuple[int, Any]]) -> Iterator[Yielded]:
        """Supybot items, one log day each as the logger writes them, read as niche reads a log."""
        days: dict[str, list[str]] = defaultdict(list)
        for number, item in lines:
            try:
                days[str(item["data"]["timestamp"])[:10]].append(supybot_line(item["data"]))
            except (KeyError, TypeError) as exc:
                raw = json.dumps(item).encode()
                yield BadRecord(f"{path}: line {number}", f"unreadable Supybot item: no {exc}", raw)
        channel = irc.channel_of(self.origin.origin.rsplit("/", 1)[-1]) or self.name
        for day, said in sorted(days.items()):
            text = "\n".join(said) + "\n"
            item_id = f"{channel}/{day}"
            log = read_item(partial(irc.parse_log, text, f"{channel}.{day}.log"), text.encode(), item_id,
                            "unreadable log", item_id)  # fmt: skip
            if isinstance(log, BadRecord):
                yield log
            else:
                yield Item(item_id, "irc-log", text.encode(), irc.LogFile(log, channel))
                yield from (BadRecord(f"{item_id}: {b.location}", b.error, b.raw) for b in log.bad)


def launchpad_people(task: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Account link -> the account's answer, as Perceval's launchpad item holds them: the task's
    owner and assignee, each message's owner and each activity's person."""
    people: dict[str, Mapping[str, Any]] = {}
    pairs = [(task, "owner_link", "owner_data"), (task, "assignee_link", "assignee_data")]
    pairs += [(m, "owner_link", "owner_data") for m in _list(task.get("messages_data")) if isinstance(m, dict)]
    pairs += [(a, "person_link", "person_data") for a in _list(task.get("activity_data")) if isinstance(a, dict)]
    for holder, link, data in pairs:
        if isinstance(holder.get(link), str) and isinstance(holder.get(data), dict):
            people.setdefault(holder[link], holder[data])
    return people


def launchpad_person(people: Mapping[str, Mapping[str, Any]], link: str | None) -> Person | None:
    """The account of a link as niche's reader names it: its username, and the display name its
    answer gives (none for an account Perceval could not read)."""
    if not link:
        return None
    name = (people.get(link) or {}).get("display_name")
    return Person(link.rstrip("/").rsplit("~", 1)[-1], name if isinstance(name, str) else None)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _github_conversations(paths: list[Path], origin: str) -> dict[int, list[Any] | None]:
    """Pull request number -> its comments, from Perceval's GitHub issue items of the repository
    (the issues listing holds pull requests too); None for a pull request with no pull_request
    item in the files, whose conversation is then kept raw."""
    conversations: dict[int, list[Any] | None] = {}
    pulls: set[Any] = set()
    for path in paths:
        for _, item in _lines(path):
            if isinstance(item, BadRecord) or item.get("backend_name") != "GitHub" or item.get("origin") != origin:
                continue
            data = item["data"]
            if item.get("category") == "pull_request":
                pulls.add(data.get("number"))
            elif "pull_request" in data and isinstance(data.get("number"), int):
                conversations[data["number"]] = _list(data.get("comments_data"))
    return {**{n: c if n in pulls else None for n, c in conversations.items()},
            **{n: conversations.get(n) or [] for n in pulls if isinstance(n, int)}}  # fmt: skip


def _name(origin: Origin) -> str:
    """What people call the origin: a repository's or list's last path part, a channel."""
    return origin.origin.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or origin.origin


def _gitlab_project(origin: str) -> tuple[str, str]:
    """(host, GROUP/PROJECT) of a GitLab origin, https://gitlab.com/fdroid/fdroiddata."""
    split = urlsplit(origin)
    return split.hostname or "", split.path.strip("/")

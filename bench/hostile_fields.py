"""Hostile fields against every parser of outside data: the time must grow linearly with the size.

    python bench/hostile_fields.py [--sizes 10000,100000,1000000] [--only mail]

Each case feeds one hostile field to a parser, in the shape that made its patterns backtrack
(a display name of spaces, a subject of "[", a nick with no end, a header of folded encoded
words, a commit message of blank lines...): git log records, .mailmap lines, mail headers and
bodies, IRC lines, Gerrit, GitHub and Launchpad JSON names, the identity resolver (a name's whole
way: parsed, made an identity as the store makes it, resolved) and the breadcrumb extractor.
It prints the seconds per size (the fastest of --repeat runs) and how the cost per character
changes from one size to the next: about 1x for a linear parser, 10x a decade for a quadratic
one. A baseline (copying and encoding the same amount of text) shows what the machine itself
adds at large sizes (memory it must map and touch), so a parser is linear when it grows like it.
tests/test_hostile_bench.py runs it at 100 KB, where any quadratic parser takes minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC
from types import SimpleNamespace
from typing import Any

from niche.identity.mailmap import Mailmap
from niche.identity.resolve import Identity, resolve
from niche.links.extract import extract_refs
from niche.sources import gerrit, git, irc, launchpad, mail
from niche.sources.github import pull_request_change
from niche.sources.mail.words import asks_question, own_words
from niche.store.rows import Rows

SHA = "0123456789abcdef0123456789abcdef01234567"


def git_record(name: str = "Ada", email: str = "ada@example.org", message: str = "m", path: str = "a.py") -> None:
    """One `git log` record as niche asks git for it, parsed, and its identities resolved."""
    header = [f"\x1e{SHA}", "", name, email, "1700000000 +0100", name, email, "1700000000 +0100", "", message]
    record = "\0".join(header).encode() + b"\0\n1\t0\t" + path.encode() + b"\0"
    commits = [c for c in git.parse_log([record], "r") if isinstance(c, git.Commit)]
    signatures = [(c.author.name, c.author.email) for c in commits] + [a for c in commits for a in c.co_authors]
    _resolve("git", [(n, e, None) for n, e in signatures])
    for c in commits:
        extract_refs(c.message)


def mail_message(headers: str, body: str = "hello", envelope: str = "") -> None:
    """One message of an mbox archive, split, parsed, and its sender resolved."""
    data = f"From a@b.org {envelope}Mon Jan  1 00:00:00 2001\n{headers}\n\n{body}\n".encode(errors="replace")
    for raw in mail.split_mbox(_Stream(data)):
        post = mail.parse_message(raw, "x") if isinstance(raw, mail.RawMessage) else raw
        if isinstance(post, mail.Message):
            _resolve("mail", [(post.from_name, post.from_email, None)])
            extract_refs(post.own_text)


def irc_line(line: str) -> None:
    log = irc.parse_log(f"2024-01-02T10:00:00 <ada> hi\n{line}\n", "#x.2024-01-02.log", UTC)
    _resolve("irc", [(n, None, n) for n in {x.nick for x in log.lines}])


def _resolve(kind: str, people: list[tuple[str | None, str | None, str | None]]) -> None:
    """The identities as the store makes them (Rows.identity bounds every field), resolved."""
    rows = Rows()
    for name, email, username in people:
        rows.identity(kind, name, email, username)
    resolve([Identity(key, *fields) for key, fields in rows.identities.items()])


def gerrit_change(name: str) -> None:
    author = {"_account_id": 8, "name": name, "username": name}
    info = {"_number": 1, "project": "p", "id": "p~main~I1", "owner": {"_account_id": 7, "name": name},
            "messages": [{"author": author, "message": "lgtm"}]}  # fmt: skip
    change = gerrit.from_rest(json.loads(json.dumps(info)), "h", "https://h", {})
    _resolve("gerrit", [(e.who.name, e.who.email, e.who.username) for e in change.events if e.who])


def github_pull(name: str) -> None:
    user = {"login": name, "name": name}
    pull = {"number": 1, "title": "t", "user": user, "created_at": "2024-01-01T00:00:00Z"}
    change = pull_request_change("github.com", "o/r", json.loads(json.dumps(pull)), [], [], [])
    _resolve("github", [(e.who.name, e.who.email, e.who.username) for e in change.events if e.who])


def launchpad_bug(name: str) -> None:
    answer = SimpleNamespace(json=lambda: json.loads(json.dumps({"display_name": name})))
    client = SimpleNamespace(base_url="https://api.launchpad.net/1.0", get=lambda path: answer)
    reader = launchpad.LaunchpadReader(client, "p")  # type: ignore[arg-type]
    data = {"id": 1, "title": "t", "owner_link": f"https://api.launchpad.net/1.0/~{name[:64]}"}
    bug = reader._bug({}, data, [], [])
    _resolve("launchpad", [(bug.owner.name, None, bug.owner.username)] if bug.owner else [])


class _Stream:
    """The bytes of an archive as split_mbox reads them."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def seek(self, at: int) -> None:
        self.at = at

    def read1(self, size: int) -> bytes:
        chunk = self.data[self.at : self.at + size]
        self.at += len(chunk)
        return chunk


def _words(n: int, word: str) -> str:
    return (word * (n // len(word) + 1))[:n]


# name -> (parser input of about n characters, what feeds it to the parser)
CASES: dict[str, Callable[[int], None]] = {
    "git: author name of spaces": lambda n: git_record(name="A" + " " * n + "B"),
    "git: author name, one word": lambda n: git_record(name=_words(n, "a")),
    "git: author email without @": lambda n: git_record(email=_words(n, "a.")),
    "git: co-author of nested (": lambda n: git_record(message="t\n\nCo-Authored-By: " + "(" * n),
    "git: path of test_ words": lambda n: git_record(path=_words(n, "test_")),
    "git: message of blank lines": lambda n: git_record(message="t\n" + "\n" * n + "Closes-Bug: 1"),
    "mailmap: line without <": lambda n: Mailmap(_words(n, "a") + "\nA <a@b.org> <c@d.org>\n").map("x", "c@d.org"),
    "mailmap: many short lines": lambda n: Mailmap(_words(n, "A <a@b.org> B <c@d.org>\n")),
    "mail: From name of spaces": lambda n: mail_message('From: "' + " " * n + '" <a@b.org>'),
    "mail: From of nested (": lambda n: mail_message("From: a at b (" + "(" * n),
    "mail: From address of words": lambda n: mail_message("From: " + _words(n, "a") + "@b.org"),
    "mail: subject of [": lambda n: mail_message("From: a@b.org\nSubject: " + "[" * n),
    "mail: folded encoded words": lambda n: mail_message(
        "From: a@b.org\nSubject: " + _words(n, "=?utf-8?q?G=C3=B6?=\n ")
    ),
    "mail: References of <": lambda n: mail_message("From: a@b.org\nReferences: " + "<" * n),
    "mail: body of ?": lambda n: mail_message("From: a@b.org", "x" + "?" * n + "x"),
    "mail: html body of <script": lambda n: mail_message(
        "From: a@b.org\nContent-Type: text/html", "<script" * (n // 7)
    ),
    "mail: envelope of day names": lambda n: mail_message("From: a@b.org\nDate: none", envelope="Mon " * (n // 4)),
    "irc: nick": lambda n: irc_line(f"2024-01-02T10:01:00 <{_words(n, 'a')}> hello"),
    "irc: notice nick of -": lambda n: irc_line(f"2024-01-02T10:01:00 -{_words(n, 'a-')} hello"),
    "irc: line of addressed nick": lambda n: irc_line(f"2024-01-02T10:01:00 <bob> {_words(n, 'a')}: hi"),
    "irc: #chair of many nicks": lambda n: irc_line(
        "2024-01-02T10:01:00 <ada> #startmeeting x\n2024-01-02T10:01:01 <ada> #chair "
        + " ".join(f"n{i}" for i in range(n // 7))
    ),
    "gerrit: JSON account name": lambda n: gerrit_change(_words(n, "ab ")),
    "github: JSON login and name": lambda n: github_pull(_words(n, "ab")),
    "launchpad: JSON display name": lambda n: launchpad_bug(_words(n, "Ab ")),
    "resolver: name, address, username": lambda n: resolve(
        [
            Identity("1", "csv", _words(n, "Jo Do "), _words(n, "a") + "@" + _words(n, "b."), _words(n, "j")),
            Identity("2", "csv", _words(n, "Jo Do "), "jd@example.org", None),
        ]
    ),
    "links: text of blank lines": lambda n: extract_refs("\n" * n + "Bug: T1"),
    "words: own words and questions": lambda n: asks_question(own_words(_words(n, "? ") + "\n> q")[0], ""),
}


def _baseline(n: int) -> None:
    """A linear pass over an input of the same size: copied, encoded, decoded."""
    _words(n, "a b ").encode().decode()


def _timed(run: Callable[[int], Any], n: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(n)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="field sizes in characters")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = {"baseline: copy and encode": _baseline} | {k: v for k, v in CASES.items() if args.only in k}
    head = "".join(f"{n // 1000:>9,} KB" for n in sizes)
    steps = "".join(f"{f'x{b // a} size':>12}" for a, b in itertools.pairwise(sizes))
    print(f"{'case':38}{head}{steps}   (cost per character: x1 when linear, the size's factor when quadratic)")
    for name, run in cases.items():
        times = [_timed(run, n, args.repeat) for n in sizes]
        per_char = [t / n for t, n in zip(times, sizes, strict=True)]
        grown = "".join(f"{b / max(a, 1e-12):>11.1f}x" for a, b in itertools.pairwise(per_char))
        print(f"{name:38}" + "".join(f"{t:>11.4f}s" for t in times) + grown, flush=True)


if __name__ == "__main__":
    sys.exit(main())

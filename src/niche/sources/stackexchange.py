"""Stack Exchange sites (Stack Overflow, Server Fault, Ask Ubuntu ...): questions, answers,
comments and accepted answers, through the public API (`/questions`, oldest activity first).

A question comes with its answers and all comments in one answer when asked with a filter that
includes them; it is the same item Perceval's stackexchange backend stores. The API asks
clients to wait `backoff` seconds before the next call when it says so, and gives a daily quota.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, html_text, ident, text_of, when

DEFAULT_API_URL = "https://api.stackexchange.com/2.3"
# An immutable API filter (the one Perceval uses): questions with body_markdown, answers and comments.
FILTER = "Bf*y*ByQD_upZqozgU6lXL_62USGOoV3)MFNgiHqHpmO_Y-jHR"
PAGE_SIZE = 100


class StackExchangeReader:
    """Reads one site's questions (optionally those with one tag) by last activity."""

    def __init__(self, client: HttpClient, site: str, tagged: str | None = None, key: str | None = None,
                 sleep: Callable[[float], None] = time.sleep):  # fmt: skip
        self.client, self.site, self.tagged, self.key, self.sleep = client, site, tagged, key, sleep

    def pages(self, since: int) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"site": self.site, "sort": "activity", "order": "asc", "pagesize": PAGE_SIZE,
                                  "filter": FILTER, "min": since or None, "tagged": self.tagged,
                                  "key": self.key}  # fmt: skip
        page = 1
        while True:
            answer = self.client.get("/questions", params={k: v for k, v in (params | {"page": page}).items()
                                                           if v is not None}).json()  # fmt: skip
            if "error_id" in answer:
                raise SourceError(f"{self.client.base_url}/questions: {answer.get('error_name')}: "
                                  f"{answer.get('error_message')}")  # fmt: skip
            yield answer
            if not answer.get("has_more") or not answer.get("items"):
                return
            if answer.get("quota_remaining") == 0:
                raise SourceError(f"{self.client.base_url}: the day's API quota is used up; run again tomorrow "
                                  "(the sync resumes where it stopped), or set NICHE_STACKEXCHANGE_KEY")  # fmt: skip
            if backoff := answer.get("backoff"):
                self.sleep(float(backoff))  # the API's own request: no call before it has passed
            page += 1

    def read(self, cursor: dict[str, Any] | None) -> Iterator[Read]:
        since = int((cursor or {}).get("last_activity_date") or 0)
        for answer in self.pages(since):
            for question in answer.get("items") or []:
                yield _read(question, self.site)


def _read(question: Any, site: str) -> Read:
    raw = json.dumps(question).encode()
    try:
        after = {"last_activity_date": int(question["last_activity_date"])}
        return Read(question_thread(question, site), raw, after)
    except PARSE_ERRORS as exc:
        where = f"question {question.get('question_id') if isinstance(question, dict) else '?'}"
        return Read(BadRecord(where, f"unusable question: {type(exc).__name__}: {exc}", raw), b"")


def question_thread(item: dict[str, Any], site: str) -> Thread:
    """The posts of one API question (niche's reader or Perceval's stackexchange backend alike)."""
    qid = ident(item["question_id"])
    if qid is None:
        raise ValueError("a question without an id")
    question_id = f"question/{qid}"
    tags = tuple(str(t) for t in item.get("tags") or ())
    title = html.unescape(text_of(item.get("title")))
    text, links = _body(item)
    posts = [Post(question_id, "question", _owner(item.get("owner"), site), when(item.get("creation_date"))[0],
                  question_id, text, place=site, title=title, url=text_of(item.get("link")) or None, tags=tags,
                  links=links, asks_question=True)]  # fmt: skip
    posts += _comments(item.get("comments"), question_id, question_id, site, tags)
    accepted = ident(item.get("accepted_answer_id"))
    for answer in item.get("answers") or []:
        aid = ident(answer["answer_id"])
        text, links = _body(answer)
        posts.append(Post(f"answer/{aid}", "answer", _owner(answer.get("owner"), site),
                          when(answer.get("creation_date"))[0], question_id, text, parent_id=question_id, place=site,
                          title=title, url=text_of(answer.get("link")) or None, tags=tags, links=links,
                          accepted=bool(answer.get("is_accepted")) or aid == accepted))  # fmt: skip
        posts += _comments(answer.get("comments"), f"answer/{aid}", question_id, site, tags)
    return Thread(qid, "stackexchange-question", posts, site)


def _body(post: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Words and links: from the HTML body when the filter gave one, else the (escaped) Markdown."""
    if post.get("body"):
        return html_text(text_of(post["body"]))
    return html.unescape(text_of(post.get("body_markdown"))), ()


def _owner(owner: Any, site: str) -> Author | None:
    """The account: its id is the site's, its display name anyone's (so the identity is the profile)."""
    if not owner:
        return None
    uid = ident(owner.get("user_id"))
    name = html.unescape(text_of(owner.get("display_name"))) or None
    return Author(uid, f"{site}/users/{uid}" if uid else None, name)


def _comments(comments: Any, parent: str, thread: str, site: str, tags: tuple[str, ...]) -> list[Post]:
    posts = []
    for c in comments or []:
        text, links = _body(c)
        posts.append(Post(f"comment/{ident(c['comment_id'])}", "comment", _owner(c.get("owner"), site),
                          when(c.get("creation_date"))[0], thread, text, parent_id=parent, place=site, tags=tags,
                          links=links))  # fmt: skip
    return posts

"""Askbot Q&A sites (ask.openstack.org ran one): questions, answers, comments, accepted answers.

Askbot's API lists questions (`/api/v1/questions/`, oldest activity first) but not their
answers: those are read from the question's HTML pages (`/question/ID/?page=N&sort=votes`), and
each post's comments from `/s/post_comments` (older sites: `/post_comments`). A question is read
into the item Perceval's askbot backend makes of it (the API question, `author` and
`updated_by` from the page, `answers` with `answered_by`, `accepted` and `added_at`, and
`comments`), plus the links of each post, so `question_thread` turns either into niche's posts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from niche.errors import SourceError
from niche.sources.contract import BadRecord
from niche.sources.http import HttpClient
from niche.sources.posts import PARSE_ERRORS, Author, Post, Read, Thread, html_text, ident, text_of, when

_USER_ID = re.compile(r"/users/(\d+)")


class AskbotReader:
    """Reads one Askbot site's questions, each with its answers and comments."""

    def __init__(self, client: HttpClient):
        self.client = client
        self.comments_path = "/s/post_comments"

    def questions(self, since: int = 0) -> Iterator[dict[str, Any]]:
        """API questions whose last activity is after `since` (epoch seconds), oldest first."""
        page, pages = 1, 1
        while page <= pages:
            answer = self.client.get("/api/v1/questions/", params={"page": page, "sort": "activity-asc"}).json()
            pages = int(answer.get("pages") or 1)
            listed = answer.get("questions") or []
            for question in listed:
                if int(question.get("last_activity_at") or 0) > since:
                    yield question
            if not listed:
                return  # past the last page, whatever the count said
            page += 1

    def question(self, question: dict[str, Any]) -> dict[str, Any]:
        """The question as Perceval's askbot item: the API's fields and what its pages and
        comments add."""
        qid = question["id"]
        pages = [self.client.get(f"/question/{qid}/", params={"page": 1, "sort": "votes"}).text]
        for n in range(2, page_count(pages[0]) + 1):
            pages.append(self.client.get(f"/question/{qid}/", params={"page": n, "sort": "votes"}).text)
        item = dict(question) | parse_question_page(pages[0])
        item["answers"] = [a for page in pages for a in parse_answers(page)]
        if comments := self.comments(qid):
            item["comments"] = comments
        for answer in item["answers"]:
            if comments := self.comments(answer["id"]):
                answer["comments"] = comments
        return item

    def read(self, cursor: dict[str, Any] | None, site: str) -> Iterator[Read]:
        """Every question active since the cursor, oldest activity first; the cursor after each is
        its last activity, so a stopped sync resumes from the next."""
        for listed in self.questions(int((cursor or {}).get("last_activity_at") or 0)):
            after = {"last_activity_at": int(listed["last_activity_at"])}
            try:
                item = self.question(listed)
                yield Read(question_thread(item, site), json.dumps(item).encode(), after)
            except PARSE_ERRORS as exc:
                where = f"question {listed.get('id')}"
                yield Read(BadRecord(where, f"unusable question: {type(exc).__name__}: {exc}",
                                     json.dumps(listed).encode()), b"", after)  # fmt: skip

    def comments(self, post_id: object) -> list[dict[str, Any]]:
        params = {"post_id": post_id, "post_type": "answer", "avatar_size": 0}
        headers = {"X-Requested-With": "XMLHttpRequest"}
        try:
            answer = self.client.get(self.comments_path, params=params, headers=headers)
        except SourceError as exc:
            if "HTTP 404" not in str(exc) or self.comments_path == "/post_comments":
                raise
            self.comments_path = "/post_comments"  # sites older than Askbot 0.7.49
            answer = self.client.get(self.comments_path, params=params, headers=headers)
        return json.loads(answer.text or "[]")


# -- the question's HTML page ---------------------------------------------------------------------


def page_count(html: str) -> int:
    paginator = BeautifulSoup(html, "html.parser").select_one("div.paginator")
    pages = paginator.get("data-num-pages") if paginator else None
    return int(pages) if isinstance(pages, str) and pages else 1


def parse_question_page(html: str) -> dict[str, Any]:
    """The question's author and last editor, and the links of its body."""
    soup = BeautifulSoup(html, "html.parser")
    container = next((d for d in soup.find_all("div", class_="post") if _is_question(d)), None)
    if container is None:
        raise ValueError("no question on the page (expected <div class='post js-question'>)")
    infos = container.select("div.post-update-info")
    found: dict[str, Any] = {"author": user_info(infos[0]) if infos else {}}
    if len(infos) > 1 and (editor := user_info(infos[1])):
        found["updated_by"] = editor
    body = container.select_one("div.post-body") or container.select_one("div.question-body")
    if body is not None:
        found["links"] = list(html_text(_without_update_info(body))[1])
    return found


def _is_question(div: Tag) -> bool:
    return any("question" in c for c in div.get_attribute_list("class") if c)


def parse_answers(html: str) -> list[dict[str, Any]]:
    """The answers on one page, as Perceval's askbot backend records them (plus their links)."""
    answers = []
    for div in BeautifulSoup(html, "html.parser").select("div.answer"):
        body = div.select_one("div.post-body")
        if body is None:
            raise ValueError(f"answer {div.get('data-post-id')}: no post body")
        infos = body.select("div.post-update-info")
        accept = div.select_one("div.answer-img-accept")
        answer: dict[str, Any] = {
            "id": div["data-post-id"],
            "score": (div.select_one("div.vote-number") or body).get_text(strip=True),
            "accepted": "accepted-answer" in (div.get("class") or [])
            or bool(accept and str(accept.get("title") or "").endswith("correct")),
        }
        if infos:
            answer["added_at"] = _info_date(infos[0])
            answer["answered_by"] = user_info(infos[0])
        if len(infos) > 1:
            answer["updated_at"] = _info_date(infos[1])
            if editor := user_info(infos[1]):
                answer["updated_by"] = editor
        text, links = html_text(_without_update_info(body))
        answer["summary"], answer["links"] = text, list(links)
        answers.append(answer)
    return answers


def _without_update_info(body: Tag) -> str:
    copy = BeautifulSoup(str(body), "html.parser")
    for info in copy.select("div.post-update-info-container, div.post-update-info"):
        info.decompose()
    return str(copy)


def _info_date(info: Tag) -> str | None:
    abbr = info.find("abbr")
    at, _ = when(abbr.get("title")) if abbr else (None, None)
    return f"{float(at)}" if at is not None else None


def user_info(info: Tag) -> dict[str, Any]:
    """Who an update-info box names: {} for a wiki post or an anonymous one."""
    card = info.select_one("div.user-info")
    links = card.find_all("a") if card else []
    if not links:
        return {}
    found = _USER_ID.search(str(links[0].get("href") or ""))
    user = {"id": found.group(1) if found else None, "username": links[0].get_text(strip=True)}
    if len(links) > 1:
        user["website"] = links[1].get("href")
    return user


# -- Perceval's askbot item -> posts --------------------------------------------------------------


def question_thread(item: dict[str, Any], site: str) -> Thread:
    """The posts of one question item (niche's reader or Perceval's askbot backend alike)."""
    qid = ident(item["id"])
    if qid is None:
        raise ValueError("a question without an id")
    url = item.get("url") or None
    base = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" if url else None
    tags = tuple(str(t) for t in item.get("tags") or ())
    title = text_of(item.get("title"))
    text, links = html_text(text_of(item.get("summary")), base)
    question_id = f"question/{qid}"
    at, _ = when(item.get("added_at"))
    posts = [Post(question_id, "question", _author(item.get("author")), at, question_id, text, place=site,
                  title=title, url=url, tags=tags, links=_links(links, item.get("links")),
                  asks_question=True)]  # fmt: skip
    posts += _comments(item.get("comments"), question_id, question_id, site, tags)
    accepted_id = ident(item.get("accepted_answer_id"))
    for answer in item.get("answers") or []:
        aid = ident(answer["id"])
        answer_id = f"answer/{aid}"
        at, _ = when(answer.get("added_at"))
        posts.append(Post(answer_id, "answer", _author(answer.get("answered_by")), at, question_id,
                          text_of(answer.get("summary")), parent_id=question_id, place=site, title=title,
                          url=f"{url.rstrip('/')}/?answer={aid}#post-id-{aid}" if url else None, tags=tags,
                          links=_links((), answer.get("links")),
                          accepted=bool(answer.get("accepted")) or aid == accepted_id))  # fmt: skip
        posts += _comments(answer.get("comments"), answer_id, question_id, site, tags)
    return Thread(qid, "askbot-question", posts, site)


def _author(user: Any) -> Author | None:
    if not user:
        return None
    return Author(ident(user.get("id")), text_of(user.get("username")) or None)


def _links(found: tuple[str, ...], recorded: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*found, *(str(u) for u in recorded or ())]))


def _comments(comments: Any, parent: str, thread: str, site: str, tags: tuple[str, ...]) -> list[Post]:
    posts = []
    for c in comments or []:
        text, links = html_text(text_of(c.get("html")))
        at, offset = when(c.get("comment_added_at"))
        author = Author(ident(c.get("user_id")), text_of(c.get("user_display_name")) or None)
        posts.append(Post(f"comment/{ident(c['id'])}", "comment", author, at, thread, text, parent_id=parent,
                          place=site, tags=tags, links=links, tz_offset_minutes=offset))  # fmt: skip
    return posts

"""Mentoring: reviews of a newcomer's change and answers to a newcomer, worked out by hand."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from niche.classify import Rules, classify
from niche.identity import resolve_people
from niche.sources.gerrit import GerritExport
from niche.sources.git_repository import GitRepository
from niche.sources.mail.source import MailingList
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.gitrepos import commit, init


def _mentoring(store: Store) -> set[tuple[str, str]]:
    return set(
        store.con.execute(
            """SELECT p.name, a.object_id FROM activities a
               JOIN person_identities pi USING (identity_id) JOIN people p USING (person_id)
               WHERE a.role = 'mentoring'"""
        ).fetchall()
    )


def test_reviews_of_a_newcomers_change_are_mentoring(store: Store, fixtures: Path, tmp_path: Path) -> None:
    """In the Gerrit recording, change 416224 (2018-03-03) is the first thing Jayprakash12345 ever
    did: the reviews by Maurelio and hashar on it are mentoring. Lucas Werkmeister's change 415319
    (2018-02-28) would be too, but the git repository made here shows him committing since 2017."""
    export = tmp_path / "export.json"
    pages = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
    export.write_bytes(b"".join((fixtures / "gerrit" / p).read_bytes() for p in pages))
    sync(store, GerritExport(export)).check()
    repo = init(tmp_path / "wikibase")
    env = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
           for what, value in (("NAME", "Lucas Werkmeister"), ("EMAIL", "lucas.werkmeister@example.com"),
                               ("DATE", "2017-06-01T12:00:00+0200"))}  # fmt: skip
    commit(repo, {"repo/includes/Foo.php": "<?php\n"}, "Add Foo", env=env)
    sync(store, GitRepository(repo)).check()
    resolve_people(store)
    classify(store)
    names = {name for name, _ in _mentoring(store)}
    assert {change for _, change in _mentoring(store)} == {"416224"}
    assert {n.lower() for n in names} == {"marcoaurelio", "hashar"}  # Gerrit users maurelio and hashar
    rule = store.con.execute("SELECT role_rule FROM activities WHERE role = 'mentoring' LIMIT 1").fetchone()[0]
    change = "operations/mediawiki-config#416224"
    assert rule == f"reviewed change {change} by Jayprakash12345, a newcomer since 2018-03-03"
    # Without the git history, Lucas is a newcomer too; recomputing drops nothing and adds his change.
    repo_source = store.con.execute("SELECT source FROM sources WHERE kind = 'git'").fetchone()[0]
    store.con.execute("DELETE FROM stored.activities WHERE source = ?", [repo_source])
    resolve_people(store)
    classify(store)
    assert {change for _, change in _mentoring(store)} == {"416224", "415319"}


def _mail(box: mailbox.mbox, msgid: str, sender: str, when: datetime, subject: str, parent: str | None) -> None:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, "dev@lists.example.org", subject
    m["Date"], m["Message-ID"] = format_datetime(when), f"<{msgid}@example.org>"
    if parent:
        m["In-Reply-To"] = f"<{parent}@example.org>"
    m.set_content("Thanks, that works.\n" if parent else "How do I build the documentation?\n")
    box.add(m)


def test_answers_to_a_newcomer_within_the_window_are_mentoring(store: Store, tmp_path: Path) -> None:
    ann, ben, newt = "Ann Old <ann@example.org>", "Ben Regular <ben@example.org>", "Newt Fresh <newt@example.org>"
    box = mailbox.mbox(tmp_path / "dev.mbox")
    _mail(box, "a1", ann, datetime(2023, 1, 10, tzinfo=UTC), "Welcome", None)
    _mail(box, "b1", ben, datetime(2023, 2, 1, tzinfo=UTC), "Old question?", None)
    _mail(box, "b2", ben, datetime(2024, 3, 1, tzinfo=UTC), "Another question?", None)
    _mail(box, "a2", ann, datetime(2024, 3, 2, tzinfo=UTC), "Re: Another question?", "b2")  # Ben: a year in
    _mail(box, "n1", newt, datetime(2024, 3, 5, tzinfo=UTC), "How to build docs?", None)  # Newt's first mail
    _mail(box, "a3", ann, datetime(2024, 3, 6, tzinfo=UTC), "Re: How to build docs?", "n1")  # mentoring
    _mail(box, "n2", newt, datetime(2024, 3, 7, tzinfo=UTC), "Re: How to build docs?", "a3")  # own thread
    _mail(box, "n3", newt, datetime(2024, 7, 15, tzinfo=UTC), "Tox fails?", None)  # 132 days in
    _mail(box, "b3", ben, datetime(2024, 7, 16, tzinfo=UTC), "Re: Tox fails?", "n3")  # only in a longer window
    box.flush()
    sync(store, MailingList(str(tmp_path / "dev.mbox"))).check()
    resolve_people(store)
    assert classify(store) == 1
    assert _mentoring(store) == {("Ann Old", "a3@example.org")}
    assert classify(store, Rules.load({"roles": {"newcomer_days": 180}})) == 2
    assert _mentoring(store) == {("Ann Old", "a3@example.org"), ("Ben Regular", "b3@example.org")}

"""Find your niche, and the profile and recognition behind it: a recorded GitHub issue (made
untriaged), a mailing list and a git history written here, each with the answer known in advance."""

from __future__ import annotations

import json
import mailbox
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from niche import Community, Config, metrics
from niche.insights.niches import niches
from niche.sources.git_repository import GitRepository
from niche.sources.github import GitHubListing
from niche.sources.http import HttpClient
from niche.sources.mail.source import MailingList
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, git, init

AS_OF = datetime(2024, 6, 30)
REPO = "zhquan_example/repo"


def _mail(box: Path) -> None:
    """Three questions of April 2024: one answered by someone else, one only followed up by its
    asker, one alone; and one of 2019 nobody answered, too old to be news."""
    mbox = mailbox.mbox(box)
    for mid, sender, subject, body, parent, day in [
        ("q0@x", "Lee <lee@example.org>", "Does anyone run nova-network?", "Anyone?", None, "02 Apr 2019"),
        ("q1@x", "Ann <ann@example.org>", "How do I run the scheduler tests?", "How do I run them?", None,
         "01 Apr 2024"),
        ("a1@x", "Sam <sam@example.org>", "Re: How do I run the scheduler tests?", "Use tox -e py3.", "q1@x",
         "02 Apr 2024"),
        ("q2@x", "Ann <ann@example.org>", "Is the placement API stable?", "Is it stable yet?", None, "03 Apr 2024"),
        ("q2b@x", "Ann <ann@example.org>", "Re: Is the placement API stable?", "Anyone? Does nobody know?", "q2@x",
         "04 Apr 2024"),
        ("q3@x", "Lee <lee@example.org>", "Where are the libvirt docs?", "Where can I find them?", None, "05 Apr 2024"),
    ]:  # fmt: skip
        m = EmailMessage()
        m["From"], m["Subject"], m["Message-ID"] = sender, subject, f"<{mid}>"
        m["Date"] = f"Mon, {day} 10:00:00 +0000"
        m["List-Id"] = "Nova developers <nova-dev.lists.example.org>"
        if parent:
            m["In-Reply-To"] = f"<{parent}>"
        m.set_content(body)
        mbox.add(m)
    mbox.flush()


def _git(repo: Path) -> None:
    """Docs for the scheduler written in 2022, then a year of scheduler code with no doc change;
    the compute docs kept up; Sam and Kim pair on two commits."""

    def at(day: str, name: str = "Sam", email: str = "sam@example.org") -> dict[str, str]:
        return {"GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z",
                "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}  # fmt: skip

    commit(
        repo,
        {"doc/source/scheduler.rst": "Scheduler\n"},
        "Document the scheduler",
        env=at("2022-03-01", "Dee", "dee@example.org"),
    )
    commit(
        repo,
        {"doc/source/compute.rst": "Compute\n"},
        "Document compute",
        env=at("2022-03-02", "Dee", "dee@example.org"),
    )
    for month in range(1, 13):
        day = f"2023-{month:02d}-15" if month >= 7 else f"2024-{month:02d}-15"
        commit(repo, {f"nova/scheduler/filter{month}.py": "x\n"}, f"Scheduler filter {month}", env=at(day))
    for month in range(1, 6):
        trailer = "\n\nCo-authored-by: Kim <kim@example.org>" if month <= 2 else ""
        commit(repo, {f"nova/compute/api{month}.py": "y\n"}, f"Compute change {month}{trailer}",
               env=at(f"2024-0{month}-20", *(("Kim", "kim@example.org") if month > 2 else ())))  # fmt: skip
    dee = ("Dee", "dee@example.org")
    commit(
        repo, {"doc/source/compute.rst": "Compute, updated\n"}, "Update the compute docs", env=at("2024-05-01", *dee)
    )


@pytest.fixture
def community(store: Store, fixtures: Path, tmp_path: Path, httpserver: HTTPServer) -> Store:
    issue = json.loads((fixtures / "github" / "github_issue_2").read_text())[0]
    issue |= {"state": "open", "labels": [], "closed_at": None, "created_at": "2024-04-10T09:00:00Z"}
    httpserver.expect_request(f"/repos/{REPO}/issues").respond_with_json([issue])
    httpserver.expect_request(f"/repos/{REPO}/issues/2/comments").respond_with_json([])
    httpserver.expect_request(f"/repos/{REPO}/issues/2/events").respond_with_json([])
    with HttpClient(httpserver.url_for("/")) as client:
        sync(store, GitHubListing(client, REPO, issues=True)).check()
    _mail(tmp_path / "nova-dev.mbox")
    sync(store, MailingList(str(tmp_path / "nova-dev.mbox"))).check()
    repo = init(tmp_path / "nova")
    _git(repo)
    sync(store, GitRepository(repo)).check()
    Community(store, Config()).derive()  # people, roles, links, as every sync does
    return store


def test_each_kind_of_opportunity_is_found(community: Store) -> None:
    found = niches(community, AS_OF, limit=50)
    by_kind: dict[str, set[str]] = {}
    for o in found:
        by_kind.setdefault(o.kind, set()).add(o.title)
    # The open issue nobody answered is an untriaged bug, once; the 2019 question is too old to be news.
    assert by_kind["untriaged bug"] == {"title 2"}
    assert by_kind["unanswered question"] == {"Is the placement API stable?", "Where are the libvirt docs?"}
    assert len(found) == len({o.key for o in found})
    waiting = [o for o in found if o.kind == "unanswered question"]
    asked = [datetime(2024, 4, 3, 10), datetime(2024, 4, 5, 10)]  # oldest first
    assert [o.reasons for o in waiting] == [(f"waiting {(AS_OF - day).days} days",) for day in asked]
    assert by_kind["docs behind their code"] == {"Docs for nova/scheduler have not changed while its code did"}
    assert by_kind["area with bus factor 1"] == {"nova: nova/scheduler rests on one person",
                                                 "nova: nova/compute is mostly one person's work"}  # fmt: skip
    compute = next(o for o in found if o.title == "nova: nova/compute is mostly one person's work")
    assert compute.detail == "3 of its 5 commits in 12 months by one person, 1 other the rest"  # Kim 3, Sam 2
    issue = next(o for o in found if o.kind == "untriaged bug")
    assert issue.url == "https://github.com/zhquan_example/repo/issues/2"
    docs = next(o for o in found if o.kind == "docs behind their code")
    assert docs.detail.startswith("12 code commits in 12 months; 1 doc file(s) name it, e.g. doc/source/scheduler.rst")


def test_matched_to_a_person_or_to_interests_with_reasons(community: Store) -> None:
    sam = community.con.execute("SELECT person_id FROM people WHERE name = 'Sam'").fetchone()[0]
    for_sam = niches(community, AS_OF, person_id=sam)
    assert for_sam and all(o.reasons for o in for_sam)
    assert for_sam[0].title in {"Docs for nova/scheduler have not changed while its code did",
                                "nova: nova/scheduler rests on one person"}  # fmt: skip
    assert "you worked in nova: nova/scheduler (12 commits)" in for_sam[0].reasons
    assert all("scheduler" in o.title or "compute" in o.title or "nova-dev" in " ".join(o.reasons) for o in for_sam)
    triage = niches(community, AS_OF, interests=["triage"])
    assert [o.kind for o in triage] == ["untriaged bug"] and triage[0].reasons == ("matches your interest 'triage'",)


def test_profile_areas_coworkers_and_recognition(community: Store) -> None:
    people = dict(community.con.execute("SELECT name, person_id FROM people").fetchall())
    areas = metrics.run(community, "person_areas", as_of=AS_OF, person_id=people["Sam"])
    assert {(a["place_kind"], a["place"]): a["items"] for a in areas} == {
        ("code area", "nova: nova/scheduler"): 12, ("code area", "nova: nova/compute"): 2,
        ("mailing list", "nova-dev"): 1,
    }  # fmt: skip
    coworkers = metrics.run(community, "person_coworkers", as_of=AS_OF, person_id=people["Sam"])
    assert [(c["name"], c["interactions"], c["how"]) for c in coworkers] == [
        ("Kim", 2, "wrote commits together"),
        ("Ann", 1, "answered their mail"),
    ]
    rows = metrics.run(community, "recognition", as_of=AS_OF, months=12, limit=3)
    docs = [(r["rank"], r["name"], r["contributions"], r["example"]) for r in rows if r["role"] == "docs"]
    assert docs == [(1, "Dee", 1, "Update the compute docs")]  # the 2022 docs are older than 12 months
    # Ann had been around for a day: answering her question is mentoring, and says so
    mentoring = [(r["name"], r["example"]) for r in rows if r["role"] == "mentoring"]
    assert mentoring == [("Sam", "Re: How do I run the scheduler tests?")]
    assert "newcomer" in next(r["example_why"] for r in rows if r["role"] == "mentoring")


def test_the_niches_command(community: Store, tmp_path: Path) -> None:
    db = community.path
    community.close()
    ran = niche("--db", str(db), "niches", "--interests", "docs", "--as-of", "2024-06-30", "--json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    shown = json.loads(ran.stdout)
    assert shown[0]["kind"] == "docs behind their code" and shown[0]["reasons"] == ["matches your interest 'docs'"]


def test_docs_behind_their_code_are_files_still_there_that_name_the_area(store: Store, tmp_path: Path) -> None:
    """nova/objects changes all year. Three doc files hold 'objects' in their names: one only inside
    a word (nova-objectstore.rst, as in nova's history), one deleted, and one still there."""
    repo = init(tmp_path / "nova")

    def on(day: str) -> dict[str, str]:
        return {"GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}

    commit(repo, {"doc/source/man/nova-objectstore.rst": "objectstore\n", "doc/source/objects.rst": "o\n"},
           "Document the object store and objects", env=on("2020-01-10"))  # fmt: skip
    git(repo, "rm", "-q", "doc/source/objects.rst")
    commit(repo, {}, "Drop the objects page", env=on("2020-02-10"))
    for month in range(1, 13):
        commit(repo, {f"nova/objects/o{month}.py": "x\n"}, f"Object {month}", env=on(f"2023-{month:02d}-15"))
    sync(store, GitRepository(repo)).check()
    Community(store, Config()).derive()
    as_of = datetime(2023, 12, 31)
    assert metrics.run(store, "stale_docs", as_of=as_of, months=12) == []
    commit(repo, {"doc/source/reference/objects.rst": "Objects\n"}, "Document objects", env=on("2021-05-01"))
    sync(store, GitRepository(repo)).check()
    Community(store, Config()).derive()
    [row] = metrics.run(store, "stale_docs", as_of=as_of, months=12)
    assert row["detail"] == "12 code commits in 12 months; 1 doc file(s) name it, e.g. doc/source/reference/objects.rst"

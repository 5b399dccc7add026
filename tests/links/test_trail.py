"""Breadcrumbs end to end: commits built with git, indexed, followed with `niche trail`."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

from pytest_httpserver import HTTPServer

from niche.identity import resolve_people
from niche.links.build import build_links
from niche.links.trail import follow
from niche.sources.gerrit import GerritExport
from niche.sources.git_repository import GitRepository
from niche.sources.http import HttpClient
from niche.sources.launchpad import LaunchpadBugs
from niche.sources.mail.source import MailingList
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, git, init
from tests.helpers.recordings import TARGET, serve_launchpad

CHANGE = "I" + "1" * 40


def _history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = init(tmp_path / "nova")
    c = {}
    c["fix"] = commit(repo, {"a.py": "1"}, f"Fix the thing\n\nCloses-Bug: #1234567\nChange-Id: {CHANGE}")
    c["unrelated"] = commit(repo, {"b.py": "1"}, "Unrelated work\n\nChange-Id: I" + "2" * 40)
    c["followup"] = commit(repo, {"a.py": "2"}, "Follow-up for LP #1234567\n\nRelated-Bug: #1234567")
    c["revert"] = commit(repo, {"a.py": "1"}, f'Revert "Follow-up"\n\nThis reverts commit {c["followup"]}.')
    git(repo, "checkout", "-q", "-b", "stable", c["unrelated"])
    c["backport"] = commit(repo, {"c.py": "1"}, f"Fix the thing\n\nCloses-Bug: #1234567\nChange-Id: {CHANGE}")
    return repo, c


def test_trail_connects_bug_change_and_revert(store: Store, tmp_path: Path) -> None:
    repo, c = _history(tmp_path)
    sync(store, GitRepository(repo)).check()
    assert build_links(store) == 5
    assert build_links(store) == 0  # already indexed
    trail = follow(store, "1234567", hops=2)
    # The bug is named by fix, followup and backport; the revert names followup's hash;
    # fix and backport share a Change-Id. The unrelated commit is on no path.
    assert {t.item_id for t in trail} == {c["fix"], c["followup"], c["revert"], c["backport"]}
    by_id = {t.item_id: t for t in trail}
    assert by_id[c["revert"]].via == (f"commit:{c['followup']}",)
    assert by_id[c["fix"]].via == by_id[c["backport"]].via == ("lp-bug:1234567",)
    assert follow(store, CHANGE, hops=0) == sorted(follow(store, CHANGE, hops=0), key=lambda t: t.occurred_at)
    assert {t.item_id for t in follow(store, CHANGE, hops=0)} == {c["fix"], c["backport"]}
    assert {t.item_id for t in follow(store, c["followup"][:10], hops=0)} == {c["followup"], c["revert"]}


def test_trail_cli_json(tmp_path: Path) -> None:
    repo, c = _history(tmp_path)
    assert niche("sync", "git", str(repo), cwd=tmp_path).returncode == 0
    out = niche("trail", "https://bugs.launchpad.net/nova/+bug/1234567", "--hops", "0", "--json", cwd=tmp_path)
    items = json.loads(out.stdout)
    assert {i["item_id"] for i in items} == {c["fix"], c["followup"], c["backport"]}
    assert {i["person"] for i in items} == {"Ada Lovelace"}
    missing = niche("trail", "LP #999999", cwd=tmp_path)
    assert missing.returncode == 0 and "Nothing in the database is linked to LP #999999" in missing.stderr


def test_trail_across_bug_commit_review_and_mail(store: Store, fixtures: Path, httpserver: HTTPServer, tmp_path: Path):
    """Real recordings: Launchpad bug 1 and Gerrit change 416443. Made here: the commit that
    merged that change, closing the bug, and a mail pointing at both."""
    serve_launchpad(httpserver, fixtures)
    with HttpClient(httpserver.url_for("/1.0")) as client:
        sync(store, LaunchpadBugs(client, TARGET)).check()
    export = tmp_path / "export.json"
    export.write_bytes((fixtures / "gerrit" / "gerrit_reviews_page_1").read_bytes())
    sync(store, GerritExport(export)).check()
    change = next(r for r in map(json.loads, export.read_text().splitlines()) if r.get("number") == 416443)
    message = change["commitMessage"].replace("Change-Id:", "Closes-Bug: #1\nChange-Id:")
    sha = commit(init(tmp_path / "puppet"), {"modules/wdqs/check.pp": "x\n"}, message)
    sync(store, GitRepository(tmp_path / "puppet")).check()
    mail = EmailMessage()
    mail["From"], mail["Subject"] = "Ann Example <ann@example.org>", "Memory leak fix"
    mail["Date"], mail["Message-ID"] = "Tue, 06 Mar 2018 10:00:00 +0000", "<leak@example.org>"
    mail.set_content(f"The leak in https://bugs.launchpad.net/ubuntu/+bug/1 is fixed by {change['url']}\n")
    box = mailbox.mbox(tmp_path / "dev.mbox")
    box.add(mail)
    box.flush()
    sync(store, MailingList(str(tmp_path / "dev.mbox"))).check()
    resolve_people(store)
    build_links(store)
    trail = follow(store, "https://bugs.launchpad.net/bugs/1", hops=1)
    assert {(t.item_kind, t.item_id) for t in trail} == {
        ("bug", "1"),
        ("commit", sha),
        ("change", "operations/puppet#416443"),
        ("mail", "leak@example.org"),
    }
    assert [t.occurred_at for t in trail] == sorted(t.occurred_at for t in trail)
    assert trail[0].item_kind == "bug" and trail[0].person == "Cristian Aravena Romero"  # reported in 2006
    by_kind = {t.item_kind: t for t in trail}
    assert by_kind["change"].person == "Gehel" and by_kind["mail"].via == ("lp-bug:1",)

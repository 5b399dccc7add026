"""Merged Gerrit changes joined to their commits by Change-Id and project, and the trail from a
change to its commit to the bug it fixes and back, on real nova changes of 2011-2012 and a git
repository made here with their Change-Ids (as nova's own history carries them)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from niche.identity import resolve_people
from niche.links.build import build_links
from niche.links.trail import follow
from niche.metrics.cycles import load_cycles, report_windows
from niche.metrics.review_reports import run_report
from niche.sources.gerrit_file import GerritFile
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from niche.web.pages import Site
from niche.web.render import render
from tests.helpers.gitrepos import commit, git, init
from tests.helpers.openstack_reviews import SERVER, changes_2011


def _number(change: dict) -> int:
    return int(next(iter(change["revisions"].values()))["ref"].split("/")[3])


def _merged_nova(count: int) -> list[dict]:
    return [c for c in changes_2011() if c["project"] == "openstack/nova" and c["status"] == "MERGED"][:count]


def _merge_time(change: dict) -> str:
    merged = next(m for m in change["messages"] if m["message"].startswith("Change has been successfully merged"))
    return datetime.fromisoformat(merged["date"].split(".")[0]).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _store(tmp_path: Path, changes: list[dict], repo_name: str) -> Store:
    saved = tmp_path / "changes.json"
    saved.write_text(json.dumps(changes))
    repo = init(tmp_path / repo_name)
    for i, change in enumerate(changes):
        when = {"GIT_AUTHOR_DATE": _merge_time(change), "GIT_COMMITTER_DATE": _merge_time(change)}
        # As many of nova's 2011 commits: the Change-Id right under the body, no trailer block git reads.
        gap = "\n" if i % 2 else "\n\n"
        message = f"Change {i}\n\nFixes bug {880000 + i}{gap}Change-Id: {change['change_id']}\n"
        commit(repo, {f"nova/f{i}.py": "x\n"}, message, env=when)
    # A backport to a stable branch keeps the Change-Id; committed a month later, it is not the change's own.
    git(repo, "checkout", "-q", "-b", "stable/diablo")
    later = {"GIT_AUTHOR_DATE": "2013-01-01T00:00:00+0000", "GIT_COMMITTER_DATE": "2013-01-01T00:00:00+0000"}
    commit(repo, {"nova/backport.py": "x\n"}, f"Backport\n\nChange-Id: {changes[0]['change_id']}\n", env=later)
    store = Store(tmp_path / "niche.duckdb")
    sync(store, GerritFile(saved, SERVER)).check()
    sync(store, GitRepository(repo)).check()
    resolve_people(store)
    build_links(store)
    return store


def test_merged_changes_find_their_commits(tmp_path: Path) -> None:
    changes = _merged_nova(12)
    with _store(tmp_path, changes, "nova") as store:
        joined = dict(store.con.execute("SELECT number, sha FROM change_commits").fetchall())
        messages = store.con.execute("SELECT message, sha FROM commits WHERE committer_at < '2013-01-01'").fetchall()
    own = {re.search(r"Change-Id: (I[0-9a-f]{40})", message).group(1): sha for message, sha in messages}
    assert joined == {_number(c): own[c["change_id"]] for c in changes}


def test_a_repository_named_otherwise_is_not_the_project(tmp_path: Path) -> None:
    with _store(tmp_path, _merged_nova(3), "glance") as store:
        assert store.con.execute("SELECT count(*) FROM change_commits").fetchone()[0] == 0


def test_the_trail_from_a_change_to_its_bug_and_back(tmp_path: Path) -> None:
    change = _merged_nova(1)[0]
    number = _number(change)
    with _store(tmp_path, [change], "nova") as store:
        forward = follow(store, f"https://review.openstack.org/#change,{number}")
        back = follow(store, "lp-bug:880000")
    kinds = [i.item_kind for i in forward]
    assert kinds.count("change") == 1 and kinds.count("commit") == 2  # its commit, and the backport
    bug = [(key, url) for i in forward for key, url in i.outside if key == "lp-bug:880000"]
    assert bug == [("lp-bug:880000", "https://bugs.launchpad.net/bugs/880000")]  # not synced, still shown
    assert {i.item_id for i in back if i.item_kind == "change"} == {f"openstack/nova#{number}"}


def test_the_commits_report_counts_and_names_the_changes_without_a_commit(tmp_path: Path) -> None:
    changes = _merged_nova(13)
    alone = tmp_path / "alone.json"  # merged, but its commit is not in the repository
    alone.write_text(json.dumps(changes[12:]))
    with _store(tmp_path, changes[:12], "nova") as store:
        sync(store, GerritFile(alone, SERVER)).check()
        cycles = load_cycles()
        rows, _ = run_report(store, "commits", cycles, report_windows(cycles, None, since=datetime(2011, 1, 1),
                                                                    until=datetime(2013, 1, 1)))  # fmt: skip
    assert [(r["project"], r["merged"], r["found_commit"]) for r in rows] == [("openstack/nova", 13, 12)]
    assert [e["item_id"] for e in rows[0]["examples"]] == [f"openstack/nova#{_number(changes[12])}"]


def test_the_review_page_shows_the_join_for_the_cycle(tmp_path: Path) -> None:
    changes = _merged_nova(13)
    alone = tmp_path / "alone.json"
    alone.write_text(json.dumps(changes[12:]))
    with _store(tmp_path, changes[:12], "nova") as store:
        sync(store, GerritFile(alone, SERVER)).check()
        site = Site(store)
        context = site.page("review")
        html = render(site, "review", context)
    window = context["cycle"]["window"]
    merged = [
        c for c in changes if window.start <= datetime.fromisoformat(_merge_time(c)).replace(tzinfo=None) < window.end
    ]
    committed = [c for c in merged if c in changes[:12]]
    table = html[html.index('id="cycle-commits"') :].split("</table>")[0]
    cells = re.findall(r'<td class="num">(\d+)</td>', table)
    assert cells == [str(len(merged)), str(len(committed))] and len(merged) > len(committed) > 0

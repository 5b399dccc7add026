"""An item seen through two routes counts once, and removing a route brings the other copy back."""

from __future__ import annotations

import json
import mailbox
from collections import defaultdict
from pathlib import Path

from pytest_httpserver import HTTPServer

from niche.sources.gerrit import GerritServer
from niche.sources.gerrit_file import GerritFile
from niche.sources.http import HttpClient
from niche.store import Store
from niche.store.folds import fold_duplicates
from niche.store.sync import sync
from tests.helpers.cli import count_in, niche_ok
from tests.helpers.gerrit_server import serve_gerrit
from tests.helpers.gitrepos import commit, git, init
from tests.helpers.openstack_reviews import FILE_2015, changes_2015


def _gerrit_export(path: Path) -> list[dict]:
    return [c for c in map(json.loads, path.read_text().splitlines()) if "number" in c]


def test_a_gerrit_change_in_two_export_pages_counts_once(fixtures: Path, tmp_path: Path) -> None:
    pages = [fixtures / "gerrit" / f"gerrit_reviews_page_{n}" for n in (1, 2, 3)]
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "gerrit-export", *map(str, pages))

    # What the files say, read without niche: change numbers per project, Hashar's code reviews.
    changes: dict[str, set[int]] = defaultdict(set)
    merged: dict[str, set[int]] = defaultdict(set)
    hashar_votes = set()
    for change in (c for page in pages for c in _gerrit_export(page)):
        changes[change["project"]].add(change["number"])
        if change["status"] == "MERGED":
            merged[change["project"]].add(change["number"])
        for patch_set in change["patchSets"]:
            for a in patch_set.get("approvals", []):
                if a["by"].get("username") == "hashar" and a["type"] == "Code-Review":
                    hashar_votes.add((change["number"], int(a["value"])))
    assert hashar_votes == {(416224, 2)}  # one +2, though the change is in pages 2 and 3

    assert count_in(db, "SELECT count(*) FROM changes") == sum(map(len, changes.values())) == 4
    assert count_in(db, "SELECT count(*) FROM stored.changes") == 6  # both copies are kept
    reviews = json.loads(niche_ok(db, "reviews", "--by", "name:Hashar", "--as-of", "2018-03-31", "--json"))["reviews"]
    votes = [(int(r["item_id"].rpartition("#")[2]), r["vote"]) for r in reviews if r["vote"] is not None]
    assert votes == [(416224, 2)]
    stats = json.loads(niche_ok(db, "stats", "--as-of", "2018-03-31", "--json"))
    merges = defaultdict(int)
    for row in stats["change_request_velocity"]:
        merges[row["project"]] += row["merged"]
    assert merges["operations/puppet"] == len(merged["operations/puppet"]) == len(changes["operations/puppet"]) == 2
    assert stats["duplicates_folded"] == 2
    niche_ok(db, "report", "-o", str(tmp_path / "site"), "--as-of", "2018-03-31")
    quality = (tmp_path / "site" / "quality.html").read_text()
    assert "2 duplicate copies folded" in quality


def test_removing_the_counted_route_brings_the_other_copy_back(fixtures: Path, tmp_path: Path) -> None:
    pages = [fixtures / "gerrit" / f"gerrit_reviews_page_{n}" for n in (2, 3)]
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "gerrit-export", *map(str, pages))
    with Store(db, read_only=True) as store:
        kept = store.con.execute("SELECT DISTINCT kept_source FROM folded_items").fetchall()
    assert kept == [(f"gerrit-export:{pages[0].resolve()}",)]  # page 2 has the later update of both
    niche_ok(db, "sources", "remove", str(pages[0]), "--yes")
    with Store(db, read_only=True) as store:
        rows = store.con.execute("SELECT source, item_id FROM changes ORDER BY item_id").fetchall()
        assert rows == [(f"gerrit-export:{pages[1].resolve()}", i) for i in
                        ("operations/mediawiki-config#416224", "operations/puppet#415887")]  # fmt: skip
        assert store.con.execute("SELECT count(*) FROM folded_items").fetchone()[0] == 0
        assert store.con.execute("SELECT count(*) FROM stored.changes").fetchone()[0] == 2
    reviews = json.loads(niche_ok(db, "reviews", "--by", "name:Hashar", "--as-of", "2018-03-31", "--json"))["reviews"]
    assert [(r["item_id"], r["vote"]) for r in reviews if r["vote"]] == [("operations/mediawiki-config#416224", 2)]


def _message_ids(*paths: Path) -> set[str]:
    return {m["Message-ID"].strip().strip("<>") for p in paths for m in mailbox.mbox(p)}


def test_one_list_in_pipermail_and_hyperkitty_counts_each_message_once(fixtures: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "mail", str(fixtures / "pipermail"), str(fixtures / "hyperkitty"))
    archives = [*(fixtures / "pipermail").glob("*.mbox"), *(fixtures / "hyperkitty").glob("*.mbox")]
    ids = _message_ids(*archives)
    assert count_in(db, "SELECT count(*) FROM mail_messages") == len(ids) == 8
    assert count_in(db, "SELECT count(*) FROM stored.mail_messages") == 12
    assert count_in(db, "SELECT count(*) FROM person_activities WHERE kind LIKE 'mail.%'") == len(ids)
    assert count_in(db, "SELECT count(*) FROM folded_items WHERE key LIKE 'message-id:%'") == 4


def test_overlapping_mbox_files_count_each_message_once(fixtures: Path, tmp_path: Path) -> None:
    months = [fixtures / "pipermail" / f"pipermail_{m}.mbox" for m in ("2016_march", "2016_april")]
    both = tmp_path / "spring.mbox"
    both.write_bytes(b"".join(m.read_bytes() for m in months))
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "mail", str(both), *map(str, months))
    assert count_in(db, "SELECT count(*) FROM mail_messages") == len(_message_ids(*months)) == 4
    threads = count_in(db, "SELECT count(DISTINCT thread_id) FROM mail_messages")
    assert threads == 2  # March's message, and April's thread of three


def test_one_repository_cloned_twice_counts_each_commit_once(tmp_path: Path) -> None:
    origin = init(tmp_path / "origin")
    for n in range(3):
        commit(origin, {f"nova/f{n}.py": "x"}, f"change {n}")
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--mirror", str(origin), str(mirror))
    commit(origin, {"nova/f3.py": "y"}, "change 3")  # the mirror is one commit behind
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "git", str(origin), str(mirror))
    expected = int(git(origin, "rev-list", "--count", "HEAD"))
    assert count_in(db, "SELECT count(*) FROM commits") == expected == 4
    assert count_in(db, "SELECT count(*) FROM stored.commits") == expected + 3
    assert count_in(db, "SELECT count(*) FROM authored_commits") == expected
    assert count_in(db, "SELECT count(*) FROM commit_files") == expected


def test_irc_logs_read_through_two_folders_count_once(fixtures: Path, tmp_path: Path) -> None:
    channel = tmp_path / "logs" / "#ceph"
    channel.mkdir(parents=True)
    for log in ("supybot_2012_10_17.log", "supybot_2012_10_18.log"):
        (channel / log).write_bytes((fixtures / "supybot" / log).read_bytes())
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "irc", str(channel), exit_code=1)  # two odd lines quarantined
    once = count_in(db, "SELECT count(*) FROM activities WHERE kind = 'irc.message'")
    niche_ok(db, "sync", "irc", str(tmp_path / "logs"), exit_code=1)  # the same files, through their parent
    assert count_in(db, "SELECT count(*) FROM activities WHERE kind = 'irc.message'") == once > 0
    assert count_in(db, "SELECT count(*) FROM folded_items WHERE key LIKE 'irc-log:%'") == 2


def test_a_saved_gerrit_file_and_a_rest_sync_of_the_same_server_count_once(
    fixtures: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    """The 102 changes of 2015 exactly as OpenStack's Gerrit answered, once saved to a file and once
    read live from the server (replayed here): one change each."""
    changes = changes_2015()
    serve_gerrit(httpserver, changes, page_size=25)
    db = tmp_path / "n.duckdb"
    with Store(db) as store, HttpClient(httpserver.url_for("")) as client:
        assert sync(store, GerritServer(client)).check().new == len(changes) == 102
        sync(store, GerritFile(fixtures / FILE_2015, httpserver.url_for(""))).check()
        fold_duplicates(store)
        assert store.con.execute("SELECT count(*) FROM stored.changes").fetchone()[0] == 2 * len(changes)
        assert store.con.execute("SELECT count(*) FROM changes").fetchone()[0] == len({c["_number"] for c in changes})
        shown = store.con.execute("SELECT count(*) FROM review_events").fetchone()[0]
        per_copy = store.con.execute("SELECT source, count(*) FROM stored.review_events GROUP BY ALL").fetchall()
        # The replayed server gives no inline comments: the saved file's copy is the fuller one, and counts.
        assert len(per_copy) == 2 and max(n for _, n in per_copy) == shown

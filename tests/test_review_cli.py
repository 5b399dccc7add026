"""`niche reviews REPORT`, `niche people punchcard` and `niche sync gerrit-file` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import niche
from tests.helpers.openstack_reviews import changes_2011


def test_a_report_as_json_and_as_a_table(openstack_2011: Path, tmp_path: Path) -> None:
    done = niche("--db", str(openstack_2011), "reviews", "cores", "--project", "nova", "--cycle", "essex", "--json",
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["windows"][0]["name"] == "essex" and len(report["rows"]) == 31
    assert report["rows"][0]["name"] == "Vish Ishaya"
    table = niche("--db", str(openstack_2011), "reviews", "single-approval", "--project", "nova", "--since",
                  "2012-01-01", "--until", "2012-02-01", cwd=tmp_path)  # fmt: skip
    assert table.returncode == 0 and "Totals" in table.stdout and "2012-01-01 to 2012-02-01" in table.stdout


def test_punchcards(openstack_2011: Path, tmp_path: Path) -> None:
    review = niche("--db", str(openstack_2011), "reviews", "punchcard", "--by", "name:Vish Ishaya", "--cycle",
                   "essex", cwd=tmp_path)  # fmt: skip
    assert review.returncode == 0, review.stderr
    assert "Mon" in review.stdout and "none known: UTC" in review.stdout
    everything = niche("--db", str(openstack_2011), "people", "punchcard", "name:Vish Ishaya", "--json", cwd=tmp_path)
    rows = json.loads(everything.stdout)["rows"]
    assert sum(r["activities"] for r in rows) > 0


def test_what_a_user_can_get_wrong(openstack_2011: Path, tmp_path: Path) -> None:
    for args, said in (
        (["reviews", "cores", "--cycle", "nosuch"], "no cycle named 'nosuch'; known cycles: austin"),
        (["reviews", "nosuch"], "no review report named 'nosuch'"),
        (["reviews", "punchcard"], "name them with --by WHO"),
        (["reviews", "load", "--project", "nowhere"], "nowhere: no single project"),
    ):
        done = niche("--db", str(openstack_2011), *args, cwd=tmp_path)
        assert done.returncode == 2 and said in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_sync_lists_a_wording_it_cannot_read(tmp_path: Path) -> None:
    change = json.loads(json.dumps(changes_2011()[0]))
    change["messages"][0]["message"] = "Patch Set 1: Looks fabulous; Approved\n\nGood stuff!"
    saved = tmp_path / "one.json"
    saved.write_text(json.dumps([change]))
    done = niche("--db", str(tmp_path / "n.duckdb"), "sync", "gerrit-file", str(saved), "--url",
                 "https://review.openstack.org", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 new change\n" in done.stderr  # one change, not "1 changes"
    assert "1 votes worded 'Looks fabulous' could not be read (e.g. openstack/nova#1459)" in done.stderr

"""IRC sync into a real store: logs as files, resync of a growing log, meetings and roles."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from niche.cli import app
from niche.sources.irc import IrcLogs
from niche.store import Store
from niche.store.sync import SyncResult, sync
from tests.helpers.irc_logs import MEETBOT


def sync_irc(store: Store, path: Path) -> SyncResult:
    return sync(store, IrcLogs(path)).check()


def test_folder_of_logs_then_growing_log(store: Store, fixtures: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    shutil.copytree(fixtures / "supybot", logs)
    first = sync_irc(store, logs)
    assert (first.new, first.quarantined) == (6, 5)
    lines = store.con.execute("SELECT count(*) FROM activities WHERE kind = 'irc.message'").fetchone()[0]
    assert lines == first.details["line"]
    assert {r[0] for r in store.con.execute("SELECT DISTINCT project FROM activities").fetchall()} == {
        "#ceph",
        "#rit-foss",
    }
    assert sync_irc(store, logs).details["unchanged log file"] == 6
    day = logs / "supybot_2012_10_18.log"
    day.write_text(day.read_text() + "2012-10-18T20:00:00+0000  <guyfry> one more line\n")
    again = sync_irc(store, logs)
    assert (again.new, again.changed, again.details["unchanged log file"]) == (0, 1, 5)
    after = store.con.execute("SELECT count(*) FROM activities WHERE kind = 'irc.message'").fetchone()[0]
    assert after == lines + 1  # the grown log replaced itself, nothing doubled


def test_meeting_log_credits_chairs_attendees_and_action_owners(tmp_path: Path) -> None:
    meetings = tmp_path / "meetings" / "nova" / "2023"
    meetings.mkdir(parents=True)
    (meetings / "nova.2023-01-10-16.00.log.txt").write_text(MEETBOT)
    db = tmp_path / "n.duckdb"
    result = CliRunner().invoke(
        app, ["--db", str(db), "sync", "irc", str(tmp_path / "meetings"), "--channel", "#openstack-meeting"]
    )
    assert result.exit_code == 0, result.output
    assert "1 new log file; 12 lines, 1 meeting" in result.output
    with Store(db, read_only=True) as store:
        credits = store.con.execute(
            """SELECT a.kind, i.name, a.role FROM activities a JOIN identities i USING (identity_id)
               WHERE a.kind LIKE 'meeting.%' ORDER BY 1, 2"""
        ).fetchall()
        assert ("meeting.action_owner", "melwitt", "meetings") in credits
        assert [c[1] for c in credits if c[0] == "meeting.chaired"] == ["bauzas", "gibi"]
        row = store.con.execute("SELECT name, chairs, ended_at IS NOT NULL, actions FROM meetings").fetchone()
        assert row[:3] == ("nova", ["gibi", "bauzas"], True)
        assert row[3] == [{"owners": ["melwitt"], "text": "melwitt to triage the new bugs"}]


def test_bad_timezone_is_one_clear_error(tmp_path: Path, fixtures: Path) -> None:
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "n.duckdb"), "sync", "irc", str(fixtures / "supybot"), "--tz", "Mars/Olympus"]
    )
    assert result.exit_code == 2 and "Mars/Olympus: not a timezone name" in result.output  # a usage error

"""IRC logs: real Supybot logs, and the other loggers' formats written out here."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from niche.sources import irc
from tests.helpers.irc_logs import MEETBOT


def test_supybot_log_lines_nicks_and_bad_lines(fixtures: Path) -> None:
    log = irc.parse_log((fixtures / "supybot" / "supybot_valid.log").read_text(), "supybot_valid.log")
    assert log.channel == "#ceph"
    first = log.lines[0]
    assert (first.at, first.nick, first.kind) == (datetime(2012, 10, 17, 9, 16, 21), "benpol", "message")
    assert first.text.startswith("So the performance degradations")
    assert ("dty_", "dty") in [(old, new) for _, old, new in log.nick_changes]
    notices = [line for line in log.lines if line.kind == "notice"]
    assert [n.nick for n in notices] == ["supy-bot"]
    assert [b.location for b in log.bad] == ["line 23"]  # an HTML-escaped "<joao&gt;" line
    answers = [line for line in log.lines if line.answers_question]
    assert all(a.addressed and a.addressed != a.nick for a in answers)


def test_supybot_broken_lines_are_reported_one_by_one(fixtures: Path) -> None:
    log = irc.parse_log((fixtures / "supybot" / "supybot_invalid_date.log").read_text(), "x.log")
    assert [b.location for b in log.bad] == ["line 4"] and "expected '<nick> text'" in log.bad[0].error
    assert len(log.lines) == 5


def test_time_without_offset_uses_the_given_timezone(fixtures: Path) -> None:
    text = (fixtures / "supybot" / "supybot_date_without_tz.log").read_text()
    utc = irc.parse_log(text, "rit.log")
    berlin = irc.parse_log(text, "rit.log", ZoneInfo("Europe/Berlin"))
    assert utc.lines[0].at == datetime(2021, 1, 12, 11, 29, 41)
    assert berlin.lines[0].at == datetime(2021, 1, 12, 10, 29, 41) and berlin.lines[0].tz_offset_minutes == 60
    assert utc.channel == "#rit-foss"


def test_meetbot_log_meeting_chairs_actions_and_answers() -> None:
    log = irc.parse_log(MEETBOT, "nova.2023-01-10-16.00.log.txt")
    (meeting,) = log.meetings
    assert meeting.name == "nova" and meeting.started_at == datetime(2023, 1, 10, 16, 0, 12)
    assert meeting.chairs == ["gibi", "bauzas"]
    assert meeting.ended_at == datetime(2023, 1, 10, 16, 6, 30)  # melwitt is no chair: her #endmeeting is ignored
    assert meeting.topics == ["Bugs"] and meeting.agreed == ["we release on Thursday"]
    assert meeting.actions == [(["melwitt"], "melwitt to triage the new bugs")]
    assert set(meeting.participants) == {"gibi", "bauzas", "sean-k-mooney", "melwitt"}
    answer = next(line for line in log.lines if line.nick == "melwitt" and line.addressed)
    assert answer.addressed == "sean-k-mooney" and answer.answers_question


def test_irssi_weechat_and_znc_formats() -> None:
    irssi = irc.parse_log(
        "--- Log opened Tue Oct 16 22:00:00 2012\n23:59 < alice> anyone here?\n"
        "--- Day changed Wed Oct 17 2012\n00:01 <@bob> alice: yes\n00:02 -!- alice is now known as alice_away\n"
        "00:03 < alice_away> thanks\n00:04 -!- carol [~c@host] has joined #chan\n",
        "chan.log",
    )
    assert [(line.at, line.nick) for line in irssi.lines] == [
        (datetime(2012, 10, 16, 23, 59), "alice"),
        (datetime(2012, 10, 17, 0, 1), "bob"),
        (datetime(2012, 10, 17, 0, 3), "alice"),  # the nick change is followed
    ]
    assert irssi.lines[1].answers_question and not irssi.bad
    weechat = irc.parse_log(
        "2012-10-17 09:16:21\t@alice\thello\n2012-10-17 09:16:22\t-->\tbob (~b@h) has joined #chan\n"
        "2012-10-17 09:16:30\t *\tbob waves\n2012-10-17 09:17:00\t--\tbob is now known as robert\n"
        "2012-10-17 09:17:05\trobert\thi\n",
        "irc.libera.#chan.weechatlog",
    )
    assert [(line.nick, line.kind) for line in weechat.lines] == [
        ("alice", "message"),
        ("bob", "action"),
        ("bob", "message"),  # said as robert
    ]
    znc = irc.parse_log("[09:16:21] <alice> hi\n[09:16:25] *** Joins: bob (b@h)\n", "#chan_20121017.log")
    assert znc.lines[0].at == datetime(2012, 10, 17, 9, 16, 21) and not znc.bad
    assert irc.channel_of("#openstack-nova.2023-01-10.log") == "#openstack-nova"
    assert irc.channel_of("#chan_20121017.log") == "#chan"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["x.log", "#c.2020-02-30.log", "m.2023-01-10-16.00.log.txt"]))
def test_any_text_parses_or_is_reported(text: str, name: str) -> None:
    log = irc.parse_log(text, name)
    nonblank = sum(1 for line in text.splitlines() if line.strip())
    assert len(log.lines) + len(log.bad) <= nonblank
    assert all(b.location.startswith("line ") for b in log.bad)

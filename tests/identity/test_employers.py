"""Employer of the day on histories shaped like OpenStack's: the cases that went wrong in nova's
real history (see bench/employer_share.py), rebuilt as real git repositories with invented people."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from niche.identity import resolve_people
from niche.identity.affiliations import Period, Seen, periods_from_seen, with_stated
from niche.identity.overrides import Overrides
from niche.sources.gerrit import GerritExport
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.gitrepos import git, init


def _epoch(day: str) -> int:
    return int(datetime.fromisoformat(day + "T12:00:00+00:00").timestamp())


def _history(repo: Path, commits: list[tuple[str, str, str, str, str, str]]) -> None:
    """(message, author "Name <addr>", author day, committer "Name <addr>", committer day) in order."""
    lines = []
    for i, (message, author, authored, committer, committed, path) in enumerate(commits):
        body = f"{i}\n".encode()
        lines.append(b"commit refs/heads/main\n")
        lines.append(f"author {author} {_epoch(authored)} +0000\n".encode())
        lines.append(f"committer {committer} {_epoch(committed)} +0000\n".encode())
        lines.append(b"data %d\n%s\n" % (len(message), message.encode()))
        lines.append(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(body), body))
    git(repo, "fast-import", "--quiet", input=b"".join(lines))


def _credited(store: Store) -> dict[str, str | None]:
    rows = store.con.execute(
        "SELECT c.message, ac.org FROM authored_commits ac JOIN commits c USING (source, item_id)"
    ).fetchall()
    return {message.strip(): org for message, org in rows}


XU_IBM = "Alexei Xukovsky <hxu@linux.vnet.ibm.com>"
XU_INTEL, XU_MAIL = "Alexei Xukovsky <hao.xu@intel.com>", "Alexei Xukovsky <soulhao@gmail.com>"
RH, HOME = "Nina Petrova <npetrova@redhat.com>", "Nina Petrova <nina.petrova@gmail.com>"


def test_employer_of_the_day_on_real_shaped_histories(tmp_path: Path, store: Store) -> None:
    repo = init(tmp_path / "nova", bare=True)
    _history(repo, [
        # one commit from a personal address in the middle of years at Red Hat cut the period
        ("rh 1", RH, "2012-03-01", RH, "2012-03-01", "a"),
        ("rh home", HOME, "2013-05-01", HOME, "2013-05-01", "b"),
        ("rh 2", RH, "2014-02-01", RH, "2014-02-01", "c"),
        ("rh after", HOME, "2016-01-10", HOME, "2016-01-10", "d"),  # after the last Red Hat address
        # bzr-era commits: the address in the name field, no address
        ("bzr", "jdoe@rackspace.com <>", "2010-11-01", "jdoe@rackspace.com <>", "2010-11-01", "e"),
        # an address of an organisation that did not exist yet
        ("foundation early", "Tom Blake <tom@openstack.org>", "2011-06-01", "Tom Blake <tom@openstack.org>",
         "2011-06-01", "f"),
        ("foundation", "Tom Blake <tom@openstack.org>", "2013-06-01", "Tom Blake <tom@openstack.org>",
         "2013-06-01", "g"),
        # moving from IBM to Intel: the Intel address was put on a change first written months
        # earlier (its author date), and IBM-address changes were still being revised by him at Intel
        ("xu ibm", XU_IBM, "2014-08-11", XU_IBM, "2014-08-11", "h"),
        ("xu intel early", XU_INTEL, "2014-08-21", XU_INTEL, "2015-01-19", "i"),
        ("xu ibm revised at intel", XU_IBM, "2014-10-23", XU_INTEL, "2015-02-13", "j"),
        ("xu gmail", XU_MAIL, "2014-11-07", XU_MAIL, "2014-11-13", "k"),
        ("xu intel", XU_INTEL, "2014-12-03", XU_INTEL, "2014-12-03", "l"),
        ("xu intel later", XU_INTEL, "2015-03-01", XU_INTEL, "2015-03-01", "m"),
        # HP's address after HP split in two names neither half
        ("hp", "Ann Ruiz <ann.ruiz@hp.com>", "2014-01-01", "Ann Ruiz <ann.ruiz@hp.com>", "2014-01-01", "n"),
        ("hp after split", "Ann Ruiz <ann.ruiz@hp.com>", "2016-01-01", "Ann Ruiz <ann.ruiz@hp.com>", "2016-01-01", "o"),
        ("enovance", "Luc Marin <luc@enovance.com>", "2013-01-01", "Luc Marin <luc@enovance.com>", "2013-01-01", "p"),
        ("enovance at red hat", "Luc Marin <luc@enovance.com>", "2015-01-01", "Luc Marin <luc@enovance.com>",
         "2015-01-01", "q"),
    ])  # fmt: skip
    sync(store, GitRepository(repo)).check()
    resolve_people(store, Overrides())
    assert _credited(store) == {
        "rh 1": "Red Hat", "rh home": "Red Hat", "rh 2": "Red Hat", "rh after": None,
        "bzr": "Rackspace",
        "foundation early": None, "foundation": "OpenStack Foundation",
        "xu ibm": "IBM", "xu intel early": "IBM", "xu ibm revised at intel": "IBM",
        "xu gmail": "Intel", "xu intel": "Intel", "xu intel later": "Intel",
        "hp": "HP", "hp after split": None,
        "enovance": "eNovance", "enovance at red hat": "Red Hat",
    }  # fmt: skip
    periods = store.con.execute(
        "SELECT org, valid_from::DATE, valid_until::DATE FROM affiliations JOIN people USING (person_id) "
        "WHERE people.name = 'Nina Petrova'"
    ).fetchall()
    assert periods == [("Red Hat", date(2012, 3, 1), date(2014, 2, 2))]  # ends with the last activity there


def test_periods_from_days_seen_and_stated_ones_win() -> None:
    d = date
    seen = [
        Seen(d(2012, 1, 5), d(2012, 1, 5), "Red Hat"),
        Seen(d(2013, 1, 5), d(2013, 1, 5), None),  # a personal address: neither starts nor ends a period
        Seen(d(2015, 6, 1), d(2015, 6, 1), "Red Hat"),
        Seen(d(2016, 3, 1), d(2015, 9, 1), "IBM"),  # first written in 2015-09, last in 2016-03
        Seen(d(2018, 1, 1), d(2018, 1, 1), "IBM"),
    ]
    derived = periods_from_seen(seen)
    at = lambda y, m, day=1: datetime(y, m, day)  # noqa: E731
    assert [(p.org, p.start, p.end) for p in derived] == [
        ("Red Hat", at(2012, 1, 5), at(2015, 6, 2)),
        ("IBM", at(2015, 9, 1), at(2018, 1, 2)),  # covers its first change's author date
    ]
    assert periods_from_seen([*seen, Seen(d(2016, 3, 1), d(2015, 1, 1), "IBM")])[1].start == at(2015, 6, 2)
    stated = with_stated(derived, [Period("Example", at(2014, 1), at(2017, 1), "stated")])
    assert [(p.org, p.start, p.end) for p in stated] == [
        ("Red Hat", at(2012, 1, 5), at(2014, 1)),
        ("Example", at(2014, 1), at(2017, 1)),
        ("IBM", at(2017, 1), at(2018, 1, 2)),
    ]


def test_review_accounts_join_identities_but_date_no_employment(tmp_path: Path, store: Store, fixtures: Path) -> None:
    """A review server reports an account's address as it is today: the real Gerrit records, with
    their (anonymised) addresses put at a company, credit none of those reviews to it."""
    pages = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
    text = b"".join((fixtures / "gerrit" / p).read_bytes() for p in pages).replace(b"@example.com", b"@redhat.com")
    (tmp_path / "export.json").write_bytes(text)
    sync(store, GerritExport(tmp_path / "export.json")).check()
    repo = init(tmp_path / "repo", bare=True)
    owner = "Guillaume Lederrey <guillaume.lederrey@redhat.com>"  # the same address in a commit dates it
    _history(repo, [("one commit", owner, "2019-01-02", owner, "2019-01-02", "a")])
    sync(store, GitRepository(repo)).check()
    resolve_people(store, Overrides())
    assert store.con.execute("SELECT count(*) FROM person_activities WHERE org IS NOT NULL").fetchone()[0] == 1
    assert (
        store.con.execute(
            "SELECT count(DISTINCT person_id) FROM person_activities WHERE kind <> 'commit.authored' AND person_id = "
            "(SELECT person_id FROM authored_commits)"
        ).fetchone()[0]
        == 1
    )  # the reviews are the committer's: joined by the account's address, not credited

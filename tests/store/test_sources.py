"""Acting on what was synced: clear the quarantine of a source, remove a source and all it brought."""

from __future__ import annotations

import mailbox
import shutil
from pathlib import Path

import pytest

from niche.errors import NicheError
from niche.store import Store
from niche.store.sources import find_source
from tests.helpers.cli import count_in, niche, niche_ok


def test_quarantine_of_one_source_cleared(fixtures: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    shutil.copytree(fixtures / "supybot", logs)
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "irc", str(logs), exit_code=1)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(fixtures / "pipermail" / "pipermail_2016_march.mbox", other / "notes.txt")
    niche_ok(db, "sync", "irc", str(other), exit_code=1)
    listed = niche_ok(db, "quarantine", "logs")
    assert f"{logs / 'supybot_invalid_date.log'}: line" in listed and "5 quarantined item(s)" in listed
    assert "5 quarantined item(s) cleared from irc:" in niche_ok(db, "quarantine", "--clear", str(logs))
    assert f"{other / 'notes.txt'}: not a chat log" in niche_ok(db, "quarantine")  # the other source's stays
    niche_ok(db, "quarantine", "--clear")
    assert "0 quarantined item(s)" in niche_ok(db, "quarantine")


def test_removing_a_source_removes_all_it_brought(fixtures: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "mail", str(fixtures / "pipermail"), str(fixtures / "hyperkitty"))
    assert count_in(db, "SELECT count(*) FROM mail_messages") == 8
    kept_addresses = {f"{m['From'].split()[0]}@{m['From'].split()[2]}" for a in (fixtures / "hyperkitty").iterdir()
                      for m in mailbox.mbox(a)}  # 'jgb at example.com (Jesus ...)' as an address  # fmt: skip

    niche_ok(db, "sources", "remove", "pipermail", "--yes")

    # The four messages both archives hold are counted from HyperKitty now, without a resync.
    assert count_in(db, "SELECT count(*) FROM mail_messages") == 4
    assert count_in(db, "SELECT count(*) FROM mail_messages WHERE source LIKE '%hyperkitty'") == 4
    assert count_in(db, "SELECT count(*) FROM folded_items") == 0
    for table in ("raw_items", "stored.mail_messages", "stored.activities", "quarantine", "sync_state", "sources"):
        assert count_in(db, f"SELECT count(*) FROM {table} WHERE source LIKE '%pipermail'") == 0, table
    with Store(db, read_only=True) as store:  # only addresses some message still comes from are kept
        addresses = {a for (a,) in store.con.execute("SELECT email FROM identities").fetchall()}
        assert addresses == kept_addresses == {"jgb@example.com", "andy@example.com", "gpoo@example.com"}
        assert store.con.execute("SELECT count(*) FROM person_identities").fetchone()[0] == len(addresses)
    # Synced again, it is read from the start, and folded again.
    niche_ok(db, "sync", "mail", str(fixtures / "pipermail"))
    assert count_in(db, "SELECT count(*) FROM stored.mail_messages") == 12
    assert count_in(db, "SELECT count(*) FROM mail_messages") == 8


def test_a_source_is_named_by_key_location_or_name(fixtures: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    niche_ok(db, "sync", "gerrit-export", *(str(fixtures / "gerrit" / f"gerrit_reviews_page_{n}") for n in (1, 2)))
    with Store(db, read_only=True) as store:
        key = f"gerrit-export:{(fixtures / 'gerrit' / 'gerrit_reviews_page_1').resolve()}"
        assert find_source(store, key) == key
        assert find_source(store, str(fixtures / "gerrit" / "gerrit_reviews_page_1")) == key
        assert find_source(store, "gerrit_reviews_page_1") == key
        with pytest.raises(NicheError, match="no such source"):
            find_source(store, "nova")
    failed = niche("--db", str(db), "sources", "remove", "nova", "--yes", cwd=tmp_path)
    assert failed.returncode == 2 and "nova: no such source" in failed.stderr
    listing = niche_ok(db, "sources")
    assert "gerrit_reviews_page_2" in listing and "2 sources" in listing

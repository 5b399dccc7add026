"""Consent and addresses on real recordings: a person opted out by any one of their identities
appears in no output by name, address or account, only as a stable pseudonym, and their work
still counts; no output shows an address unless --show-emails asks for it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from niche import Community
from tests.helpers.cli import niche
from tests.helpers.fixtures import FIXTURES, need_fixtures
from tests.helpers.gitrepos import commit, init

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PAGES = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real Gerrit reviews and a real mailing-list archive, and git commits by one of the reviewers
    (Lucas Werkmeister, `lucaswerkmeister-wmde` on Gerrit), who opts out by his Gerrit account."""
    need_fixtures()
    root = tmp_path_factory.mktemp("consent")
    (root / "export.json").write_bytes(b"".join((FIXTURES / "gerrit" / p).read_bytes() for p in PAGES))
    repo = init(root / "wikibase")
    for i, day in enumerate(("2019-01-07", "2019-02-11", "2019-03-04")):
        env = {"GIT_AUTHOR_NAME": "Lucas Werkmeister", "GIT_AUTHOR_EMAIL": "lucas.werkmeister@example.com",
               "GIT_AUTHOR_DATE": f"{day}T10:00:00+0100"}  # fmt: skip
        commit(repo, {f"repo/includes/Lookup{i}.php": "<?php\n"}, f"Add lookup {i}", env=env)
    for name in ("chuck.short@canonical.com", "Arvind Somya asomya@cisco.com"):  # bzr-era: the address is the name
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "", "GIT_AUTHOR_DATE": "2010-11-01T10:00:00+0000"}
        commit(repo, {"repo/README": name}, "Import from bzr", env=env)
    (root / "people.toml").write_text('[[optout]]\nidentity = "gerrit:lucaswerkmeister-wmde"\nwhy = "asked by mail"\n')
    (root / "niche.toml").write_text('[people]\ncorrections = ["people.toml"]\n')
    for args in (("sync", "gerrit-export", "export.json"), ("sync", "git", "wikibase"),
                 ("sync", "mail", str(FIXTURES / "pipermail"))):  # fmt: skip
        done = niche(*args, cwd=root)
        assert done.returncode in (0, 1), done.stderr
    return root


def _outputs(root: Path) -> dict[str, str]:
    """Every output format: CLI tables and JSON, the static report's pages and data files."""
    runs = {
        "people list": ("people", "list"), "people show": ("people", "show", "gerrit:lucaswerkmeister-wmde"),
        "people log": ("people", "log"), "people why": ("people", "why", "lucas.werkmeister@example.com",
                                                        "gerrit:lucaswerkmeister-wmde"),
        "stats --json": ("stats", "--json"), "recognition": ("recognition",), "reviews": ("reviews",),
        "profile": ("profile", "gerrit:lucaswerkmeister-wmde"), "niches": ("niches",),
        "trail --json": ("trail", "--json", "Add lookup 1"), "report": ("report", "-o", "site"),
        "risk --json": ("risk", "--as-of", "2019-03-05", "--json"),
    }  # fmt: skip
    shown = {}
    for what, args in runs.items():
        done = niche(*args, cwd=root)
        assert done.returncode in (0, 1), (what, done.stderr)
        shown[what] = done.stdout + done.stderr
    for page in sorted((root / "site").rglob("*")):
        if page.is_file() and page.suffix in (".html", ".json", ".csv", ".txt"):
            shown[str(page.relative_to(root))] = page.read_text(errors="replace")
    done = niche("export", "parquet", "parquet", cwd=root)
    assert done.returncode == 0, done.stderr
    for table in sorted((root / "parquet").glob("*.parquet")) + sorted((root / "parquet").glob("*/**/*.parquet")):
        rows = pq.read_table(table).to_pylist()
        shown[f"export parquet {table.relative_to(root)}"] = json.dumps(rows, default=str, ensure_ascii=False)
    return shown


def _api(root: Path) -> dict[str, str]:
    """What the Python API hands a program: every method that returns people or their work. A
    program gets addresses (as from the store itself) and masks them where it publishes, as the CLI
    and the report do; a person who opted out has none to give."""
    with Community(root / ".niche" / "niche.duckdb", root / "niche.toml", read_only=True) as c:
        who = "gerrit:lucaswerkmeister-wmde"
        calls = {
            "people": c.people, "bots": c.bots, "profile": lambda: c.profile(who), "risk": c.risk,
            "headline": c.headline, "reviews": c.reviews, "reviews by": lambda: c.reviews(by=who),
            "recognition": c.recognition, "role_leaders": c.role_leaders, "niches": lambda: c.niches(who=who),
            "trail": lambda: c.trail("Add lookup 1"), "identities": lambda: c.metric("identities_of_people",
                                                                                    person_id=None),
        }  # fmt: skip
        return {f"API {what}": repr(call()) for what, call in calls.items()}


def test_an_opted_out_person_is_a_pseudonym_in_every_output(community: Path) -> None:
    outputs = _outputs(community) | _api(community)
    assert len(outputs) > 20  # the CLI's outputs, the report's pages and the Parquet export's tables
    for what, text in outputs.items():
        assert "werkmeister" not in text.lower(), what  # name, address and account
    listed = outputs["people list"]
    pseudonym = re.search(r"Contributor [0-9a-f]{6}", listed)
    assert pseudonym, listed
    assert pseudonym.group() in outputs["people show"] and pseudonym.group() in outputs["site/people.html"]
    assert re.search(rf"{pseudonym.group()}\s+│\s+\d+\s+│\s+(\d+)", listed)  # still counted, with identities
    again = niche("sync", "git", "wikibase", cwd=community)  # the pseudonym is stable across runs
    assert again.returncode == 0 and pseudonym.group() in niche("people", "list", cwd=community).stdout
    stats = json.loads(outputs["stats --json"])
    assert stats  # totals are computed with the person in them
    risk = niche("risk", "--as-of", "2019-03-05", "--json", "--show-emails", cwd=community).stdout
    (his,) = [r for r in json.loads(risk) if r["name"] == pseudonym.group()]  # scored, as a pseudonym
    assert "werkmeister" not in risk.lower() and his["identities"]  # addresses shown, but never his
    assert all(i["email"] is None and i["username"] is None for i in his["identities"])


def test_no_output_shows_an_address_unless_asked(community: Path) -> None:
    with duckdb.connect(str(community / ".niche" / "niche.duckdb"), read_only=True) as con:
        message_ids = {  # what items are called and how they refer to each other: Message-IDs, not people
            i.strip("<>").lower()
            for (i,) in con.execute(
                "SELECT item_id FROM raw_items UNION SELECT key FROM item_keys UNION SELECT key FROM item_refs "
                "UNION SELECT in_reply_to FROM mail_messages UNION SELECT unnest(refs) FROM mail_messages"
            ).fetchall()
            if i
        }
    people = {e for (e,) in duckdb.connect(str(community / ".niche" / "niche.duckdb"), read_only=True).execute(
        "SELECT DISTINCT lower(email) FROM identities WHERE email LIKE '%@%'").fetchall()}  # fmt: skip
    assert people
    ids = sorted(message_ids, key=len, reverse=True)
    for what, text in _outputs(community).items():
        text = text.lower()
        for i in ids:  # a Message-ID names a mail, not a person: the trail shows them
            text = text.replace(i, "")
        found = set(ADDRESS.findall(text))
        assert not found & people, (what, sorted(found & people)[:5])
        assert not found, (what, sorted(found)[:5])
    shown = niche("people", "show", "zfilipin@example.com", "--show-emails", cwd=community)
    assert "zfilipin@example.com" in shown.stdout

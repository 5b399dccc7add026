"""`niche.Community` is what the CLI prints: each `--json` output is the API's data, as JSON, and
a person is named the same ways through both."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from niche import Community
from niche.metrics import to_json
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init

AS_OF = datetime(2024, 10, 6)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two people over two months, one of them under two addresses that niche joins by name, and a
    bug both mention."""
    root = tmp_path_factory.mktemp("community")
    repo = init(root / "nova")
    ada = {"GIT_AUTHOR_DATE": "1725000000 +0200"}  # 2024-08-30
    commit(repo, {"nova/a.py": "1"}, "one\n\nPartial-Bug: #2004155", env=ada)
    bob = {"GIT_AUTHOR_NAME": "Bob Dylan", "GIT_AUTHOR_EMAIL": "bob@example.org", "GIT_AUTHOR_DATE": "1727700000 -0700"}
    commit(repo, {"doc/index.rst": "2"}, "two", env=bob)
    bob |= {"GIT_AUTHOR_EMAIL": "bob.dylan@example.com", "GIT_AUTHOR_DATE": "1728000000 +0000"}
    commit(repo, {"nova/b.py": "3"}, "three\n\nCloses-Bug: #2004155", env=bob)
    (root / "niche.toml").write_text(f'[git]\npaths = ["{repo}"]\n')
    with Community(root / "niche.duckdb", root / "niche.toml") as c:
        (result,) = c.sync()
        assert (result.new, result.error) == (3, None)
        c.derive()
    return root


def _json(root: Path, *args: str) -> object:
    ran = niche("--db", str(root / "niche.duckdb"), *args, cwd=root)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def _same(value: object) -> object:
    """value as it reads back from JSON (a year's number as a key becomes text)."""
    return json.loads(json.dumps(to_json(value)))


def test_each_json_output_is_the_api_s_data(community: Path) -> None:
    moment = f"{AS_OF:%Y-%m-%dT%H:%M}"  # a plain day now counts to its end (17.6); the API is asked at AS_OF itself
    with Community(community / "niche.duckdb", community / "niche.toml", read_only=True) as c:
        bob = c.person("bob@example.org")
        assert c.person("bob.dylan@example.com") == c.person("name:Bob Dylan") == bob
        risk = [r.to_json() for r in c.risk(AS_OF)]
        assert _json(community, "risk", "--as-of", moment, "--json") == _same(risk)
        assert [r["name"] for r in risk] == ["Ada Lovelace", "Bob Dylan"]  # Ada quiet for five weeks
        assert {i["email"] for r in risk for i in r["identities"]} == {"(hidden)"}
        assert _json(community, "profile", "bob@example.org", "--json") == _same(c.profile(bob).to_json())
        assert _json(community, "trail", "lp-bug:2004155", "--json") == _same(c.trail("lp-bug:2004155"))
        people = _json(community, "people", "list", "--json")
        assert [p["person_id"] for p in people] == [p["person_id"] for p in c.people()]
        assert _json(community, "recognition", "--json") == _same(c.recognition())
        assert _json(community, "niches", "--json") == _same(c.niches())
        assert _json(community, "quarantine", "--json") == _same(c.quarantined()) == []


def test_why_and_the_log_through_the_api(community: Path) -> None:
    with Community(community / "niche.duckdb", community / "niche.toml", read_only=True) as c:
        joined = c.why("bob@example.org", "bob.dylan@example.com")
        assert joined.chain and joined.held_apart == []
        assert joined.chain[0][0].startswith("git Bob Dylan") and joined.chain[-1][2].startswith("git Bob Dylan")
        apart = c.why("bob@example.org", "ada@example.org")
        assert apart.chain is None and apart.held_apart[0].startswith("no evidence joins them")  # and what would
        logged = c.people_log("name:Bob Dylan")
        assert [e["action"] for e in logged] == ["merge"] and logged[0]["undone_by"] is None
        details = c.details("bob@example.org")
        assert (details.name, len(details.identities), details.person_id) == ("Bob Dylan", 2, c.person("Bob Dylan"))
    shown = niche("--db", str(community / "niche.duckdb"), "people", "why", "bob@example.org", "bob.dylan@example.com",
                  cwd=community)  # fmt: skip
    assert shown.returncode == 0 and "--" in shown.stdout

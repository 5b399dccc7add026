"""A store with real recordings and hostile text in it: the dashboard's and the CLI's pages must
show the recordings and escape the hostile text."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from niche import Community, Config
from tests.helpers.fixtures import FIXTURES
from tests.helpers.gitrepos import commit, init

AS_OF = datetime(2018, 3, 31)
SCRIPT = "<script>alert(1)</script>"
EVIL_EMAIL = "evil.person@example.org"
HOSTILE_MESSAGE = (
    '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">click</a>\n\n'
    "See javascript:alert(4) and </script><script>alert(5)</script>\n"
)


def build_hostile_store(root: Path) -> Path:
    """Gerrit, mail and IRC recordings; a Gerrit change whose owner is named like a script, whose
    subject is one and whose URL is a javascript: link; a git commit whose message is HTML."""
    export = root / "export.json"
    records = [json.loads(line) for p in ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
               for line in (FIXTURES / "gerrit" / p).read_text().splitlines()]  # fmt: skip
    hostile = next(r for r in records if r.get("number") == 416443)
    evil = {"name": SCRIPT, "email": EVIL_EMAIL, "username": "evil"}  # git would strip the brackets
    hostile = hostile | {"number": 1, "url": "javascript:alert(6)", "subject": SCRIPT, "owner": evil}
    export.write_text("\n".join(json.dumps(r) for r in [*records, hostile]) + "\n")
    repo = init(root / "wdqs")
    env = {"GIT_AUTHOR_NAME": "Mallory Person", "GIT_AUTHOR_EMAIL": "mallory@example.org",
           "GIT_AUTHOR_DATE": "2018-03-02T10:00:00+0100", "GIT_COMMITTER_DATE": "2018-03-02T10:00:00+0100"}  # fmt: skip
    commit(repo, {"modules/wdqs/check.pp": "x\n"}, HOSTILE_MESSAGE, env=env)
    commit(repo, {"doc/index.rst": "Docs\n"}, "Document the check", env={"GIT_AUTHOR_DATE": "2018-03-03T10:00:00Z"})
    with Community(root / "niche.duckdb", Config()) as community:
        sources = [community.gerrit_export(export), *community.git(repo), community.mail(str(FIXTURES / "pipermail")),
                   community.irc(FIXTURES / "supybot")]  # fmt: skip
        for result in community.sync(sources):
            result.check()
        community.derive()
    return root / "niche.duckdb"

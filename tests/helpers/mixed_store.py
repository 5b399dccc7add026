"""One store of every kind of real data the fixtures hold without a server: a git repository made
here with several authors (one of them also a Gerrit reviewer), real Gerrit reviews (a `gerrit
query` export and the REST answers of 2015), real mailing-list archives (pipermail and mbox) and
real IRC logs, with people, roles and links derived."""

from __future__ import annotations

from pathlib import Path

from niche import Community, Config
from tests.helpers.fixtures import need_fixtures
from tests.helpers.gitrepos import commit, init

PAGES = ("gerrit_reviews_page_1", "gerrit_reviews_page_2", "gerrit_reviews_page_3")
# (author, address, day, file): code, tests and docs over several months; two people by one common
# name (namesakes); a code area changed often while its docs stayed as they were (docs left behind)
COMMITS = (
    ("Ada Lovelace", "ada@example.org", "2018-06-01", "docs/includes.rst"),
    *(("Ada Lovelace" if i % 3 else "Grace Hopper", "ada@example.org" if i % 3 else "grace@navy.mil",
       f"2019-0{2 + i % 4}-{10 + i:02d}", f"repo/includes/Part{i}.php") for i in range(12)),
    ("John Smith", "jsmith@redhat.com", "2019-03-12", "repo/src/Main.php"),
    ("John Smith", "john.smith@intel.com", "2019-04-16", "docs/index.rst"),
    ("Lucas Werkmeister", "lucas.werkmeister@wikimedia.de", "2019-01-07", "repo/includes/Lookup.php"),
    ("Lucas Werkmeister", "lucas.werkmeister@wikimedia.de", "2019-02-11", "repo/tests/LookupTest.php"),
    ("Zeljko Filipin", "zfilipin@wikimedia.org", "2019-02-12", "docs/index.rst"),
    ("Ada Lovelace", "ada@example.org", "2019-02-20", "repo/includes/Engine.php"),
    ("Ada Lovelace", "ada@example.org", "2019-03-04", "repo/includes/Engine.php"),
    ("Grace Hopper", "grace@navy.mil", "2019-03-05", "repo/includes/Compiler.php"),
    ("Grace Hopper", "grace@navy.mil", "2019-04-01", "docs/compiler.rst"),
    ("Ada Lovelace", "ada@example.org", "2019-05-15", "repo/tests/EngineTest.php"),
)


def build(root: Path) -> Path:
    """The store at root/niche.duckdb, built from the fixtures (the calling test skips without them)."""
    fixtures = need_fixtures()
    root.mkdir(parents=True, exist_ok=True)
    export = root / "export.json"
    export.write_bytes(b"".join((fixtures / "gerrit" / p).read_bytes() for p in PAGES))
    repo = init(root / "wikibase")
    for i, (name, email, day, path) in enumerate(COMMITS):
        env = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
               for what, value in (("NAME", name), ("EMAIL", email), ("DATE", f"{day}T{10 + i % 12}:00:00+0100"))}  # fmt: skip
        commit(repo, {path: f"{i}\n"}, f"Change {i} to {path}", env=env)
    db = root / "niche.duckdb"
    with Community(db, Config()) as community:
        planned = [*community.git(repo), community.gerrit_export(export),
                   community.gerrit_file(fixtures / "gerrit-rest" / "openstack-changes-2015.json",
                                         "https://review.openstack.org"),
                   community.mail(str(fixtures / "pipermail")), community.mail(str(fixtures / "mbox")),
                   community.irc(fixtures / "supybot")]  # fmt: skip
        for result in community.sync(planned):
            assert result.error is None, result.error  # bad items are quarantined: that is data too
        community.derive()
    return db

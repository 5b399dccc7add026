"""`niche sync` with no arguments syncs every source a project lists in niche.toml."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from niche.store import Store
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init
from tests.helpers.recordings import REPO, serve_github


def test_sync_everything_in_niche_toml(tmp_path: Path, fixtures: Path, httpserver: HTTPServer) -> None:
    repo = init(tmp_path / "nova")
    commit(repo, {"a.py": "1"}, "one")
    serve_github(httpserver, fixtures)
    export = fixtures / "gerrit" / "gerrit_reviews_page_1"
    (tmp_path / "niche.toml").write_text(
        f'[git]\npaths = ["{repo}"]\n\n[gerrit-export]\nfiles = ["{export}"]\n\n'
        f'[[github]]\nrepos = ["{REPO}"]\napi_url = "{httpserver.url_for("").rstrip("/")}"\n\n'
        '[people]\nbots = ["zhquan_example"]\n'
    )
    out = niche("sync", cwd=tmp_path, env={"GITHUB_TOKEN": None})
    assert out.returncode == 0, out.stderr
    assert "nova: 1 new commit\n" in out.stderr and f"github:localhost/{REPO}: 2 new pull requests" in out.stderr
    with Store(tmp_path / ".niche" / "niche.duckdb", read_only=True) as store:
        kinds = dict(store.con.execute("SELECT kind, count(*) FROM sources GROUP BY kind").fetchall())
        assert kinds == {"git": 1, "gerrit": 1, "github": 1}
        # the project's own bot list: the GitHub account is marked as a bot
        bot = store.con.execute(
            "SELECT bool_and(p.is_bot) FROM identities i JOIN person_identities USING (identity_id)"
            " JOIN people p USING (person_id) WHERE i.username = 'zhquan_example'"
        )
        assert bot.fetchone()[0] is True


def test_no_config_no_sources(tmp_path: Path) -> None:
    out = niche("sync", cwd=tmp_path)
    assert out.returncode == 2 and "no sources to sync" in out.stderr
    (tmp_path / "niche.toml").write_text("[git\n")
    bad = niche("sync", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("error: niche.toml: not a valid niche config")

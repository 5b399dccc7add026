"""Secrets never reach the store, the screen or a page (issue 18.1).

Hostile repositories and URLs are synced with GITHUB_TOKEN and NICHE_GERRIT_PASSWORD set to known
values: a clone whose `.mailmap` is a link to /proc/self/environ (the environment niche runs
with), git remotes and a Gerrit and a mail archive URL that carry a login. Then every byte niche
wrote (the database file, every command's text and --json output, the static report, the
dashboard's pages, the log records) is searched for the secrets."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from niche.cli import app
from niche.credentials import strip_credentials, url_credentials
from niche.store import Store
from niche.web.app import create_app
from niche.web.pages import PAGES, Site
from tests.helpers.gitrepos import commit, git, init
from tests.helpers.old_store import migration_with, store_before
from tests.helpers.recordings import REPO, serve_github

TOKEN = "ghp_nicheTestToken0000000000000000042"
PASSWORD = "gerrit-http-password-7f3a9c"
SECRETS = (TOKEN, PASSWORD)
SCRUB = migration_with("no logins in what is stored")  # the upgrade under test


def _hostile_repositories(tmp_path: Path) -> list[Path]:
    """A clone whose committed .mailmap links to the environment, and a bare repository whose
    HEAD holds the same link; both with remotes that carry the token."""
    clone = init(tmp_path / "repos" / "clone")
    (clone / ".mailmap").symlink_to("/proc/self/environ")
    commit(clone, {"a.py": "1"}, "first")
    git(clone, "remote", "add", "origin", f"https://oauth2:{TOKEN}@github.com/acme/clone.git")
    bare = tmp_path / "repos" / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(clone), str(bare))
    git(bare, "config", "remote.origin.url", f"https://x-access-token:{TOKEN}@github.com/acme/bare.git")
    return [clone, bare]


def _serve_gerrit(httpserver: HTTPServer, fixtures: Path, seen: list[str]) -> None:
    """Gerrit's authenticated REST API (/a/...) answering with a real recorded /changes/ answer;
    it notes the Authorization it was sent, so the test knows the login was used."""
    listing = (fixtures / "gerrit-rest" / "openstack-changes-2015.json").read_text()

    def changes(request: Request) -> Response:
        seen.append(request.headers.get("Authorization", ""))
        return Response(")]}'\n" + listing, content_type="application/json")

    httpserver.expect_request("/a/changes/").respond_with_handler(changes)
    httpserver.expect_request(re.compile("/a/changes/.+/comments")).respond_with_data(")]}'\n{}")
    httpserver.expect_request(re.compile("/broken/.*")).respond_with_data("no such server here", status=404)


def _config(tmp_path: Path, repos: list[Path], httpserver: HTTPServer, fixtures: Path) -> Path:
    port = httpserver.port
    archive = (fixtures / "mbox" / "mbox_single.mbox").read_bytes()
    httpserver.expect_request("/pipermail/list/2010-December.txt").respond_with_data(archive)
    config = tmp_path / "niche.toml"
    config.write_text(
        f"[git]\npaths = {json.dumps([str(r) for r in repos])}\n\n"
        f'[[gerrit]]\nurl = "http://niche:{PASSWORD}@localhost:{port}"\n\n'
        f'[[gerrit]]\nurl = "http://niche:{PASSWORD}@localhost:{port}/broken"\n\n'
        f'[[github]]\nrepos = ["{REPO}"]\napi_url = "http://localhost:{port}"\n\n'
        f'[[mail]]\nlocations = ["http://niche:{PASSWORD}@localhost:{port}/pipermail/list/2010-December.txt"]\n'
    )
    return config


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [s for s in SECRETS if s.encode() in data]


def test_no_secret_in_the_store_the_output_the_pages_or_the_logs(
    tmp_path: Path, fixtures: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    secrets = {"GITHUB_TOKEN": TOKEN, "NICHE_GERRIT_USER": "niche", "NICHE_GERRIT_PASSWORD": PASSWORD}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.DEBUG)
    gerrit_logins: list[str] = []
    _serve_gerrit(httpserver, fixtures, gerrit_logins)
    serve_github(httpserver, fixtures)
    db = tmp_path / "store" / "niche.duckdb"
    config = _config(tmp_path, _hostile_repositories(tmp_path), httpserver, fixtures)
    runner = CliRunner()

    def niche(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(db), "--config", str(config), *args], catch_exceptions=False)
        return result.stdout + result.stderr

    # The sync runs as a user runs it, in a process started with the secrets in its environment
    # (what /proc/self/environ shows), and logs everything any library logs.
    logged = "import logging, sys; logging.basicConfig(level=logging.DEBUG); from niche.cli import run; run()"
    sync = subprocess.run(
        [sys.executable, "-c", logged, "--db", str(db), "--config", str(config), "sync"],
        capture_output=True, text=True, env={**os.environ, **secrets, "NICHE_DB": "", "NICHE_CONFIG": ""},
    )  # fmt: skip
    outputs = {"sync": sync.stdout + sync.stderr}
    assert "DEBUG:" in sync.stderr and sync.returncode == 1  # the broken Gerrit server fails alone
    # The logins were used: Gerrit got the password, GitHub the token, and everything was stored.
    assert gerrit_logins and all(a.startswith("Basic ") for a in gerrit_logins)
    assert any(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r, _ in httpserver.log)
    # the failing server is named, without its login
    assert f"error: http://localhost:{httpserver.port}/broken/a/changes/" in outputs["sync"]
    with Store(db, read_only=True) as store:
        kinds = dict(store.con.execute("SELECT kind, count(*) FROM sources GROUP BY kind").fetchall())
        person = store.con.execute("SELECT person_id FROM people ORDER BY person_id LIMIT 1").fetchone()[0]
        change = store.con.execute("SELECT change_id FROM changes WHERE change_id IS NOT NULL LIMIT 1").fetchone()[0]
    assert kinds == {"git": 2, "gerrit": 1, "github": 1, "mail": 1}
    for command in (
        ["stats"], ["stats", "--json"], ["people", "list"], ["people", "list", "--json"], ["people", "show", person],
        ["profile", person], ["profile", person, "--json"], ["niches"], ["niches", "--json"], ["recognition"],
        ["recognition", "--json"], ["reviews"], ["reviews", "--json"], ["signals"], ["signals", "--json"],
        ["trail", change], ["trail", change, "--json"], ["quarantine"], ["report", "-o", str(tmp_path / "report")],
    ):  # fmt: skip
        outputs[" ".join(command)] = niche(*command)
    with Store(db, read_only=True) as store:
        site = Site(store)
        client = TestClient(create_app(site))
        pages = {name: client.get(f"/{name}.html").text for name, _ in PAGES}
        people = [p for (p,) in store.con.execute("SELECT person_id FROM people").fetchall()]
        pages |= {p: client.get(f"/people/{p}.html").text for p in people}
    report = {str(p): p.read_bytes() for p in (tmp_path / "report").rglob("*.html")}
    logs = [f"{r.getMessage()} {r.__dict__}" for r in caplog.records]
    stored = {str(p): p.read_bytes() for p in db.parent.iterdir()}  # the database and its write-ahead log

    assert len(report) > len(PAGES) and len(pages) > len(PAGES)
    written = {**outputs, **pages, **report, **stored, "logs": "\n".join(logs)}
    found = {where: leaks for where, text in written.items() if (leaks := _leaks(text))}
    assert found == {}


def test_mailmap_is_read_from_the_tree_never_through_a_link(tmp_path: Path) -> None:
    """git's own answer: a linked .mailmap is not read; a committed regular one is, from HEAD."""
    from niche.sources.git import MAX_MAILMAP_BYTES, mailmap_text

    linked = init(tmp_path / "linked")
    (linked / ".mailmap").symlink_to("/proc/self/environ")
    commit(linked, {"a": "1"}, "one")
    text, warning = mailmap_text(linked / ".git")
    assert text == "" and "not a regular file" in warning
    assert "Ada Lovelace" not in git(linked, "check-mailmap", "Ada <ada@example.org>")  # git agrees

    proper = init(tmp_path / "proper")
    commit(proper, {".mailmap": "Ada Lovelace <ada@example.org> <old@example.org>\n"}, "map")
    (proper / ".mailmap").write_text("Someone Else <x@example.org> <old@example.org>\n")  # uncommitted
    assert mailmap_text(proper / ".git") == ("Ada Lovelace <ada@example.org> <old@example.org>\n", None)

    huge = init(tmp_path / "huge")
    commit(huge, {".mailmap": "# padding\n" * (MAX_MAILMAP_BYTES // 10 + 1)}, "big")
    text, warning = mailmap_text(huge / ".git")
    assert text == "" and "over the 1 MB limit" in warning
    assert mailmap_text(init(tmp_path / "empty") / ".git") == ("", None)


def test_http_client_logs_in_with_a_url_login_and_never_shows_it(httpserver: HTTPServer) -> None:
    from niche.errors import SourceError
    from niche.sources.http import HttpClient

    httpserver.expect_request("/ok").respond_with_data("fine")
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    url = httpserver.url_for("").replace("http://", f"http://niche:{PASSWORD}@")
    with HttpClient(url) as client:
        assert client.base_url == httpserver.url_for("").rstrip("/")
        assert client.get("/ok").text == "fine"
        with pytest.raises(SourceError) as failed:
            client.get("/missing")
    assert PASSWORD not in str(failed.value) and "/missing: HTTP 404" in str(failed.value)
    [(ok, _), _] = httpserver.log
    assert url_credentials(url) == ("niche", PASSWORD) and ok.authorization.password == PASSWORD


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://oauth2:TOKEN@github.com/o/r.git", "https://github.com/o/r.git"),
        ("http://user:p@ss@host:8080/x?y=a@b", "http://host:8080/x?y=a@b"),  # an unescaped @ in the password
        ("failed: https://a:b@x.org/1 and http://c@y.org/ too", "failed: https://x.org/1 and http://y.org/ too"),
        ("mailto:dev@example.org, git@github.com:o/r.git, https://x.org/a@b", None),  # nothing to take out
    ],
)
def test_strip_credentials(text: str, shown: str | None) -> None:
    assert strip_credentials(text) == (shown or text)


def test_a_store_written_before_keeps_no_login(tmp_path: Path) -> None:
    """The upgrade takes logins out of what an older niche stored, mail source keys included."""
    path = tmp_path / "old.duckdb"
    con = store_before(path, SCRUB)
    mail = f"mail:http://u:{PASSWORD}@lists.example.org/pipermail/dev/"
    remote = f"https://o:{TOKEN}@h/r"
    con.execute(
        "INSERT INTO sources VALUES (?, 'git', 'r', ?, ?, NULL), (?, 'mail', 'dev', ?, '{}', NULL)",
        ["git:/r/.git", remote, json.dumps({"remote_url": remote, "mailmap": TOKEN}), mail, mail[5:]],
    )
    con.execute("INSERT INTO sync_state VALUES (?, ?, now())", [mail, json.dumps({"archives": {mail[5:]: {}}})])
    con.execute("INSERT INTO raw_items VALUES (?, 'm1', 'mail-message', 'x', now())", [mail])
    con.execute("INSERT INTO quarantine VALUES (?, 'q', ?, ?, NULL, now())", [mail, mail[5:], f"{mail[5:]}: HTTP 500"])
    con.close()
    with Store(path) as store:
        assert store.schema_version() >= SCRUB
        rows = [
            str(r)
            for table in ("sources", "sync_state", "raw_items", "quarantine")
            for r in store.con.execute(f"SELECT * FROM {table}").fetchall()
        ]
        moved = store.con.execute("SELECT count(*) FROM raw_items WHERE source = ?", [strip_credentials(mail)])
        assert moved.fetchone()[0] == 1
    assert not [r for r in rows if TOKEN in r or PASSWORD in r]

"""A real `niche serve` and a real `niche sync` at the same time: the sync succeeds, the dashboard
answers all along, and shows the new data once the sync has finished (issue 17.3)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from niche.store.serving import SNAPSHOT_PREFIX
from tests.helpers.gitrepos import commit, fast_history, init

WAIT = 120  # seconds at most for the server to start, or to show a sync's data (never a speed claim)


def _niche(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "niche", "--db", str(db), *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(check, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {WAIT} s: {what}")


def test_sync_runs_while_the_dashboard_serves(tmp_path: Path) -> None:
    repo = init(tmp_path / "project")
    commit(repo, {"README.rst": "hello\n"}, "First", env={"GIT_AUTHOR_DATE": "1600000000 +0000"})
    db = tmp_path / "niche.duckdb"
    first = subprocess.run(_niche(db, "sync", "git", str(repo)), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(_niche(db, "serve", "--port", str(port)), stderr=subprocess.PIPE, text=True, env=env)
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/people.html").status_code == 200
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read()
                return False

        _until(up, "niche serve answers")
        assert "Dev 36" not in httpx.get(f"{base}/people.html").text
        fast_history(repo, 1000)  # 37 new people (Dev 0 .. Dev 36) over 1,000 commits
        sync = subprocess.Popen(_niche(db, "sync", "git", str(repo)), stderr=subprocess.PIPE, text=True)
        during = []
        while sync.poll() is None:
            during.append(httpx.get(f"{base}/index.html").status_code)
        assert sync.returncode == 0, sync.stderr.read()  # before: "the database is in use"
        assert during and set(during) == {200}, during  # the dashboard stayed up all along
        _until(lambda: "Dev 36" in httpx.get(f"{base}/people.html").text, "the new people on the dashboard")
        person = httpx.get(f"{base}/people.html").text.split('href="people/')[1].split('"')[0]
        assert httpx.get(f"{base}/people/{person}").status_code == 200
    finally:
        server.terminate()
        server.wait(30)
    assert not list(tmp_path.glob(f"{SNAPSHOT_PREFIX}*"))  # the server's copies went with it

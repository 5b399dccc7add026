"""The dashboard under hostile requests (issue 18.4): what held when it was probed, kept as tests,
and what broke, fixed. Requests go over real sockets to a real uvicorn server, byte for byte as
an attacker would send them (no client normalises the paths)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from niche.store import Store
from niche.web.app import create_app, is_loopback_host, site_snapshots
from tests.helpers.hostile_store import AS_OF

TOKEN = "s3cret-token"


def _start(app) -> tuple[uvicorn.Server, threading.Thread, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, port


@pytest.fixture(scope="module")
def servers(community_db: Path) -> Iterator[dict[str, int]]:
    """Two real servers on one store: loopback without a token, and one that needs a token."""
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        open_, open_thread, open_port = _start(create_app(snapshots))
        locked, locked_thread, locked_port = _start(create_app(snapshots, token=TOKEN))
        yield {"open": open_port, "token": locked_port}
        for server, thread in ((open_, open_thread), (locked, locked_thread)):
            server.should_exit = True
            thread.join(10)


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send request bytes as they are; the status code and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def get(port: int, target: str, host: str = "127.0.0.1", headers: str = "") -> tuple[int, bytes]:
    return raw(port, f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())


@pytest.mark.parametrize(
    ("how", "target", "headers"),
    [
        ("missing", "/index.html", ""),
        ("wrong", "/index.html?token=wrong", ""),
        ("empty", "/index.html?token=", ""),
        ("prefix", f"/index.html?token={TOKEN[:-1]}", ""),
        ("longer", f"/index.html?token={TOKEN}x", ""),
        ("bearer header", "/index.html", f"Authorization: Bearer {TOKEN}\r\n"),
        ("custom header", "/index.html", f"X-Token: {TOKEN}\r\n"),
        ("wrong cookie", "/index.html", "Cookie: niche_token=nope\r\n"),
        ("non-ASCII", "/index.html?token=%C3%BC%E2%82%AC", ""),  # was a 500 with a traceback
        ("non-ASCII cookie", "/index.html", "Cookie: niche_token=\xfc\r\n"),
        ("lone surrogate", "/index.html?token=%ED%A0%80", ""),
    ],
)
def test_token_checks(servers: dict[str, int], how: str, target: str, headers: str) -> None:
    status, body = raw(
        servers["token"],
        f"GET {target} HTTP/1.1\r\nHost: example.org\r\n{headers}Connection: close\r\n\r\n".encode("latin-1"),
    )
    assert status == 401, (how, status, body[:200])


def test_the_right_token_opens_and_is_remembered(community_db: Path) -> None:
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        client = TestClient(create_app(snapshots, token=TOKEN), base_url="http://dashboard.example.org")
        first = client.get("/index.html", params={"token": TOKEN})
        assert first.status_code == 200 and "httponly" in first.headers["set-cookie"].lower()
        assert "samesite=strict" in first.headers["set-cookie"].lower()
        assert client.get("/people.html").status_code == 200  # the cookie alone


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:8000", True), ("localhost:8000", True), ("localhost", True), ("[::1]:8000", True),
        ("127.1.2.3", True), ("app.localhost:8000", True), ("LOCALHOST", True),
        ("evil.example:8000", False), ("localhost.evil.example", False), ("127.0.0.1.nip.io", False),
        ("", False), ("[::ffff:93.184.216.34]", False), ("10.0.0.1", False), ("[::1", False),
    ],
)  # fmt: skip
def test_dns_rebinding_only_loopback_names_without_a_token(servers: dict[str, int], host: str, allowed: bool) -> None:
    assert is_loopback_host(host) is allowed
    status, _ = get(servers["open"], "/index.html", host=host)
    assert status == (200 if allowed else 421), host


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"])
def test_only_get_and_head(servers: dict[str, int], method: str) -> None:
    request = f"{method} /index.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    status, _ = raw(servers["open"], request.encode())
    assert status == 405
    assert get(servers["open"], "/index.html", host="localhost")[0] == 200
    assert raw(servers["open"], b"HEAD /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")[0] == 200


TRAVERSALS = [
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/static/..%5c..%5c..%5c..%5cetc%5cpasswd",
    "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/static/....//....//....//....//etc/passwd",
    "/static/..;/..;/..;/etc/passwd",
    "/static/vendor/../../../../../../etc/passwd",
    "/people/..%2f..%2f..%2f..%2fetc%2fpasswd.html",
    "/%2e%2e/%2e%2e/etc/passwd.html",
    "//etc/passwd",
    "/static//etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_reaches_nothing_outside(servers: dict[str, int], target: str) -> None:
    status, body = get(servers["open"], target)
    assert status in (400, 404), (target, status)
    assert b"root:" not in body


SQL_INJECTIONS = [
    "' OR '1'='1", "' OR 1=1 --", "1; DROP TABLE people; --", "'; DELETE FROM activities; --",
    "%' OR key LIKE '%", "\\' OR 1=1 --", "1' UNION SELECT person_id, name FROM people --",
    "' UNION SELECT NULL, NULL, NULL --", "1 AND (SELECT count(*) FROM people) > 0", "') OR ('a'='a",
    "\" OR \"\"=\"", "admin'--", "1' ORDER BY 100 --", "'; ATTACH '/tmp/x.db' AS x; --",
    "'; COPY people TO '/tmp/niche-leak.csv'; --", "' || (SELECT string_agg(name, ',') FROM people) || '",
    "%", "_", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%",
]  # fmt: skip


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
def test_sql_injection_is_only_text(servers: dict[str, int], community_db: Path, payload: str) -> None:
    from urllib.parse import quote

    port = servers["open"]
    for page in ("trail", "niches"):
        status, body = get(port, f"/{page}.html?q={quote(payload, safe='')}", host="localhost")
        assert status == 200, (page, payload)
        if page == "trail":
            assert b"<h2>0 items linked to" in body, payload  # a pattern, an injection: both plain text
    assert get(port, f"/people/{quote(payload, safe='')}.html", host="localhost")[0] == 404
    assert not Path("/tmp/niche-leak.csv").exists()
    with Store(community_db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM people").fetchone()[0] > 10


def test_a_page_past_its_time_limit_is_stopped_and_the_server_goes_on(community_db: Path) -> None:
    with site_snapshots(community_db, as_of=AS_OF, months=12) as snapshots:
        client = TestClient(create_app(snapshots, time_limit=0.0), base_url="http://localhost")
        slow = client.get("/niches.html", params={"q": "docs"})
        assert slow.status_code == 503 and "took more than" in slow.text
        fine = TestClient(create_app(snapshots), base_url="http://localhost")
        assert fine.get("/niches.html", params={"q": "docs"}).status_code == 200


def test_security_headers_on_every_answer(servers: dict[str, int]) -> None:
    for target in ("/index.html", "/static/niche.css", "/nope.html"):
        with socket.create_connection(("127.0.0.1", servers["open"])) as s:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(65536).split(b"\r\n\r\n")[0].decode().lower()
        assert "frame-ancestors 'none'" in head and "unsafe-eval" not in head, target
        assert "x-frame-options: deny" in head and "x-content-type-options: nosniff" in head, target

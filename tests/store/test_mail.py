"""Mail sync into a real store: local archives, maildirs, web archives replayed from recordings."""

from __future__ import annotations

import gzip
import mailbox
import re
import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from niche.errors import SourceError
from niche.sources.http import HttpClient
from niche.sources.mail.source import MailingList
from niche.store import Store
from niche.store.sync import WRITERS, SyncResult, sync


def sync_mail(store: Store, location: str, list_name: str | None = None, since: str | None = None,
              client: HttpClient | None = None) -> SyncResult:  # fmt: skip
    return sync(store, MailingList(location, list_name, since, client)).check()


def _count(store: Store, sql: str, *params: object) -> int:
    return store.con.execute(sql, list(params)).fetchone()[0]


def test_folder_of_archives_threads_and_answers(store: Store, fixtures: Path) -> None:
    result = sync_mail(store, str(fixtures / "pipermail"))
    assert (result.details["archive"], result.new, result.quarantined) == (3, 8, 0)  # the .html index pages are skipped
    rows = store.con.execute(
        """SELECT m.item_id, m.parent_id, m.thread_id, m.answers_question, m.list, i.email
           FROM mail_messages m JOIN identities i ON i.identity_id = m.sender_id ORDER BY m.sent_at"""
    ).fetchall()
    by_id = {r[0]: r for r in rows}
    assert {r[4] for r in rows} == {"pipermail"}
    start = "1460624816.5581.114.camel@example.com"
    andy = "CACRHdMZgAgzyhewu_aAJ2f2DWHVZdNH6J7zd2S=YWQuf-2yZDw@example.com"
    jesus_answer = "1461621607.19185.342.camel@example.com"
    assert by_id[andy][1:4] == (start, start, False)  # the announcement asked nothing
    assert by_id[jesus_answer][1:4] == (andy, start, True)  # Andy asked; Jesus answered
    threads = _count(store, "SELECT count(DISTINCT thread_id) FROM mail_messages")
    assert threads == 3
    kinds = dict(store.con.execute("SELECT kind, count(*) FROM activities GROUP BY kind").fetchall())
    assert kinds == {"mail.thread_started": 3, "mail.reply": 5}
    answered = store.con.execute(
        "SELECT attrs->>'answers_question' FROM activities WHERE object_id = ?", [jesus_answer]
    ).fetchone()[0]
    assert answered == "true"


def test_resync_reads_only_what_an_archive_gained(store: Store, fixtures: Path, tmp_path: Path) -> None:
    archive = tmp_path / "list.mbox"
    original = (fixtures / "pipermail" / "pipermail_2015_november.mbox").read_bytes()
    archive.write_bytes(original)
    assert sync_mail(store, str(archive)).new == 4
    assert sync_mail(store, str(archive)).details["unchanged archive"] == 1
    archive.write_bytes(original + (fixtures / "pipermail" / "pipermail_2016_march.mbox").read_bytes())
    again = sync_mail(store, str(archive))
    assert again.new == 1  # only the appended message was read
    assert _count(store, "SELECT count(*) FROM mail_messages") == 5
    archive.write_bytes((fixtures / "pipermail" / "pipermail_2016_april.mbox").read_bytes())  # rewritten
    assert sync_mail(store, str(archive)).new == 3
    assert _count(store, "SELECT count(*) FROM mail_messages") == 8
    assert _count(store, "SELECT count(*) FROM raw_items") == 8


def test_sync_killed_mid_archive_resumes_without_duplicates(
    store: Store, fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "list.mbox.gz"
    archive.write_bytes(gzip.compress((fixtures / "pipermail" / "pipermail_2015_november.mbox").read_bytes()))
    monkeypatch.setattr(MailingList, "batch", 1)
    calls = {"n": 0}
    original = WRITERS["mail-message"]

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process stops between two committed batches
        return original(*args, **kwargs)

    monkeypatch.setitem(WRITERS, "mail-message", dying)
    with pytest.raises(KeyboardInterrupt):
        sync_mail(store, str(archive))
    assert _count(store, "SELECT count(*) FROM mail_messages") == 2
    monkeypatch.setitem(WRITERS, "mail-message", original)
    assert sync_mail(store, str(archive)).new == 2  # the remaining two, read from the stored offset
    assert _count(store, "SELECT count(*) FROM mail_messages") == 4
    assert _count(store, "SELECT count(DISTINCT item_id) FROM activities") == 4


def test_maildir(store: Store, fixtures: Path, tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir")
    for message in mailbox.mbox(fixtures / "mbox" / "mbox_multipart.mbox"):
        box.add(message)
    (tmp_path / "Maildir" / "new" / "broken").write_bytes(b"\x00\x01 not mail")
    first = sync_mail(store, str(tmp_path / "Maildir"), list_name="dev")
    assert (first.new, first.quarantined) == (2, 1)
    assert sync_mail(store, str(tmp_path / "Maildir")).new == 0  # nothing modified since
    lists = {r[0] for r in store.con.execute("SELECT list FROM mail_messages").fetchall()}
    assert lists == {"esl-dev", "platform-dev"}  # List-Id wins over the folder's name


def test_missing_path_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        sync_mail(store, str(tmp_path / "nowhere.mbox"))


def _serve_pipermail(httpserver: HTTPServer, fixtures: Path, calls: list[str]) -> None:
    root = "/pipermail/metrics-grimoire/"
    httpserver.expect_request(root).respond_with_data(
        (fixtures / "pipermail" / "pipermail_index.html").read_text(), content_type="text/html"
    )
    months = {
        "2015-November.txt.gz": gzip.compress((fixtures / "pipermail" / "pipermail_2015_november.mbox").read_bytes()),
        "2016-March.txt": (fixtures / "pipermail" / "pipermail_2016_march.mbox").read_bytes(),
        "2016-April.txt": (fixtures / "pipermail" / "pipermail_2016_april.mbox").read_bytes(),
    }
    for name, body in months.items():

        def archive(request: Request, name: str = name, body: bytes = body) -> Response:
            calls.append(name)
            etag = f'"{name}"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, headers={"ETag": etag})

        httpserver.expect_request(root + name).respond_with_handler(archive)


def test_pipermail_index_over_http(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    calls: list[str] = []
    _serve_pipermail(httpserver, fixtures, calls)
    url = httpserver.url_for("/pipermail/metrics-grimoire/")
    with HttpClient(httpserver.url_for("/")) as client:
        first = sync_mail(store, url, client=client)
    assert (first.details["archive"], first.new, first.requests) == (3, 8, 4)
    assert {r[0] for r in store.con.execute("SELECT list FROM mail_messages").fetchall()} == {"metrics-grimoire"}
    calls.clear()
    with HttpClient(httpserver.url_for("/")) as client:
        again = sync_mail(store, url, client=client)
    # Closed months are not asked again; the newest is, conditionally, and is unchanged.
    assert calls == ["2016-April.txt"] and again.new == 0 and again.requests == 2
    assert again.details["unchanged archive"] == 3
    assert _count(store, "SELECT count(*) FROM mail_messages") == 8


def test_pipermail_server_errors_are_retried(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/pipermail/x/2016-March.txt").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/pipermail/x/2016-March.txt").respond_with_data(
        (fixtures / "pipermail" / "pipermail_2016_march.mbox").read_bytes()
    )
    with HttpClient(httpserver.url_for("/")) as client:
        result = sync_mail(store, httpserver.url_for("/pipermail/x/2016-March.txt"), client=client)
    assert (result.new, result.requests) == (1, 2)


def test_hyperkitty_months_over_http(store: Store, fixtures: Path, httpserver: HTTPServer) -> None:
    address = "metrics-grimoire@example.com"
    export = f"/hyperkitty/list/{address}/export/"
    for month, fixture in (("2016-03", "hyperkitty_2016_march.mbox"), ("2016-04", "hyperkitty_2016_april.mbox")):
        httpserver.expect_request(f"{export}{address}-{month}.mbox.gz").respond_with_data(
            gzip.compress((fixtures / "hyperkitty" / fixture).read_bytes())
        )
    httpserver.expect_request(re.compile(f"{export}.*")).respond_with_data(gzip.compress(b""))
    url = httpserver.url_for(f"/hyperkitty/list/{address}/")
    with HttpClient(httpserver.url_for("/")) as client, pytest.raises(SourceError, match="--since"):
        sync_mail(store, url, client=client)
    with HttpClient(httpserver.url_for("/")) as client:
        result = sync_mail(store, url, since="2016-03-01", client=client)
    assert result.new == 4
    assert _count(store, "SELECT count(DISTINCT thread_id) FROM mail_messages") == 2


def test_cli_sync_mail_reports_quarantine(tmp_path: Path, fixtures: Path) -> None:
    from typer.testing import CliRunner

    from niche.cli import app

    folder = tmp_path / "archives"
    folder.mkdir()
    shutil.copy(fixtures / "mbox" / "mbox_single.mbox", folder / "good.mbox")
    (folder / "junk.mbox").write_bytes(b"\x89PNG\r\n\x1a\n binary junk")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "n.duckdb"), "sync", "mail", str(folder)])
    assert result.exit_code == 1, result.output  # 1: something was quarantined
    assert "1 new message, 1 quarantined; 2 archives" in result.output
    assert f"quarantined: {folder / 'junk.mbox'}: byte 0: not an mbox message" in result.output

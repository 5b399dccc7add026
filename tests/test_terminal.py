"""Data printed to a terminal obeys none of its control characters (issue 18.5): a name, a subject
or a path holding ANSI escapes would otherwise blink, retitle or clear the user's terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from niche.cli.console import printable
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init

# Clear the screen, set the window title, blink, a CSI in its one-byte C1 form, DEL, a backspace
ATTACK = "\x1b[2J\x1b]0;PWNED\x07\x1b[5m\x9b31m\x7f\x08"
NAME = f"Eve {ATTACK}Mallory"
SHOWN = "Eve [2J]0;PWNED[5m31mMallory"  # what is left: harmless text that shows the attempt


def _mbox(*messages: str) -> bytes:
    return b"".join(f"From x@example.org Mon Jan  1 00:00:00 2001\n{m}\n\n".encode() for m in messages)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A community whose names, subjects and paths are all hostile: a repository and a list."""
    root = tmp_path_factory.mktemp("hostile")
    repo = init(root / "repo")
    env = {"GIT_AUTHOR_NAME": NAME, "GIT_AUTHOR_EMAIL": "eve@example.org"}
    for month in (1, 2, 3):
        when = {"GIT_AUTHOR_DATE": f"2024-0{month}-01T00:00:00", "GIT_COMMITTER_DATE": f"2024-0{month}-01T00:00:00"}
        commit(repo, {f"doc/area{ATTACK}x/f{month}.rst": str(month)}, f"Fix {ATTACK}docs\n\nCloses-Bug: #1000{month}",
               env=env | when)  # fmt: skip
    archive = root / "list.mbox"
    archive.write_bytes(_mbox(
        f"From: {NAME} <eve@example.org>\nMessage-ID: <q@example.org>\nDate: Fri, 1 Mar 2024 10:00:00 +0000\n"
        f"Subject: How do I {ATTACK}install it?\n\nHow do I install it?",
    ))  # fmt: skip
    for args in (["sync", "git", str(repo)], ["sync", "mail", str(archive)]):
        assert niche(*args, cwd=root).returncode == 0
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["people", "list"],
        ["trail", "lp-bug:10001"],
        ["recognition", "--as-of", "2024-03-31"],
        ["niches", "--as-of", "2024-03-31"],
        ["profile", "eve@example.org"],
    ],
)
def test_no_control_character_reaches_the_output(hostile: Path, command: list[str]) -> None:
    ran = niche(*command, cwd=hostile)
    assert ran.returncode == 0, ran.stderr
    shown = ran.stdout + ran.stderr
    assert "[2J]0;PWNED[5m" in shown  # the hostile text is there, made harmless
    assert not any(c in shown for c in "\x1b\x07\x9b\x7f\x08"), repr(shown)


def test_a_real_terminal_gets_colours_but_none_of_the_data_s_controls(hostile: Path) -> None:
    """In a terminal niche prints its own escape codes (colours, bold); the data's are gone."""
    parent, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NICHE_DB", "NICHE_CONFIG", "NO_COLOR")}
    with subprocess.Popen([sys.executable, "-m", "niche", "trail", "lp-bug:10001"], cwd=hostile, env=env,
                          stdin=child, stdout=child, stderr=child) as process:  # fmt: skip
        os.close(child)
        shown = b""
        while chunk := _read(parent):
            shown += chunk
    os.close(parent)
    text = shown.decode()
    assert process.returncode == 0 and "\x1b[1m" in text  # a terminal: niche's own colours are there
    data = re.sub(r"\x1b\[[0-9;]*m", "", text)  # all but niche's own colours and styles
    assert "PWNED" in data and not any(c in data for c in "\x1b\x07\x9b\x7f\x08"), repr(data)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the other end closed: Linux says EIO
        return b""


def test_printable_keeps_text_and_drops_controls() -> None:
    assert printable("Zoë 名前\ttab\nline") == "Zoë 名前\ttab\nline"
    assert printable(ATTACK) == "[2J]0;PWNED[5m31m"

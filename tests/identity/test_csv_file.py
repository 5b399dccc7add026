"""`niche identities resolve` streams its CSV (issue 18.5): a huge line is skipped without being
held, a file that is not UTF-8 is one line naming where, and nothing is written for a bad input."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

from tests.helpers.cli import niche

HEADER = "name,email,username\n"


def test_a_latin1_csv_is_one_line_naming_where(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes((HEADER + "Ada,ada@example.org,\nJosé Núñez,jose@example.org,\n").encode("latin-1"))
    ran = niche("identities", "resolve", str(source), "-o", str(tmp_path / "out.csv"), cwd=tmp_path)
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert ran.stderr.strip() == (
        f"error: {source}: line 3 is not UTF-8 (byte 0xe9 at column 4); nothing was written; save it as UTF-8, "
        "e.g. `iconv -f latin1 -t utf-8`"
    )
    assert not (tmp_path / "out.csv").exists()


def test_a_huge_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    """A 20 MB line (a 1 GB one took 2.15 GB): the rows around it are resolved and the line is
    said; memory stays within a few pieces of the line cap."""
    source = tmp_path / "people.csv"
    with source.open("w") as f:
        f.write(HEADER + "Ada Lovelace,ada@example.org,\n")
        f.write("Mallory," + "m" * 20_000_000 + "@example.org,\n")
        f.write("Ada Lovelace,ada@example.org,ada\nBob,bob@example.org,\n")
    tracemalloc.start()
    try:
        ran = niche("identities", "resolve", str(source), "-o", str(tmp_path / "out.csv"), cwd=tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert ran.returncode == 0, ran.stderr
    assert peak < 2_000_000, peak
    assert "line 3 is over 64 KB, longer than any identity; skipped" in ran.stderr
    assert "3 identities, 2 people" in ran.stderr
    with (tmp_path / "out.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["name", "email", "username", "person_id"], ["Ada Lovelace", "ada@example.org", "", "1"],
                    ["Ada Lovelace", "ada@example.org", "ada", "1"], ["Bob", "bob@example.org", "", "2"]]  # fmt: skip


def test_standard_input_with_a_spreadsheet_s_byte_order_mark(tmp_path: Path) -> None:
    """Read twice from a copy; the BOM a spreadsheet writes is not part of the first column's name;
    a short row is padded, as it was read before."""
    from typer.testing import CliRunner

    from niche.cli import app

    text = "\ufeff" + HEADER + "Ada,ada@example.org\nAda,ADA@example.org,ada\n"
    ran = CliRunner().invoke(app, ["identities", "resolve", "-"], input=text.encode())
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.splitlines() == ["name,email,username,person_id", "Ada,ada@example.org,,1",
                                       "Ada,ADA@example.org,ada,1"]  # fmt: skip

"""A command with nothing to show says what to try: which source to sync, or which --as-of."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from niche.cli import app


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    return result.exit_code, " ".join(result.output.split())  # one line, whatever the terminal width


def test_empty_tables_say_what_to_try(fixtures: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    assert _run(db, "sync", "mail", str(fixtures / "pipermail"))[0] == 0
    code, said = _run(db, "reviews")
    assert code == 0  # an empty answer is an answer (exit 1 means input was quarantined)
    assert ("No reviews: nothing synced holds them yet; sync a source first: `niche sync gerrit URL`, "
            "`niche sync gerrit-export FILE` or `niche sync github OWNER/REPO`.") in said  # fmt: skip

    pages = [str(fixtures / "gerrit" / f"gerrit_reviews_page_{n}") for n in (1, 2)]
    assert _run(db, "sync", "gerrit-export", *pages)[0] == 0
    code, said = _run(db, "reviews", "--as-of", "2026-12-31")
    assert code == 0  # an empty answer is an answer (exit 1 means input was quarantined)
    assert ("No reviews in the 12 months to 2026-12-31; the data runs from 2015-11-14 to 2018-03-05: "
            "try --as-of 2018-03-05 or a longer --months.") in said  # fmt: skip
    code, said = _run(db, "stats", "--as-of", "2026-12-31")
    assert code == 0 and "No code review in the 12 months to 2026-12-31" in said
    assert "No code changes: nothing synced holds them yet; sync a source first: `niche sync git PATH`." in said

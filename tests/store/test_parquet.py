"""`niche export parquet`: every table the metrics read, as Parquet, swapped in whole."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from niche import Community, Config
from niche.errors import ConfigError
from niche.store import Store, parquet
from tests.helpers.cli import niche
from tests.helpers.gitrepos import commit, init
from tests.helpers.mixed_store import build

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def _git_store(root: Path, authors: tuple[str, ...] = ("Ann", "Ben", "Cid")) -> Path:
    """A store of a repository where each author commits once a month, January to March 2024."""
    repo = init(root / "repo")
    for month in (1, 2, 3):
        for name in authors:
            env = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER") for what, value in
                   (("NAME", name), ("EMAIL", f"{name.lower()}@example.org"), ("DATE", f"2024-0{month}-10T10:00:00Z"))}  # fmt: skip
            commit(repo, {f"src/{name}.py": f"{month}\n"}, f"{name} in month {month}", env=env)
    db = root / "niche.duckdb"
    with Community(db, Config()) as community:
        community.sync(community.git(repo))
        community.derive()
    return db


def _read(made: parquet.ParquetExport, table: str) -> list[tuple]:
    """A table of the export as a DuckDB reader sees it, its columns in the store's order."""
    columns = ", ".join(f'"{c}"' for c in made.columns[table])
    path = made.path_of(table) / "**" / "*.parquet" if table in parquet.PARTITIONED else made.path_of(table)
    return sorted(duckdb.sql(f"SELECT {columns} FROM read_parquet('{path}')").fetchall(), key=repr)


def test_every_table_is_written_with_its_rows_and_columns(tmp_path: Path) -> None:
    db = _git_store(tmp_path)
    with Store(db, read_only=True) as store:
        made = parquet.export(store, tmp_path / "export", show_emails=True)
        for table in parquet.TABLES:
            expected = sorted(store.con.execute(f"SELECT {', '.join(made.columns[table])} FROM {table}").fetchall(),
                              key=repr)  # fmt: skip
            if table in ("activities", "person_activities"):  # attrs is JSON in the store, text in Parquet
                assert len(_read(made, table)) == len(expected) == made.tables[table], table
            else:
                assert _read(made, table) == expected, table
            assert made.tables[table] == len(expected), table
    assert made.tables["commits"] == 9 and made.tables["people"] == 3 and made.tables["bugs"] == 0
    months = sorted(p.name for p in (tmp_path / "export" / "activities" / "source_kind=git").iterdir())
    assert months == ["month=2024-01", "month=2024-02", "month=2024-03"]
    meta = json.loads((tmp_path / "export" / "_niche.json").read_text())
    assert meta["schema_version"] == made.schema_version > 20 and meta["tables"]["commits"]["rows"] == 9
    assert parquet.read(tmp_path / "export") == made
    assert pq.read_schema(tmp_path / "export" / "bugs.parquet").names == made.columns["bugs"]  # empty, still a file


def test_a_reexport_replaces_the_whole_set_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    first = _git_store(tmp_path / "a", ("Ann",))
    second = _git_store(tmp_path / "b", ("Ben", "Cid"))
    out = tmp_path / "out" / "export"
    with Store(first, read_only=True) as store:
        parquet.export(store, out)
    with Store(second, read_only=True) as store:
        made = parquet.export(store, out)
    assert made.tables["people"] == 2
    assert {r[1] for r in _read(made, "people")} == {"Ben", "Cid"}  # nothing of the first export is left
    assert [p.name for p in out.parent.iterdir()] == ["export"]  # no partial or old folder beside it


def test_a_failed_export_leaves_the_old_one_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db, out = _git_store(tmp_path), tmp_path / "export"
    with Store(db, read_only=True) as store:
        before = parquet.export(store, out)
        files = sorted(p.relative_to(out) for p in out.rglob("*"))
        written = parquet._write

        def crash(store: Store, table: str, select: str, into: Path) -> int:
            if table == "people":
                raise OSError(28, "No space left on device")
            return written(store, table, select, into)

        monkeypatch.setattr(parquet, "_write", crash)
        with pytest.raises(OSError, match="No space"):
            parquet.export(store, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == files
    assert parquet.read(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # the partial export is gone


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path) -> None:
    db = _git_store(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("years of work")
    with Store(db, read_only=True) as store, pytest.raises(ConfigError, match="not a niche Parquet export"):
        parquet.export(store, tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "years of work"
    with pytest.raises(ConfigError, match="not a niche Parquet export"):
        parquet.read(tmp_path / "mine")


def _texts(made: parquet.ParquetExport) -> str:
    return "\n".join(json.dumps(_read(made, table), default=str) for table in parquet.TABLES)


def test_addresses_only_with_show_emails(tmp_path: Path) -> None:
    """Real mail archives and reviews: no address anywhere in the default export, except inside the
    Message-IDs that name mails; an address column keeps its domain, which tells namesakes apart."""
    db = build(tmp_path / "community")
    with Store(db, read_only=True) as store:
        hidden = parquet.export(store, tmp_path / "hidden")
        shown = parquet.export(store, tmp_path / "shown", show_emails=True)
        names = {i.lower() for (i,) in store.con.execute(
            "SELECT item_id FROM raw_items UNION SELECT key FROM item_keys UNION SELECT key FROM item_refs "
            "UNION SELECT in_reply_to FROM mail_messages UNION SELECT unnest(refs) FROM mail_messages").fetchall() if i}  # fmt: skip
    text = _texts(hidden).lower()
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    assert not ADDRESS.findall(text)
    assert "@wikimedia.org" in text and "an address at " in _texts(hidden)
    assert "zfilipin@wikimedia.org" in _texts(shown)


def test_cli_export(tmp_path: Path) -> None:
    db = _git_store(tmp_path)
    done = niche("--db", str(db), "export", "parquet", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "29 tables" in done.stderr and (tmp_path / "out" / "_niche.json").is_file()
    again = niche("--db", str(db), "export", "parquet", "repo", cwd=tmp_path)  # the git clone: not an export
    assert again.returncode == 2 and "not a niche Parquet export" in again.stderr

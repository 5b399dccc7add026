"""Shared test fixtures: real recorded data from ../shared/fixtures and a real DuckDB store."""

from __future__ import annotations

from pathlib import Path

import pytest
import stamina

from niche.store import Store
from tests.helpers.fixtures import need_fixtures


@pytest.fixture
def fixtures() -> Path:
    """The real recorded inputs (see PROVENANCE.md there); tests skip when they are absent."""
    return need_fixtures()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "niche.duckdb") as s:
        yield s


@pytest.fixture(autouse=True)
def _no_backoff_sleep():
    """Retries are tried at once: tests check what is retried, not how long it waits."""
    stamina.set_testing(True, attempts=6)
    yield
    stamina.set_testing(False)

"""The dashboard's tests share one store with real recordings and hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fixtures import need_fixtures
from tests.helpers.hostile_store import build_hostile_store


@pytest.fixture(scope="session")
def community_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """See build_hostile_store."""
    need_fixtures()
    return build_hostile_store(tmp_path_factory.mktemp("web"))

"""Shared test fixtures: real recorded data from ../shared/fixtures and a real DuckDB store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import stamina
from hypothesis import HealthCheck, settings

from niche.store import Store
from tests.helpers.fixtures import need_fixtures
from tests.helpers.openstack_reviews import build_store

# Property tests check what a parser does with any input, never how fast: on a busy shared machine
# Hypothesis's speed checks failed whole CI runs (input generation "too slow", deadlines).
settings.register_profile("niche", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("niche")


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


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test run (starting one costs seconds); skips, saying
    why, without PySpark or Java."""
    pytest.importorskip("pyspark", reason="PySpark is not installed (pip install -e '.[test]')")
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        pytest.skip("Java is not installed (Spark needs Java 17: apt-get install openjdk-17-jre-headless)")
    from niche.metrics.spark import session

    spark = session("local[2]")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def openstack_2011(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store of the 5,934 real OpenStack changes of 2011-2012, built once for the session."""
    need_fixtures()
    return build_store(tmp_path_factory.mktemp("openstack") / "niche.duckdb")

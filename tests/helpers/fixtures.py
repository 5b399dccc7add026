"""Where the real recorded inputs are: ../shared/fixtures beside the checkout, or NICHE_FIXTURES."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("NICHE_FIXTURES", ROOT.parent / "shared" / "fixtures"))


def need_fixtures() -> Path:
    """The fixtures folder; the calling test skips, saying why, when it is absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"real fixtures not found at {FIXTURES}; set NICHE_FIXTURES to the shared/fixtures folder")
    return FIXTURES

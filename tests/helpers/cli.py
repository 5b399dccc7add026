"""Run the niche command as a user does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def niche(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "niche", *args], cwd=cwd, capture_output=True, text=True, env=None)

"""The README's examples are the code, not a copy that drifts from it."""

from __future__ import annotations

import inspect
import re

from niche.sources.launchpad import LaunchpadBugs
from tests.helpers.fixtures import ROOT


def test_adding_a_source_shows_a_real_source_under_100_lines() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Adding a source", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```python\n(.*?)```", section, re.S)
    assert example == inspect.getsource(LaunchpadBugs)
    assert len(section.splitlines()) < 100

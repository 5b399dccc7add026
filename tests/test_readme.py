"""The README's examples are the code, not a copy that drifts from it."""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

import pytest

from niche.sources.launchpad import LaunchpadBugs
from tests.helpers.fixtures import ROOT
from tests.helpers.gitrepos import commit, init


def test_adding_a_source_shows_a_real_source_under_100_lines() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Adding a source", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```python\n(.*?)```", section, re.S)
    assert example == inspect.getsource(LaunchpadBugs)
    assert len(section.splitlines()) < 100


def test_the_python_api_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python example, run as written in a repository of three commits by two people,
    two of them about the same bug."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```python\n(.*?)```", section, re.S)
    repo = init(tmp_path / "project")
    commit(repo, {"a.py": "1"}, "one\n\nPartial-Bug: #2004155")
    commit(repo, {"doc/index.rst": "2"}, "two", env={"GIT_AUTHOR_NAME": "Bob", "GIT_AUTHOR_EMAIL": "bob@example.org"})
    later = {"GIT_AUTHOR_DATE": "1700007200 +0100", "GIT_COMMITTER_DATE": "1700007200 +0100"}  # two hours on
    commit(repo, {"b.py": "3"}, "three\n\nCloses-Bug: #2004155", env=later)
    (repo / "niche.toml").write_text('[git]\npaths = ["."]\n')
    monkeypatch.chdir(repo)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "project: 3 new commits"
    assert lines[1] == "2 contributors to date"
    assert lines[2].startswith("Ada Lovelace 3 ")  # authored two, committed Bob's
    assert lines[3].startswith("Bob 1 ") and "docs" in lines[3]
    assert lines[4].startswith("{2023: {")  # Ada's role mix by year (the commits are dated 2023-11-14)
    # log(1 + 0 days quiet) - log(1 + contributions): Bob, with one commit, is the riskier
    assert lines[5:7] == ["Bob -0.69 0 days since their last contribution",
                          "Ada Lovelace -1.39 0 days since their last contribution"]  # fmt: skip
    assert lines[7:] == ["commit one via lp-bug:2004155", "commit three via lp-bug:2004155"]

"""Role classification: commits by the lines they change, other activities by kind and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from niche.classify import Rules, classify_pending
from niche.sources.git_repository import GitRepository
from niche.store import Store
from niche.store.sync import sync
from tests.helpers.gitrepos import commit, init


def _roles(store: Store) -> dict[str, tuple[str, str]]:
    rows = store.con.execute(
        "SELECT c.message, a.role, a.role_rule FROM activities a JOIN commits c USING (source, item_id)"
        " WHERE a.kind = 'commit.authored'"
    ).fetchall()
    return {message.splitlines()[0]: (role, rule) for message, role, rule in rows}


def test_commits_take_the_role_of_most_changed_lines(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "nova")
    commit(repo, {"nova/compute/manager.py": "a\nb\n"}, "code")
    commit(repo, {"nova/tests/unit/test_manager.py": "1\n2\n3\n4\n", "nova/compute/api.py": "x\n"}, "mostly tests")
    commit(repo, {"doc/source/admin/index.rst": "Title\n=====\n"}, "docs")
    commit(repo, {".zuul.yaml": "- job: x\n", "tox.ini": "[tox]\n"}, "ci")
    commit(repo, {"requirements.txt": "oslo.db>=1\n"}, "deps")
    commit(repo, {"nova/api/auth.py": "fix\n"}, "Fix token leak\n\nThis addresses CVE-2024-12345.")
    sync(store, GitRepository(repo)).check()
    assert classify_pending(store) == 6
    roles = _roles(store)
    assert {k: v[0] for k, v in roles.items()} == {
        "code": "code", "mostly tests": "tests", "docs": "docs", "ci": "ci_infra", "deps": "packaging_release",
        "Fix token leak": "security",
    }  # fmt: skip
    assert roles["mostly tests"][1].startswith("80% of changed lines are tests (nova/tests/unit/test_manager.py ~ ")
    assert roles["Fix token leak"][1] == r"message matches \bCVE-\d{4}-\d{4,}\b"
    assert classify_pending(store) == 0  # nothing left to classify


def test_a_specs_repository_is_design_work(store: Store, tmp_path: Path) -> None:
    repo = init(tmp_path / "nova-specs")
    commit(repo, {"specs/2024.1/approved/flavors.rst": "Spec\n"}, "Propose flavors spec")
    sync(store, GitRepository(repo)).check()
    classify_pending(store)
    assert _roles(store)["Propose flavors spec"] == ("design_specs", "repository nova-specs matches -specs$")


def _activity(store: Store, kind: str, project: str, attrs: dict) -> None:
    store.insert(
        "activities",
        {"source": ["t"], "item_id": [kind + project], "kind": [kind], "identity_id": ["i"], "project": [project],
         "attrs": [json.dumps(attrs)]},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "project", "attrs", "role"),
    [
        ("mail.reply", "openstack-discuss", {"answers_question": True}, "user_support"),
        ("mail.reply", "openstack-discuss", {}, "discussion"),
        ("mail.thread_started", "openstack-dev", {"is_patch": True}, "code"),
        ("irc.message", "#openstack-meeting-3", {}, "meetings"),
        ("irc.message", "#openstack-nova", {"answers_question": True}, "user_support"),
        ("bug.reported", "nova", {}, "bug_reporting"),
        ("bug.status_changed", "nova", {}, "triage"),
        ("bug.comment", "nova", {"security": True}, "security"),
        ("issue.labeled", "org/repo", {}, "triage"),
        ("review.vote", "nova", {"label": "Code-Review", "value": 1}, "review"),
        ("review.patchset_uploaded", "nova", {}, "code"),
        ("commit.committed", "nova", {}, "code"),
        ("meeting.chaired", "nova", {}, "meetings"),
    ],
)
def test_other_activities(store: Store, kind: str, project: str, attrs: dict, role: str) -> None:
    _activity(store, kind, project, attrs)
    classify_pending(store)
    assert store.con.execute("SELECT role FROM activities").fetchone()[0] == role


def test_project_rules_replace_defaults() -> None:
    rules = Rules.load(
        {"roles": {"paths": [{"role": "docs", "patterns": ["^handbook/"]}, {"role": "code", "patterns": ["."]}]}}
    )
    assert rules.of_path("handbook/intro.md") == ("docs", "^handbook/")
    assert rules.of_path("README.md") == ("code", ".")
    with pytest.raises(ValueError, match="unknown role 'wizardry'"):
        Rules.load({"roles": {"kinds": [{"role": "wizardry", "kind": "."}]}})


def test_data_files_named_txt_are_not_docs() -> None:
    """Paths from openstack/nova's history: *.txt outside doc/ are requirement and test lists."""
    rules = Rules.load()
    assert rules.of_path("other-requirements.txt")[0] == "packaging_release"
    assert rules.of_path("test-requirements.txt")[0] == "packaging_release"
    assert rules.of_path("threading_unit_test_excludes.txt")[0] == "tests"
    assert rules.of_path("tests-functional-py3.txt")[0] == "tests"
    assert rules.of_path("doc/dictionary.txt")[0] == "docs"  # under doc/, prose or not
    assert rules.of_path("etc/nova/README-nova.conf.txt")[0] == "docs"
    assert rules.of_path("nova/virt/data.txt")[0] == "code"

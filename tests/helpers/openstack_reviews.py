"""The real OpenStack Gerrit data of 2011-2012 (../shared/fixtures/gerrit-rest), as raw JSON for
tests to compute their expectations from, and as one store built once per test session."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from niche import Community, Config
from tests.helpers.fixtures import need_fixtures

SERVER = "https://review.openstack.org"
FILE_2011 = "gerrit-rest/openstack-changes-2011-2012.json.gz"
FILE_2015 = "gerrit-rest/openstack-changes-2015.json"


@cache
def changes_2011() -> list[dict[str, Any]]:
    """The 5,934 changes exactly as saved."""
    with gzip.open(need_fixtures() / FILE_2011) as f:
        return json.load(f)


def changes_2015() -> list[dict[str, Any]]:
    """The 102 changes of 2015 exactly as the REST API answered."""
    return json.loads((need_fixtures() / FILE_2015).read_text().removeprefix(")]}'"))


def build_store(path: Path) -> Path:
    """A store holding the 2011-2012 changes, with people, roles and links derived."""
    with Community(path, Config()) as community:
        community.sync([community.gerrit_file(need_fixtures() / FILE_2011, SERVER)])[0].check()
        community.derive()
    return path

"""niche.toml is checked when read: an unknown section or key, or a value of the wrong type, is one
line naming the section and the key, never a silent default."""

from __future__ import annotations

from pathlib import Path

import pytest

from niche.config import load_config
from niche.errors import ConfigError


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('[git]\npaths = "/x"', "[git] paths: expected a list of strings"),  # would scan '/' then 'x'
        ('[[github]]\nrepos = "o/r"', "[[github]] #1 repos: expected a list of strings"),
        ('[[github]]\nrepos = ["nova"]', "[[github]] #1 repos: expected OWNER/REPO, got 'nova'"),
        ("[roles]\nnewcomer_days = 1e300", "[roles] newcomer_days: expected a whole number from 1 to 36500"),
        ("[roles]\nnewcomer_days = 30.5", "[roles] newcomer_days: expected a whole number"),
        ('[insights]\nperson_signals = "no"', "[insights] person_signals: expected true or false, got 'no'"),
        ('[[gerit]]\nurl = "https://review.opendev.org"', "unknown section [[gerit]]; did you mean [[gerrit]]?"),
        ('[[github]]\nrepos = ["o/r"]\nisues = true', "[[github]] #1: unknown key 'isues'; did you mean 'issues'?"),
        ('[[gerrit]]\nprojects = ["openstack/nova"]', "[[gerrit]] #1: 'url' is required"),
        ('[[gerrit]]\nurl = "review.opendev.org"', "[[gerrit]] #1 url: expected a URL such as https://host"),
        ('[[mail]]\nlocations = ["a.mbox"]\nsince = "last year"', "[[mail]] #1 since: expected a date YYYY-MM-DD"),
        ('[[irc]]\npaths = ["logs"]\ntimezone = "Mars/Base"', "[[irc]] #1 timezone: expected a timezone name"),
        ('[[roles.paths]]\nrole = "tests"\npatterns = ["("]', "[[roles.paths]] of role 'tests': '(' is not a regular"),
        ('[[roles.paths]]\nrole = "cooking"\npatterns = ["x"]', "unknown role 'cooking' in [roles.paths]"),
        ('[people]\nbots = "zuul"', "[people] bots: expected a list of strings"),
        ('[git]\npaths = ["/x", 5]', "[git] paths: expected a list of strings, got 5 in it"),
        ('[[mail]]\nlocations = ["a.mbox", ""]', "[[mail]] #1 locations: expected a list of strings, got '' in it"),
        ("[git\n", "not a valid niche config"),
    ],
)
def test_a_wrong_config_is_one_line_naming_section_and_key(tmp_path: Path, toml: str, said: str) -> None:
    path = tmp_path / "niche.toml"
    path.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a valid niche config") and said in message
    assert "\n" not in message


def test_a_good_config_is_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "niche.toml"
    path.write_text(
        '[git]\npaths = ["~/src/nova"]\n\n[[gerrit]]\nurl = "https://review.opendev.org/"\nsince = 2024-01-01\n\n'
        '[[github]]\nrepos = ["o/r"]\nissues = true\n\n[roles]\nnewcomer_days = 30\n\n'
        "[insights]\nperson_signals = false\n"
    )
    config = load_config(path)
    assert config.git_paths == (Path.home() / "src" / "nova",)
    assert (config.gerrit[0].url, config.gerrit[0].since) == ("https://review.opendev.org", "2024-01-01")
    assert config.github[0].repos == ("o/r",) and config.github[0].issues is True
    assert config.rules.newcomer_days == 30 and config.person_signals is False

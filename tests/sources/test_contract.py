"""One rule for what is quarantined: any exception while one item is read, never the source's own failure."""

from __future__ import annotations

import pytest

from niche.errors import SourceError
from niche.sources.contract import BadRecord, read_item


def _deep(n: int) -> object:
    return n if n == 0 else _deep(n - 1)


@pytest.mark.parametrize(
    ("parse", "kind"),
    [
        (lambda: "a string, not an object".get("name"), "AttributeError"),  # type: ignore[attr-defined]
        (lambda: {}["id"], "KeyError"),
        (lambda: _deep(100_000), "RecursionError"),
        (lambda: int("x"), "ValueError"),
    ],
)
def test_any_exception_of_one_item_quarantines_it(parse, kind: str) -> None:
    bad = read_item(parse, b"raw bytes", "https://host/bugs/2", "unusable bug", "2")
    assert isinstance(bad, BadRecord)
    assert bad.error.startswith(f"unusable bug: {kind}") and bad.raw == b"raw bytes"
    assert (bad.location, bad.key) == ("https://host/bugs/2", "2")


def test_a_source_failing_is_not_an_item_problem() -> None:
    def down() -> None:
        raise SourceError("https://host: HTTP 503")

    with pytest.raises(SourceError):
        read_item(down, b"", "x", "unreadable change")


def test_a_good_item_passes_through() -> None:
    assert read_item(lambda: 42, b"", "x", "unreadable") == 42

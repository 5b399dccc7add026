"""The resolver's rules and guards, case by case, and its accuracy on a real project's .mailmap."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from niche.identity.resolve import Evidence, Identity, explain, resolve

TRUTH = Path(__file__).parents[2] / "bench" / "data"


def _people(*identities: Identity, **kwargs) -> list[set[str]]:
    resolution = resolve(identities, **kwargs)
    return sorted((set(m) for m in resolution.people().values()), key=min)


def ident(key: str, name: str | None, email: str | None, kind: str = "git", username: str | None = None) -> Identity:
    return Identity(key, kind, name, email, username)


def test_one_mailbox_under_many_spellings_is_one_person() -> None:
    assert _people(
        ident("a", "John Doe", "John.Doe@example.org"),
        ident("b", "J. Doe", "john.doe@EXAMPLE.org", "mail"),
        ident("c", "jdoe", "johndoe+nova@gmail.com"),
        ident("d", None, "john.doe@gmail.com", "gerrit", "jdoe"),
    ) == [{"a", "b", "c", "d"}]  # c and d share a Gmail mailbox; "johndoe" is made from "John Doe"


def test_distinctive_names_merge_and_typos_too() -> None:
    assert _people(
        ident("a", "Dolores Umbridge-Fudge", "dolores@ministry.example"),
        ident("b", "Umbridge-Fudge, Dolores", "dumbridge@hogwarts.example"),
        ident("c", "Dolores Umbrige-Fudge", "du@elsewhere.example"),
    ) == [{"a", "b", "c"}]


def test_common_short_names_need_a_second_clue() -> None:
    assert _people(
        ident("a", "Wei Wang", "wangwei@gmail.com"),
        ident("b", "Wei Wang", "ww1987@163.com"),
        ident("c", "Wei Wang", "wei.wang@huawei.com"),
        ident("d", "Wei Wang", "wangw@huawei.com"),
    ) == [{"a"}, {"b"}, {"c", "d"}]


def test_placeholders_and_generic_names_join_nobody() -> None:
    assert _people(
        ident("a", "Alice Smith", "root@localhost"),
        ident("b", "Bob Jones", "root@localhost"),
        ident("c", "Your Name", "you@example.com"),
        ident("d", "Your Name", "carol@example.net"),
        ident("e", "ubuntu", "ubuntu@ip-10-0-0-1.localdomain"),
    ) == [{"a"}, {"b"}, {"c"}, {"d"}, {"e"}]


def test_a_shared_address_links_only_names_that_agree() -> None:
    people = _people(
        ident("a", "Alice Smith", "team@startup.example"),
        ident("b", "Bob Jones", "team@startup.example"),
        ident("c", "Alice Smith", "team@startup.example", "mail"),
        ident("d", "Carol White", "carol@startup.example"),
        ident("e", "Carol White", "carol@startup.example", "mail"),
    )
    assert people == [{"a", "c"}, {"b"}, {"d", "e"}]


def test_accounts_noreply_addresses_and_handles() -> None:
    assert _people(
        ident("a", "Octo Cat", "583231+octocat@users.noreply.github.com"),
        ident("b", None, None, "github", "octocat"),
        ident("c", "Grace Hopper", "grace@navy.example"),
        ident("d", None, "ghopper@cobol.example", "gerrit", "ghopper"),
        ident("e", "ghopper", None, "irc", "ghopper"),
    ) == [{"a", "b"}, {"c", "d", "e"}]


def test_bots_never_merge_with_people() -> None:
    people = _people(
        ident("a", "Jane Roe", "jane@example.org"),
        ident("b", "Jane Roe (CI bot)", "jane@example.org"),
    )
    assert people == [{"a"}, {"b"}]


def test_user_word_wins_and_every_merge_is_explained() -> None:
    identities = [
        ident("a", "Ann Lee", "ann@one.example"),
        ident("b", "Ann Lee", "ann@two.example"),
        ident("c", "A. L.", "al@three.example"),
    ]
    known = [Evidence("a", "c", "override", "merged by the user")]
    resolution = resolve(identities, known=known, detached={"b"})
    assert resolution.person_of == {"a": "a", "b": "b", "c": "a"}
    assert [e.rule for e in explain(resolution.evidence, "a", "c")] == ["override"]
    assert explain(resolution.evidence, "a", "b") is None
    merged = resolve(identities)
    chain = explain(merged.evidence, "a", "b")
    assert chain and chain[0].rule == "same-name" and "ann lee" in chain[0].detail


def test_accuracy_on_a_real_projects_mailmap() -> None:
    """nova's own .mailmap as the truth (bench/data), on the identities it speaks of: no wrong
    merge, and the recall measured when this test was written (bench/identity_accuracy.py)."""
    with (TRUTH / "identities-nova.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["covered"] == "1"]
    resolution = resolve(ident(str(i), r["name"] or None, r["email"] or None) for i, r in enumerate(rows))
    predicted = [resolution.person_of[str(i)] for i in range(len(rows))]
    truth = [r["truth"] for r in rows]

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    together = pairs(Counter(zip(predicted, truth, strict=True)))
    precision, recall = together / pairs(Counter(predicted)), together / pairs(Counter(truth))
    assert precision >= 0.99 and recall >= 0.75, (precision, recall)

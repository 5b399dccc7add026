"""The resolver's rules and guards, case by case, and its accuracy on real projects' .mailmap files."""

from __future__ import annotations

from pathlib import Path

from bench.identity_accuracy import load, niche_people, scores

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


def test_one_login_seen_in_several_places() -> None:
    """A GitHub login typed as the name elsewhere, or as a mailbox name; a nick on a shared
    address is no second name; names of the community and common names run together are no logins."""
    assert _people(
        ident("a", "mmythen", "159862998+mmythen@users.noreply.github.com"),
        ident("b", "Matthew M", "mmythen@uvic.ca"),
        ident("c", "jamestitus299", "jamestitus299@gmail.com"),
        ident("d", "jamestitus299", "titusjames299@gmail.com"),
        ident("e", "Moha Jain", "mohajain99@gmail.com"),
        ident("f", "Psycho-Pirate", "mohajain99@gmail.com"),  # a login, not a second name on the address
        ident("g", "kunal", "kunalgk1999@gmail.com"),
        ident("h", "kunal", "kunal@protonmail.example"),
        ident("i", "Kunal Sharma", "ks@uni.example"),  # so "kunal" is a name here, not a login
        ident("j", None, None, "irc", "chenxing"),
        ident("k", None, None, "gerrit", "chenxing"),
        ident("l", "Chen Xing", "cx@one.example"),
        ident("m", "Xing Li", "xl@two.example"),  # "chenxing" is a common name run together
        ident("n", None, "alexk@one.example"),  # a mailbox name alone is not a login
        ident("o", None, "alexk@two.example"),
        ident("p", "Matt Riedemann", "mriedem@us.ibm.example", "gerrit", "mriedem"),  # one login across servers
        ident("q", None, None, "irc", "mriedem"),
        ident("r", "Matt Riedemann", None, "launchpad", "mriedem"),
    ) == [{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g"}, {"h"}, {"i"}, {"j"}, {"k"}, {"l"}, {"m"}, {"n"}, {"o"},
          {"p", "q", "r"}]  # fmt: skip


def test_short_given_names_and_handles_made_from_them() -> None:
    assert _people(
        ident("a", "Matt Dietz", "matt.dietz@rackspace.example"),
        ident("b", "Matthew Dietz", "matthewdietz@laptop.local"),
        ident("c", None, "mdietz@openstack"),  # no dot: a machine, but "mdietz" is still made from the name
        ident("d", "Chris Gohlkeson", "cg@one.example"),  # "Chris" fits two long forms: joins neither
        ident("e", "Christine Gohlkeson", "christine@two.example"),
        ident("f", "Christopher Gohlkeson", "chg@three.example"),
        ident("g", "Christophe Simonis", "christophe@kn.example"),  # "christophe" is a name, not a handle
        ident("h", "Christoph Egger", "egger@four.example"),
        ident("i", "ajones", "andy.jones@five.example"),  # initials with a common family name: no handle
        ident("j", "Audrey Jones", "aujones@six.example"),
    ) == [{"a", "b", "c"}, {"d"}, {"e"}, {"f"}, {"g"}, {"h"}, {"i"}, {"j"}]


def test_addresses_where_they_should_not_be() -> None:
    """Addresses inside the name or the address field, personal mailboxes named me@ or git@, and a
    machine's mailbox name as the second clue of a common name."""
    assert _people(
        ident("a", "Arvind Somya asomya@cisco.example", None),
        ident("b", "Arvind Somy", "asomya@cisco.example"),
        ident("c", "Daniel", "Daniel Müllner muellner@math.stanford.example"),
        ident("d", "dmuellner", "muellner@math.stanford.example"),
        ident("e", "wfspotz@sandia.example", "wfspotz@sandia.example@localhost"),
        ident("f", "Bill Spotz", "wfspotz@sandia.example"),
        ident("g", "Taylor Blau", "me@ttaylorr.example"),
        ident("h", "ttaylorr", "me@ttaylorr.example"),
        ident("i", "Srimukh Sripada", "git@srimukh.example"),
        ident("j", "postmalloc", "git@srimukh.example"),
        ident("k", "Monty Taylor", "mordred@hudson"),
        ident("l", "Monty Taylor", "mordred@inaugust.example"),
        ident("m", "Jane Doe", "me@example.com"),  # used by two names: shared
        ident("n", "John Roe", "me@example.com"),
        ident("o", "Wei Wang", "root@build1.example"),  # "root" is no second clue
        ident("p", "Wei Wang", "root@build2.example"),
    ) == [{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}, {"i", "j"}, {"k", "l"}, {"m"}, {"n"}, {"o"}, {"p"}]


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


def test_accuracy_on_real_projects_mailmaps() -> None:
    """The .mailmap files of git, nova, numpy, scipy and sympy as the truth (bench/data), on the
    identities they speak of: the issue's target, pairwise precision >= 0.98 and F1 >= 0.95."""
    predicted: list[str] = []
    truth: list[str] = []
    for path in sorted(TRUTH.glob("identities-*.csv")):
        rows = [r for r in load(path) if r["covered"] == "1"]
        predicted += [f"{path.stem}:{person}" for person in niche_people(rows)]
        truth += [f"{path.stem}:{r['truth']}" for r in rows]
    score = scores(predicted, truth)
    assert score["P"] >= 0.98 and score["F1"] >= 0.95, score

"""Names and addresses normalised the way people write them, on generated input too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from niche.identity import normalize as norm


def test_names_in_every_order_and_script_meet() -> None:
    key = norm.name_key(norm.name_tokens("John Doe"))
    for spelling in ("Doe, John", "JOHN  DOE", "john doe (Example Inc)", "John A. Doe", "Doe John", "John-Doe"):
        tokens = norm.name_tokens(spelling)
        assert norm.name_key(tokens) == key, spelling
    assert norm.name_tokens("Jöhn Döe") == ("john", "doe")
    assert norm.name_tokens("Zoë O'Neill-Smith") == ("zoe", "oneill", "smith")
    assert norm.name_tokens("Łukasz Żurek") == ("lukasz", "zurek")
    assert norm.name_tokens("王伟") != ()  # transliterated, not dropped
    assert norm.name_tokens("jdoe@example.org") == ()
    assert norm.name_tokens("Arvind Somya asomya@cisco.com") == ("arvind", "somya")
    assert norm.name_tokens("jdoe@myhost") == ()  # a machine's address is no name either


def test_generic_names_say_nothing() -> None:
    for name in ("Your Name", "root", "ubuntu", "A U Thor", "unknown", ""):
        assert norm.is_generic_name(norm.name_tokens(name)), name
    assert not norm.is_generic_name(norm.name_tokens("Ada Lovelace"))


def test_emails() -> None:
    assert norm.canonical_email(" <John.Doe+lists@GoogleMail.com> ") == "johndoe@gmail.com"
    assert norm.canonical_email("jdoe at example.org") == "jdoe@example.org"
    assert norm.canonical_email("mailto:JDoe@Example.org") == "jdoe@example.org"
    assert norm.canonical_email("not an address") is None
    assert norm.canonical_email("a@b@c.org") is None
    for placeholder in ("root@localhost", "you@example.com", "jdoe@(none)", "dev@box.localdomain", "x@foo.invalid"):
        assert norm.is_placeholder_email(norm.canonical_email(placeholder) or placeholder), placeholder
    assert not norm.is_placeholder_email("jdoe@redhat.com")
    assert not norm.is_placeholder_email("me@ttaylorr.com")  # a personal domain's one mailbox


def test_addresses_found_where_people_put_them() -> None:
    assert norm.find_email("Daniel Müllner muellner@Math.Stanford.edu") == "muellner@math.stanford.edu"
    assert norm.find_email("wfspotz@sandia.gov@localhost") == "wfspotz@sandia.gov"
    assert norm.find_email("qsRf9sGKy9rV", "etkewa@gmail.com") == "etkewa@gmail.com"  # name and address swapped
    assert norm.find_email("", None) is None
    assert norm.mailbox_name("termie@preciousroy.local") == "termie"
    assert norm.mailbox_name("mordred@hudson") == "mordred"
    assert norm.mailbox_name("root@ubuntu") is None
    assert norm.login_key("Psycho-Pirate") == norm.login_key("psycho.pirate") == "psychopirate"
    assert norm.github_login_of("12345+octo-cat@users.noreply.github.com") == "octo-cat"
    assert norm.github_login_of("octocat@users.noreply.github.com") == "octocat"
    assert norm.github_login_of("octocat@github.com") is None


def test_handles_made_from_a_name() -> None:
    made = norm.handles(("john", "doe"))
    assert {"jdoe", "john.doe", "johndoe", "doej", "john_doe"} <= made
    assert norm.handles(("john",)) == set()
    assert "jdoe" not in norm.handles(("john", "doe"), initials=False)


@given(st.text(max_size=80))
def test_any_name_normalises_to_ascii_words(name: str) -> None:
    tokens = norm.name_tokens(name)
    assert all(t.isascii() and " " not in t and t for t in tokens)
    assert norm.name_tokens(" ".join(tokens)) == tuple(t for t in tokens if len(t) > 1 or t.isdigit())


@given(st.text(max_size=60))
def test_canonical_email_is_stable(value: str) -> None:
    once = norm.canonical_email(value)
    assert once is None or (norm.canonical_email(once) == once and once.count("@") == 1)


@given(st.lists(st.one_of(st.none(), st.text(max_size=60), st.emails().map(lambda e: f"Name {e}")), max_size=3))
def test_found_addresses_are_canonical(fields: list[str | None]) -> None:
    found = norm.find_email(*fields)
    assert found is None or norm.canonical_email(found) == found
    for field in fields:
        name = norm.mailbox_name(field)
        assert name is None or ("@" not in name and " " not in name and name not in norm.PLACEHOLDER_LOCAL_PARTS)

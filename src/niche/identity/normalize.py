"""Names and addresses reduced to what identifies a person, and what identifies nobody.

Identity data from git, review servers, trackers and mail is typed by hand, by many tools, over
decades: "Doe, John", "JOHN DOE", "Jöhn Döe", "jdoe at example.com", "you@example.com". These
functions make equal what is the same and mark what says nothing about who someone is.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# Mailbox names that tools and docs default to: they say nothing of who typed them.
PLACEHOLDER_LOCAL_PARTS = frozenset({
    "you", "your", "user", "username", "root", "nobody", "none", "noreply", "no-reply", "email", "mail", "test",
    "admin", "devnull", "ubuntu",
})  # fmt: skip
# Addresses that many unrelated people have committed with: tool defaults, local machines, docs.
_PLACEHOLDER_DOMAIN = re.compile(r"^(localhost|\(none\)|none|unknown|(.*\.)?(local|localdomain|invalid))$")
# fmt: off
_GENERIC_NAMES = frozenset({
    "your", "name", "yourname", "unknown", "none", "root", "user", "admin", "administrator", "ubuntu", "test",
    "nobody", "anonymous", "a", "u", "thor", "author", "me", "localhost", "github", "git", "system", "builder",
    "build", "dev", "developer",
})
# fmt: on
_GENERIC_NAME_PHRASES = frozenset({"your name", "a u thor", "your full name", "first last", "firstname lastname"})
# Local parts that are roles, not people: such an address is shared, so it proves nothing alone.
# fmt: off
ROLE_LOCAL_PARTS = frozenset({
    "info", "admin", "administrator", "support", "team", "dev", "devel", "developers", "contact", "office",
    "hello", "security", "root", "ops", "infra", "ci", "release", "releases", "list", "lists", "noreply",
    "no-reply", "help", "webmaster", "postmaster", "abuse", "sales", "bugs", "maintainers",
    "core", "all", "staff", "mail",
})
# fmt: on
# Family names shared by millions (the most frequent in China, Korea, Vietnam, India and the
# English-speaking world): with a short given name, such a name is not enough to tell people apart.
# fmt: off
COMMON_FAMILY_NAMES = frozenset({
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu",
    "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng",
    "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "yu", "du", "ye", "cheng",
    "wei", "su", "lu", "ding", "ren", "shen", "yao", "kim", "lee", "park", "choi", "jung", "kang", "cho",
    "yoon", "jang", "lim", "nguyen", "tran", "le", "pham", "hoang", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "kumar", "singh", "sharma", "patel", "shah", "gupta", "khan", "ali", "smith",
    "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "taylor", "garcia", "rodriguez",
    "martinez", "lopez", "gonzalez", "hernandez", "silva", "santos", "mueller", "muller", "schmidt",
})
# fmt: on
# GitHub's private commit addresses: "12345+login@users.noreply.github.com" or "login@users...".
_GITHUB_NOREPLY = re.compile(r"^(?:\d+\+)?([a-z0-9-]+)@users\.noreply\.github\.com$")
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_NOT_A_LETTER = re.compile(r"[^a-z0-9 ]+")
# Innermost remarks: spans never overlap, so one pass is linear (one matching "(" to the next ")"
# rescanned the rest of a name for every "(").
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|<[^<>]*>")
# "Jane Doe via GitGitGadget", "'Jane Doe' via dev-list": the person, relayed by a service.
_VIA = re.compile(r"\svia\s+\S.*$", re.I)
# Also "jdoe@myhost": dropped from names, not canonical. It starts where a run of address
# characters starts (the look-behind): tried inside a long run, it rescanned the run each time.
_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*")


def _bare(address: str) -> str:
    return address.strip().strip("<>").lower().removeprefix("mailto:")


def canonical_email(email: str | None) -> str | None:
    """The address as one person's mailbox: lower-case, "mailto:" and pipermail's " at " undone,
    Gmail's dots and +tags (which reach the same mailbox) removed. None when it is not an address."""
    if not email:
        return None
    email = _bare(email).replace(" at ", "@")
    if email.count("@") != 1 or " " in email:
        return None
    local, domain = email.split("@")
    if not local or "." not in domain:
        return None
    if domain in _GMAIL:
        local, domain = local.split("+", 1)[0].replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def find_email(*fields: str | None) -> str | None:
    """The first canonical address in these fields, also one written inside other text: git and
    mail data carry "Name addr" in the address field, the address in the name field, or
    "addr@host@localhost"."""
    for text in fields:
        if email := canonical_email(text):
            return email
    for text in fields:
        for found in _ADDRESS.finditer(text or ""):
            if email := canonical_email(found.group()):
                return email
    return None


def without_addresses(text: str) -> str:
    """Text with every e-mail address cut to its domain ("an address at redhat.com"): evidence
    and log lines say which organisation's mailbox, never whose."""
    return _ADDRESS.sub(lambda m: f"an address at {m.group().rsplit('@', 1)[1]}", text)


def is_placeholder_email(email: str | None) -> bool:
    """True for addresses many unrelated people use (tool defaults, local machines, examples)."""
    if email is None or "@" not in email:
        return True
    local, domain = email.rsplit("@", 1)
    return local in PLACEHOLDER_LOCAL_PARTS or bool(_PLACEHOLDER_DOMAIN.match(domain))


def mailbox_name(address: str | None) -> str | None:
    """The name before the @, also on a machine's address ("termie@preciousroy.local" says
    "termie"), unless it is a default that says nothing ("root", "user")."""
    if not address or "@" not in address:
        return None
    local = _bare(address).split("@", 1)[0]
    return local if local and " " not in local and local not in PLACEHOLDER_LOCAL_PARTS else None


def github_login_of(email: str | None) -> str | None:
    """The GitHub login behind a users.noreply.github.com address."""
    match = _GITHUB_NOREPLY.match(email or "")
    return match.group(1) if match else None


def email_domain(email: str | None) -> str | None:
    return email.rsplit("@", 1)[1] if email and "@" in email else None


def email_local(email: str | None) -> str | None:
    return email.split("@", 1)[0] if email and "@" in email else None


def name_tokens(name: str | None) -> tuple[str, ...]:
    """A name's words, transliterated to ASCII and lower-cased, in given-then-family order:
    "Doe, John (Red Hat)" and "john doe" both give ("john", "doe"). Email addresses and
    bracketed remarks are dropped; "Dr."-like single letters too."""
    if not name:
        return ()
    text = unicodedata.normalize("NFKC", name)
    text = _ADDRESS.sub(" ", text)  # an address typed into the name
    for _ in range(3):  # remarks, innermost first: "(old (very old) name)" takes two passes
        text, found = _BRACKETED.subn(" ", text)
        if not found:
            break
    text = _VIA.sub("", text)
    if text.count(",") == 1:
        family, given = text.split(",")
        if given.strip() and not re.search(r"\b(jr|sr|ii|iii|iv|phd|md)\b", given.lower()):
            text = f"{given} {family}"
    ascii_text = unidecode(text).lower().replace("'", "").replace("-", " ").replace("_", " ").replace(".", " ")
    return tuple(t for t in _NOT_A_LETTER.sub(" ", ascii_text).split() if len(t) > 1 or t.isdigit())


def is_generic_name(tokens: tuple[str, ...]) -> bool:
    """True for names that say nothing about who someone is ("Your Name", "root", "ubuntu")."""
    return not tokens or " ".join(tokens) in _GENERIC_NAME_PHRASES or all(t in _GENERIC_NAMES for t in tokens)


def login_key(login: str) -> str:
    """A login, nickname or mailbox name as letters and digits: "Psycho-Pirate", "psycho_pirate"
    and "psycho.pirate" meet."""
    return re.sub(r"[^a-z0-9]", "", unidecode(login).lower())


def name_key(tokens: tuple[str, ...]) -> str:
    """Order-free key of a name: "John Doe" and "Doe John" meet."""
    return " ".join(sorted(tokens))


def handles(tokens: tuple[str, ...], initials: bool = True) -> set[str]:
    """Usernames and mailbox names people derive from their name: john.doe, doejohn, and with
    initials jdoe, johnd, doej..."""
    if len(tokens) < 2:
        return set()
    first, last = tokens[0], tokens[-1]
    made = {first + last, f"{first}.{last}", f"{first}_{last}", f"{first}-{last}", last + first, f"{last}.{first}"}
    made.add("".join(tokens))
    if initials:
        made |= {first[0] + last, f"{first[0]}.{last}", first + last[0], last + first[0]}
        made.add("".join(t[0] for t in tokens[:-1]) + last)
    return made

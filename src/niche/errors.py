"""One exception family: every message names the file, URL or item and says what to do.

    NicheError            everything niche raises on purpose; the CLI prints it as one line
    ├── ConfigError       niche.toml, the people overrides file or an option asks for something niche cannot do
    ├── SourceError       a source (repository, server, archive) cannot be read now; its sync stops and
    │                     resumes from its cursor next time, the other sources go on
    ├── ItemError         one item of a source is bad; it is quarantined and the run goes on
    ├── StoreError        the database file cannot be used: missing, in use, damaged, full, unwritable
    │   └── SchemaError   written by an incompatible version of niche
    └── NotFoundError     what was asked for is not in the store (an identity, a metric)
        └── AmbiguousError  several things match; the message lists them

A parser that meets bad outside data may raise anything: `niche.sources.contract.read_item`
turns any exception of one item into a quarantined `BadRecord`, so parsers need not guess.
"""

from __future__ import annotations

from niche.credentials import strip_credentials


class NicheError(Exception):
    """Base of every error niche raises on purpose; the CLI prints its message on one line, never
    with the password of a URL it names."""

    def __init__(self, message: str) -> None:
        super().__init__(strip_credentials(message))


class ConfigError(NicheError):
    """The configuration (niche.toml, niche-people.toml) or an option is wrong; the message names
    the file, the section and the key."""


class SourceError(NicheError):
    """A source (repository, server, archive) could not be read at all."""


class ItemError(NicheError):
    """One item of a source is bad; it is quarantined and the run goes on."""


class StoreError(NicheError):
    """The database file cannot be opened or written."""


class SchemaError(StoreError):
    """The database file was written by an incompatible version of niche."""


class NotFoundError(NicheError):
    """Nothing in the store matches what was asked for."""


class AmbiguousError(NotFoundError):
    """More than one thing matches; `candidates` are (id, description) pairs to choose from."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        super().__init__(message)
        self.candidates = candidates

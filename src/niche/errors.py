"""One exception family: every message names the file, URL or item and says what to do."""

from niche.credentials import strip_credentials


class NicheError(Exception):
    """Base of every error niche raises on purpose; the CLI prints its message on one line, never
    with the password of a URL it names."""

    def __init__(self, message: str) -> None:
        super().__init__(strip_credentials(message))


class SourceError(NicheError):
    """A source (repository, server, archive) could not be read at all."""


class ItemError(NicheError):
    """One item of a source is bad; it is quarantined and the run goes on."""


class SchemaError(NicheError):
    """The database file was written by an incompatible version of niche."""

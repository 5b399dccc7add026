"""niche: make every kind of contribution to an open-source community visible."""

from niche.errors import (
    AmbiguousError,
    ConfigError,
    ItemError,
    NicheError,
    NotFoundError,
    SchemaError,
    SourceError,
    StoreError,
)

__version__ = "0.1.0"
__all__ = [
    "AmbiguousError",
    "ConfigError",
    "ItemError",
    "NicheError",
    "NotFoundError",
    "SchemaError",
    "SourceError",
    "StoreError",
    "__version__",
]

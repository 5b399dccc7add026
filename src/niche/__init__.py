"""niche: make every kind of contribution to an open-source community visible."""

from niche.errors import ItemError, NicheError, SchemaError, SourceError

__version__ = "0.1.0"
__all__ = ["ItemError", "NicheError", "SchemaError", "SourceError", "__version__"]

"""The store layer: the DuckDB file, its schema, and how source items become rows."""

from niche.store.db import Store, default_db_path, identity_id

__all__ = ["Store", "default_db_path", "identity_id"]

"""niche: make every kind of contribution to an open-source community visible.

The Python API is `Community`: a community's database and config, its sources, sync, derive, and
every figure the CLI and the dashboard show, as plain data. The errors niche raises on purpose
are one family under `NicheError` (see niche.errors).
"""

__version__ = "0.1.0"  # first: the modules below read it

from niche.community import Community, Planned, Quarantined
from niche.config import Config, load_config
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
from niche.insights.profile import Profile
from niche.insights.signals import Risk, Signal
from niche.store.sync import SyncResult

__all__ = [
    "AmbiguousError",
    "Community",
    "Config",
    "ConfigError",
    "ItemError",
    "NicheError",
    "NotFoundError",
    "Planned",
    "Profile",
    "Quarantined",
    "Risk",
    "SchemaError",
    "Signal",
    "SourceError",
    "StoreError",
    "SyncResult",
    "__version__",
    "load_config",
]

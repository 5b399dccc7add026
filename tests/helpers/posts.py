"""Sync posts a test reads itself, as one source, through the one sync loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from niche.sources.posts import Read, Threads
from niche.store import Store
from niche.store.sync import SyncResult, sync


def sync_posts(store: Store, source_id: str, platform: str, name: str, location: str,
               read: Callable[[dict[str, Any] | None], Iterator[Read]]) -> SyncResult:  # fmt: skip
    return sync(store, Threads(source_id, platform, name, location, read)).check()

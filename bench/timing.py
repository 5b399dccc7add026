"""What the benches share: timing a call several times and reading percentiles off the times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(run: Callable[[], object], runs: int) -> list[float]:
    """run() `runs` times; each run's wall time in ms."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (1-99), inclusive method; a single value is every percentile."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]

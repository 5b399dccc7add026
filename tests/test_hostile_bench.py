"""The hostile-field bench as a guard: every parser of outside data, fed a 100 KB hostile field.

bench/hostile_fields.py shows the growth over 10 KB, 100 KB and 1 MB; here one size is enough,
since a parser whose time grows with the square of its input takes minutes at 100 KB (a 100 KB
display name took 67 s to resolve) while all of them together take a few seconds when linear.
The generous time limit is no speed target: it only turns "never finishes" into a failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "hostile_fields.py"


def test_every_parser_reads_a_100_kb_hostile_field() -> None:
    sys.path.insert(0, str(BENCH.parent))
    try:
        from hostile_fields import CASES
    finally:
        sys.path.remove(str(BENCH.parent))
    out = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "100000"], capture_output=True, text=True, timeout=600, check=True
    )
    timed = [line[:38].rstrip() for line in out.stdout.splitlines()[2:]]  # after the header and the baseline
    assert timed == list(CASES)

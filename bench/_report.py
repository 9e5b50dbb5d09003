"""Small statistics and table helpers shared by the benchmarks.

Every benchmark prints a plain-text table and ends with one verdict line that
starts with ``MET``, ``MISSED`` or ``INFO`` so a reader (or a grep) can tell at
a glance whether the goal held on this run.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by nearest rank: always a measured value."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else math.nan


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render rows as an aligned text table (first column left, others right)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    rule = "-" * len(line(cells[0]))
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def verdict(met: bool, text: str) -> str:
    """The one-line verdict against the goal."""
    return f"{'MET' if met else 'MISSED'}: {text}"


def heading(title: str) -> str:
    """A section heading so ``python -m bench`` output is easy to scan."""
    return f"\n=== {title} ==="


def machine() -> str:
    """Cores, load average and speed: figures need that context.

    The speed is how long a fixed pure-Python loop takes now. On a virtual
    machine whose host is shared, the same code runs up to twice as slow at
    times with nothing else running here (the load average does not show it),
    so runs are only comparable beside it.
    """
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min); "
        f"reference loop {reference_loop_ms():.0f} ms"
    )


def reference_loop_ms() -> float:
    """The median of 5 timings of a 10**6-step Python loop, in ms."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)

"""Summary statistics with output history: `_` unpacked, `Out[4]`, `f()[1]`.

Cell ``summary`` is the fourth code cell, so ``Out[4]`` is its tuple.
"""

from .model import Console, Notebook, Twin, code, stale

NOTEBOOK = Notebook(
    id="temperature_summary",
    cells=(
        code("imports", "import statistics"),
        code("temps", "temps = [21.5, 22.0, 19.8, 23.4, 24.1, 20.9, 22.7]"),
        code(
            "summarize",
            """
            def summarize(values):
                return (
                    statistics.mean(values),
                    statistics.median(values),
                    max(values) - min(values),
                )
            """,
        ),
        code("summary", "summarize(temps)"),
        code(
            "unpack",
            """
            mean_t, median_t, range_t = _
            f"mean {mean_t:.1f}, median {median_t:.1f}, range {range_t:.1f}"
            """,
        ),
        code(
            "median",
            """
            median_only = summarize(temps)[1]
            median_only
            """,
        ),
        code(
            "spread",
            """
            import statistics
            spread = statistics.stdev(temps)
            round(spread, 2)
            """,
        ),
        code(
            "hot-days",
            """
            hot_days = [t for t in temps if t > mean_t]
            len(hot_days)
            """,
        ),
        code("check-range", "Out[4][2] == range_t"),
    ),
    twin=Twin(
        mistake=Console(
            """
            def summarize(values):
                return statistics.fmean(values), 0.0, 0.0
            """
        ),
        expected=stale("summary", "unpack", "median", "hot-days", "check-range"),
        why=(
            "summary and median called summarize; unpack read `_`, the tuple "
            "summary showed; hot-days reads mean_t and check-range reads Out[4] "
            "and range_t, all from that tuple. spread reads temps only."
        ),
    ),
)

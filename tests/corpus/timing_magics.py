"""IPython magics and output history: %time, %timeit, %%capture, _, Out[n], _n.

The cells rely on each code cell's execution count being its position (the
test checks the replies), so ``Out[4]`` is the value shown by cell ``timed``.
"""

from .model import Notebook, Rerun, Twin, code, stale

NOTEBOOK = Notebook(
    id="timing_magics",
    cells=(
        code("imports", "import math"),
        code(
            "slow-sum",
            """
            def slow_sum(n):
                return sum(math.sqrt(i) for i in range(n))
            """,
        ),
        code("size", "n = 2000"),
        code(
            "timed",
            """
            %time y = slow_sum(n)
            rounded = round(y, 3)
            rounded
            """,
        ),
        code("timeit", "%timeit -n 3 -r 1 slow_sum(n)"),
        code(
            "capture",
            """
            %%capture log
            print("computing the table")
            table = [slow_sum(k) for k in range(1, 5)]
            """,
        ),
        code("table-size", "len(table)"),
        code(
            "best",
            """
            import math
            best = max(table)
            math.floor(best)
            """,
        ),
        code(
            "history",
            """
            previous = _
            from_history = Out[4] + _7
            (previous, from_history)
            """,
        ),
        code("log", "log.stdout.strip()"),
    ),
    twin=Twin(
        mistake=Rerun("size", "n = 3000"),
        expected=stale("timed", "timeit", "history"),
        why=(
            "timed (%time on the first of three lines) and timeit read n; "
            "history reads Out[4], the value timed showed. Its `_` is Out[8] "
            "(best) and `_7` is table-size, neither computed from n; capture, "
            "table-size, best and log never read n."
        ),
    ),
)

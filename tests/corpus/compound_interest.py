"""Compound interest: a default argument captured at definition time."""

from .model import Delete, Notebook, Twin, code, deleted_but_live

NOTEBOOK = Notebook(
    id="compound_interest",
    cells=(
        code("rate", "BASE_RATE = 0.03"),
        code(
            "compound",
            """
            def compound(principal, years, rate=BASE_RATE):
                return principal * (1 + rate) ** years
            """,
        ),
        code(
            "balances",
            """
            balances = {y: round(compound(1000, y), 2) for y in (1, 5, 10)}
            balances
            """,
        ),
        code(
            "scenario",
            """
            BASE_RATE = 0.05
            high = compound(1000, 10, rate=BASE_RATE)
            round(high, 2)
            """,
        ),
    ),
    twin=Twin(
        mistake=Delete("compound"),
        expected=deleted_but_live("balances", "scenario"),
        why="balances and scenario call compound, now bound only in the kernel.",
    ),
    # compound captured BASE_RATE as its default when defined; scenario (below,
    # later) rebound BASE_RATE. The def shows nothing, so it is not reported;
    # balances called compound, whose body reads no global, so it is not
    # superseded either: its output is what Restart & Run All gives.
    superseded=None,
)

"""NumPy arrays: a sum shown before an in-place shift, a repeated import, bounds."""

from .model import Console, Notebook, Twin, code, stale

NOTEBOOK = Notebook(
    id="array_shift",
    cells=(
        code("imports", "import numpy as np"),
        code(
            "data",
            """
            rng = np.random.default_rng(0)
            a = rng.integers(0, 10, size=8)
            """,
        ),
        code("total", "a.sum()"),
        code(
            "shift",
            """
            a += 1
            a.mean()
            """,
        ),
        code(
            "grid",
            """
            import numpy as np
            b = np.arange(8) * 2
            """,
        ),
        code(
            "combine",
            """
            c = a + b
            c.max()
            """,
        ),
        code(
            "bounds",
            """
            lo, hi = a.min(), c.max()
            (lo, hi)
            """,
        ),
        code("low", 'f"lowest shifted value: {lo}"'),
        code(
            "high",
            """
            ratio = hi / 2
            ratio
            """,
        ),
    ),
    twin=Twin(
        mistake=Console("b = np.ones(8)"),
        expected=stale("combine", "bounds", "high"),
        why=(
            "combine read b; bounds read c (from b); high reads hi, which "
            "bounds computed from c. low reads lo, computed from a alone "
            "(element-wise unpacking), so it is not stale; nor are total and "
            "shift, which never read b."
        ),
    ),
    # total showed a.sum() before shift (below, later) grew a. The repeated
    # `import numpy as np` in grid is no change of np, so data is not superseded.
    superseded=frozenset({"total"}),
)

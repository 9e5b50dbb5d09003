"""NumPy row filtering: `rows = rows[keep]`, a stats helper, `t = f()[1]`."""

from .model import Console, Notebook, Twin, code, stale

NOTEBOOK = Notebook(
    id="array_filter",
    cells=(
        code("imports", "import numpy as np"),
        code(
            "rows",
            """
            rows = np.array([[1, 5.0], [2, -1.0], [3, 7.5], [4, 0.0], [5, 2.5]])
            """,
        ),
        code("cutoff", "cutoff = 1.0"),
        code(
            "filter",
            """
            keep = rows[:, 1] > cutoff
            rows = rows[keep]
            rows.shape
            """,
        ),
        code(
            "stats-helper",
            """
            def split_stats(arr):
                col = arr[:, 1]
                return col.min(), col.mean(), col.max()
            """,
        ),
        code(
            "mean",
            """
            t = split_stats(rows)[1]
            round(t, 2)
            """,
        ),
        code(
            "kept",
            """
            n_kept = int(keep.sum())
            n_kept
            """,
        ),
        code(
            "normalised",
            """
            normalised = [float(v / rows[:, 1].max()) for v in rows[:, 1]]
            normalised
            """,
        ),
    ),
    twin=Twin(
        mistake=Console("keep = rows[:, 1] > 5"),
        expected=stale("kept"),
        why=(
            "kept reads keep, which the console rebound. rows was computed from "
            "the keep that filter bound itself, so filter, mean and normalised "
            "(readers of rows) still show what Restart & Run All would."
        ),
    ),
)

"""Experiment runs as dataclasses, their best scores collected with dict.update()."""

from .model import Delete, Notebook, Twin, code, deleted_but_live, markdown

NOTEBOOK = Notebook(
    id="experiment_runs",
    cells=(
        code("imports", "from dataclasses import dataclass, field"),
        code(
            "run-class",
            """
            @dataclass
            class Run:
                name: str
                lr: float
                scores: list = field(default_factory=list)

                def best(self):
                    return max(self.scores) if self.scores else None
            """,
        ),
        markdown("note", "Two runs, scored on the same validation split."),
        code(
            "baseline",
            """
            runs = {}
            baseline = Run("baseline", lr=0.1)
            """,
        ),
        code(
            "baseline-scores",
            """
            baseline.scores.extend([0.61, 0.64, 0.66])
            runs.update(baseline=baseline.best())
            """,
        ),
        code(
            "tuned",
            """
            tuned = Run("tuned", lr=0.05)
            tuned.scores += [0.63, 0.69]
            runs.update(tuned=tuned.best())
            """,
        ),
        code(
            "ranking",
            """
            ranking = sorted(runs, key=runs.get, reverse=True)
            ranking
            """,
        ),
        code(
            "winner",
            """
            winner = ranking[0]
            f"{winner} wins with {runs[winner]:.2f}"
            """,
        ),
    ),
    twin=Twin(
        mistake=Delete("imports"),
        expected=deleted_but_live("run-class"),
        why=(
            "run-class reads dataclass and field, now bound only in the kernel. "
            "The other cells read Run and the values built from it, which "
            "run-class (still on the page) binds."
        ),
    ),
)

"""A results list and a summary dict grown over cells by a scoring helper."""

from .model import Delete, Notebook, Twin, code, deleted_but_live

NOTEBOOK = Notebook(
    id="score_log",
    cells=(
        code(
            "init",
            """
            results = []
            summary = {}
            """,
        ),
        code(
            "score",
            """
            def score(values, weight=1.0):
                return weight * sum(values) / len(values)
            """,
        ),
        code(
            "first",
            """
            results.append(score([1, 2, 3]))
            summary.update(first=results[-1])
            """,
        ),
        code(
            "second",
            """
            results.append(score([4, 5, 6], weight=0.5))
            summary.update(second=results[-1])
            """,
        ),
        code(
            "sweep",
            """
            results.extend(score([v, v + 1]) for v in range(3))
            len(results)
            """,
        ),
        code(
            "best",
            """
            best = max(results)
            f"best score: {best:.2f}"
            """,
        ),
        code(
            "record-best",
            """
            summary["best"] = best
            sorted(summary)
            """,
        ),
        code(
            "report",
            """
            report = {k: round(v, 2) for k, v in summary.items()}
            report
            """,
        ),
    ),
    twin=Twin(
        mistake=Delete("score"),
        expected=deleted_but_live("first", "second", "sweep"),
        why=(
            "first, second and sweep call score, which now lives only in the "
            "kernel (sweep inside a generator expression). The cells below "
            "read results and summary, which cells on the page still bind."
        ),
    ),
)

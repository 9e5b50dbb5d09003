"""Readings written to a temporary file and read back with `with open(...) as f`."""

from .model import Delete, Notebook, Twin, code, deleted_but_live

NOTEBOOK = Notebook(
    id="measurements_file",
    cells=(
        code(
            "imports",
            """
            import tempfile
            from pathlib import Path
            """,
        ),
        code(
            "paths",
            """
            workdir = Path(tempfile.mkdtemp())
            path = workdir / "measurements.txt"
            """,
        ),
        code("readings", "readings = [12.5, 13.1, 11.8, 14.2]"),
        code(
            "write",
            r"""
            with open(path, "w") as f:
                for r in readings:
                    f.write(f"{r}\n")
            """,
        ),
        code(
            "read",
            """
            with open(path) as f:
                loaded = [float(line) for line in f]
            len(loaded)
            """,
        ),
        code(
            "mean",
            """
            mean = sum(loaded) / len(loaded)
            f"mean reading: {mean:.2f}"
            """,
        ),
        code(
            "first-line",
            """
            with open(path) as handle:
                first = handle.readline().strip()
            first
            """,
        ),
    ),
    twin=Twin(
        mistake=Delete("readings"),
        expected=deleted_but_live("write"),
        why=(
            "write is the only cell that reads readings; the others read the "
            "file through path, which paths still binds."
        ),
    ),
)

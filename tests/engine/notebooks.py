"""Tiny builders so engine tests read like notebooks."""

from __future__ import annotations

from jupyterlab_nbguard.engine import Cell, Engine, Execution, ExecutionStatus, Notebook


def cells(*sources: str, counts: list[int | None] | None = None) -> tuple[Cell, ...]:
    """Code cells named c0, c1, ... (a source starting with '# md' is markdown)."""
    out = []
    for i, source in enumerate(sources):
        kind = "markdown" if source.startswith("# md") else "code"
        count = counts[i] if counts else None
        out.append(Cell(f"c{i}", kind, source, count))
    return tuple(out)


def ran(
    notebook_cells: tuple[Cell, ...], *order: int | str, **errors: str
) -> tuple[Execution, ...]:
    """Executions of the given cells (by index) in order; a str is console code."""
    out = []
    for n, item in enumerate(order, start=1):
        if isinstance(item, str):
            out.append(Execution(item, None, n))
        else:
            cell = notebook_cells[item]
            status = ExecutionStatus(errors.get(cell.id, "ok"))
            out.append(Execution(cell.source, cell.id, n, status))
    return tuple(out)


def check(
    notebook_cells: tuple[Cell, ...],
    executions: tuple[Execution, ...] | None = None,
    select: list[str] | None = None,
) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """(code, cell_id, names) of every finding."""
    found = Engine().check(Notebook(notebook_cells, executions), select=select)
    return [(d.code, d.cell_id, d.names) for d in found]

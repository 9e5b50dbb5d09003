"""Run a saved notebook top to bottom in a fresh kernel, with nbclient.

The file is read, never written: the new outputs go into a copy. What can go
wrong with the kernel (no such kernelspec, a kernel that will not start, one
that dies, a cell over the time limit) becomes part of the result rather than a
crash, so one bad notebook never hides the others.
"""

from __future__ import annotations

import atexit
import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..verify import CellRun, markers

#: Names of the errors the run puts in a cell's outputs itself.
TIMEOUT_ERROR = "CellTimeoutError"
DEAD_KERNEL_ERROR = "DeadKernelError"


class RunError(Exception):
    """The notebook could not be run at all; the message is one line for people."""


@dataclass
class NotebookRun:
    """What running one notebook gave: per code cell, before and after."""

    path: str
    cells: list[CellRun] = field(default_factory=list)
    #: ``(cell id, 1-based position among all cells)`` for messages.
    numbers: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_notebook(path: Path) -> tuple[Any, bool]:
    """Read ``path`` as an nbformat 4 node, or raise :class:`RunError`.

    Also tells whether the file is nbformat 4: ids that an upgrade from an
    older version invents are not the file's, so cells are then ``index:N``.
    """
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RunError(f"cannot read: {error}") from error
    try:
        node = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
        original = json.loads(text).get("nbformat") == 4
    except Exception as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RunError(f"not a valid notebook: {reason}") from error
    return node, original


def _joined(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _cell_id(cell: Any, position: int, own_ids: bool) -> str:
    cell_id = cell.get("id") if own_ids else None
    return str(cell_id) if isinstance(cell_id, str) and cell_id else f"index:{position}"


def _error(name: str, message: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": name, "evalue": message, "traceback": []}


def _is_error(output: Any) -> bool:
    return bool(output.get("output_type") == "error")


async def run_notebook(
    path: Path,
    kernel: str | None,
    timeout: int | None,
    stop_on_error: bool,
) -> NotebookRun:
    """Execute ``path`` in a fresh kernel and pair each code cell's outputs.

    Raises
    ------
    RunError
        If the file is unreadable or no kernel could be started for it.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    saved, own_ids = read_notebook(path)
    work = copy.deepcopy(saved)
    replies: dict[int, dict[str, Any]] = {}

    def on_executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
        replies[cell_index] = execute_reply.get("content", {}) if execute_reply else {}

    client = NotebookClient(
        work,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": TIMEOUT_ERROR,
            "evalue": f"the cell ran longer than {timeout} s and was interrupted",
        },
        record_timing=False,
        # Nothing is left to ask the kernel: a graceful shutdown only waits.
        shutdown_kernel="immediate",
        skip_cells_with_tag="",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_executed=on_executed,
    )
    if kernel:
        client.kernel_name = kernel
    result = NotebookRun(str(path))
    ran: dict[int, bool] = {}
    stopped = False
    try:
        async with client.async_setup_kernel():
            for index, cell in enumerate(work.cells):
                if cell.cell_type != "code":
                    continue
                marks = markers(_joined(cell.source), cell.metadata.get("tags", []))
                if stopped or marks.skip:
                    ran[index] = False
                    continue
                ran[index] = True
                try:
                    await client.async_execute_cell(cell, index)
                except DeadKernelError:
                    cell.outputs = [
                        *cell.get("outputs", []),
                        _error(
                            DEAD_KERNEL_ERROR, "the kernel died while this cell ran"
                        ),
                    ]
                    result.notes.append(f"the kernel died while cell {index + 1} ran")
                    stopped = True
                    continue
                reply = replies.get(index, {})
                if reply.get("ename") == TIMEOUT_ERROR:
                    cell.outputs = [o for o in cell.outputs if not _is_error(o)]
                    cell.outputs.append(_error(TIMEOUT_ERROR, str(reply["evalue"])))
                    result.notes.append(f"cell {index + 1} timed out after {timeout} s")
                raised = any(_is_error(o) for o in cell.outputs)
                if stop_on_error and raised and not marks.raises:
                    stopped = True
    except NoSuchKernel as error:
        raise RunError(
            f"no kernel named {error.args[0]!r} is installed "
            "(see `jupyter kernelspec list`, or pass --kernel NAME)"
        ) from error
    except (RuntimeError, TimeoutError, OSError) as error:
        if not ran:
            raise RunError(f"the kernel did not start: {error}") from error
        result.notes.append(f"the kernel failed: {error}")
    finally:
        # nbclient leaves its exit hook behind when the kernel never started.
        atexit.unregister(client._cleanup_kernel)
    for index, (before, after) in enumerate(zip(saved.cells, work.cells, strict=True)):
        cell_id = _cell_id(before, index, own_ids)
        result.numbers[cell_id] = index + 1
        if before.cell_type != "code":
            continue
        count = before.get("execution_count")
        result.cells.append(
            CellRun(
                id=cell_id,
                source=_joined(before.source),
                tags=tuple(str(t) for t in before.metadata.get("tags", [])),
                before_count=count if isinstance(count, int) else None,
                before_outputs=tuple(before.get("outputs", [])),
                ran=ran.get(index, False),
                after_outputs=tuple(after.get("outputs", [])) if ran.get(index) else (),
            )
        )
    return result

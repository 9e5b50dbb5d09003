"""Plain value types the engine works on: cells, executions, positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple


class Position(NamedTuple):
    """A 0-based position; ``column`` counts UTF-16 code units, as CodeMirror does.

    A tuple of ints, so the garbage collector need not track the many thousands
    a large notebook's facts hold.
    """

    line: int
    column: int

    def to_json(self) -> dict[str, int]:
        """Serialise as the REST contract's ``Position``."""
        return {"line": self.line, "column": self.column}


class Range(NamedTuple):
    """A span of a cell's source, end exclusive."""

    start: Position
    end: Position

    def to_json(self) -> dict[str, dict[str, int]]:
        """Serialise as the REST contract's ``Range``."""
        return {"start": self.start.to_json(), "end": self.end.to_json()}


@dataclass(frozen=True)
class Cell:
    """A notebook cell as the user sees it now (page order is list order)."""

    id: str
    cell_type: str
    source: str
    execution_count: int | None = None

    @property
    def is_code(self) -> bool:
        """Whether the kernel runs this cell."""
        return self.cell_type == "code"


class ExecutionStatus(Enum):
    """How an execution ended, as the kernel's ``execute_reply`` said."""

    OK = "ok"
    ERROR = "error"
    ABORTED = "aborted"
    RUNNING = "running"


@dataclass(frozen=True)
class Execution:
    """One ``execute_request`` a kernel received, in the order it ran."""

    code: str
    cell_id: str | None = None
    execution_count: int | None = None
    status: ExecutionStatus = ExecutionStatus.OK

    @property
    def ran(self) -> bool:
        """Whether any of the code may have run (aborted requests never started)."""
        return self.status is not ExecutionStatus.ABORTED


@dataclass(frozen=True)
class LiveName:
    """A name bound in the live kernel namespace."""

    name: str
    type: str
    size_bytes: int | None = None


@dataclass(frozen=True)
class VerifiedCell:
    """A code cell's result in the kernel's latest restart-and-verify.

    ``status`` is the verify contract's (``same``, ``changed``, ``error``,
    ``not-run``, ``skipped``); ``source_at_verify`` is the code that ran then, so
    a finding can end when the cell is edited.
    """

    cell_id: str
    status: str
    source_at_verify: str
    consequence_of: str | None = None


@dataclass(frozen=True)
class Notebook:
    """Everything one check looks at.

    ``executions`` is the kernel's history since its last start, oldest first, or
    ``None`` when no kernel is attached; then the saved execution counts stand in
    for the history (see :func:`history_from_counts`). ``live_names`` is the live
    namespace when it was read, else ``None``.
    """

    cells: tuple[Cell, ...]
    executions: tuple[Execution, ...] | None = None
    live_names: tuple[LiveName, ...] | None = None
    language: str = "python"
    deleted_cell_ids: frozenset[str] = field(default_factory=frozenset)
    #: The latest restart-and-verify of the attached kernel, if any (NBG301).
    verify: tuple[VerifiedCell, ...] | None = None

    @property
    def has_kernel(self) -> bool:
        """Whether a real kernel history backs this check."""
        return self.executions is not None


def history_from_counts(cells: tuple[Cell, ...]) -> tuple[Execution, ...]:
    """Rebuild the order cells last ran in from their saved execution counts.

    Without a kernel this is all the evidence there is: each code cell with a
    count is taken to have run its current source once, at that count.
    """
    ran = [c for c in cells if c.is_code and c.execution_count is not None]
    ran.sort(key=lambda c: c.execution_count or 0)
    return tuple(
        Execution(code=c.source, cell_id=c.id, execution_count=c.execution_count)
        for c in ran
    )

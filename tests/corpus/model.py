"""The shape of a corpus notebook and of the mistake its broken twin makes.

A corpus notebook is what a data scientist would write and run once, top to
bottom: by the contract's severity principle it must get no warning and no
error. Its broken twin is the same notebook after one realistic mistake, and
declares exactly which ``(cell_id, code)`` warnings that mistake must produce.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

STALE = "NBG201"
"""``stale-cell``: an execution that disagrees with page order changed an input."""

DELETED_BUT_LIVE = "NBG203"
"""``deleted-but-live``: a cell reads a name only code off the page defined."""

SUPERSEDED = "NBG209"
"""``superseded`` (info): only a cell below, run later, changed an input."""

Finding = tuple[str | None, str]
"""``(cell_id, code)``; ``cell_id`` is None for a notebook-level diagnostic."""


@dataclass(frozen=True)
class Cell:
    """One cell as the frontend holds it; ``id`` is stable across the twin."""

    id: str
    source: str
    cell_type: str = "code"


def code(cell_id: str, source: str) -> Cell:
    """A code cell; ``source`` may be indented and start with a newline."""
    return Cell(cell_id, textwrap.dedent(source).strip("\n"))


def markdown(cell_id: str, source: str) -> Cell:
    """A markdown cell (never executed; the check must ignore its text)."""
    return Cell(cell_id, textwrap.dedent(source).strip("\n"), "markdown")


@dataclass(frozen=True)
class Rerun:
    """Mistake (a): the cell ``cell_id`` above is edited to ``source`` and run again."""

    cell_id: str
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", textwrap.dedent(self.source).strip("\n"))


@dataclass(frozen=True)
class Console:
    """Mistake (b): another client (a console) runs ``code``: no ``cellId`` is sent."""

    code: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", textwrap.dedent(self.code).strip("\n"))


@dataclass(frozen=True)
class Delete:
    """Mistake (c): the cell ``cell_id`` ran, then was deleted from the notebook.

    Deletion looks, to ``POST check``, like the cell missing from ``cells``.
    """

    cell_id: str


Mistake = Rerun | Console | Delete


def stale(*cell_ids: str) -> frozenset[Finding]:
    """NBG201 on each of ``cell_ids``."""
    return frozenset((cell_id, STALE) for cell_id in cell_ids)


def deleted_but_live(*cell_ids: str) -> frozenset[Finding]:
    """NBG203 on each reader in ``cell_ids``, plus the notebook-level NBG203.

    The contract's notebook-level NBG203 (``cell_id`` null) lists the orphan
    names still live in the kernel; it is a warning like the per-cell ones.
    """
    return frozenset((cell_id, DELETED_BUT_LIVE) for cell_id in cell_ids) | {
        (None, DELETED_BUT_LIVE)
    }


@dataclass(frozen=True)
class Twin:
    """The notebook after ``mistake``, with the warnings it must get.

    ``expected`` is the exact set of ``(cell_id, code)`` for every finding of
    severity warning or error; ``why`` says, cell by cell, why those and no
    others (what Restart & Run All would now show differently).
    """

    mistake: Mistake
    expected: frozenset[Finding]
    why: str


@dataclass(frozen=True)
class Notebook:
    """A realistic notebook, its broken twin and, for some, its quiet NBG209 cells.

    ``superseded``, when given, is exactly the set of cells that must carry
    NBG209 (info) after the clean run: cells shown before a cell *below*,
    run *later*, changed what they read.
    """

    id: str
    cells: tuple[Cell, ...]
    twin: Twin
    superseded: frozenset[str] | None = None

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        """The cells a kernel runs, in page order."""
        return tuple(c for c in self.cells if c.cell_type == "code")

    def cell(self, cell_id: str) -> Cell:
        """The cell with ``cell_id``."""
        [found] = [c for c in self.cells if c.id == cell_id]
        return found

    def problems(self) -> list[str]:
        """What is inconsistent in this entry (empty when it is well formed)."""
        ids = [c.id for c in self.cells]
        found = []
        if len(set(ids)) != len(ids):
            found.append(f"{self.id}: duplicate cell ids")
        mistake = self.twin.mistake
        if isinstance(mistake, Rerun | Delete) and mistake.cell_id not in ids:
            found.append(f"{self.id}: the twin names unknown cell {mistake.cell_id}")
        if (
            isinstance(mistake, Rerun)
            and mistake.source == self.cell(mistake.cell_id).source
        ):
            found.append(f"{self.id}: the re-run does not change the code")
        kept = set(ids) - ({mistake.cell_id} if isinstance(mistake, Delete) else set())
        for cell_id, _code in self.twin.expected:
            if cell_id is not None and cell_id not in kept:
                found.append(f"{self.id}: expected finding on absent cell {cell_id}")
        for cell_id in self.superseded or ():
            if cell_id not in ids:
                found.append(f"{self.id}: superseded names unknown cell {cell_id}")
        return found

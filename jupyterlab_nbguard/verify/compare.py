"""Compare a notebook's outputs before and after a restart-and-run, per cell.

Both the button (over REST) and ``jupyter nbguard verify`` call
:func:`verify`; neither normalises anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from difflib import unified_diff

from .dataflow import downstream
from .markers import Markers, markers
from .model import CellRun, CellVerdict, Options, Output, Status, Verification
from .outputs import canonical_lines, is_error
from .tolerance import reconcile


def unified(before: Sequence[str], after: Sequence[str]) -> str | None:
    """A unified diff of two normalised outputs, ``None`` when they are equal."""
    if list(before) == list(after):
        return None
    return "\n".join(unified_diff(before, after, "before", "after", lineterm="", n=3))


def _shown(outputs: Sequence[Output]) -> list[tuple[object, ...]]:
    """The fields of each output that :func:`canonical_lines` reads."""
    return [
        (o.get("output_type"), o.get("name"), o.get("text"), o.get("ename"),
         o.get("evalue"), o.get("data"))
        for o in outputs
    ]  # fmt: skip


def compare_cell(cell: CellRun, options: Options | None = None) -> CellVerdict:
    """The status and diff of one cell (its consequence is set by :func:`verify`).

    An unexpected exception is an ``error`` even where the output is not
    compared (as in nbval); a skipped cell is ``skipped`` whether or not the
    run reached it.
    """
    options = options or Options()
    marks = markers(cell.source, cell.tags)
    decided = _without_normalising(cell, marks)
    return decided or compare_normalised(cell, marks, options)


def _without_normalising(cell: CellRun, marks: Markers) -> CellVerdict | None:
    """The verdict when it needs no normalising, else ``None``.

    Outputs that are equal where normalising reads them normalise equally, so
    they are not normalised: most cells of a notebook that reproduces (HTML
    was parsed twice for nothing).
    """
    if marks.skip:
        return CellVerdict(cell.id, Status.SKIPPED)
    if not cell.ran:
        return CellVerdict(cell.id, Status.NOT_RUN)
    if _shown(cell.before_outputs) != _shown(cell.after_outputs):
        return None
    if not marks.raises and any(is_error(o) for o in cell.after_outputs):
        return CellVerdict(cell.id, Status.ERROR)
    if cell.never_ran or not marks.check:
        return CellVerdict(cell.id, Status.SKIPPED)
    return CellVerdict(cell.id, Status.SAME)


def verify_unchanged(cells: Sequence[CellRun]) -> Verification | None:
    """:func:`verify`'s answer when no cell needs normalising and none diverges.

    That is a notebook that reproduced, byte for byte where it counts: cheap
    enough (comparisons of dicts) to answer on the server's event loop rather
    than wait for the worker thread, which a check may be holding. ``None``
    otherwise: then call :func:`verify`.
    """
    verdicts: list[CellVerdict] = []
    for cell in cells:
        verdict = _without_normalising(cell, markers(cell.source, cell.tags))
        if verdict is None or verdict.status.diverges:
            return None
        verdicts.append(verdict)
    return Verification(tuple(verdicts))


def compare_normalised(cell: CellRun, marks: Markers, options: Options) -> CellVerdict:
    """:func:`compare_cell` for a cell that ran, on its normalised outputs."""
    before = canonical_lines(cell.before_outputs, options)
    after = canonical_lines(cell.after_outputs, options)
    if options.float_tolerance is not None:
        after = reconcile(before, after, options.float_tolerance)
    if not marks.raises and any(is_error(o) for o in cell.after_outputs):
        return CellVerdict(cell.id, Status.ERROR, unified(before, after))
    if cell.never_ran or not marks.check:
        return CellVerdict(cell.id, Status.SKIPPED)
    diff = unified(before, after)
    return CellVerdict(cell.id, Status.CHANGED if diff else Status.SAME, diff)


def verify(cells: Sequence[CellRun], options: Options | None = None) -> Verification:
    """Compare every code cell, name the first divergence and its consequences.

    ``cells`` are the notebook's code cells in page order.
    """
    verdicts = [compare_cell(cell, options) for cell in cells]
    first = next((i for i, v in enumerate(verdicts) if v.status.diverges), None)
    if first is not None:
        root = verdicts[first].cell_id
        later = downstream([c.source for c in cells], first)
        verdicts = [
            replace(v, consequence_of=root) if i in later and v.status.diverges else v
            for i, v in enumerate(verdicts)
        ]
    return Verification(tuple(verdicts))

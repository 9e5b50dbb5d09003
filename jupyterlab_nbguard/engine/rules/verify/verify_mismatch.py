"""NBG301 verify-mismatch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ...positions import LineIndex
from ..base import Needs, Rule

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...model import Range

_DIVERGED = frozenset({"changed", "error"})


def _first_line(source: str) -> Range | None:
    index = LineIndex(source)
    for number, line in enumerate(index.lines):
        if line.strip():
            return index.whole_line(number)
    return None


class VerifyMismatchRule(Rule):
    """A cell gave other outputs, or an error, when re-run from a fresh kernel.

    ## What it does
    Reports the cells that, in the latest *Restart Kernel and Verify Notebook*
    of the attached kernel, produced outputs that differ from the ones shown
    before (after normalising times, addresses and other run-to-run noise), or
    raised an exception nobody marked as expected. The finding stays until the
    cell is edited or the notebook is verified again.

    ## Why is this bad?
    What the notebook showed did not follow from its code run top to bottom:
    somebody reading or re-running it gets other results.

    ## Example
    A cell shows `total = 12` from a run where `prices` had been changed in a
    console; re-run from a fresh kernel it prints `total = 7`.

    ## How to fix it
    Open the verify report: the first divergence is the root cause, later
    differences that read what it produced are its consequences. Fix the root
    cause (hidden state, unseeded randomness, a missing cell), or mark a cell
    whose output may vary with `# NBVAL_IGNORE_OUTPUT`, then verify again.
    """

    code = "NBG301"
    name = "verify-mismatch"
    severity = Severity.WARNING
    needs = frozenset({Needs.KERNEL})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report cells that diverged in the latest verification, unless edited."""
        verified = ctx.notebook.verify
        if not verified:
            return
        cells = {c.id: c for c in ctx.notebook.cells if c.is_code}
        for result in verified:
            cell = cells.get(result.cell_id)
            if result.status not in _DIVERGED or cell is None:
                continue
            if cell.source.rstrip() != result.source_at_verify.rstrip():
                continue
            if result.status == "error":
                what = "raised an error"
            else:
                what = "gave different outputs than those shown before"
            message = (
                f"When the notebook was restarted and run top to bottom, this cell "
                f"{what}: its saved outputs do not follow from the code."
            )
            related: list[Related] = []
            if result.consequence_of and result.consequence_of in ctx.positions:
                root = ctx.cell_label(result.consequence_of, None)
                message += (
                    f" It reads what {root} produced, the first cell that diverged: "
                    f"fix that one first, then verify again."
                )
                related.append(
                    Related(
                        result.consequence_of, None, "first divergence (root cause)"
                    )
                )
            else:
                message += " See the verify report's diff, fix it, then verify again."
            yield self.diagnostic(
                cell.id, message, _first_line(cell.source), related=related
            )

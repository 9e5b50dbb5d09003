"""NBG207 never-run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext


class NeverRunRule(Rule):
    """A code cell never ran, though cells below it did.

    ## What it does
    Reports non-empty code cells that have no execution (no count saved, and
    none in the kernel's history) while a code cell further down ran. It is
    information: skipping a cell while exploring is often deliberate, and
    whether running it would change what is shown below is for the rules about
    names to say (``use-before-def``, ``undefined-name``).

    ## Why is this bad?
    The outputs below were produced without this cell. Either it is not needed,
    or Restart & Run All will give different results from what is shown.

    ## Example
    Cells showing ``[1]``, ``[ ]``, ``[2]`` from top to bottom.

    ## How to fix it
    Run the notebook top to bottom, or delete the cell if it is not needed.
    """

    code = "NBG207"
    name = "never-run"
    severity = Severity.INFO
    needs = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report unexecuted code cells above executed ones."""
        last_run = ctx.timeline.last_run
        later: tuple[str, int | None] | None = None
        for _position, cell, _facts in reversed(ctx.code_cells):
            ran = cell.execution_count is not None or cell.id in last_run
            if ran:
                later = (cell.id, cell.execution_count)
            elif later is not None and cell.source.strip():
                yield self.diagnostic(
                    cell.id,
                    "This cell never ran, but cells below it did: their outputs "
                    "were made without it. Run the notebook from the top, or delete "
                    "this cell.",
                    related=[Related(later[0], later[1], "ran without the cell above")],
                )

"""NBG202 edited-since-run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Needs, Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext


class EditedSinceRunRule(Rule):
    """A cell's source differs from the code it last ran in this kernel.

    ## What it does
    Compares each cell's current source with the code of its latest execution
    in the attached kernel. Only a live kernel's history can tell: saved files
    do not record what code produced their outputs, so ``jupyter nbguard check``
    never reports this rule.

    ## Why is this bad?
    The outputs under the cell, and the names it defined in the kernel, came
    from code that is no longer on the page.

    ## Example
    Run ``rate = 0.05``, then edit it to ``rate = 0.07`` without running it.

    ## How to fix it
    Run the cell (and the cells that depend on it), or undo the edit.
    """

    code = "NBG202"
    name = "edited-since-run"
    severity = Severity.WARNING
    scope = Scope.HISTORY
    needs = frozenset({Needs.KERNEL})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report cells whose source changed after their latest execution."""
        for _position, cell, _facts, step in ctx.last_runs():
            if cell.source.rstrip() != step.execution.code.rstrip():
                count = step.execution.execution_count
                ran = f"[{count}]" if count is not None else "last"
                yield self.diagnostic(
                    cell.id,
                    f"This cell was edited after it ran as {ran}: its outputs and "
                    f"the names it defined come from the old code. Run it again.",
                )

"""NBG204 out-of-order."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ...paths import root_of
from ..base import Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...facts import CellFacts
    from ...timeline import Step


class OutOfOrderRule(Rule):
    """A cell last ran reading a value that a cell below it produced.

    ## What it does
    For each cell's latest execution, finds the execution that produced each
    value it read. If that came from a cell further down the page, the data
    flowed upwards: the notebook only works in the order it happened to be run.

    ## Why is this bad?
    Top to bottom, this cell would see a different value (an older definition
    above) or none at all. What it shows cannot be reproduced by running the
    notebook in order.

    ## Example
    ```python
    # cell 1, run second
    print(threshold)
    # cell 2, run first
    threshold = 0.5
    ```

    ## How to fix it
    Move the producing cell above this one, then run the notebook top to bottom.
    """

    code = "NBG204"
    name = "out-of-order"
    severity = Severity.WARNING
    scope = Scope.HISTORY

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report reads whose value came from a cell lower on the page."""
        for _position, cell, facts, step in ctx.last_runs():
            found = ctx.staleness.upward(step.index)
            if found is None:
                continue
            yield ctx.remember(
                (self.code, cell.id, cell.source, step.index, found),
                partial(self._finding, ctx, cell.id, facts, step, found),
            )

    def _finding(
        self,
        ctx: RuleContext,
        cell_id: str,
        facts: CellFacts,
        step: Step,
        found: tuple[str, int],
    ) -> Diagnostic:
        key, writer = found
        name = ctx.shown(step, key)
        source = ctx.timeline.steps[writer].execution
        use = facts.first_use(step.aliases.get(key, key))
        label = ctx.cell_label(source.cell_id, source.execution_count)
        return self.diagnostic(
            cell_id,
            f"'{name}' came from {label}, which is below this cell: run top "
            f"to bottom, this cell would not see that value. Move the "
            f"definition above this cell.",
            use.range if use else None,
            [root_of(name)],
            [
                Related(
                    source.cell_id, source.execution_count, f"'{name}' produced here"
                )
            ],
        )

"""NBG204 out-of-order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext


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

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report reads whose value came from a cell lower on the page."""
        steps = ctx.timeline.steps
        for position, cell, facts, step in ctx.last_runs():
            for name, writer in step.reads.items():
                if writer is None:
                    continue
                source = steps[writer].execution
                below = ctx.positions.get(source.cell_id or "", -1)
                if below <= position:
                    continue
                use = facts.first_use(name)
                label = ctx.cell_label(source.cell_id, source.execution_count)
                yield self.diagnostic(
                    cell.id,
                    f"'{name}' came from {label}, which is below this cell: run top "
                    f"to bottom, this cell would not see that value. Move the "
                    f"definition above this cell.",
                    use.range if use else None,
                    [name],
                    [
                        Related(
                            source.cell_id,
                            source.execution_count,
                            f"'{name}' produced here",
                        )
                    ],
                )
                break

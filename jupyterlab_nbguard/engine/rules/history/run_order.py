"""NBG205 run-order."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ..base import Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext


class RunOrderRule(Rule):
    """A cell's execution count is lower than that of a code cell above it.

    ## What it does
    Walks the code cells top to bottom and reports each one whose execution
    count is lower than the highest count above it, whether or not data flowed
    between them, naming the first cell above it that ran later. With a live
    kernel the counts are those of the current kernel session (cells not run
    since the last restart are left out); in a saved notebook, the counts
    shown.

    ## Why is this bad?
    The page order is not the order the cells ran in. Readers assume it is,
    and the other rules' findings often start here.

    ## Example
    Cells showing ``[3]``, ``[1]``, ``[2]`` from top to bottom.

    ## How to fix it
    Restart the kernel and run all cells, in order.
    """

    code = "NBG205"
    name = "run-order"
    severity = Severity.INFO
    needs = frozenset()
    scope = Scope.ORDER

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report counts that go down the page in the wrong direction.

        Each names the first cell above it (in page order) that ran after it:
        re-running a cell further down later does not reword the findings of
        the cells below, as it would if they named the highest count above.
        """
        last_count = ctx.timeline.last_count
        live = ctx.notebook.has_kernel
        # After a run most findings are those of the last check: each is kept
        # by its cell's id with what it says, and reused while that holds.
        kept = ctx.rule_memo(self.code)
        if len(kept) > 2 * len(ctx.code_cells) + 1_000:
            kept.clear()  # cells of notebooks long gone
        order = ctx.order_token
        # The cells whose count is higher than every count above them, top
        # down: their counts rise, so the first one above a cell that ran
        # later than it is found by bisection.
        record_counts: list[int] = []
        record_cells: list[str] = []
        for _position, cell, _facts in ctx.code_cells:
            # With a kernel, only this session's runs: counts shown from an
            # earlier session are not an order (NBG210 says so once).
            count = last_count.get(cell.id) if live else cell.execution_count
            if count is None:
                continue
            if record_counts and count < record_counts[-1]:
                at = bisect_right(record_counts, count)
                above = (record_counts[at], record_cells[at])
                held = kept.get(cell.id)
                if (
                    held is not None
                    and held[0] == count
                    and held[1] == above
                    and held[2] == order
                ):
                    yield held[3]
                    continue
                finding = self._finding(ctx, cell.id, count, above)
                kept[cell.id] = (count, above, order, finding)
                yield finding
            elif not record_counts or count > record_counts[-1]:
                record_counts.append(count)
                record_cells.append(cell.id)

    def _finding(
        self, ctx: RuleContext, cell_id: str, count: int, later: tuple[int, str]
    ) -> Diagnostic:
        above = ctx.cell_label(later[1], later[0])
        return self.diagnostic(
            cell_id,
            f"This cell ran as [{count}], before {above} above it (as [{later[0]}]): "
            f"the cells did not run in page order. Restart the kernel and run all "
            f"cells.",
            related=[Related(later[1], later[0], "ran later, above")],
        )

"""NBG101 use-before-def."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Fix, Related, Severity
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...model import Cell
    from ...pageflow import UnboundRead


class UseBeforeDefRule(Rule):
    """A cell reads a name that only a cell below it defines.

    ## What it does
    Runs the code cells top to bottom in the mind of a fresh kernel and reports
    every read of a name that is not bound yet at that point but is bound by a
    cell further down. Names a function body reads count for the cell that calls
    the function.

    ## Why is this bad?
    It works in your kernel only because you ran the lower cell first.
    Restart & Run All raises ``NameError`` here, and so does anyone who opens the
    notebook after you.

    ## Example
    ```python
    # cell 1
    print(rate * 12)
    # cell 2
    rate = 0.05
    ```

    ## How to fix it
    Move the defining cell above the cell that uses the name.
    """

    code = "NBG101"
    name = "use-before-def"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report reads bound only by a cell below."""
        flow = ctx.page_flow
        binders = flow.binders
        seen: set[tuple[str, str]] = set()
        cells = ctx.notebook.cells
        # Reads come in page order: the first one of a name is where its
        # definition must move to (the quick fix moves it above that cell).
        first_reader: dict[str, str] = {}
        # A notebook written bottom-up has a finding per read, thousands, and
        # the next check passes most of the very same reads again: each read's
        # finding is kept by the read's id with what it was made from, and
        # reused while the defining cell is the same object (its id, source
        # and count), the first reader and the page order are the same.
        kept = ctx.rule_memo(self.code)
        if len(kept) > 2 * len(flow.unbound) + 1_000:
            kept.clear()  # reads of flows long gone
        order = ctx.order_token
        for read in flow.unbound:
            name, position = read.name, read.position
            at = binders.get(name)
            if not at or at[-1] <= position:
                continue
            cell_id = read.cell.id
            if (cell_id, name) in seen:
                continue
            seen.add((cell_id, name))
            first = first_reader.setdefault(name, cell_id)
            definer = cells[at[bisect_right(at, position)]]
            held = kept.get(id(read))
            if (
                held is not None
                and held[0] is read
                and held[1] is definer
                and held[2] == first
                and held[3] == order
            ):
                yield held[4]
                continue
            finding = ctx.remember(
                (self.code, read, definer.id, definer.execution_count, first),
                self._finding,
                ctx,
                read,
                definer,
                first,
                history=False,
            )
            kept[id(read)] = (read, definer, first, order, finding)
            yield finding

    def _finding(
        self, ctx: RuleContext, read: UnboundRead, definer: Cell, first: str
    ) -> Diagnostic:
        label = ctx.cell_label(definer.id, definer.execution_count)
        how = (
            f"{read.via}() reads '{read.name}', which" if read.via else f"'{read.name}'"
        )
        finding = self.diagnostic(
            read.cell.id,
            f"{how} is defined only below, in {label}: Restart & Run All "
            f"would raise NameError here. Move that definition above this cell.",
            read.use.range,
            [read.name],
            [
                Related(
                    definer.id,
                    definer.execution_count,
                    f"'{read.name}' is defined here",
                )
            ],
        )
        return replace(finding, fix=Fix("move-cell", first, cell_id=definer.id))

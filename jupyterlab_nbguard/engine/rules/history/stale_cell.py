"""NBG201 stale-cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Related, Severity
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...facts import CellFacts
    from ...model import Cell, Range
    from ...timeline import Step


class StaleCellRule(Rule):
    """A cell's outputs are out of date: data it read has changed since it ran.

    ## What it does
    For each cell's latest execution, looks at every name it read (including
    globals read inside functions it called). The cell is stale when another
    execution later rebound, modified (attribute or item assignment, augmented
    assignment, ``append``/``update``/``fit``/``inplace=True``...) or deleted
    that name, in any cell, above or below, or from a console. It is also stale,
    transitively, when a value it read had been computed from data that changed
    afterwards.

    ## Why is this bad?
    What the cell shows, and what it defined, no longer matches the data above
    it. Anyone reading the notebook, you included, draws conclusions from
    numbers that the code would not produce any more.

    ## Example
    ```python
    # [1]
    prices = [3, 4]
    # [2]
    total = sum(prices)  # shows 7
    # [3]
    prices = [3, 4, 5]  # total is now stale
    ```

    ## How to fix it
    Re-run the stale cell (and the cells below it that use what it computed),
    or run the whole notebook again.
    """

    code = "NBG201"
    name = "stale-cell"
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report the first out-of-date input of each cell's latest execution."""
        timeline = ctx.timeline
        for _position, cell, facts, step in ctx.last_runs():
            found = timeline.staleness(step.index)
            if found is None:
                continue
            if found.writer is None:
                yield self._changed(ctx, cell, facts, step, found.name, found.by)
            else:
                yield self._derived(
                    ctx, cell, facts, step, found.name, found.writer, found.by,
                    found.changed,
                )  # fmt: skip

    def _changed(
        self,
        ctx: RuleContext,
        cell: Cell,
        facts: CellFacts,
        step: Step,
        name: str,
        changer: int,
    ) -> Diagnostic:
        by = ctx.timeline.steps[changer]
        verb = ctx.change_verb(by, name)
        where = ctx.step_label(by)
        through = f" (through {step.via[name]}())" if name in step.via else ""
        return self.diagnostic(
            cell.id,
            f"'{name}'{through} was {verb} by {where} after this cell ran: its "
            f"outputs are out of date. {_advice(ctx, cell, by)}",
            _where(facts, name, step),
            [name],
            [
                Related(
                    by.execution.cell_id,
                    by.execution.execution_count,
                    f"'{name}' {verb} here",
                )
            ],
        )

    def _derived(
        self,
        ctx: RuleContext,
        cell: Cell,
        facts: CellFacts,
        step: Step,
        name: str,
        writer: int,
        changer: int,
        changed: str,
    ) -> Diagnostic:
        source = ctx.timeline.steps[writer]
        by = ctx.timeline.steps[changer]
        verb = ctx.change_verb(by, changed)
        return self.diagnostic(
            cell.id,
            f"'{name}' was computed by {ctx.step_label(source)} from '{changed}', "
            f"which {ctx.step_label(by)} {verb} since: this cell used an out-of-date "
            f"'{name}'. Re-run {ctx.step_label(source)}, then this cell.",
            _where(facts, name, step),
            [name, changed],
            [
                Related(
                    source.execution.cell_id,
                    source.execution.execution_count,
                    f"'{name}' computed here from the old '{changed}'",
                ),
                Related(
                    by.execution.cell_id,
                    by.execution.execution_count,
                    f"'{changed}' {verb} here",
                ),
            ],
        )


def _advice(ctx: RuleContext, cell: Cell, by: Step) -> str:
    """What to do depends on where the change came from.

    Re-running the cell is right when the change is above it; when it is below,
    re-running only trades this finding for out-of-order; when it came from code
    not in the notebook, the change will not survive a restart.
    """
    changer = ctx.positions.get(by.execution.cell_id or "")
    if changer is None:
        return (
            "Re-run this cell, and put the change in a cell above it: code outside "
            "the notebook does not run after a restart."
        )
    if changer > ctx.positions[cell.id]:
        return (
            "The change is in a cell below this one, so re-running this cell would "
            "depend on the page order: move the change above this cell, then re-run."
        )
    return "Re-run this cell."


def _where(facts: CellFacts, name: str, step: Step) -> Range | None:
    """Where the current source uses ``name`` (or calls the function that does)."""
    use = facts.first_use(name)
    if use is None and name in step.via:
        use = facts.first_use(step.via[name])
    return use.range if use else None

"""NBG201 stale-cell."""

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
    from ...invalidation import Staleness
    from ...model import Cell, Range
    from ...timeline import Step


class StaleCellRule(Rule):
    """A cell's outputs are out of date: data it read has changed since it ran.

    ## What it does
    For each cell's latest execution in this kernel session, looks at every
    value it read (including globals read inside functions it called). The
    cell is stale when an execution that disagrees with page order later
    rebound, modified (attribute or item assignment, augmented assignment,
    ``append``/``update``/``fit``/``inplace=True``...) or deleted what it
    read: a cell above it, the same cell run again, a console, a deleted cell,
    an unknown client. It is also stale, transitively, when a value it read had
    been computed from data that such an execution changed afterwards.
    Dependencies are per binding and per static path: storing ``d['b']`` does
    not change a value computed from ``d['a']``. A change by a cell *below*
    that ran *later* agrees with page order; that is ``superseded`` (NBG209).

    ## Why is this bad?
    What the cell shows, and what it defined, no longer matches the data above
    it. Anyone reading the notebook, you included, draws conclusions from
    numbers that the code would not produce any more.

    ## Example
    ```python
    # cell 1, run as [1], then edited and run again as [3]
    prices = [3, 4, 5]
    # cell 2, run as [2]
    total = sum(prices)  # still shows 7: stale
    ```

    ## How to fix it
    Re-run the stale cell (and the cells below it that use what it computed),
    or restart the kernel and run the whole notebook again.
    """

    code = "NBG201"
    name = "stale-cell"
    severity = Severity.WARNING
    scope = Scope.HISTORY

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report the first out-of-date input of each cell's latest execution."""
        for _position, cell, facts, step in ctx.last_runs():
            found = ctx.staleness.step(step.index)
            if found is not None and not found.agrees:
                yield ctx.remember(
                    (self.code, cell.id, cell.source, step.index, found),
                    partial(stale_diagnostic, self, ctx, cell, facts, step, found),
                )


def stale_diagnostic(
    rule: Rule,
    ctx: RuleContext,
    cell: Cell,
    facts: CellFacts,
    step: Step,
    found: Staleness,
) -> Diagnostic:
    """The finding for ``found``, worded for stale-cell or superseded."""
    by = ctx.timeline.steps[found.by]
    name = ctx.shown(step, found.name)
    where = _where(facts, found.name, step)
    if found.writer is None:
        verb = ctx.change_verb(by, found.name)
        through = (
            f" (through {step.via[found.name]}())" if found.name in step.via else ""
        )
        if found.agrees:
            message = (
                f"Shows '{name}'{through} as it was before {ctx.step_label(by)} "
                f"below {verb} it. Run top to bottom the result is the same; "
                f"re-run this cell to refresh it."
            )
        else:
            message = (
                f"'{name}'{through} was {verb} by {ctx.step_label(by)} after this "
                f"cell ran: its outputs are out of date. {_advice(ctx, cell, by)}"
            )
        return rule.diagnostic(
            cell.id,
            message,
            where,
            [root_of(name)],
            [Related(by.execution.cell_id, by.execution.execution_count,
                     f"'{name}' {verb} here")],
        )  # fmt: skip
    source = ctx.timeline.steps[found.writer]
    changed = ctx.shown(source, found.changed)
    verb = ctx.change_verb(by, found.changed)
    if found.changed == root_of(found.name) and by is source and not found.agrees:
        return rule.diagnostic(
            cell.id,
            f"'{name}' was {verb} again when {ctx.step_label(by)} ran a second "
            f"time: it holds that change twice, Restart & Run All once. Restart the "
            f"kernel and run the notebook from the top.",
            where,
            [root_of(name)],
            [Related(by.execution.cell_id, by.execution.execution_count,
                     f"'{changed}' {verb} again here")],
        )  # fmt: skip
    if found.agrees:
        message = (
            f"Shows '{name}', computed by {ctx.step_label(source)} from '{changed}' "
            f"before {ctx.step_label(by)} below {verb} it. Run top to bottom the "
            f"result is the same; re-run to refresh it."
        )
    else:
        message = (
            f"'{name}' was computed by {ctx.step_label(source)} from '{changed}', "
            f"which {ctx.step_label(by)} {verb} since: this cell used an out-of-date "
            f"'{name}'. Re-run {ctx.step_label(source)}, then this cell."
        )
    return rule.diagnostic(
        cell.id,
        message,
        where,
        [root_of(name), root_of(changed)],
        [
            Related(source.execution.cell_id, source.execution.execution_count,
                    f"'{name}' computed here from the old '{changed}'"),
            Related(by.execution.cell_id, by.execution.execution_count,
                    f"'{changed}' {verb} here"),
        ],
    )  # fmt: skip


def _advice(ctx: RuleContext, cell: Cell, by: Step) -> str:
    """What to do depends on where the change came from.

    Re-running the cell is right when the change is above it; when it came
    from code not in the notebook, the change will not survive a restart.
    """
    if ctx.positions.get(by.execution.cell_id or "") is None:
        return (
            "Re-run this cell, and put the change in a cell above it: code outside "
            "the notebook does not run after a restart."
        )
    return "Re-run this cell."


def _where(facts: CellFacts, name: str, step: Step) -> Range | None:
    """Where the current source uses ``name`` (or calls the function that does)."""
    use = facts.first_use(step.aliases.get(name, name))
    if use is None and name in step.via:
        use = facts.first_use(step.via[name])
    return use.range if use else None

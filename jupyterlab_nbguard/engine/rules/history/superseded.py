"""NBG209 superseded."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Rule, Scope
from .stale_cell import stale_diagnostic

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...facts import CellFacts


class SupersededRule(Rule):
    """A cell shows a value that a cell below it changed later (quiet by design).

    ## What it does
    Reports cells whose outputs are out of date only because a cell **below**
    them ran **later** and changed what they read: ``df.head()`` shown before
    ``df['b'] = ...`` further down, a model shown before it was fitted. Page
    order and time agree, so Restart & Run All would show the very same thing.
    Only cells that show something are reported (they end in an expression
    IPython displays, or call ``print`` or ``display``): a cell that only binds
    names shows nothing that could look out of date.

    ## Why is this bad?
    It is not: this is information. What the cell shows is a snapshot of an
    earlier state, which is often what the author meant. It is listed so that
    you know the live value differs from the one shown.

    ## Example
    ```python
    # cell 1, run as [1]
    df = load()
    # cell 2, run as [2]
    df.head()
    # cell 3, run as [3]
    df["b"] = df["a"] * 2  # cell 2 is superseded
    ```

    ## How to fix it
    Nothing to fix. Re-run the cell if you want it to show the current value.
    """

    code = "NBG209"
    name = "superseded"
    severity = Severity.INFO
    scope = Scope.HISTORY

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report cells whose inputs changed later, below, in page order."""
        for _position, cell, facts, step in ctx.last_runs():
            if not _shows_something(facts):
                continue
            found = ctx.staleness.step(step.index)
            if found is not None and found.agrees:
                yield ctx.remember(
                    (self.code, cell.id, cell.source, step.index, found),
                    partial(stale_diagnostic, self, ctx, cell, facts, step, found),
                )


#: Calls that write a cell's output.
_SHOWING = frozenset({"print", "display"})


def _shows_something(facts: CellFacts) -> bool:
    return facts.displays is not None or not facts.call_names.isdisjoint(_SHOWING)

"""NBG002 cell-too-large."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...defuse import MAX_CELL_CHARS
from ...diagnostic import Diagnostic, Severity
from ..base import Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext


class CellTooLargeRule(Rule):
    """A code cell is too long for nbguard to analyse, so it is not checked.

    ## What it does
    Reports each code cell longer than 200,000 characters (thousands of
    lines). nbguard does not analyse such a cell, which keeps every check quick
    and the server responsive, whatever a notebook holds.

    ## Why is this bad?
    nbguard cannot see which names the cell reads or defines. It says nothing
    about the cell itself, and it stays quiet about names that cells below it
    read and that no other cell defines: the long cell may define them.

    ## Example
    A cell holding a pasted data set or a generated module of several megabytes.

    ## How to fix it
    Move the data to a file the notebook reads, or the code to a module it
    imports; the cell that reads or imports it is then checked as usual.
    """

    code = "NBG002"
    name = "cell-too-large"
    severity = Severity.INFO
    scope = Scope.CELL

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report each code cell that was too long to analyse."""
        for _position, cell, facts in ctx.code_cells:
            if facts.too_large is not None:
                yield self.diagnostic(
                    cell.id,
                    f"This cell has {facts.too_large:,} characters; nbguard "
                    f"analyses cells of up to {MAX_CELL_CHARS:,}, so it does not "
                    "check this one, nor names below that only it could define. "
                    "Move its data to a file or its code to a module.",
                )

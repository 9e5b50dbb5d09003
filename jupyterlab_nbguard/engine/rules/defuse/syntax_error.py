"""NBG001 syntax-error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext


class SyntaxErrorRule(Rule):
    """A code cell is not valid Python (IPython magics included).

    ## What it does
    Reports the first syntax error of a code cell, where Python would report it.

    ## Why is this bad?
    The cell cannot run, and nbguard cannot see which names it reads or defines,
    so the other rules treat it as doing nothing.

    ## Example
    ```python
    def f(:
        return 1
    ```

    ## How to fix it
    Correct the syntax. IPython syntax (``%time``, ``!ls``, ``%%capture``) is fine.
    """

    code = "NBG001"
    name = "syntax-error"
    severity = Severity.ERROR
    scope = Scope.CELL

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report each code cell whose source does not parse."""
        for _position, cell, facts in ctx.code_cells:
            if facts.syntax_error is not None:
                message, where = facts.syntax_error
                yield self.diagnostic(
                    cell.id, f"{message}: this cell cannot run", where
                )

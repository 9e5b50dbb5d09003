"""NBG206 non-idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Rule, Scope

if TYPE_CHECKING:
    from ...context import RuleContext
    from ...facts import NameUse


class NonIdempotentRule(Rule):
    """A cell's result depends on how many times it ran.

    ## What it does
    Reports cells that grow a variable from its own previous value without
    first setting it: ``x += 1``, ``x = x + 1``, ``items.append(...)``,
    ``seen.add(...)``, on a name the cell does not bind first.

    ## Why is this bad?
    Running the cell twice (which is easy in a notebook) gives a different
    result from running it once, so the state in your kernel depends on your
    clicking history, and Restart & Run All gives a different answer.

    ## Example
    ```python
    counter += 1
    results.append(score)
    ```

    ## How to fix it
    Initialise the variable in the same cell, or compute the result without
    changing the old value (``total = base + 1``).
    """

    code = "NBG206"
    name = "non-idempotent"
    severity = Severity.INFO
    scope = Scope.CELL

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report each accumulation on a name the cell did not bind first."""
        for _position, cell, facts in ctx.code_cells:
            seen: set[str] = set()
            for use in facts.accumulates:
                if use.name in seen:
                    continue
                seen.add(use.name)
                yield ctx.remember(
                    (self.code, cell.id, cell.source, use),
                    partial(self._finding, cell.id, use),
                    history=False,
                )

    def _finding(self, cell_id: str, use: NameUse) -> Diagnostic:
        return self.diagnostic(
            cell_id,
            f"Each run of this cell changes '{use.name}' again: its result depends "
            f"on how many times it ran. Initialise '{use.name}' in this cell, or "
            f"compute a new name.",
            use.range,
            [use.name],
        )

"""NBG208 count-gap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext


def _spans(missing: list[int]) -> str:
    """Format [3, 4, 5, 9] as '[3]-[5], [9]'."""
    parts: list[str] = []
    start = prev = missing[0]
    for count in [*missing[1:], None]:
        if count is not None and count == prev + 1:
            prev = count
            continue
        parts.append(f"[{start}]" if start == prev else f"[{start}]-[{prev}]")
        if count is not None:
            start = prev = count
    return ", ".join(parts)


class CountGapRule(Rule):
    """Saved execution counts skip numbers: code ran that no cell shows.

    ## What it does
    In a saved notebook (no live kernel), lists the execution counts between 1
    and the highest count shown that no cell carries. Each is an execution whose
    cell was run again later, deleted, or that came from a console. With a live
    kernel nbguard knows the whole history instead and reports what matters
    directly (``stale-cell``, ``deleted-but-live``).

    ## Why is this bad?
    The state the outputs were made in includes executions nobody can see. The
    more gaps, the less the saved outputs tell about the code on the page.

    ## Example
    Cells showing ``[1]``, ``[2]``, ``[7]``: executions 3 to 6 are not shown.

    ## How to fix it
    Restart the kernel, run all cells, and save.
    """

    code = "NBG208"
    name = "count-gap"
    severity = Severity.INFO

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report the missing counts of a saved notebook once."""
        if ctx.notebook.has_kernel:
            return
        counts = {c.execution_count for _p, c, _f in ctx.code_cells}
        counts.discard(None)
        if not counts:
            return
        shown = {c for c in counts if c is not None}
        missing = [n for n in range(1, max(shown) + 1) if n not in shown]
        if missing:
            yield self.diagnostic(
                None,
                f"Executions {_spans(missing)} are not shown by any cell: they were "
                f"re-runs, deleted cells or console code, so the outputs depend on "
                f"code you cannot see. Restart the kernel and run all cells.",
            )

"""NBG208 count-gap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Needs, Rule

if TYPE_CHECKING:
    from ...context import RuleContext


def gaps(counts: set[int]) -> list[tuple[int, int]]:
    """The missing ranges between 1 and the highest count, from the counts alone.

    Arithmetic on the sorted counts, never an enumeration: a saved count can be
    any integer, and ``range(1, 10**18)`` would never end.
    """
    missing = []
    previous = 0
    for count in sorted(c for c in counts if c > 0):
        if count > previous + 1:
            missing.append((previous + 1, count - 1))
        previous = count
    return missing


def _spans(missing: list[tuple[int, int]], limit: int = 8) -> str:
    """Format [(3, 5), (9, 9)] as '[3]-[5], [9]'."""
    parts = [f"[{a}]" if a == b else f"[{a}]-[{b}]" for a, b in missing[:limit]]
    if len(missing) > limit:
        parts.append(f"and {len(missing) - limit} more")
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
    needs = frozenset({Needs.SAVED})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report the missing counts of a saved notebook once."""
        counts = {
            c.execution_count for _p, c, _f in ctx.code_cells if c.execution_count
        }
        missing = gaps(counts)
        if missing:
            yield self.diagnostic(
                None,
                f"Executions {_spans(missing)} are not shown by any cell: they were "
                f"re-runs, deleted cells or console code, so the outputs depend on "
                f"code you cannot see. Restart the kernel and run all cells.",
            )

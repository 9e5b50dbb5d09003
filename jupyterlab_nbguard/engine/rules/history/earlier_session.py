"""NBG210 earlier-session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ..base import Needs, Rule

if TYPE_CHECKING:
    from ...context import RuleContext


class EarlierSessionRule(Rule):
    """Some cells show outputs from an earlier kernel session.

    ## What it does
    With a live kernel, counts the code cells that show an execution count but
    have not run since the kernel last (re)started, and says so once, for the
    notebook. The other rules compare only executions of the current session,
    so these cells are not reported one by one.

    ## Why is this bad?
    It is information: after a restart, JupyterLab keeps the old outputs on
    the page, and nothing in the kernel backs them any more.

    ## Example
    Run all cells, restart the kernel, run the first two again: the others
    still show outputs of the earlier session.

    ## How to fix it
    Run the notebook from the top (or *Restart Kernel and Verify Notebook…*)
    if you want every output to come from this session.
    """

    code = "NBG210"
    name = "earlier-session"
    severity = Severity.INFO
    needs = frozenset({Needs.KERNEL})

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report, once, cells whose outputs predate this kernel session."""
        last_run = ctx.timeline.last_run
        earlier = [
            cell
            for _p, cell, _f in ctx.code_cells
            if cell.execution_count is not None and cell.id not in last_run
        ]
        if not earlier:
            return
        if len(earlier) == 1:
            what = f"{ctx.cell_label(earlier[0].id, None)} shows an output"
        else:
            what = f"{len(earlier)} cells show outputs"
        yield self.diagnostic(
            None,
            f"{what} from an earlier kernel session: nothing in the kernel backs "
            f"them now. Run the notebook from the top to refresh them.",
        )

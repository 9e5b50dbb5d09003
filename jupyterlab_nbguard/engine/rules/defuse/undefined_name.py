"""NBG102 undefined-name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ...diagnostic import Diagnostic, Severity
from ...names import is_preset
from ..base import Rule

if TYPE_CHECKING:
    from ...context import RuleContext


class UndefinedNameRule(Rule):
    """A cell reads a name that no cell defines (or that a del statement above removed).

    ## What it does
    Reports reads of names that would not be bound when the cell runs in a fresh
    kernel, top to bottom, and that no cell below binds either. Builtins and the
    names IPython provides (``_``, ``In``, ``Out``, ``display``, ``get_ipython``,
    ``_3``...) are bound. Inside a function body, a global that no cell binds at
    all is reported where it appears. After ``from module import *`` or ``%run``
    nbguard cannot list the names bound, so it stays quiet.

    ## Why is this bad?
    Either it is a typo, or the name lives in your kernel only because of code
    that is no longer in the notebook: after a restart the cell raises
    ``NameError``.

    ## Example
    ```python
    prices = [3, 4]
    total = sum(prics)  # typo
    ```

    ## How to fix it
    Fix the spelling, or add the cell that defines the name.
    """

    code = "NBG102"
    name = "undefined-name"
    severity = Severity.ERROR

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        """Report names no cell binds, at each cell's first read."""
        flow = ctx.page_flow
        index = flow.binders
        orphans = _orphans(ctx)
        seen: set[tuple[str, str]] = set()
        for read in flow.unbound:
            name = read.name
            binders = index.get(name, [])
            if binders and binders[-1] > read.position:
                continue  # bound below: use-before-def's
            if read.after_opaque or read.via or name in orphans:
                continue
            key = (read.cell.id, name)
            if key in seen:
                continue
            seen.add(key)
            if read.position in binders:
                unbound = "is read before this cell defines it"
            elif binders:
                unbound = "was deleted by a cell above"
            else:
                unbound = "is not defined in any cell"
            yield ctx.remember(
                (self.code, read, unbound),
                partial(
                    self.diagnostic,
                    read.cell.id,
                    f"'{read.name}' {unbound}: running the notebook from the top "
                    f"raises NameError here. Define it in a cell above, or fix the "
                    f"name.",
                    read.use.range,
                    [read.name],
                ),
                history=False,
            )
        if flow.any_opaque:
            return
        # Globals that function bodies read but no cell binds: set arithmetic
        # on the flow's index, so a notebook whose functions read only bound
        # names (the usual case) costs no walk over every function body.
        missing = {
            name
            for name in flow.function_readers.keys() - flow.bound_names - orphans
            if not is_preset(name)
        }
        if not missing:
            return
        positions = sorted({p for n in missing for p in flow.function_readers[n]})
        at = {position: (cell, facts) for position, cell, facts in ctx.code_cells}
        for position in positions:
            cell, facts = at[position]
            for function in facts.functions.values():
                for use in function.reads:
                    name = use.name
                    key = (cell.id, name)
                    if name not in missing or key in seen:
                        continue
                    seen.add(key)
                    yield self.diagnostic(
                        cell.id,
                        f"'{name}' (read by {function.name}()) is not defined in any "
                        f"cell: calling {function.name}() raises NameError. Define "
                        f"it, or fix the name.",
                        use.range,
                        [name],
                    )


def _orphans(ctx: RuleContext) -> frozenset[str]:
    """Names deleted-but-live explains better: live in the kernel, bound nowhere."""
    if not ctx.notebook.has_kernel:
        return frozenset()
    return frozenset(ctx.timeline.live_names().keys() - ctx.defined_in_notebook)

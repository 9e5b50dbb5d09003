"""What a check may take over from the previous one, found without visiting every cell.

After an edit, a request holds the very cell objects of the previous one for
every cell but the edited (the server keeps them, ``server.requests``). A
check's context is mostly lists and maps over all cells (page positions, the
code cells with their facts, their keys, the page-order simulation); building
them visits a thousand cells, which costs more than the rest of the check.
Comparing the two cell tuples by identity runs in C and touches no cell, so
the new context copies what the previous one built and redoes only the cells
that changed.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import compress
from operator import is_not, itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import RuleContext

_position = itemgetter(0)


def carry_over(previous: RuleContext, ctx: RuleContext) -> bool:
    """Fill ``ctx`` with what ``previous`` built that still holds; whether it did.

    Only when the page has the same cells in the same places (same ids and
    types): the changed cells changed their source or saved count. Nothing
    of ``previous`` is kept but the values taken, so contexts never chain.
    """
    before, now = previous.notebook.cells, ctx.notebook.cells
    if len(before) != len(now):
        return False
    changed = list(compress(range(len(now)), map(is_not, before, now)))
    for i in changed:
        if before[i].id != now[i].id or before[i].cell_type != now[i].cell_type:
            return False
    done = previous.__dict__
    ctx.positions = previous.positions
    ctx.changed_code = [now[i].id for i in changed if now[i].is_code]
    if "noted" in done:
        noted = dict(done["noted"])
        for i in changed:
            cell = now[i]
            if "nbguard" in cell.source:
                noted[cell.id] = cell.source
            else:
                noted.pop(cell.id, None)
        ctx.__dict__["noted"] = noted
    if "page_order" in done:
        ctx.__dict__["page_order"] = done["page_order"]
    if "code_order" in done:
        ctx.__dict__["code_order"] = done["code_order"]
    if "code_cells" not in done:
        return True
    code_cells = list(done["code_cells"])
    for i in changed:
        cell = now[i]
        if cell.is_code:
            slot = bisect_left(code_cells, i, key=_position)
            code_cells[slot] = (i, cell, ctx.facts_of(cell.source))
    ctx.__dict__["code_cells"] = code_cells
    if "cell_keys" in done:
        keys = dict(done["cell_keys"])
        for i in changed:
            cell = now[i]
            if cell.is_code:
                keys[cell.id] = (
                    cell.id,
                    cell.cell_type,
                    cell.source,
                    cell.execution_count,
                )
        ctx.__dict__["cell_keys"] = keys
    if "page_flow" in done and all(before[i].source == now[i].source for i in changed):
        ctx.__dict__["page_flow"] = done["page_flow"]
    return True

"""Which later cells depend, through the notebook's dataflow, on a given cell.

A difference in a cell that reads what the first divergent cell produced is a
*consequence*, not a second root cause. The walk follows def/use across cells in
page order, as Restart & Run All runs them: a cell that reads a tainted name is
downstream, and whatever it binds or mutates is tainted in turn; a cell that
rebinds a name without reading anything tainted cleans it.

Names a function body reads count only where the function is defined, not
where it is called (the engine's public facts say what each cell reads,
binds and mutates, not what the functions it calls read).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.defuse import analyse


def downstream(sources: Sequence[str], start: int) -> set[int]:
    """Positions after ``start`` whose code reads what ``start`` produced."""
    root = analyse(sources[start])
    tainted = set(root.bound_names | root.mutated_names)
    found: set[int] = set()
    for position in range(start + 1, len(sources)):
        if not tainted:
            break
        facts = analyse(sources[position])
        if facts.read_names & tainted:
            found.add(position)
            tainted |= facts.bound_names | facts.mutated_names
        else:
            tainted -= facts.defined_names - facts.mutated_names
    return found

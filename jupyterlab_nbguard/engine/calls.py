"""Resolve what calling functions reads and writes, through nested calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .facts import FunctionFacts


@dataclass
class CallEffects:
    """Globals touched by calling some functions (and what they call).

    ``reads`` maps each global read to the function that reads it, so messages
    can say "read by ``f()``"; ``roots`` maps it to the call made by the cell
    itself that leads there (``f`` when ``f`` calls ``g`` which reads it).
    """

    reads: dict[str, str] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    writes: set[str] = field(default_factory=set)


def chained_lookup(
    own: dict[str, FunctionFacts], outer: dict[str, FunctionFacts]
) -> Callable[[str], FunctionFacts | None]:
    """Find a function in the cell itself first, then among those bound before."""

    def find(name: str) -> FunctionFacts | None:
        return own.get(name) or outer.get(name)

    return find


def resolve_calls(
    calls: Iterable[str], lookup: Callable[[str], FunctionFacts | None]
) -> CallEffects:
    """Follow ``calls`` through the functions ``lookup`` finds, breadth first."""
    effects = CallEffects()
    seen: set[str] = set()
    # Sorted: which function a read is charged to must not depend on set order.
    queue = [(name, name) for name in sorted(set(calls))]
    while queue:
        name, root = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        function = lookup(name)
        if function is None:
            continue
        for use in function.reads:
            effects.reads.setdefault(use.name, name)
            effects.roots.setdefault(use.name, root)
        effects.writes |= function.writes | function.mutates
        queue.extend((c, root) for c in sorted(function.calls) if c not in seen)
    return effects

"""Def/use in page order: what Restart & Run All would find bound, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass

from .calls import resolve_calls
from .facts import CellFacts, FunctionFacts, NameUse
from .model import Cell
from .names import is_preset


@dataclass(frozen=True)
class UnboundRead:
    """A read of a name that would not be bound when its cell runs top to bottom.

    ``via`` names the function whose body reads it when the read happens through
    a call; ``use`` is then the call site. ``after_opaque`` is set when a cell
    above did ``from m import *`` or ``%run``, which may have bound it.
    """

    cell: Cell
    position: int
    name: str
    use: NameUse
    via: str | None
    after_opaque: bool


@dataclass(frozen=True)
class BodyRead:
    """A global read inside a function body, for names no cell binds at all."""

    cell: Cell
    function: str
    use: NameUse


class PageFlow:
    """Simulates running the code cells top to bottom in a fresh kernel."""

    def __init__(self, cells: list[tuple[int, Cell, CellFacts]]) -> None:
        self.cells = cells
        self.binders: dict[str, list[int]] = {}
        for position, _cell, facts in cells:
            written = set(facts.defined_names)
            for function in facts.functions.values():
                written |= function.writes
            for name in written:
                self.binders.setdefault(name, []).append(position)
        self.unbound: list[UnboundRead] = []
        self.body_reads: list[BodyRead] = []
        self._simulate()

    def binders_below(self, name: str, position: int) -> list[int]:
        """Page positions below ``position`` of cells that bind ``name``."""
        return [p for p in self.binders.get(name, ()) if p > position]

    def bound_anywhere(self, name: str) -> bool:
        """Whether any cell binds ``name``."""
        return name in self.binders

    def _simulate(self) -> None:
        bound: set[str] = set()
        functions: dict[str, FunctionFacts] = {}
        opaque = False
        for position, cell, facts in self.cells:
            for use in facts.reads:
                if use.name not in bound and not is_preset(use.name):
                    self.unbound.append(
                        UnboundRead(cell, position, use.name, use, None, opaque)
                    )
            visible = {**functions, **facts.functions}
            effects = resolve_calls((u.name for u in facts.calls), visible.get)
            call_sites = {u.name: u for u in facts.calls}
            for name, via in effects.reads.items():
                if (
                    name not in bound
                    and name not in facts.defined_names
                    and not is_preset(name)
                    and self.bound_anywhere(name)
                ):
                    site = call_sites[effects.roots[name]]
                    self.unbound.append(
                        UnboundRead(cell, position, name, site, via, opaque)
                    )
            for name, function in facts.functions.items():
                for use in function.reads:
                    self.body_reads.append(BodyRead(cell, name, use))
            bound |= facts.defined_names | effects.writes
            bound -= facts.deleted_names
            for name in facts.defined_names:
                functions.pop(name, None)
            functions.update(facts.functions)
            opaque = opaque or facts.opaque
        self.any_opaque = opaque

"""Def/use in page order: what Restart & Run All would find bound, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass

from .calls import CallEffects, chained_lookup, resolve_calls
from .facts import CellFacts, FunctionFacts, NameUse
from .model import Cell
from .names import PRESET_NAMES, is_preset


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


class PageFlow:
    """Simulates running the code cells top to bottom in a fresh kernel."""

    def __init__(self, cells: list[tuple[int, Cell, CellFacts]]) -> None:
        self.cells = cells
        self.binders: dict[str, list[int]] = {}
        for position, _cell, facts in cells:
            for name in facts.bound_names:
                self.binders.setdefault(name, []).append(position)
        self.unbound: list[UnboundRead] = []
        self.any_opaque = False
        self._simulate()

    def binders_below(self, name: str, position: int) -> list[int]:
        """Page positions below ``position`` of cells that bind ``name``."""
        return [p for p in self.binders.get(name, ()) if p > position]

    def bound_anywhere(self, name: str) -> bool:
        """Whether any cell binds ``name``."""
        return name in self.binders

    def _simulate(self) -> None:
        bound: set[str] = set(PRESET_NAMES)
        functions: dict[str, FunctionFacts] = {}
        opaque = False
        for position, cell, facts in self.cells:
            # Set operations run in C: the per-read Python work is for misses only.
            missing = facts.read_names - bound
            if missing:
                for use in facts.reads:
                    if use.name in missing and not is_preset(use.name):
                        missing = missing - {use.name}
                        self.unbound.append(
                            UnboundRead(cell, position, use.name, use, None, opaque)
                        )
            called = [
                name
                for name in facts.call_names
                if name in facts.functions or name in functions
            ]
            effects = (
                resolve_calls(called, chained_lookup(facts.functions, functions))
                if called
                else CallEffects()
            )
            self._unbound_through_calls(cell, position, facts, effects, bound, opaque)
            bound |= facts.defined_names
            bound |= effects.writes
            bound -= facts.deleted_names - PRESET_NAMES
            for name in facts.defined_names & functions.keys():
                del functions[name]
            functions.update(facts.functions)
            opaque = opaque or facts.opaque
        self.any_opaque = opaque

    def _unbound_through_calls(
        self,
        cell: Cell,
        position: int,
        facts: CellFacts,
        effects: CallEffects,
        bound: set[str],
        opaque: bool,
    ) -> None:
        if not effects.reads:
            return
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

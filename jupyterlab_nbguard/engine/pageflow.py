"""Def/use in page order: what Restart & Run All would find bound, cell by cell."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .calls import CallEffects, chained_lookup, resolve_calls
from .facts import CellFacts, FunctionFacts, NameUse
from .model import Cell
from .names import PRESET_NAMES, is_preset

#: Cells between saved simulation states; an edit resumes from the last one
#: above it instead of re-running the whole notebook.
CHECKPOINT_EVERY = 100


@dataclass(frozen=True)
class UnboundRead:
    """A read of a name that would not be bound when its cell runs top to bottom.

    ``via`` names the function whose body reads it when the read happens through
    a call; ``use`` is then the call site. ``after_opaque`` is set when a cell
    above did ``from m import *`` or ``%run``, which may have bound it. Whether
    a cell below binds the name is for the rules to ask (:meth:`binders_below`),
    so that these entries depend only on the cells above them.
    """

    cell: Cell
    position: int
    name: str
    use: NameUse
    via: str | None
    after_opaque: bool


@dataclass(frozen=True)
class _Checkpoint:
    """The simulation's state before code cell ``index`` ran.

    Plain set and dict copies (made in C); nothing mutates them after saving.
    """

    index: int
    bound: set[str]
    functions: dict[str, FunctionFacts]
    opaque: bool
    unbound: int


class PageFlow:
    """Simulates running the code cells top to bottom in a fresh kernel.

    Given the flow of a previous version of the notebook, it resumes from the
    last checkpoint before the first cell that changed.
    """

    def __init__(
        self,
        cells: list[tuple[int, Cell, CellFacts]],
        previous: PageFlow | None = None,
    ) -> None:
        self.cells = cells
        self.unbound: list[UnboundRead] = []
        self.any_opaque = False
        self._checkpoints: list[_Checkpoint] = []
        # Kept only to patch its binders, and only if it has them: never a chain.
        self._previous = (
            previous
            if previous is not None and "binders" in previous.__dict__
            else None
        )
        self._simulate(self._resume_point(previous))

    @cached_property
    def binders(self) -> dict[str, list[int]]:
        """Page positions of the cells that bind each name (built when asked)."""
        previous, self._previous = self._previous, None
        if previous is not None and "binders" in previous.__dict__:
            patched = _patched_binders(previous, self.cells)
            if patched is not None:
                return patched
        binders: dict[str, list[int]] = {}
        for position, _cell, facts in self.cells:
            for name in facts.bound_names:
                binders.setdefault(name, []).append(position)
        return binders

    @cached_property
    def bound_names(self) -> frozenset[str]:
        """Every name some code cell binds."""
        return frozenset().union(*(facts.bound_names for _p, _c, facts in self.cells))

    def binders_below(self, name: str, position: int) -> list[int]:
        """Page positions below ``position`` of cells that bind ``name``."""
        return [p for p in self.binders.get(name, ()) if p > position]

    def bound_anywhere(self, name: str) -> bool:
        """Whether any cell binds ``name``."""
        return name in self.bound_names

    def _resume_point(self, previous: PageFlow | None) -> _Checkpoint | None:
        """The last saved state of ``previous`` that is still valid here."""
        if previous is None:
            return None
        same = 0
        for (p1, c1, f1), (p2, c2, f2) in zip(previous.cells, self.cells, strict=False):
            if p1 != p2 or f1 is not f2 or c1.id != c2.id:
                break
            same += 1
        usable = [c for c in previous._checkpoints if c.index <= same]
        if not usable:
            return None
        point = usable[-1]
        self._checkpoints = usable[:-1]
        self.unbound = previous.unbound[: point.unbound]
        return point

    def _simulate(self, start: _Checkpoint | None) -> None:
        bound: set[str] = start.bound.copy() if start else set(PRESET_NAMES)
        functions: dict[str, FunctionFacts] = start.functions.copy() if start else {}
        opaque = start.opaque if start else False
        first = start.index if start else 0
        for index in range(first, len(self.cells)):
            if index % CHECKPOINT_EVERY == 0:
                self._checkpoints.append(
                    _Checkpoint(
                        index, bound.copy(), functions.copy(), opaque, len(self.unbound)
                    )
                )
            position, cell, facts = self.cells[index]
            # Set operations run in C: the per-read Python work is for misses only.
            # A store into an object needs the object: it counts here.
            missing = facts.needed_names - bound
            if missing:
                for use in (*facts.reads, *facts.requires):
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
            ):
                site = call_sites[effects.roots[name]]
                self.unbound.append(
                    UnboundRead(cell, position, name, site, via, opaque)
                )


def _patched_binders(
    previous: PageFlow, cells: list[tuple[int, Cell, CellFacts]]
) -> dict[str, list[int]] | None:
    """``previous.binders`` updated for the cells whose facts changed.

    Only when the cells are the same ones at the same positions (an edit, not
    an insertion or a move); otherwise ``None`` and the caller rebuilds.
    """
    if len(previous.cells) != len(cells):
        return None
    changed = []
    for (p1, c1, f1), (p2, c2, f2) in zip(previous.cells, cells, strict=True):
        if p1 != p2 or c1.id != c2.id:
            return None
        if f1 is not f2:
            changed.append((p1, f1, f2))
    binders = dict(previous.binders)
    for position, old, new in changed:
        for name in old.bound_names - new.bound_names:
            kept = [p for p in binders[name] if p != position]
            if kept:
                binders[name] = kept
            else:
                del binders[name]
        for name in new.bound_names - old.bound_names:
            binders[name] = sorted([*binders.get(name, ()), position])
    return binders

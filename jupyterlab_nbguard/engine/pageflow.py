"""Def/use in page order: what Restart & Run All would find bound, cell by cell."""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, KeysView
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from typing import Any

from .calls import CallEffects, chained_lookup, resolve_calls
from .facts import CellFacts, FunctionFacts, NameUse
from .model import Cell
from .names import PRESET_NAMES, is_preset

#: Cells between saved simulation states; an edit resumes from the last one
#: above it instead of re-running the whole notebook.
CHECKPOINT_EVERY = 50
#: The lazily built name indexes a later flow may patch instead of rebuilding.
_INDEXES = frozenset({"binders", "_needers", "function_readers"})


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
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Rules memoise findings by the read: hash it once, not per check (a
        # resumed flow keeps the reads of unchanged cells, so the hash too).
        value = hash((self.cell, self.position, self.name, self.use, self.via))
        object.__setattr__(self, "_hash", value)

    def __hash__(self) -> int:
        return self._hash


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
    last checkpoint before the first cell that changed, and stops at the first
    checkpoint past the last changed cell where the state matters to the cells
    below as it did before (an edit that binds no name they need): the rest is
    taken from the previous flow.
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
        # What is kept of the previous flow: its cells and the name indexes it
        # built, to patch rather than rebuild them (never the flow: no chain).
        self._before: tuple[list[tuple[int, Cell, CellFacts]], dict[str, Any]] | None
        self._before = None
        if previous is not None:
            built = {k: v for k, v in previous.__dict__.items() if k in _INDEXES}
            self._before = (previous.cells, built)
        self._simulate(self._resume_point(previous), previous)

    @cached_property
    def binders(self) -> dict[str, list[int]]:
        """Page positions of the cells that bind each name (built when asked)."""
        return self._index("binders", lambda facts: facts.bound_names)

    @cached_property
    def _needers(self) -> dict[str, list[int]]:
        """Page positions of the cells that need each name bound."""
        return self._index("_needers", lambda facts: facts.needed_names)

    def _index(
        self, attribute: str, names_of: Callable[[CellFacts], frozenset[str]]
    ) -> dict[str, list[int]]:
        if self._before is not None and attribute in self._before[1]:
            patched = _patched_index(
                self._before[0], self._before[1][attribute], self.cells, names_of
            )
            if patched is not None:
                return patched
        index: dict[str, list[int]] = {}
        for position, _cell, facts in self.cells:
            for name in names_of(facts):
                index.setdefault(name, []).append(position)
        return index

    @property
    def bound_names(self) -> KeysView[str]:
        """Every name some code cell binds: the binders index's keys (patched)."""
        return self.binders.keys()

    def binders_below(self, name: str, position: int) -> list[int]:
        """Page positions below ``position`` of cells that bind ``name``."""
        binders = self.binders.get(name)
        if not binders or binders[-1] <= position:
            return []
        return binders[bisect_right(binders, position) :]

    def bound_anywhere(self, name: str) -> bool:
        """Whether any cell binds ``name``."""
        return name in self.bound_names

    def _resume_point(self, previous: PageFlow | None) -> _Checkpoint | None:
        """The last saved state of ``previous`` that is still valid here."""
        if previous is None:
            return None
        same = _first_difference(previous.cells, self.cells)
        usable = [c for c in previous._checkpoints if c.index <= same]
        if not usable:
            return None
        point = usable[-1]
        self._checkpoints = usable[:-1]
        self.unbound = previous.unbound[: point.unbound]
        return point

    def _last_change(self, previous: PageFlow | None) -> int | None:
        """The last cell index that differs from ``previous`` (None: incomparable)."""
        if previous is None or len(previous.cells) != len(self.cells):
            return None
        differs = list(map(operator.ne, previous.cells, self.cells))
        return len(differs) - 1 - differs[::-1].index(True) if True in differs else -1

    def _same_below(self, index: int, differ: set[str]) -> bool:
        """Whether names bound differently here matter to no cell from ``index`` on.

        An edit that binds a new name (``extra = 1``) changes the state, but if
        no cell below needs that name and no function body reads it, the cells
        below find exactly what they found before.
        """
        if not differ:
            return True
        if any(name in self.function_readers for name in differ):
            return False  # a function may be called below: be safe
        needers = self._needers
        at = self.cells[index][0]
        return not any(p >= at for name in differ for p in needers.get(name, ()))

    @cached_property
    def function_readers(self) -> dict[str, list[int]]:
        """Page positions of cells defining functions that read each global."""
        return self._index("function_readers", lambda facts: facts.function_reads)

    def _adopt(self, previous: PageFlow, at: _Checkpoint) -> None:
        """From ``at`` on, the state matters as in ``previous``: take the rest.

        The cells below are the same and find the same names bound, so what
        they find unbound is what they found before.
        """
        shift = len(self.unbound) - at.unbound
        self.unbound.extend(previous.unbound[at.unbound :])
        self._checkpoints.extend(
            _Checkpoint(c.index, c.bound, c.functions, c.opaque, c.unbound + shift)
            for c in previous._checkpoints
            if c.index >= at.index
        )
        self.any_opaque = previous.any_opaque

    def _simulate(self, start: _Checkpoint | None, previous: PageFlow | None) -> None:
        bound: set[str] = start.bound.copy() if start else set(PRESET_NAMES)
        functions: dict[str, FunctionFacts] = start.functions.copy() if start else {}
        opaque = start.opaque if start else False
        first = start.index if start else 0
        last_change = self._last_change(previous)
        theirs = (
            {c.index: c for c in previous._checkpoints}
            if previous is not None and last_change is not None
            else {}
        )
        for index in range(first, len(self.cells)):
            if index % CHECKPOINT_EVERY == 0:
                other = theirs.get(index)
                if (
                    other is not None
                    and last_change is not None
                    and index > last_change
                    and other.opaque == opaque
                    and other.functions == functions
                    and self._same_below(index, bound ^ other.bound)
                ):
                    assert previous is not None
                    self._adopt(previous, other)
                    return
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
                pending = set(missing)
                for use in (*facts.reads, *facts.requires):
                    if use.name in pending and not is_preset(use.name):
                        pending.discard(use.name)
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


def _patched_index(
    cells_before: list[tuple[int, Cell, CellFacts]],
    before: dict[str, list[int]],
    cells: list[tuple[int, Cell, CellFacts]],
    names_of: Callable[[CellFacts], frozenset[str]],
) -> dict[str, list[int]] | None:
    """A name -> positions index of ``cells_before``, updated for ``cells``.

    Only when the cells are the same ones at the same positions (an edit, not
    an insertion or a move); otherwise ``None`` and the caller rebuilds.
    """
    if len(cells_before) != len(cells):
        return None
    changed = []
    for at in _differences(cells_before, cells):
        (p1, c1, f1), (p2, c2, f2) = cells_before[at], cells[at]
        if p1 != p2 or c1.id != c2.id:
            return None
        if f1 is not f2:
            changed.append((p1, f1, f2))
    index = dict(before)
    for position, old, new in changed:
        for name in names_of(old) - names_of(new):
            kept = [p for p in index[name] if p != position]
            if kept:
                index[name] = kept
            else:
                del index[name]
        for name in names_of(new) - names_of(old):
            index[name] = sorted([*index.get(name, ()), position])
    return index


def _differences(
    before: list[tuple[int, Cell, CellFacts]], now: list[tuple[int, Cell, CellFacts]]
) -> list[int]:
    """Indexes where two cell lists of the same length differ.

    Compared in C (tuples compare their items by identity first, and an
    unchanged cell keeps its objects), so a 1,000-cell notebook costs
    microseconds; a cell whose saved count changed counts as changed too.
    """
    differs = list(map(operator.ne, before, now))
    return list(compress(range(len(differs)), differs))


def _first_difference(
    before: list[tuple[int, Cell, CellFacts]], now: list[tuple[int, Cell, CellFacts]]
) -> int:
    """How many leading entries the two lists share (compared in C)."""
    differs = list(map(operator.ne, before, now))
    if True in differs:
        return differs.index(True)
    return min(len(before), len(now))

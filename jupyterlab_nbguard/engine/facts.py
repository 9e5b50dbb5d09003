"""What one piece of cell code does with names: the result of :mod:`.defuse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .model import Range


class NameUse(NamedTuple):
    """A name and where it appears in the cell source."""

    name: str
    range: Range


def _names(uses: tuple[NameUse, ...]) -> frozenset[str]:
    return frozenset(u.name for u in uses)


@dataclass(frozen=True)
class FunctionFacts:
    """What calling a function (or instantiating a class) does to globals.

    Bodies run when called, not when defined (pyflakes defers them for the same
    reason), so these are charged to the cell that *calls* the function.
    """

    name: str
    reads: tuple[NameUse, ...] = ()
    writes: frozenset[str] = frozenset()  # `global x; x = ...`
    mutates: frozenset[str] = frozenset()
    calls: frozenset[str] = frozenset()

    @cached_property
    def read_names(self) -> frozenset[str]:
        """The global names the body reads."""
        return _names(self.reads)


@dataclass(frozen=True)
class CellFacts:
    """Names a cell reads from outside itself, defines, mutates and deletes.

    ``reads`` holds every occurrence, in source order; a name bound earlier in
    the same cell, a parameter or a comprehension variable is not a read.
    ``calls`` are names called while the cell runs, resolved across cells later.
    ``accumulates`` are names the cell grows from their own previous value
    (``x += 1``, ``x = x + 1``, ``items.append(...)``).
    ``opaque`` is set when the cell may bind names nobody can list
    (``from m import *``, ``%run``), so undefined-name stays quiet after it.
    """

    reads: tuple[NameUse, ...] = ()
    defines: tuple[NameUse, ...] = ()
    mutates: tuple[NameUse, ...] = ()
    deletes: tuple[NameUse, ...] = ()
    calls: tuple[NameUse, ...] = ()
    accumulates: tuple[NameUse, ...] = ()
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    opaque: bool = False
    syntax_error: tuple[str, Range] | None = None

    @cached_property
    def read_names(self) -> frozenset[str]:
        """Names read from outside the cell."""
        return _names(self.reads)

    @cached_property
    def call_names(self) -> frozenset[str]:
        """Names called while the cell runs."""
        return _names(self.calls)

    @cached_property
    def defined_names(self) -> frozenset[str]:
        """Names the cell binds (or rebinds) at top level."""
        return _names(self.defines)

    @cached_property
    def mutated_names(self) -> frozenset[str]:
        """Names whose value the cell changes in place."""
        return _names(self.mutates)

    @cached_property
    def deleted_names(self) -> frozenset[str]:
        """Names the cell unbinds with ``del``."""
        return _names(self.deletes)

    @cached_property
    def bound_names(self) -> frozenset[str]:
        """Names the cell binds, including ``global`` names its functions assign."""
        names = set(self.defined_names)
        for function in self.functions.values():
            names |= function.writes
        return frozenset(names)

    @cached_property
    def written_names(self) -> frozenset[str]:
        """Names whose value the cell replaces or changes."""
        return self.defined_names | self.mutated_names | self.deleted_names

    def first_read(self, name: str) -> NameUse | None:
        """Where the cell first reads ``name``."""
        return next((u for u in self.reads if u.name == name), None)

    def first_use(self, name: str) -> NameUse | None:
        """Where the cell first reads, calls or mutates ``name``."""
        for uses in (self.reads, self.calls, self.mutates):
            found = next((u for u in uses if u.name == name), None)
            if found is not None:
                return found
        return None

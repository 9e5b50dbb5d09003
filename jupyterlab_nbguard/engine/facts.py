"""What one piece of cell code does with names: the result of :mod:`.defuse`."""

from __future__ import annotations

from dataclasses import dataclass, field
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

    read_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once, eagerly: cached_property takes a lock on every first
        # access in Python 3.11, which showed in profiles of large runs.
        object.__setattr__(self, "read_names", _names(self.reads))


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

    #: Names read from outside the cell.
    read_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names called while the cell runs.
    call_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names the cell binds (or rebinds) at top level.
    defined_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names whose value the cell changes in place.
    mutated_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names the cell unbinds with ``del``.
    deleted_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names the cell binds, including ``global`` names its functions assign.
    bound_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Names whose value the cell replaces or changes.
    written_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every check asks for these; computing them once here is cheaper than
        # cached_property, which takes a lock on first access in Python 3.11.
        defined = _names(self.defines)
        mutated = _names(self.mutates)
        deleted = _names(self.deletes)
        bound = set(defined)
        for function in self.functions.values():
            bound |= function.writes
        derived = {
            "read_names": _names(self.reads),
            "call_names": _names(self.calls),
            "defined_names": defined,
            "mutated_names": mutated,
            "deleted_names": deleted,
            "bound_names": frozenset(bound),
            "written_names": defined | mutated | deleted,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

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

"""What one piece of cell code does with names: the result of :mod:`.defuse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from .model import Range
from .paths import root_of


class NameUse(NamedTuple):
    """A name (or a static path under it, ``d['k']``) and where it appears."""

    name: str
    range: Range
    path: str = ""

    @property
    def key(self) -> str:
        """The path this use is about: ``path`` when static, else the name."""
        return self.path or self.name


class Change(Enum):
    """How a binding record changes its name."""

    BIND = "bind"  # the name now holds a new object
    MUTATE = "mutate"  # the object the name holds was changed in place
    DELETE = "delete"  # the name was unbound


class Binding(NamedTuple):
    """One name a cell changes, and what the new value was computed from.

    ``path`` is the name itself, or the static path changed in place (``cfg['lr']``,
    ``run.cfg``). ``deps`` are the paths, read from outside the cell, that the
    statements producing the value read (transitively through names bound earlier
    in the same cell); a mutation also depends on the old value (its own name).
    ``calls`` are the module-level functions those statements call: what their
    bodies read from globals is resolved against the history when the cell runs.
    ``identity`` is set when re-running the binding gives the same object back
    (``import numpy as np``, the same ``def`` text): such a re-run is no change.
    ``instance_of`` names the callee when the value is ``Callee(...)``: if that
    is a class, ``name.m()`` later runs its method ``m``.
    """

    name: str
    path: str
    change: Change
    deps: frozenset[str]
    calls: frozenset[str] = frozenset()
    identity: str | None = None
    instance_of: str | None = None


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
    is_class: bool = False

    read_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once, eagerly: cached_property takes a lock on every first
        # access in Python 3.11, which showed in profiles of large runs.
        object.__setattr__(self, "read_names", frozenset(u.name for u in self.reads))


@dataclass(frozen=True)
class CellFacts:
    """Names a cell reads from outside itself, defines, mutates and deletes.

    ``reads`` holds every occurrence, in source order; a name bound earlier in
    the same cell, a parameter or a comprehension variable is not a read, and a
    store into a container or attribute (``d[k] = v``, ``lst.append(v)``) is a
    mutation of it, not a read. ``calls`` are names called while the cell runs,
    resolved across cells later. ``bindings`` say, per name changed, what the new
    value depends on; ``call_sites`` pair the functions each statement calls
    with what that statement read, for globals those functions write.
    ``requires`` are the stores into objects the cell did not bind first: the
    object must exist, though its value is not read.
    ``accumulates`` are names the cell grows from their own previous value
    (``x += 1``, ``x = x + 1``, ``items.append(...)``).
    ``displays`` is set when the cell ends in an expression whose value IPython
    shows and stores in its output history (``_``, ``_5``, ``Out[5]``).
    ``opaque`` is set when the cell may bind names nobody can list
    (``from m import *``, ``%run``), so undefined-name stays quiet after it.
    ``too_large`` is the source's length when it was over the analysis limit
    (:data:`~.defuse.MAX_CELL_CHARS`) and so not analysed; such a cell is opaque.
    """

    reads: tuple[NameUse, ...] = ()
    defines: tuple[NameUse, ...] = ()
    mutates: tuple[NameUse, ...] = ()
    requires: tuple[NameUse, ...] = ()
    deletes: tuple[NameUse, ...] = ()
    calls: tuple[NameUse, ...] = ()
    accumulates: tuple[NameUse, ...] = ()
    bindings: tuple[Binding, ...] = ()
    call_sites: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    displays: Binding | None = None
    opaque: bool = False
    syntax_error: tuple[str, Range] | None = None
    too_large: int | None = None

    #: Names read from outside the cell.
    read_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Paths read from outside the cell (``d['k']`` where the key is static), in
    #: source order, each once: iterating it does not depend on the hash seed.
    read_paths: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: Names the cell needs bound: read, or stored into without binding first.
    needed_names: frozenset[str] = field(init=False, repr=False, compare=False)
    #: Globals read by the bodies of the functions the cell defines.
    function_reads: frozenset[str] = field(init=False, repr=False, compare=False)
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
        defined = frozenset(u.name for u in self.defines)
        mutated = frozenset(u.name for u in self.mutates)
        deleted = frozenset(u.name for u in self.deletes)
        bound = set(defined)
        for function in self.functions.values():
            bound |= function.writes
        derived = {
            "read_names": frozenset(u.name for u in self.reads),
            "read_paths": tuple(dict.fromkeys(u.key for u in self.reads)),
            "needed_names": frozenset(u.name for u in (*self.reads, *self.requires)),
            "call_names": frozenset(u.name for u in self.calls),
            "function_reads": frozenset().union(
                *(f.read_names for f in self.functions.values())
            ),
            "defined_names": defined,
            "mutated_names": mutated,
            "deleted_names": deleted,
            "bound_names": frozenset(bound),
            "written_names": defined | mutated | deleted,
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def first_read(self, name: str) -> NameUse | None:
        """Where the cell first reads ``name`` (or a path under it)."""
        root = root_of(name)
        return next((u for u in self.reads if u.name == root), None)

    def first_use(self, name: str) -> NameUse | None:
        """Where the cell first reads, calls or mutates ``name`` (or a path in it)."""
        root = root_of(name)
        for uses in (self.reads, self.calls, self.mutates):
            exact = next((u for u in uses if u.key == name), None)
            if exact is not None:
                return exact
            found = next((u for u in uses if u.name == root), None)
            if found is not None:
                return found
        return None

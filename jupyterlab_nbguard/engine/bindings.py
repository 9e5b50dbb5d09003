"""Within one cell: what each binding was computed from.

Dependencies are per binding, not per cell: ``lo, hi = start - 1, stop + 1``
binds ``lo`` from ``start`` only. Each top-level statement opens a
:class:`Frame` that collects the paths it reads from outside the cell and the
functions it calls; a name the cell bound earlier contributes what *its* value
was computed from. The header of a compound statement (``for``'s iterable,
``if``'s test, ``with``'s context) is a control dependency of every binding in
its body.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import Binding, Change


@dataclass
class Frame:
    """What one statement (or one part of it) read and called so far."""

    deps: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)

    def absorb(self, other: Frame) -> None:
        """Add everything ``other`` collected."""
        self.deps |= other.deps
        self.calls |= other.calls


class CellFlow:
    """The bindings of one cell, and the dependencies of names it bound so far."""

    def __init__(self) -> None:
        self._local: dict[str, Frame] = {}
        self._records: dict[tuple[str, str], Binding] = {}
        self._paths: dict[str, set[str]] = {}  # name -> paths recorded under it
        self.call_sites: list[tuple[frozenset[str], frozenset[str]]] = []

    def read_local(self, name: str, into: Frame) -> None:
        """A statement read ``name``, bound earlier in the cell: inherit its inputs."""
        found = self._local.get(name)
        if found is not None:
            into.absorb(found)

    def bind(
        self,
        name: str,
        frame: Frame,
        identity: str | None = None,
        *,
        merge: bool = False,
        instance_of: str | None = None,
    ) -> None:
        """``name`` now holds a new value computed from ``frame``.

        With ``merge`` (a binding in a branch or loop), the value may still be
        the one bound before, so both sets of inputs count.
        """
        previous = self._records.get((name, name))
        if merge and previous is not None and previous.change is Change.BIND:
            frame = Frame(frame.deps | previous.deps, frame.calls | previous.calls)
            identity = None
        self._local[name] = Frame(set(frame.deps), set(frame.calls))
        self._forget(name)
        self._paths[name] = {name}
        self._records[(name, name)] = Binding(
            name,
            name,
            Change.BIND,
            frozenset(frame.deps),
            frozenset(frame.calls),
            identity,
            None if merge else instance_of,
        )

    def mutate(self, name: str, path: str, frame: Frame) -> None:
        """The object at ``path`` (under ``name``) was changed, from ``frame``."""
        local = self._local.get(name)
        bound = self._records.get((name, name))
        if local is not None and bound is not None and bound.change is Change.BIND:
            # Changing an object this cell created: part of creating it.
            local.absorb(frame)
            self._records[(name, name)] = bound._replace(
                deps=bound.deps | frame.deps,
                calls=bound.calls | frame.calls,
                identity=None,
            )
            return
        if local is not None:
            local.absorb(frame)
        key = (name, path)
        previous = self._records.get(key)
        deps = frozenset(frame.deps | {name})
        calls = frozenset(frame.calls)
        if previous is not None:
            deps |= previous.deps
            calls |= previous.calls
        self._records[key] = Binding(name, path, Change.MUTATE, deps, calls)
        self._paths.setdefault(name, set()).add(path)

    def delete(self, name: str) -> None:
        """``name`` was unbound."""
        self._local.pop(name, None)
        self._forget(name)
        self._paths[name] = {name}
        self._records[(name, name)] = Binding(name, name, Change.DELETE, frozenset())

    def _forget(self, name: str) -> None:
        """Drop every record under ``name`` (it is about to hold a new value)."""
        for path in self._paths.pop(name, ()):
            self._records.pop((name, path), None)

    def call_site(self, frame: Frame) -> None:
        """A statement called functions: globals they write depend on ``frame``."""
        if frame.calls:
            self.call_sites.append((frozenset(frame.calls), frozenset(frame.deps)))

    def bindings(self) -> tuple[Binding, ...]:
        """Every name the cell changed, with what it was computed from."""
        return tuple(self._records.values())

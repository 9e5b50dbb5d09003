"""The state and bookkeeping of nbguard's AST walk (see :mod:`.visitor`).

:class:`Walker` holds the scope stack, the sinks uses are recorded into (the
cell, or one function body), the statement frames of :mod:`.bindings`, and the
primitives every handler uses: :meth:`Walker.read`, :meth:`Walker.store`, a
mutation, a call of a name. The node handlers live in mixins, one concern each:
:mod:`.compound` (``for``/``if``/``with``/``try``/``match``), :mod:`.callsites`
(calls and mutating methods), :mod:`.definitions` (``def``, ``class``, lambdas,
comprehensions) and :mod:`.visitor` (names, assignments, imports).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from . import scopes
from .bindings import CellFlow, Frame
from .facts import NameUse
from .model import Range
from .paths import static_path
from .scopes import Scope, Sink
from .syntax import Locator

#: Nodes without names below them: not worth a dispatch.
_LEAVES = frozenset(
    {ast.Constant, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue}
    | {cls for base in (ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
       for cls in base.__subclasses__()}
)  # fmt: skip


class Walker(ast.NodeVisitor):
    """Walks one cell's AST and records its uses of names."""

    #: Node class -> handler, filled in by the concrete visitor.
    _handlers: ClassVar[dict[type[ast.AST], Callable[[Any, Any], None]]] = {}

    def __init__(self, locator: Locator) -> None:
        self._locators = [locator]
        self._scopes = [Scope("module")]
        self.cell = Sink()
        self._sinks = [self.cell]
        self.functions: dict[str, Sink] = {}
        self._class_owner: str | None = None
        self._method_of: str | None = None
        self._instance_of: str | None = None
        self.classes: set[str] = set()
        self.opaque = False
        self.syntax_error: tuple[str, Range] | None = None
        self.flow = CellFlow()
        self._frames: list[Frame] = []
        self._control: list[Frame] = []
        self._targets: list[Frame] = []
        self._identity: str | None = None
        self.last_frame: Frame | None = None

    # -- traversal -------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        """Dispatch through a table built once, not a getattr per node."""
        self._handlers.get(node.__class__, Walker.generic_visit)(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        """Visit children, skipping leaves that carry no names.

        Constants, operators and ``ctx`` markers are most of the nodes of a
        cell; not dispatching on them is a tenth of the analysis.
        """
        handlers = self._handlers
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    cls = item.__class__
                    if cls not in _LEAVES and isinstance(item, ast.AST):
                        handlers.get(cls, Walker.generic_visit)(self, item)
            elif value.__class__ not in _LEAVES and isinstance(value, ast.AST):
                handlers.get(value.__class__, Walker.generic_visit)(self, value)

    def statement(self, node: ast.stmt) -> None:
        """Visit a statement; at module level, with a frame of its own."""
        if not self._in_flow():
            self.visit(node)
            return
        frame = Frame()
        self._frames.append(frame)
        try:
            self.visit(node)
        finally:
            self._frames.pop()
        self.flow.call_site(self._with_control(frame))
        self.last_frame = (
            self._with_control(frame) if isinstance(node, ast.Expr) else None
        )

    def statements(self, body: list[ast.stmt]) -> None:
        """Visit a block of statements."""
        for node in body:
            self.statement(node)

    def embedded(
        self, body: list[ast.stmt], locator: Locator, *, private: bool
    ) -> None:
        """Visit code a magic runs (``%time ...``), mapped back by ``locator``."""
        self._locators.append(locator)
        if private:
            self._scopes.append(Scope("comprehension"))
        frames, self._frames = self._frames, []
        try:
            self.statements(body)
        finally:
            self._frames = frames
            if private:
                self._scopes.pop()
            self._locators.pop()

    # -- state -----------------------------------------------------------------

    @property
    def loc(self) -> Locator:
        """Maps positions of the code being walked back to the cell source."""
        return self._locators[-1]

    @property
    def _sink(self) -> Sink:
        return self._sinks[-1]

    def _in_flow(self) -> bool:
        """Whether code here runs with the cell, at module level."""
        return len(self._sinks) == 1 and self._scopes[-1].kind == "module"

    def _frame(self) -> Frame | None:
        return self._frames[-1] if self._frames and len(self._sinks) == 1 else None

    def _with_control(self, frame: Frame) -> Frame:
        if not self._control:
            return frame
        full = Frame(set(frame.deps), set(frame.calls))
        for control in self._control:
            full.absorb(control)
        return full

    def _binding_frame(self) -> Frame:
        frame = self._targets[-1] if self._targets else self._frame() or Frame()
        return self._with_control(frame)

    @contextmanager
    def _pushed(self, stack: list[Frame], frame: Frame) -> Iterator[Frame]:
        stack.append(frame)
        try:
            yield frame
        finally:
            stack.pop()

    # -- recording -------------------------------------------------------------

    def read(self, name: str, where: Range, path: str = "") -> None:
        """Record a read of ``name`` (at ``path`` under it) if it comes from outside."""
        if scopes.is_global(self._scopes, name):
            self._sink.reads.append(NameUse(name, where, path))
            frame = self._frame()
            if frame is not None:
                frame.deps.add(path or name)
        elif (frame := self._frame()) is not None and scopes.is_module_level(
            self._scopes, name
        ):
            self.flow.read_local(name, frame)

    def store(self, name: str, where: Range) -> None:
        """Record a binding of ``name`` in the innermost scope."""
        scope = self._scopes[-1]
        if scope.kind == "comprehension":
            scope.bound.add(name)
        elif scope.kind == "module":
            scope.bound.add(name)
            self.cell.defines.append(NameUse(name, where))
            if len(self._sinks) == 1:
                self._bind(name)
        elif name in scope.declared_global:
            self._sink.writes.add(name)
            if len(self._sinks) == 1:
                self.cell.defines.append(NameUse(name, where))
                self._bind(name)
        else:
            scope.bound.add(name)

    def _bind(self, name: str) -> None:
        # Under an `if`/`for`/`try`, an earlier binding may be what survives.
        merge = bool(self._control)
        self.flow.bind(
            name,
            self._binding_frame(),
            self._identity,
            merge=merge,
            instance_of=self._instance_of,
        )

    def _delete(self, name: str, where: Range) -> None:
        scope = self._scopes[-1]
        if scope.kind == "module":
            scope.bound.discard(name)
            self.cell.deletes.append(NameUse(name, where))
            if len(self._sinks) == 1:
                self.flow.delete(name)
        elif name in scope.declared_global:
            self._sink.writes.add(name)

    def _mutate(self, node: ast.expr | None, extra: Frame | None = None) -> None:
        """Record an in-place change of the object ``node`` names (no read of it)."""
        found = static_path(node) if node is not None else None
        if found is None:
            if node is not None:
                self.visit(node)
            return
        root, path = found
        self._visit_dynamic_parts(node)
        name = root.id
        if not (
            scopes.is_global(self._scopes, name) or self._scopes[-1].kind == "module"
        ):
            return
        where = self.loc.node_range(root)
        self._sink.mutates.append(NameUse(name, where, path))
        if len(self._sinks) == 1 and scopes.is_global(self._scopes, name):
            self.cell.requires.append(NameUse(name, where))
        if len(self._sinks) > 1 and scopes.is_global(self._scopes, name):
            # A body needs the object it changes: callers depend on it.
            self._sink.reads.append(NameUse(name, where))
        if len(self._sinks) == 1 and scopes.is_module_level(self._scopes, name):
            frame = self._binding_frame()
            if extra is not None:
                frame = Frame(frame.deps | extra.deps, frame.calls | extra.calls)
            self.flow.mutate(name, path, frame)

    def _visit_dynamic_parts(self, node: ast.expr | None) -> None:
        """Visit the computed keys of ``a[k].b[j]`` (the static parts are no reads)."""
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            if isinstance(node, ast.Subscript):
                self.visit(node.slice)
            node = node.value

    def _accumulate(self, node: ast.expr | None) -> None:
        """Record that the cell grows a global from its own previous value."""
        found = static_path(node) if node is not None else None
        if found is None:
            return
        root = found[0]
        if len(self._sinks) == 1 and scopes.is_global(self._scopes, root.id):
            self.cell.accumulates.append(NameUse(root.id, self.loc.node_range(root)))

    def _read_chain(self, node: ast.Attribute | ast.Subscript) -> bool:
        """Read ``a.b['k']`` as the path it is; False when it has no variable root."""
        found = static_path(node)
        if found is None:
            return False
        root, path = found
        self._visit_dynamic_parts(node)
        self.read(root.id, self.loc.node_range(root), "" if path == root.id else path)
        return True

    def _call_name(self, func: ast.Name) -> None:
        """``f(...)``: depends on the binding of ``f``, and on what its body reads."""
        where = self.loc.node_range(func)
        if scopes.is_module_level(self._scopes, func.id):
            self._sink.calls.append(NameUse(func.id, where))
            frame = self._frame()
            if frame is not None:
                frame.calls.add(func.id)
        self.read(func.id, where, f"{func.id}()" if len(self._sinks) == 1 else "")

"""The scoped AST walk behind :func:`.defuse.analyse`.

Modelled on marimo's ``ScopedVisitor`` and pyflakes' binding rules: a stack of
scopes decides whether a name is the notebook's global. Module-level code runs
when the cell runs, so its reads of names it has not bound yet are the cell's
reads. Function bodies run when called, so what they read, write and mutate
among globals is kept per function and charged to the cells that call them.
Each top-level statement gets a :class:`~.bindings.Frame`, so every name bound
depends only on what its own statement read (see :mod:`.bindings`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .bindings import Frame
from .callsites import CallSites
from .compound import CompoundStatements
from .definitions import Definitions


class DefUseVisitor(CallSites, Definitions, CompoundStatements):
    """Walks one cell's AST and records its uses of names."""

    def visit_Name(self, node: ast.Name) -> None:
        where = self.loc.node_range(node)
        if isinstance(node.ctx, ast.Load):
            self.read(node.id, where)
        elif isinstance(node.ctx, ast.Store):
            self.store(node.id, where)
        else:
            self._delete(node.id, where)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._mutate(node)
        elif not self._read_chain(node):
            self.generic_visit(node)

    visit_Subscript = visit_Attribute  # type: ignore[assignment]

    def visit_Starred(self, node: ast.Starred) -> None:
        self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if (
            isinstance(value, ast.Lambda)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            self._visit_lambda(value, owner=node.targets[0].id)
            with self._pushed(self._targets, self._frame() or Frame()):
                self.visit(node.targets[0])
            return
        if self._assign_elementwise(node):
            return
        self.visit(value)
        [first, *_] = node.targets
        if (
            isinstance(first, ast.Name)
            and isinstance(value, ast.BinOp)
            and isinstance(value.left, ast.Name)
            and value.left.id == first.id
        ):
            self._accumulate(value.left)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            self._instance_of = value.func.id
        with self._pushed(self._targets, self._frame() or Frame()):
            for target in node.targets:
                self.visit(target)
        self._instance_of = None

    def _assign_elementwise(self, node: ast.Assign) -> bool:
        """``lo, hi = a, b``: each target depends on its own element only."""
        [target, *more] = node.targets
        value = node.value
        if (
            more
            or not isinstance(target, (ast.Tuple, ast.List))
            or not isinstance(value, (ast.Tuple, ast.List))
            or len(target.elts) != len(value.elts)
            or any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts])
            or self._frame() is None
        ):
            return False
        statement = self._frame()
        assert statement is not None
        parts = []
        for element in value.elts:
            with self._pushed(self._frames, Frame()) as part:
                self.visit(element)
            statement.absorb(part)
            parts.append(part)
        for element, part in zip(target.elts, parts, strict=True):
            with self._pushed(self._targets, part):
                self.visit(element)
        return True

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        target = node.target
        self._accumulate(target)
        if isinstance(target, ast.Name):
            where = self.loc.node_range(target)
            self.read(target.id, where)
            self.store(target.id, where)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            if not self._read_chain(target):
                self.visit(target.value)
            self._mutate(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._visit_annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)
            self.visit(node.target)
        elif not isinstance(node.target, ast.Name):
            self._visit_dynamic_parts(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        with self._pushed(self._frames, Frame()) as part:
            self.visit(node.value)
        if (outer := self._frame()) is not None:
            outer.absorb(part)
        elif self._frames:
            self._frames[-1].absorb(part)
        comprehensions = 0
        while self._scopes[-1 - comprehensions].kind == "comprehension":
            comprehensions += 1
        hidden = self._scopes[len(self._scopes) - comprehensions :]
        del self._scopes[len(self._scopes) - comprehensions :]
        with self._pushed(self._targets, part):
            self.store(node.target.id, self.loc.node_range(node.target))
        self._scopes.extend(hidden)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, (ast.Attribute, ast.Subscript)):
                self._mutate(target)
            else:
                self.visit(target)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            module = alias.name if alias.asname else alias.name.split(".")[0]
            self._identity = f"import {module}"
            self.store(name, self.loc.name_range(name, alias))
        self._identity = None

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.opaque = True
                continue
            name = alias.asname or alias.name
            self._identity = f"from {'.' * node.level}{node.module} import {alias.name}"
            self.store(name, self.loc.name_range(name, alias))
        self._identity = None

    def visit_Global(self, node: ast.Global) -> None:
        self._scopes[-1].declared_global.update(node.names)

    def visit_Constant(self, node: ast.Constant) -> None:
        return  # strings in annotations and docstrings are not code


def _handler_table() -> dict[type[ast.AST], Callable[[Any, Any], None]]:
    """Map every AST node class to its ``visit_*`` method (or ``generic_visit``)."""
    table: dict[type[ast.AST], Callable[[Any, Any], None]] = {}
    for name in dir(ast):
        cls = getattr(ast, name)
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            table[cls] = getattr(
                DefUseVisitor, f"visit_{name}", DefUseVisitor.generic_visit
            )
    return table


DefUseVisitor._handlers = _handler_table()

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
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import ipython, scopes
from .bindings import CellFlow, Frame
from .facts import NameUse
from .model import Range
from .paths import static_path
from .scopes import Scope, Sink
from .syntax import Locator

#: Methods that change their receiver in place (lists, dicts, sets, estimators...).
MUTATING_METHODS = frozenset(
    {
        "add", "append", "appendleft", "clear", "discard", "extend", "extendleft",
        "insert", "pop", "popitem", "popleft", "remove", "reverse", "rotate",
        "setdefault", "sort", "update", "difference_update",
        "intersection_update", "symmetric_difference_update",
        "fit", "fit_transform", "partial_fit", "set_params",
        "fill", "resize", "itemset", "setflags", "put",
        "seek", "write", "writelines", "truncate",
        "__setitem__", "__delitem__", "__iadd__",
    }
)  # fmt: skip
#: Mutating methods whose result carries the receiver's contents (a read too).
RETURNING_METHODS = frozenset(
    {"pop", "popitem", "popleft", "setdefault", "fit_transform"}
)
#: Methods that grow their receiver, so running the call twice differs from once.
ACCUMULATING_METHODS = frozenset(
    {"append", "appendleft", "extend", "extendleft", "insert", "add"}
)
#: Functions that change their first argument in place.
MUTATING_FUNCTIONS = frozenset(
    {"setattr", "delattr", "shuffle", "heappush", "heappop", "heapify",
     "heappushpop", "heapreplace", "insort", "insort_left", "insort_right"}
)  # fmt: skip


#: What ``Class(...)`` runs.
_CONSTRUCTORS = ("__new__", "__init__", "__post_init__")


def _digest(node: ast.AST) -> str:
    """A short fingerprint of a definition's code, positions ignored."""
    return hashlib.blake2b(ast.dump(node).encode(), digest_size=8).hexdigest()


class DefUseVisitor(ast.NodeVisitor):
    """Walks one cell's AST and records its uses of names."""

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
        _HANDLERS.get(node.__class__, DefUseVisitor.generic_visit)(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        """Visit children, skipping ``ctx`` markers (they carry no names)."""
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

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

    # -- names -----------------------------------------------------------------

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
            self._read_chain(target) or self.visit(target.value)
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

    # -- compound statements -----------------------------------------------------

    def _header(self, *exprs: ast.expr | None) -> Frame:
        """Visit a compound statement's header; its reads control the body."""
        with self._pushed(self._frames, Frame()) as header:
            for expr in exprs:
                if expr is not None:
                    self.visit(expr)
        if (outer := self._frame()) is not None:
            outer.absorb(header)
        return header

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if not self._in_flow():
            self.generic_visit(node)
            return
        header = self._header(node.iter)  # the iterable is read before the target
        with self._pushed(self._control, header):
            with self._pushed(self._targets, Frame()):
                self.visit(node.target)
            self.statements(node.body)
            self.statements(node.orelse)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self._controlled(node.test, [node.body, node.orelse], node)

    def visit_If(self, node: ast.If) -> None:
        self._controlled(node.test, [node.body, node.orelse], node)

    def _controlled(
        self, test: ast.expr, blocks: list[list[ast.stmt]], node: ast.stmt
    ) -> None:
        if not self._in_flow():
            self.generic_visit(node)
            return
        header = self._header(test)
        with self._pushed(self._control, header):
            for block in blocks:
                self.statements(block)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        if not self._in_flow():
            self.generic_visit(node)
            return
        headers = []
        for item in node.items:
            header = self._header(item.context_expr)
            headers.append(header)
            if item.optional_vars is not None:
                with self._pushed(self._targets, header):
                    self.visit(item.optional_vars)
        control = Frame()
        for header in headers:
            control.absorb(header)
        with self._pushed(self._control, control):
            self.statements(node.body)

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try | ast.TryStar) -> None:
        if not self._in_flow():
            self.generic_visit(node)
            return
        self.statements(node.body)
        for handler in node.handlers:
            header = self._header(handler.type)
            if handler.name:
                with self._pushed(self._targets, header):
                    self.store(handler.name, self.loc.name_range(handler.name, handler))
            self.statements(handler.body)
        self.statements(node.orelse)
        self.statements(node.finalbody)

    visit_TryStar = visit_Try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.store(node.name, self.loc.name_range(node.name, node))
        for stmt in node.body:
            self.visit(stmt)

    def visit_Match(self, node: ast.Match) -> None:
        if not self._in_flow():
            self.generic_visit(node)
            return
        header = self._header(node.subject)
        with self._pushed(self._control, header):
            for case in node.cases:
                with self._pushed(self._targets, header):
                    self.visit(case.pattern)
                if case.guard is not None:
                    self._header(case.guard)
                self.statements(case.body)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self.store(node.name, self.loc.name_range(node.name, node))

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.store(node.name, self.loc.name_range(node.name, node))

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for key in node.keys:
            self.visit(key)
        for pattern in node.patterns:
            self.visit(pattern)
        if node.rest:
            self.store(node.rest, self.loc.name_range(node.rest, node))

    # -- calls -------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if ipython.visit_ipython_call(self, node):
            return
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        mutating = method in MUTATING_METHODS or any(
            k.arg == "inplace"
            and isinstance(k.value, ast.Constant)
            and k.value.value is True
            for k in node.keywords
        )
        if isinstance(func, ast.Attribute):
            self._method_call(func)
        if isinstance(func, ast.Attribute) and mutating and static_path(func.value):
            with self._pushed(self._frames, Frame()) as arguments:
                self._visit_arguments(node)
            if (outer := self._frame()) is not None:
                outer.absorb(arguments)
            if method in RETURNING_METHODS:
                self.visit(func.value)
            self._mutate(func.value, arguments)
            if method in ACCUMULATING_METHODS:
                self._accumulate(func.value)
            return
        if isinstance(func, ast.Name):
            self._call_name(func)
        elif isinstance(func, ast.Attribute):
            self.visit(func.value)  # a method may use all of its receiver
        else:
            self.visit(func)
        name = func.id if isinstance(func, ast.Name) else method
        if name in MUTATING_FUNCTIONS and node.args:
            with self._pushed(self._frames, Frame()) as arguments:
                for arg in node.args[1:]:
                    self.visit(arg)
                for keyword in node.keywords:
                    self.visit(keyword.value)
            if (outer := self._frame()) is not None:
                outer.absorb(arguments)
            self._mutate(node.args[0], arguments)
            return
        self._visit_arguments(node)

    def _method_call(self, func: ast.Attribute) -> None:
        """``obj.m(...)``: record ``obj.m`` to resolve against ``obj``'s class.

        At module level the receiver's class is known only when the history
        runs (``clf = Model()``); in a method, ``self.m()`` is ``Class.m``.
        """
        receiver = func.value
        if not isinstance(receiver, ast.Name):
            return
        where = self.loc.node_range(func)
        if len(self._sinks) == 1:
            self._sink.calls.append(NameUse(f"{receiver.id}.{func.attr}", where))
            if (frame := self._frame()) is not None:
                frame.calls.add(f"{receiver.id}.{func.attr}")
        elif receiver.id == "self" and self._method_of is not None:
            self._sink.calls.append(NameUse(f"{self._method_of}.{func.attr}", where))

    def _visit_arguments(self, node: ast.Call) -> None:
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def _call_name(self, func: ast.Name) -> None:
        """``f(...)``: depends on the binding of ``f``, and on what its body reads."""
        where = self.loc.node_range(func)
        if scopes.is_module_level(self._scopes, func.id):
            self._sink.calls.append(NameUse(func.id, where))
            frame = self._frame()
            if frame is not None:
                frame.calls.add(func.id)
        self.read(func.id, where, f"{func.id}()" if len(self._sinks) == 1 else "")

    # -- definitions and scopes ------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name):
                self._call_name(decorator)
            else:
                self.visit(decorator)
        self._visit_signature(node.args)
        if node.returns is not None:
            self._visit_annotation(node.returns)
        self._identity = _digest(node)
        self.store(node.name, self.loc.name_range(node.name, node))
        self._identity = None
        self._visit_body(node.name, node.args, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_lambda(node, owner=None)

    def _visit_lambda(self, node: ast.Lambda, owner: str | None) -> None:
        self._visit_signature(node.args)
        if owner is None:  # called while the statement runs: reads are immediate
            self._scopes.append(Scope("function", bound=scopes.parameters(node.args)))
            self.visit(node.body)
            self._scopes.pop()
        else:
            self._visit_body(owner, node.args, [ast.Expr(node.body)])

    def _visit_body(
        self, owner: str, args: ast.arguments, body: list[ast.stmt]
    ) -> None:
        declared = set(scopes.declared_globals(body))
        scope = Scope(
            "function",
            bound=(scopes.parameters(args) | set(scopes.local_stores(body))) - declared,
            declared_global=declared,
        )
        method_of = self._class_owner if len(self._sinks) == 1 else self._method_of
        self._sinks.append(self._function_sink(owner))
        self._scopes.append(scope)
        outer_owner, self._class_owner = self._class_owner, None
        outer_method, self._method_of = self._method_of, method_of
        for stmt in body:
            self.visit(stmt)
        self._method_of = outer_method
        self._class_owner = outer_owner
        self._scopes.pop()
        self._sinks.pop()

    def _function_sink(self, name: str) -> Sink:
        """The sink for a deferred body: a new one for a top-level def."""
        if len(self._sinks) > 1:
            return self._sink  # nested: charged to the outermost function
        # A method is its own entry, ``Class.method``: instantiating runs
        # ``__init__`` only, and ``obj.m()`` runs ``m`` (see :mod:`.timeline`).
        owner = f"{self._class_owner}.{name}" if self._class_owner else name
        self.functions[owner] = Sink()
        return self.functions[owner]

    def _visit_signature(self, args: ast.arguments) -> None:
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.visit(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.annotation is not None:
                self._visit_annotation(arg.annotation)

    def _visit_annotation(self, node: ast.expr) -> None:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            self.visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases]:
            self.visit(expr)
        for keyword in node.keywords:
            self.visit(keyword.value)
        top_level = len(self._sinks) == 1
        if top_level:
            where = self.loc.name_range(node.name, node)
            self.classes.add(node.name)
            self.functions[node.name] = Sink(
                calls=[NameUse(f"{node.name}.{m}", where) for m in _CONSTRUCTORS]
            )
        outer_owner = self._class_owner
        self._class_owner = node.name if top_level else outer_owner
        self._scopes.append(Scope("class"))
        for stmt in node.body:
            self.visit(stmt)
        self._scopes.pop()
        self._class_owner = outer_owner
        self._identity = _digest(node)
        self.store(node.name, self.loc.name_range(node.name, node))
        self._identity = None

    def _visit_comprehension(
        self, generators: list[ast.comprehension], elements: list[ast.expr]
    ) -> None:
        self.visit(generators[0].iter)
        self._scopes.append(Scope("comprehension"))
        for i, generator in enumerate(generators):
            if i:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for element in elements:
            self.visit(element)
        self._scopes.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._visit_comprehension(node.generators, [node.elt])

    visit_SetComp = visit_ListComp  # type: ignore[assignment]
    visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._visit_comprehension(node.generators, [node.key, node.value])


def _handler_table() -> dict[type[ast.AST], Callable[[DefUseVisitor, Any], None]]:
    """Map every AST node class to its ``visit_*`` method (or ``generic_visit``)."""
    table: dict[type[ast.AST], Callable[[DefUseVisitor, Any], None]] = {}
    for name in dir(ast):
        cls = getattr(ast, name)
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            table[cls] = getattr(
                DefUseVisitor, f"visit_{name}", DefUseVisitor.generic_visit
            )
    return table


_HANDLERS = _handler_table()

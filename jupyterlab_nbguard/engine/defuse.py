"""Per-cell def/use analysis: which names a cell reads, defines, mutates, deletes.

A scoped ``ast.NodeVisitor`` after marimo's ``ScopedVisitor`` and pyflakes'
binding rules. Module-level code runs when the cell runs, so its reads of names
it has not bound yet are the cell's reads. Function bodies run when called, so
what they read, write and mutate among globals is kept per function
(:class:`~.facts.FunctionFacts`) and charged to the cells that call it.
IPython's magics are read as IPython executes them (see :mod:`.syntax`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .facts import CellFacts, FunctionFacts, NameUse
from .model import Range
from .positions import LineIndex
from .syntax import Locator, ParseFailure, parse_code

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
#: Methods that grow their receiver, so running the call twice differs from once.
ACCUMULATING_METHODS = frozenset(
    {"append", "appendleft", "extend", "extendleft", "insert", "add"}
)
#: Functions that change their first argument in place.
MUTATING_FUNCTIONS = frozenset(
    {"setattr", "delattr", "shuffle", "heappush", "heappop", "heapify",
     "heappushpop", "heapreplace", "insort", "insort_left", "insort_right"}
)  # fmt: skip
#: Magics whose argument is Python run in the user namespace, defining names.
_DEFINING_MAGICS = frozenset({"time", "prun", "capture"})
#: Magics whose argument is Python run in a private namespace (reads only).
_READING_MAGICS = frozenset({"timeit"})
_TIMEIT_OPTIONS = re.compile(r"^\s*(?:-[nrp]\s*\S+\s+|-[tcqo]\s+)*")
_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\}")


@dataclass
class _Sink:
    """Collects uses for the cell, or for one function's deferred body."""

    reads: list[NameUse] = field(default_factory=list)
    defines: list[NameUse] = field(default_factory=list)
    mutates: list[NameUse] = field(default_factory=list)
    deletes: list[NameUse] = field(default_factory=list)
    calls: list[NameUse] = field(default_factory=list)
    accumulates: list[NameUse] = field(default_factory=list)
    writes: set[str] = field(default_factory=set)


@dataclass
class _Scope:
    kind: str  # "module" | "function" | "class" | "comprehension"
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)


class DefUseVisitor(ast.NodeVisitor):
    """Walks one cell's AST and records its uses of names."""

    def __init__(self, locator: Locator) -> None:
        self._locators = [locator]
        self._scopes = [_Scope("module")]
        self._cell = _Sink()
        self._sinks = [self._cell]
        self._functions: dict[str, _Sink] = {}
        self._class_owner: str | None = None
        self.opaque = False
        self.syntax_error: tuple[str, Range] | None = None

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

    # -- results ---------------------------------------------------------------

    def facts(self) -> CellFacts:
        """Return everything recorded, as immutable facts."""
        cell = self._cell
        return CellFacts(
            reads=tuple(cell.reads),
            defines=tuple(cell.defines),
            mutates=tuple(cell.mutates),
            deletes=tuple(cell.deletes),
            calls=tuple(cell.calls),
            accumulates=tuple(cell.accumulates),
            functions={
                name: FunctionFacts(
                    name=name,
                    reads=tuple(sink.reads),
                    writes=frozenset(sink.writes),
                    mutates=frozenset(u.name for u in sink.mutates),
                    calls=frozenset(u.name for u in sink.calls),
                )
                for name, sink in self._functions.items()
            },
            opaque=self.opaque,
            syntax_error=self.syntax_error,
        )

    # -- helpers ---------------------------------------------------------------

    @property
    def _loc(self) -> Locator:
        return self._locators[-1]

    @property
    def _sink(self) -> _Sink:
        return self._sinks[-1]

    def _is_global(self, name: str) -> bool:
        """Whether ``name`` here refers to a global not yet bound by this cell."""
        innermost = self._scopes[-1]
        for scope in reversed(self._scopes):
            if scope.kind == "class" and scope is not innermost:
                continue  # class bodies are invisible to nested scopes
            if name in scope.declared_global:
                return True
            if name in scope.bound:
                return False
            if scope.kind == "module":
                return True
        return True

    def _is_module_level(self, name: str) -> bool:
        """Whether ``name`` here resolves to the notebook's global namespace."""
        innermost = self._scopes[-1]
        for scope in reversed(self._scopes):
            if scope.kind == "class" and scope is not innermost:
                continue
            if name in scope.declared_global or scope.kind == "module":
                return True
            if name in scope.bound:
                return False
        return True

    def _use(self, name: str, where: Range) -> NameUse:
        return NameUse(name, where)

    def _read(self, name: str, where: Range) -> None:
        if self._is_global(name):
            self._sink.reads.append(self._use(name, where))

    def _store(self, name: str, where: Range) -> None:
        scope = self._scopes[-1]
        if scope.kind == "comprehension":
            scope.bound.add(name)
        elif scope.kind == "module":
            scope.bound.add(name)
            self._cell.defines.append(self._use(name, where))
        elif name in scope.declared_global:
            self._sink.writes.add(name)
            if len(self._sinks) == 1:
                self._cell.defines.append(self._use(name, where))
        else:
            scope.bound.add(name)

    def _delete(self, name: str, where: Range) -> None:
        scope = self._scopes[-1]
        if scope.kind == "module":
            scope.bound.discard(name)
            self._cell.deletes.append(self._use(name, where))
        elif name in scope.declared_global:
            self._sink.writes.add(name)

    def _mutate(self, node: ast.expr | None) -> None:
        root = _root_name(node)
        if root is not None and (
            self._is_global(root.id) or self._scopes[-1].kind == "module"
        ):
            self._sink.mutates.append(self._use(root.id, self._loc.node_range(root)))

    def _accumulate(self, node: ast.expr | None) -> None:
        """Record that the cell grows a global from its own previous value."""
        root = _root_name(node)
        if root is not None and len(self._sinks) == 1 and self._is_global(root.id):
            self._cell.accumulates.append(
                self._use(root.id, self._loc.node_range(root))
            )

    def _function_sink(self, name: str) -> _Sink:
        """The sink for a deferred body: a new one for a top-level def."""
        if len(self._sinks) > 1:
            return self._sink  # nested: charged to the outermost function
        owner = self._class_owner or name
        if self._class_owner is None or owner not in self._functions:
            self._functions[owner] = _Sink()
        return self._functions[owner]

    # -- names -----------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        where = self._loc.node_range(node)
        if isinstance(node.ctx, ast.Load):
            self._read(node.id, where)
        elif isinstance(node.ctx, ast.Store):
            self._store(node.id, where)
        else:
            self._delete(node.id, where)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._mutate(node.value)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._mutate(node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        target = node.target
        self._accumulate(target)
        if isinstance(target, ast.Name):
            where = self._loc.node_range(target)
            self._read(target.id, where)
            self._store(target.id, where)
        else:
            self.visit(target)

    def visit_Assign(self, node: ast.Assign) -> None:
        if (
            isinstance(node.value, ast.Lambda)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            self._visit_lambda(node.value, owner=node.targets[0].id)
        else:
            self.visit(node.value)
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.BinOp)
            and isinstance(node.value.left, ast.Name)
            and node.value.left.id == node.targets[0].id
        ):
            self._accumulate(node.value.left)
        for target in node.targets:
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._visit_annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)
            self.visit(node.target)
        elif not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        comprehensions = 0
        while self._scopes[-1 - comprehensions].kind == "comprehension":
            comprehensions += 1
        hidden = self._scopes[len(self._scopes) - comprehensions :]
        del self._scopes[len(self._scopes) - comprehensions :]
        self._store(node.target.id, self._loc.node_range(node.target))
        self._scopes.extend(hidden)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            self._store(name, self._loc.name_range(name, alias))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.opaque = True
                continue
            name = alias.asname or alias.name
            self._store(name, self._loc.name_range(name, alias))

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._store(node.name, self._loc.name_range(node.name, node))
        for stmt in node.body:
            self.visit(stmt)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self._store(node.name, self._loc.name_range(node.name, node))

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._store(node.name, self._loc.name_range(node.name, node))

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for key in node.keys:
            self.visit(key)
        for pattern in node.patterns:
            self.visit(pattern)
        if node.rest:
            self._store(node.rest, self._loc.name_range(node.rest, node))

    def visit_Global(self, node: ast.Global) -> None:
        self._scopes[-1].declared_global.update(node.names)

    def visit_Constant(self, node: ast.Constant) -> None:
        return  # strings in annotations and docstrings are not code

    # -- calls and magics ------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if self._visit_ipython_call(node):
            return
        func = node.func
        if isinstance(func, ast.Name) and self._is_module_level(func.id):
            self._sink.calls.append(self._use(func.id, self._loc.node_range(func)))
        if isinstance(func, ast.Attribute):
            if func.attr in MUTATING_METHODS or any(
                k.arg == "inplace"
                and isinstance(k.value, ast.Constant)
                and k.value.value is True
                for k in node.keywords
            ):
                self._mutate(func.value)
            if func.attr in ACCUMULATING_METHODS:
                self._accumulate(func.value)
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in MUTATING_FUNCTIONS and node.args:
            self._mutate(node.args[0])
        self.generic_visit(node)

    def _visit_ipython_call(self, node: ast.Call) -> bool:
        """Handle ``get_ipython().<method>(...)`` the way IPython would run it."""
        func = node.func
        if not (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "get_ipython"
        ):
            return False
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if not all(isinstance(a, str) for a in args):
            return False
        strings = [str(a) for a in args]
        line = node.lineno - 1
        if func.attr == "run_line_magic" and len(strings) == 2:
            self._line_magic(strings[0], strings[1], line)
        elif func.attr == "run_cell_magic" and len(strings) == 3:
            self._cell_magic(strings[0], strings[1], line)
        elif func.attr in {"system", "getoutput"} and strings:
            for match in _SHELL_VARIABLE.finditer(strings[0]):
                name = match.group(1) or match.group(2)
                self._read(name, self._loc.name_range(name, node))
        return True

    def _line_magic(self, magic: str, argument: str, line: int) -> None:
        if magic in _DEFINING_MAGICS:
            self._embedded(argument, line, private=False)
        elif magic in _READING_MAGICS:
            self._embedded(_TIMEIT_OPTIONS.sub("", argument), line, private=True)
        elif magic == "run":
            self.opaque = True
        elif magic == "store" and argument.split()[:1] == ["-r"]:
            for name in argument.split()[1:]:
                if name.isidentifier():
                    self._store(name, self._loc.name_range(name, ast.Pass()))

    def _cell_magic(self, magic: str, arguments: str, line: int) -> None:
        loc = self._loc
        first = line + loc.line_offset
        if magic == "capture" and arguments.split():
            name = arguments.split()[-1]
            if name.isidentifier():
                text = loc.index.line(first)
                start = text.rfind(name)
                self._store(
                    name, loc.index.range(first, start, first, start + len(name))
                )
        if magic not in _DEFINING_MAGICS | _READING_MAGICS:
            return  # %%bash, %%html, %%writefile...: the body is not Python
        body = "\n".join(loc.index.lines[first + 1 :])
        self._visit_parsed(
            parse_code(body, loc.index, first + 1, 0), private=magic in _READING_MAGICS
        )

    def _embedded(self, code: str, line: int, *, private: bool) -> None:
        if not code.strip():
            return
        loc = self._loc
        original = loc.original_line(line)
        col = original.find(code.strip())
        if col < 0:
            col = 0
        parsed = parse_code(code.strip(), loc.index, line + loc.line_offset, col)
        self._visit_parsed(parsed, private=private)

    def _visit_parsed(self, parsed: object, *, private: bool) -> None:
        if isinstance(parsed, ParseFailure):
            self.syntax_error = self.syntax_error or (parsed.message, parsed.range)
            return
        assert hasattr(parsed, "tree") and hasattr(parsed, "locator")
        self._locators.append(parsed.locator)
        if private:
            self._scopes.append(_Scope("comprehension"))
        for stmt in parsed.tree.body:
            self.visit(stmt)
        if private:
            self._scopes.pop()
        self._locators.pop()

    # -- definitions and scopes ------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
            if isinstance(decorator, ast.Name) and self._is_module_level(decorator.id):
                self._sink.calls.append(
                    self._use(decorator.id, self._loc.node_range(decorator))
                )
        self._visit_signature(node.args)
        if node.returns is not None:
            self._visit_annotation(node.returns)
        self._store(node.name, self._loc.name_range(node.name, node))
        self._visit_body(node.name, node.args, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_lambda(node, owner=None)

    def _visit_lambda(self, node: ast.Lambda, owner: str | None) -> None:
        self._visit_signature(node.args)
        if owner is None:  # called while the statement runs: reads are immediate
            self._scopes.append(_Scope("function", bound=_parameters(node.args)))
            self.visit(node.body)
            self._scopes.pop()
        else:
            self._visit_body(owner, node.args, [ast.Expr(node.body)])

    def _visit_body(
        self, owner: str, args: ast.arguments, body: list[ast.stmt]
    ) -> None:
        declared = set(_declared_globals(body))
        scope = _Scope(
            "function",
            bound=(_parameters(args) | set(_local_stores(body))) - declared,
            declared_global=declared,
        )
        self._sinks.append(self._function_sink(owner))
        self._scopes.append(scope)
        outer_owner, self._class_owner = self._class_owner, None
        for stmt in body:
            self.visit(stmt)
        self._class_owner = outer_owner
        self._scopes.pop()
        self._sinks.pop()

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
            self._functions[node.name] = _Sink()
        outer_owner = self._class_owner
        self._class_owner = node.name if top_level else outer_owner
        self._scopes.append(_Scope("class"))
        for stmt in node.body:
            self.visit(stmt)
        self._scopes.pop()
        self._class_owner = outer_owner
        self._store(node.name, self._loc.name_range(node.name, node))

    def _visit_comprehension(
        self, generators: list[ast.comprehension], elements: Iterable[ast.expr]
    ) -> None:
        self.visit(generators[0].iter)
        self._scopes.append(_Scope("comprehension"))
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

    def visit_SetComp(self, node: ast.SetComp) -> None:
        self._visit_comprehension(node.generators, [node.elt])

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self._visit_comprehension(node.generators, [node.elt])

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


def _root_name(node: ast.expr | None) -> ast.Name | None:
    """The variable at the root of ``a.b[c].d`` (``a``), if there is one."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node if isinstance(node, ast.Name) else None


def _parameters(args: ast.arguments) -> set[str]:
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested scopes."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _NESTED_SCOPES):
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)


def _local_stores(body: list[ast.stmt]) -> Iterator[str]:
    """Names a function body binds, which Python makes local to it."""
    for node in _own_nodes(body):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            yield node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.alias):
            yield node.asname or node.name.split(".")[0]
        elif (
            isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar))
            and node.name
        ):
            yield node.name


def _declared_globals(body: list[ast.stmt]) -> Iterator[str]:
    for node in _own_nodes(body):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            yield from node.names


def analyse(source: str) -> CellFacts:
    """Return the def/use facts of one cell's source; never raises."""
    index = LineIndex(source)
    parsed = parse_code(source, index)
    if isinstance(parsed, ParseFailure):
        return CellFacts(syntax_error=(parsed.message, parsed.range))
    visitor = DefUseVisitor(parsed.locator)
    try:
        for stmt in parsed.tree.body:
            visitor.visit(stmt)
    except RecursionError:
        # Valid but nested deeper than the interpreter's recursion limit allows
        # a recursive walk: say so rather than guess at partial facts.
        return CellFacts(
            syntax_error=(
                "RecursionError: too deeply nested for nbguard to analyse",
                index.whole_line(0),
            )
        )
    return visitor.facts()

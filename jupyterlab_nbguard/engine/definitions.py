"""Definitions: ``def`` and ``class`` bind at once and run their bodies later.

A function's binding depends on its decorators and default values (read when
it is defined); its body's reads of globals are kept per function and charged
to the cells that call it. A class body runs at definition time; each method is
its own entry, ``Class.method``.
"""

from __future__ import annotations

import ast
import hashlib

from . import scopes
from .facts import NameUse
from .scopes import Scope, Sink
from .walker import Walker

#: What ``Class(...)`` runs.
_CONSTRUCTORS = ("__new__", "__init__", "__post_init__")


def _digest(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: tuple[str, ...]
) -> str:
    """A short fingerprint of a definition's text, decorators included.

    The text, not the tree: hashing the lines is far cheaper than
    ``ast.dump``, and a definition whose text differs only in a comment
    counts as changed, which errs towards warning.
    """
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    text = "\n".join(lines[first : node.end_lineno or node.lineno])
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class Definitions(Walker):
    """Handlers for functions, lambdas, classes and comprehensions."""

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name):
                self._call_name(decorator)
            else:
                self.visit(decorator)
        self._visit_signature(node.args)
        if node.returns is not None:
            self._visit_annotation(node.returns)
        self._identity = _digest(node, self.loc.text_lines)
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
        self._identity = _digest(node, self.loc.text_lines)
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

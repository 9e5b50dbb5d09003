"""Python's scoping rules, as far as a cell's names need them (after pyflakes)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from .facts import NameUse


@dataclass
class Sink:
    """Collects uses for the cell, or for one function's deferred body."""

    reads: list[NameUse] = field(default_factory=list)
    defines: list[NameUse] = field(default_factory=list)
    mutates: list[NameUse] = field(default_factory=list)
    requires: list[NameUse] = field(default_factory=list)
    deletes: list[NameUse] = field(default_factory=list)
    calls: list[NameUse] = field(default_factory=list)
    accumulates: list[NameUse] = field(default_factory=list)
    writes: set[str] = field(default_factory=set)


@dataclass
class Scope:
    """One block of name resolution: module, function, class or comprehension."""

    kind: str  # "module" | "function" | "class" | "comprehension"
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)


def is_global(stack: list[Scope], name: str) -> bool:
    """Whether ``name`` here refers to a global not yet bound by this cell."""
    innermost = stack[-1]
    for scope in reversed(stack):
        if scope.kind == "class" and scope is not innermost:
            continue  # class bodies are invisible to nested scopes
        if name in scope.declared_global:
            return True
        if name in scope.bound:
            return False
        if scope.kind == "module":
            return True
    return True


def is_module_level(stack: list[Scope], name: str) -> bool:
    """Whether ``name`` here resolves to the notebook's global namespace."""
    innermost = stack[-1]
    for scope in reversed(stack):
        if scope.kind == "class" and scope is not innermost:
            continue
        if name in scope.declared_global or scope.kind == "module":
            return True
        if name in scope.bound:
            return False
    return True


def parameters(args: ast.arguments) -> set[str]:
    """The names a function's parameters bind."""
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


def local_stores(body: list[ast.stmt]) -> Iterator[str]:
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


def declared_globals(body: list[ast.stmt]) -> Iterator[str]:
    """Names a function body declares ``global`` or ``nonlocal``."""
    for node in _own_nodes(body):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            yield from node.names

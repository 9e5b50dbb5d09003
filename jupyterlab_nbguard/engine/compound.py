"""Compound statements: their header reads control every binding in their body.

``for x in xs:`` reads ``xs`` before it binds ``x``; whatever the body binds
also depends on ``xs`` (it decides how often, and whether, the body runs).
"""

from __future__ import annotations

import ast

from .bindings import Frame
from .walker import Walker


class CompoundStatements(Walker):
    """Handlers for ``for``, ``while``, ``if``, ``with``, ``try`` and ``match``."""

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

    def visit_Try(self, node: ast.Try) -> None:
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

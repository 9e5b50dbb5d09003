"""Calls: mutating methods change their receiver, ``obj.m()`` runs ``m``.

``lst.append(v)`` and ``df.dropna(inplace=True)`` change ``lst``/``df`` in
place (a mutation, not a read); ``x = lst.pop()`` also reads it. A call of a
name, ``f(x)``, depends on the binding of ``f`` and on what its body reads
(resolved against the history, see :mod:`.timeline`).
"""

from __future__ import annotations

import ast

from . import ipython
from .bindings import Frame
from .facts import NameUse
from .paths import static_path
from .walker import Walker

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


class CallSites(Walker):
    """Handlers for calls."""

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

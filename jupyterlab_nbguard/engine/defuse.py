"""Per-cell def/use analysis: which names a cell reads, binds, mutates, deletes.

The walk itself is :class:`~.visitor.DefUseVisitor`; IPython syntax is read by
:mod:`.ipython`; what each binding depends on is tracked by :mod:`.bindings`.
This module is the front door: source in, immutable :class:`~.facts.CellFacts`
out, never an exception.
"""

from __future__ import annotations

import ast
import re

from .callsites import MUTATING_METHODS, RETURNING_METHODS
from .facts import Binding, CellFacts, Change, FunctionFacts
from .ipython import is_ipython_call
from .positions import LineIndex
from .syntax import ParseFailure, parse_code
from .visitor import DefUseVisitor

#: Longest source analysed, in characters: a longer cell gets NBG002 and is
#: treated as binding names nobody can list, so one cell's work stays bounded.
MAX_CELL_CHARS = 200_000
#: A lone UTF-16 surrogate: valid in JSON and in kernel messages, not in UTF-8.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Calls whose value is None: a cell ending in one shows no ``Out[n]``.
_SILENT_CALLS = frozenset({"print", "display", "show", "info", "pprint", "plot"})


def _displays(tree: ast.Module, source: str) -> bool:
    """Whether IPython shows (and records as ``_``/``Out[n]``) the cell's value."""
    if not tree.body or source.rstrip().endswith(";"):
        return False
    last = tree.body[-1]
    if not isinstance(last, ast.Expr):
        return False
    value = last.value
    if isinstance(value, ast.Call):
        if is_ipython_call(value):
            return False
        func = value.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        in_place = name in MUTATING_METHODS and name not in RETURNING_METHODS
        return name not in _SILENT_CALLS and not (in_place and name != "fit")
    return True


def _facts(visitor: DefUseVisitor, displays: bool) -> CellFacts:
    cell = visitor.cell
    shown = None
    if displays and visitor.last_frame is not None:
        frame = visitor.last_frame
        shown = Binding(
            "_", "_", Change.BIND, frozenset(frame.deps), frozenset(frame.calls)
        )
    return CellFacts(
        reads=tuple(cell.reads),
        defines=tuple(cell.defines),
        mutates=tuple(cell.mutates),
        requires=tuple(cell.requires),
        deletes=tuple(cell.deletes),
        calls=tuple(cell.calls),
        accumulates=tuple(cell.accumulates),
        bindings=visitor.flow.bindings(),
        call_sites=tuple(visitor.flow.call_sites),
        functions={
            name: FunctionFacts(
                name=name,
                reads=tuple(sink.reads),
                writes=frozenset(sink.writes),
                mutates=frozenset(u.name for u in sink.mutates),
                calls=frozenset(u.name for u in sink.calls),
                is_class=name in visitor.classes,
            )
            for name, sink in visitor.functions.items()
        },
        displays=shown,
        opaque=visitor.opaque,
        syntax_error=visitor.syntax_error,
    )


def analyse(source: str) -> CellFacts:
    """Return the def/use facts of one cell's source; never raises."""
    if len(source) > MAX_CELL_CHARS:
        return CellFacts(opaque=True, too_large=len(source))
    if not source.isascii():
        # The parser and the UTF-16 position maths reject lone surrogates; U+FFFD
        # is one character and one UTF-16 unit too, so every position holds.
        source = _LONE_SURROGATE.sub("\ufffd", source)
    index = LineIndex(source)
    parsed = parse_code(source, index)
    if isinstance(parsed, ParseFailure):
        return CellFacts(syntax_error=(parsed.message, parsed.range))
    visitor = DefUseVisitor(parsed.locator)
    try:
        visitor.statements(parsed.tree.body)
    except RecursionError:
        # Valid but nested deeper than the interpreter's recursion limit allows
        # a recursive walk: say so rather than guess at partial facts.
        return CellFacts(
            syntax_error=(
                "RecursionError: too deeply nested for nbguard to analyse",
                index.whole_line(0),
            )
        )
    return _facts(visitor, _displays(parsed.tree, source))

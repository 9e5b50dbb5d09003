"""IPython syntax as IPython executes it: magics, shell escapes, output history.

IPython's input transformer turns ``%time y = f(x)`` into
``get_ipython().run_line_magic('time', 'y = f(x)')``; this mixin reads such
calls back: the argument of ``%time``/``%prun``/``%capture`` is code run in the
user namespace (it binds names), ``%timeit``'s runs privately (reads only),
``%%bash`` and friends are not Python, ``!cmd $x`` reads ``x``. Whatever line
the magic is on, the rest of the cell is analysed as usual.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from .syntax import ParseFailure, parse_code

if TYPE_CHECKING:
    from .walker import Walker

#: Magics whose argument is Python run in the user namespace, defining names.
DEFINING_MAGICS = frozenset({"time", "prun", "capture"})
#: Magics whose argument is Python run in a private namespace (reads only).
READING_MAGICS = frozenset({"timeit"})
_TIMEIT_OPTIONS = re.compile(r"^\s*(?:-[nrp]\s*\S+\s+|-[tcqo]\s+)*")
_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\}")


def is_ipython_call(node: ast.Call) -> bool:
    """Whether ``node`` is ``get_ipython().<method>(...)``."""
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
    )


def visit_ipython_call(visitor: Walker, node: ast.Call) -> bool:
    """Handle ``get_ipython().<method>(...)`` the way IPython would run it."""
    if not is_ipython_call(node):
        return False
    assert isinstance(node.func, ast.Attribute)
    method = node.func.attr
    args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
    if not all(isinstance(a, str) for a in args):
        return False
    strings = [str(a) for a in args]
    line = node.lineno - 1
    if method == "run_line_magic" and len(strings) == 2:
        _line_magic(visitor, strings[0], strings[1], line)
    elif method == "run_cell_magic" and len(strings) == 3:
        _cell_magic(visitor, strings[0], strings[1], line)
    elif method in {"system", "getoutput"} and strings:
        for match in _SHELL_VARIABLE.finditer(strings[0]):
            name = match.group(1) or match.group(2)
            visitor.read(name, visitor.loc.name_range(name, node))
    return True


def _line_magic(visitor: Walker, magic: str, argument: str, line: int) -> None:
    if magic in DEFINING_MAGICS:
        _embedded(visitor, argument, line, private=False)
    elif magic in READING_MAGICS:
        _embedded(visitor, _TIMEIT_OPTIONS.sub("", argument), line, private=True)
    elif magic == "run":
        visitor.opaque = True
    elif magic == "store" and argument.split()[:1] == ["-r"]:
        for name in argument.split()[1:]:
            if name.isidentifier():
                visitor.store(name, visitor.loc.name_range(name, ast.Pass()))


def _cell_magic(visitor: Walker, magic: str, arguments: str, line: int) -> None:
    loc = visitor.loc
    first = line + loc.line_offset
    if magic == "capture" and arguments.split():
        name = arguments.split()[-1]
        if name.isidentifier():
            text = loc.index.line(first)
            start = text.rfind(name)
            visitor.store(name, loc.index.range(first, start, first, start + len(name)))
    if magic not in DEFINING_MAGICS | READING_MAGICS:
        return  # %%bash, %%html, %%writefile...: the body is not Python
    body = "\n".join(loc.index.lines[first + 1 :])
    _visit_parsed(
        visitor,
        parse_code(body, loc.index, first + 1, 0),
        private=magic in READING_MAGICS,
    )


def _embedded(visitor: Walker, code: str, line: int, *, private: bool) -> None:
    if not code.strip():
        return
    loc = visitor.loc
    col = max(loc.original_line(line).find(code.strip()), 0)
    parsed = parse_code(code.strip(), loc.index, line + loc.line_offset, col)
    _visit_parsed(visitor, parsed, private=private)


def _visit_parsed(visitor: Walker, parsed: object, *, private: bool) -> None:
    if isinstance(parsed, ParseFailure):
        visitor.syntax_error = visitor.syntax_error or (parsed.message, parsed.range)
        return
    assert hasattr(parsed, "tree") and hasattr(parsed, "locator")
    visitor.embedded(parsed.tree.body, parsed.locator, private=private)

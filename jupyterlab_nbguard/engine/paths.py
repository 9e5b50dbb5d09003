"""Static paths under a name: ``run.cfg.lr``, ``d['k']``, ``rows[0]``.

Dataflow is tracked per path where the path is written in the source with
literal keys and attribute names, so that storing ``d['b']`` does not change a
value computed from ``d['a']``, and setting ``Model.default`` does not change
``run.lr``. Where part of a path is computed (``d[k]``), the static prefix in
front of it stands for the whole (``d``): nbguard errs towards the larger object.
"""

from __future__ import annotations

import ast
import re

_ROOT = re.compile(r"[.\[(]")


def root_of(path: str) -> str:
    """The variable a path starts from (``d`` for ``d['k'].x``)."""
    match = _ROOT.search(path)
    return path[: match.start()] if match else path


def overlaps(a: str, b: str) -> bool:
    """Whether a change of one path can change the value at the other.

    True when they are equal or one lies under the other: ``d`` and ``d['k']``
    overlap, ``d['a']`` and ``d['b']`` do not.
    """
    if a == b:
        return True
    if a.endswith("()") or b.endswith("()"):
        # A call depends on the callee's binding, not on its attributes:
        # ``Model.default = 2`` leaves ``m = Model()`` as it was.
        call, other = (a, b) if a.endswith("()") else (b, a)
        return other == call[:-2]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and long[len(short)] in ".["


def _key(node: ast.expr) -> str | None:
    """The literal text of a subscript key, if it is a constant."""
    if isinstance(node, ast.Constant) and isinstance(
        node.value, (str, int, bool, bytes)
    ):
        return repr(node.value)
    return None


def static_path(node: ast.expr) -> tuple[ast.Name, str] | None:
    """The root variable of ``a.b['k'][i]`` and its longest static path.

    Returns ``None`` when the expression does not start from a variable
    (``f().x``). ``a.b['k'][i]`` gives ``(a, "a.b['k']")``: the computed index
    ``i`` and what follows it are dropped.
    """
    parts: list[str | None] = []
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        if isinstance(node, ast.Attribute):
            parts.append("." + node.attr)
        elif isinstance(node, ast.Subscript):
            key = _key(node.slice)
            parts.append(None if key is None else f"[{key}]")
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    path = node.id
    for part in reversed(parts):
        if part is None:
            break
        path += part
    return node, path

"""IPython's transform of a cell, one escaped line at a time where that is safe.

IPython's ``TransformerManager`` tokenizes the whole cell, several times over,
to find the lines it must rewrite: about 2 ms for a 20-line cell with a single
``%time`` line, most of the first check of a large notebook. When every escape
in a cell is a whole line of its own (a line magic or shell escape at column 0,
not continued, standing as a top-level statement), transforming just those
lines with the very same transformer gives the same text. This module checks
that it is so and does it; anything else goes through the whole-cell path.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

#: A line that is entirely one escaped command: ``%time ...`` or ``!ls ...``.
_ESCAPED_LINE = re.compile(r"^[%!](?![%!])")
#: Other IPython syntax the line-by-line path does not handle.
_OTHER_SYNTAX = re.compile(r"^[ \t]+[%!?]|=\s*[%!]|\?\s*$", re.MULTILINE)


def transform_lines(text: str, transform: Callable[[str], str]) -> str | None:
    """``text`` with each escaped line transformed alone, or None if not safe."""
    if text.startswith("%%") or _OTHER_SYNTAX.search(text):
        return None
    lines = text.split("\n")
    escaped = [i for i, line in enumerate(lines) if _ESCAPED_LINE.match(line)]
    if not escaped:
        return None
    probe = list(lines)
    for i in escaped:
        if lines[i].endswith("\\") or (i and lines[i - 1].endswith("\\")):
            return None
        probe[i] = "pass"
    try:
        tree = ast.parse("\n".join(probe))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    standing = {
        node.lineno - 1 for node in tree.body if isinstance(node, ast.Pass)
    }  # top-level statements only: not inside a bracket, string or block
    if not standing.issuperset(escaped):
        return None
    out = list(lines)
    for i in escaped:
        python = transform(lines[i] + "\n").rstrip("\n")
        if "\n" in python:
            return None
        out[i] = python
    return "\n".join(out)

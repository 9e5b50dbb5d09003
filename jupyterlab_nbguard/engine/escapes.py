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


def transform_lines(
    text: str, transform: Callable[[str], str]
) -> tuple[str, ast.Module] | None:
    """``text`` with each escaped line transformed alone, and its tree; or None.

    The transformed text is parsed once, and that parse is the safety check: each
    escaped line must have become a top-level statement of its own (not part of
    a string, a bracket or a block). The tree is returned so the caller need not
    parse the text again.
    """
    if text.startswith("%%") or _OTHER_SYNTAX.search(text):
        return None
    lines = text.split("\n")
    escaped = [i for i, line in enumerate(lines) if _ESCAPED_LINE.match(line)]
    if not escaped:
        return None
    out = list(lines)
    for i in escaped:
        if lines[i].endswith("\\") or (i and lines[i - 1].endswith("\\")):
            return None
        python = transform(lines[i] + "\n").rstrip("\n")
        if "\n" in python:
            return None
        out[i] = python
    python = "\n".join(out)
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    standing = {
        node.lineno - 1
        for node in tree.body
        if isinstance(node, ast.Expr)
        and node.col_offset == 0
        and node.end_lineno == node.lineno
    }  # top-level statements only: not inside a bracket, string or block
    if not standing.issuperset(escaped):
        return None
    return python, tree

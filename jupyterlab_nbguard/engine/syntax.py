"""Parse a cell as IPython runs it, keeping a map back to the source the user sees.

Cells are Python plus IPython syntax (``%magic``, ``%%cell_magic``, ``!shell``,
``x = !ls``, ``obj?``). IPython's own ``TransformerManager`` turns them into plain
Python (``get_ipython().run_line_magic('time', 'y = f(x)')``), which ``ast`` can
read. A :class:`Locator` maps positions in that Python back to the cell source.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from .escapes import transform_lines
from .model import Position, Range
from .positions import LineIndex, utf8_to_char

_new = tuple.__new__

# Cheap test for "might contain IPython syntax": a line starting with % ! ?, an
# escape after `=`, or a trailing `?`. False positives only cost a transform.
_IPYTHON_HINT = re.compile(r"^\s*[%!?]|=\s*[%!]|\?\s*$", re.MULTILINE)


class _Transformer(Protocol):
    def transform_cell(self, cell: str) -> str: ...


@lru_cache(maxsize=1)
def _transformer() -> _Transformer:
    # Imported lazily: IPython pulls in traitlets, which the engine does not need
    # for plain Python cells.
    from IPython.core.inputtransformer2 import TransformerManager

    manager: _Transformer = TransformerManager()  # type: ignore[no-untyped-call]
    return manager


def to_python(text: str) -> str:
    """Return ``text`` as the Python IPython would execute (unchanged if plain)."""
    return _to_python(text)[0]


def _to_python(text: str) -> tuple[str, ast.Module | None]:
    """:func:`to_python`, with the parse tree when the fast path already made it."""
    if not _IPYTHON_HINT.search(text):
        return text, None
    try:
        transform = _transformer().transform_cell
        fast = transform_lines(text, transform)
        return fast if fast is not None else (transform(text), None)
    except Exception:  # IPython rejects some malformed input; ast will report it
        return text, None


def find_identifier(text: str, name: str, start: int = 0) -> int:
    """Index of ``name`` as a whole identifier (not an attribute) in ``text``, or -1.

    A plain scan rather than a regex: def, class and import names are mostly
    unique, so a compiled-pattern cache would only miss.
    """
    at = text.find(name, start)
    while at >= 0:
        before = text[at - 1] if at else " "
        end = at + len(name)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_.") and not (
            after.isalnum() or after == "_"
        ):
            return at
        at = text.find(name, at + 1)
    return -1


@dataclass(frozen=True)
class Locator:
    """Maps ``ast`` positions in parsed text back to ranges in the cell source.

    ``line_offset``/``col_offset`` place the parsed text inside the cell (code in
    a ``%time`` line starts mid-line; a ``%%time`` body starts on line 1). Lines in
    ``fuzzy_lines`` were rewritten by IPython, so names there are searched for in
    the original line instead of trusting the column.
    """

    text_lines: tuple[str, ...]
    index: LineIndex
    line_offset: int = 0
    col_offset: int = 0
    fuzzy_lines: frozenset[int] = frozenset()
    _plain: bool = field(init=False, repr=False, compare=False, default=False)

    def original_line(self, line: int) -> str:
        """Return the cell-source line that parsed line ``line`` came from."""
        return self.index.line(line + self.line_offset)

    def _char(self, line: int, byte_col: int) -> int:
        text = self.text_lines[line] if line < len(self.text_lines) else ""
        char = utf8_to_char(text, byte_col)
        return char + self.col_offset if line == 0 else char

    def __post_init__(self) -> None:
        # Plain ASCII Python parsed from line 0, column 0 (nearly every cell):
        # bytes, characters and UTF-16 units coincide, no mapping is needed.
        object.__setattr__(
            self,
            "_plain",
            not self.col_offset
            and not self.fuzzy_lines
            and all(self.index.ascii[self.line_offset :]),
        )

    def node_range(self, node: ast.expr | ast.stmt | ast.arg | ast.alias) -> Range:
        """The range of ``node`` in the cell source."""
        if self._plain:
            # The hot path (every name a cell reads): tuple.__new__ directly
            # skips the three Python-level NamedTuple constructors.
            offset = self.line_offset
            begin = _new(Position, (node.lineno - 1 + offset, node.col_offset))
            stop = _new(
                Position,
                (
                    (node.end_lineno or node.lineno) - 1 + offset,
                    node.end_col_offset or node.col_offset,
                ),
            )
            return _new(Range, (begin, stop))
        line = node.lineno - 1
        end_line = (node.end_lineno or node.lineno) - 1
        row = line + self.line_offset
        end_row = end_line + self.line_offset
        ascii_ = self.index.ascii
        if (
            not self.col_offset
            and line not in self.fuzzy_lines
            and end_line not in self.fuzzy_lines
            and row < len(ascii_)
            and end_row < len(ascii_)
            and ascii_[row]
            and ascii_[end_row]
        ):
            # Plain ASCII Python: bytes, characters and UTF-16 units coincide.
            return Range(
                Position(row, node.col_offset),
                Position(end_row, node.end_col_offset or node.col_offset),
            )
        if line in self.fuzzy_lines:
            if isinstance(node, ast.Name):
                return self.name_range(node.id, node)
            return self.index.whole_line(line + self.line_offset)
        start = self._char(line, node.col_offset)
        end = self._char(end_line, node.end_col_offset or node.col_offset)
        return self.index.range(
            line + self.line_offset, start, end_line + self.line_offset, end
        )

    def name_range(self, name: str, node: ast.AST) -> Range:
        """The range of identifier ``name`` at or after the start of ``node``."""
        line = getattr(node, "lineno", 1) - 1
        col = getattr(node, "col_offset", 0)
        original = self.original_line(line)
        start = 0 if line in self.fuzzy_lines else self._char(line, col)
        at = find_identifier(original, name, start)
        if at < 0:
            return self.index.whole_line(line + self.line_offset)
        row = line + self.line_offset
        return self.index.range(row, at, row, at + len(name))


@dataclass(frozen=True)
class Parsed:
    """A successfully parsed piece of cell code."""

    tree: ast.Module
    locator: Locator


@dataclass(frozen=True)
class ParseFailure:
    """Why a piece of cell code is not valid (I)Python, and where."""

    message: str
    range: Range


def parse_code(
    text: str, index: LineIndex, line_offset: int = 0, col_offset: int = 0
) -> Parsed | ParseFailure:
    """Parse ``text`` (all or part of a cell whose lines are ``index``)."""
    python, tree = _to_python(text)
    text_lines = tuple(python.split("\n"))
    fuzzy: frozenset[int] = frozenset()
    if python is not text:
        original = text.split("\n")
        fuzzy = frozenset(
            i
            for i, line in enumerate(text_lines)
            if i >= len(original) or line != original[i]
        )
    locator = Locator(text_lines, index, line_offset, col_offset, fuzzy)
    try:
        if tree is None:
            tree = ast.parse(python)
    except (SyntaxError, ValueError) as error:
        return _failure(error, locator)
    except (RecursionError, MemoryError):
        # CPython's parser gives up on very deep nesting (`a+a+...` thousands
        # long); Python itself would refuse to run the cell too.
        return ParseFailure(
            "SyntaxError: too deeply nested for Python's parser",
            locator.index.whole_line(line_offset),
        )
    return Parsed(tree, locator)


def _failure(error: SyntaxError | ValueError, locator: Locator) -> ParseFailure:
    if not isinstance(error, SyntaxError) or error.lineno is None:
        return ParseFailure(str(error), locator.index.whole_line(locator.line_offset))
    line = max(0, error.lineno - 1)
    row = line + locator.line_offset
    if line in locator.fuzzy_lines:
        where = locator.index.whole_line(row)
    else:
        col = max(0, (error.offset or 1) - 1)
        if line == 0:
            col += locator.col_offset
        original = locator.index.line(row)
        end = len(original.rstrip()) if col >= len(original.rstrip()) else col + 1
        where = locator.index.range(row, min(col, end), row, max(end, col))
        if where.start == where.end:
            where = locator.index.whole_line(row)
    return ParseFailure(f"SyntaxError: {error.msg}", where)

"""Conversions between Python's offsets and the UTF-16 columns editors use.

``ast`` reports columns as UTF-8 byte offsets; CodeMirror and LSP count UTF-16
code units. Every conversion lives here so no other module does position math.
"""

from __future__ import annotations

from .model import Position, Range


def utf8_to_char(line: str, byte_offset: int) -> int:
    """Return the character index of a UTF-8 byte offset within ``line``."""
    if line.isascii():
        return min(byte_offset, len(line))
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def char_to_utf16(line: str, char_index: int) -> int:
    """Return the UTF-16 column of a character index within ``line``."""
    prefix = line[:char_index]
    if prefix.isascii():
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


class LineIndex:
    """The lines of one cell source, to build ranges from character offsets."""

    def __init__(self, source: str) -> None:
        self.lines = source.split("\n")
        self.ascii = [line.isascii() for line in self.lines]

    def line(self, index: int) -> str:
        """Return line ``index`` (empty past the end)."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def position(self, line: int, char: int) -> Position:
        """Convert a (line, character index) pair into a UTF-16 position."""
        line = max(0, min(line, len(self.lines) - 1))
        text = self.lines[line]
        return Position(line, char_to_utf16(text, max(0, min(char, len(text)))))

    def range(self, line: int, start: int, end_line: int, end: int) -> Range:
        """Convert character offsets into a UTF-16 range."""
        return Range(self.position(line, start), self.position(end_line, end))

    def whole_line(self, line: int) -> Range:
        """The range of a whole line, leading indentation excluded."""
        text = self.line(line)
        start = len(text) - len(text.lstrip())
        return self.range(line, start, line, len(text.rstrip()))

"""Rich HTML compared on what it shows, not on how it is marked up.

Generated ids (pandas Styler's ``T_1a2b3`` uuids, widget and plot element ids)
live in attributes, ``<style>`` and ``<script>``; the visible text of a table or
a paragraph does not. So the comparison keeps only the text a reader sees, with
line breaks at block elements and ``|`` between table cells.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HIDDEN = frozenset({"style", "script", "template", "head", "title", "noscript"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
        "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
_CELL = frozenset({"td", "th"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
     "source", "track", "wbr"}
)  # fmt: skip
_SPACES = re.compile(r"\s+")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.cells_in_row = 0

    def _break(self) -> None:
        text = "".join(self.line)
        text = text.rstrip() if self.pre else _SPACES.sub(" ", text).strip()
        if text:
            self.lines.append(text)
        self.line = []
        self.cells_in_row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += tag not in _VOID
        elif self.hidden:
            return
        elif tag in _CELL:
            if self.cells_in_row:
                self.line.append(" | ")
            self.cells_in_row += 1
        elif tag in _BLOCK:
            self._break()
            self.pre += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden and tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif not self.hidden and tag in _BLOCK and tag not in _VOID:
            self._break()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A ``<![`` section, or what a browser makes of a malformed one.

        The standard library raises ``AssertionError`` on ``<![`` not followed by
        a known keyword (``<![x``, ``<![<``); HTML5 reads it as a bogus comment
        up to the next ``>``, which is what is shown: nothing.
        """
        try:
            return int(super().parse_marked_section(i, report))
        except AssertionError:
            return int(self.parse_bogus_comment(i, report))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            head, *rest = data.split("\n")
            self.line.append(head)
            for part in rest:
                self._break()
                self.line.append(part)
        else:
            self.line.append(_SPACES.sub(" ", data))


_TAG = re.compile(r"<[^>]*>")


def visible_text(html: str) -> str:
    """The text a reader sees in ``html``, one line per block or table row.

    Markup the standard parser still refuses (its ``AssertionError`` on
    malformed declarations) is compared with its tags cut out: a cell's output
    must never make the comparison fail.
    """
    parser = _VisibleText()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        return _SPACES.sub(" ", _TAG.sub(" ", html)).strip()
    parser._break()
    return "\n".join(parser.lines)

"""``# nbguard: ignore`` comments: per line, or for the whole cell on its first line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

from .diagnostic import Diagnostic
from .model import Cell

_COMMENT = re.compile(r"#\s*nbguard:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.I)


@lru_cache(maxsize=4096)
def _suppressions(source: str) -> dict[int, frozenset[str] | None]:
    """Map line numbers to the selectors ignored there (``None``: everything)."""
    found: dict[int, frozenset[str] | None] = {}
    if "nbguard" not in source:
        return found
    for line, text in enumerate(source.split("\n")):
        match = _COMMENT.search(text)
        if match:
            codes = match.group("codes")
            found[line] = (
                None
                if codes is None
                else frozenset(c.strip() for c in codes.split(",") if c.strip())
            )
    return found


def _silences(selectors: frozenset[str] | None, diagnostic: Diagnostic) -> bool:
    if selectors is None:
        return True
    return any(
        diagnostic.code.startswith(s.upper()) or s == diagnostic.rule for s in selectors
    )


def noted_cells(cells: Iterable[Cell]) -> dict[str, str]:
    """The sources of the cells that mention nbguard, by id.

    Only those can hold a ``# nbguard: ignore`` comment, which a substring
    search tells.
    """
    return {cell.id: cell.source for cell in cells if "nbguard" in cell.source}


def apply_suppressions(
    noted: Mapping[str, str], diagnostics: Iterable[Diagnostic]
) -> Iterator[Diagnostic]:
    """Drop the diagnostics that a ``# nbguard: ignore`` comment covers.

    ``noted`` are the cells that mention nbguard (:func:`noted_cells`); the
    findings of every other cell pass untouched.
    """
    if not noted:
        yield from diagnostics
        return
    comments: dict[str, dict[int, frozenset[str] | None]] = {}
    for diagnostic in diagnostics:
        cell_id = diagnostic.cell_id or ""
        source = noted.get(cell_id)
        if source is None:
            yield diagnostic
            continue
        found = comments.get(cell_id)
        if found is None:
            found = comments[cell_id] = _suppressions(source)
        if found:
            if 0 in found and _silences(found[0], diagnostic):
                continue
            line = diagnostic.range.start.line if diagnostic.range else None
            if (
                line is not None
                and line in found
                and _silences(found[line], diagnostic)
            ):
                continue
        yield diagnostic

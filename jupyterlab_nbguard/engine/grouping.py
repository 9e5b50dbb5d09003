"""A check's findings grouped by cell, in page order, each group kept between checks.

The REST answer is built per cell (``server.answers``), and after an edit
almost every cell's findings are the very objects the previous check gave
(rules memoise them). Keeping each cell's sorted group, keyed by the identity
of what went into it, means an unchanged cell is neither sorted nor
serialised again: the answer reuses the group, and the group its texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import attrgetter

from .diagnostic import Diagnostic

#: One cell's findings (``None``: the notebook), in the order they are shown.
Group = tuple[str | None, tuple[Diagnostic, ...]]

_place = attrgetter("place")


class CellGroups:
    """Groups findings by cell, reusing each cell's group from the last check.

    The identities of a group's findings are its key. That is safe because the
    kept group holds those findings: no live object can take their ids.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[tuple[int, ...], tuple[Diagnostic, ...]]] = {}

    def groups(
        self, positions: Mapping[str, int], found: Iterable[Diagnostic]
    ) -> list[Group]:
        """By page position, then cell id; within a cell by start, then code.

        Cells off the page (the notebook itself, a deleted cell) share
        position -1; the id keeps each one's findings together.
        """
        by_cell: dict[str, list[Diagnostic]] = {}
        for diagnostic in found:
            cell = diagnostic.cell_id or ""
            group = by_cell.get(cell)
            if group is None:
                by_cell[cell] = [diagnostic]
            else:
                group.append(diagnostic)
        kept = self._kept
        now: dict[str, tuple[tuple[int, ...], tuple[Diagnostic, ...]]] = {}
        out: list[Group] = []
        for cell in sorted(by_cell, key=lambda c: (positions.get(c, -1), c)):
            group = by_cell[cell]
            ids = tuple(map(id, group))
            before = kept.get(cell)
            if before is not None and before[0] == ids:
                ordered = before[1]
            else:
                if len(group) > 1:
                    group.sort(key=_place)
                ordered = tuple(group)
            now[cell] = (ids, ordered)
            out.append((cell or None, ordered))
        self._kept = now
        return out


def flattened(groups: Iterable[Group]) -> list[Diagnostic]:
    """The findings of ``groups``, in their order."""
    return [diagnostic for _cell, group in groups for diagnostic in group]

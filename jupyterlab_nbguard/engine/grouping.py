"""A check's findings grouped by cell, in page order, patched between checks.

The REST answer is built per cell (``server.answers``), and after an edit or a
run almost every rule gives the findings it gave before: the very list (rules
whose findings are kept per cell or per history), or an equal one with a short
stretch replaced (notebook-wide rules, whose findings are memoised). So each
rule's findings are kept by cell, and a check re-groups only the cells in the
stretch that differs: an unchanged cell keeps its very group, which the answer
reuses with its texts. Bucketing every finding of a 10,000-finding notebook
after every keystroke cost more than most rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from .diagnostic import Diagnostic
from .suppression import apply_suppressions

#: One cell's findings (``None``: the notebook), in the order they are shown.
Group = tuple[str | None, tuple[Diagnostic, ...]]
#: One rule's findings, by the rule's code.
RuleFindings = tuple[str, list[Diagnostic]]
#: A rule's findings by cell id (``""``: the notebook).
Buckets = dict[str, tuple[Diagnostic, ...]]

#: Within a cell: by start, then code, then text (equal texts are equal findings),
#: so a group's order never depends on the order the rules gave them in.
_order = attrgetter("place", "json_text")


class CellGroups:
    """Groups findings by cell, patching the last check's groups.

    Findings are compared by identity first and equality second: equal
    findings have equal texts, so keeping the older object changes nothing a
    client sees.
    """

    def __init__(self) -> None:
        self._rules: dict[str, tuple[list[Diagnostic], Buckets]] = {}
        self._codes: tuple[str, ...] = ()
        self._noted: Mapping[str, str] | None = None
        self._positions: Mapping[str, int] | None = None
        self._groups: dict[str, tuple[Diagnostic, ...]] = {}
        self._out: list[Group] = []
        self._index: dict[str, int] = {}

    def groups(
        self,
        positions: Mapping[str, int],
        found: Sequence[RuleFindings],
        noted: Mapping[str, str],
    ) -> list[Group]:
        """By page position, then cell id; within a cell by start, then code.

        ``found`` are each rule's findings, rules in a fixed order; ``noted``
        the cells whose ``# nbguard: ignore`` comments apply
        (:func:`~.suppression.noted_cells`). Cells off the page (the notebook
        itself, a deleted cell) share position -1; the id keeps each one's
        findings together.
        """
        codes = tuple(code for code, _ in found)
        if codes != self._codes or noted != self._noted:
            return self._regroup(positions, found, noted, codes)
        rules: dict[str, tuple[list[Diagnostic], Buckets]] = {}
        touched: set[str] = set()
        for code, findings in found:
            before, buckets = self._rules[code]
            if findings is not before and findings != before:
                buckets = _patched(buckets, before, findings, noted, touched)
            rules[code] = (findings, buckets)
        self._rules = rules
        if not touched and positions is self._positions:
            return self._out
        groups = self._groups
        appeared = False
        for cell in touched:
            group = _group(cell, rules.values())
            if group:
                appeared = appeared or cell not in groups
                if groups.get(cell) != group:
                    groups[cell] = group
            elif groups.pop(cell, None) is not None:
                appeared = True
        if appeared or positions is not self._positions:
            return self._ordered(positions)
        out = self._out = list(self._out)
        index = self._index
        for cell in touched:
            if cell in groups:
                out[index[cell]] = (cell or None, groups[cell])
        return out

    def _regroup(
        self,
        positions: Mapping[str, int],
        found: Sequence[RuleFindings],
        noted: Mapping[str, str],
        codes: tuple[str, ...],
    ) -> list[Group]:
        """Group every finding anew (the rules or the suppressions changed)."""
        self._codes, self._noted = codes, noted
        self._rules = {
            code: (findings, _bucketed(apply_suppressions(noted, findings)))
            for code, findings in found
        }
        kept = self._groups
        cells = {cell for _, buckets in self._rules.values() for cell in buckets}
        groups: dict[str, tuple[Diagnostic, ...]] = {}
        for cell in cells:
            group = _group(cell, self._rules.values())
            before = kept.get(cell)
            groups[cell] = before if before == group else group
        self._groups = groups
        return self._ordered(positions)

    def _ordered(self, positions: Mapping[str, int]) -> list[Group]:
        """Every group in page order (a cell gained or lost findings, or moved)."""
        self._positions = positions
        cells = sorted(self._groups, key=lambda c: (positions.get(c, -1), c))
        groups = self._groups
        self._out = [(cell or None, groups[cell]) for cell in cells]
        self._index = {cell: i for i, cell in enumerate(cells)}
        return self._out


def _bucketed(findings: Iterable[Diagnostic]) -> Buckets:
    by_cell: dict[str, list[Diagnostic]] = {}
    for diagnostic in findings:
        cell = diagnostic.cell_id or ""
        group = by_cell.get(cell)
        if group is None:
            by_cell[cell] = [diagnostic]
        else:
            group.append(diagnostic)
    return {cell: tuple(group) for cell, group in by_cell.items()}


def _group(
    cell: str, rules: Iterable[tuple[list[Diagnostic], Buckets]]
) -> tuple[Diagnostic, ...]:
    """``cell``'s findings from every rule, in their shown order."""
    found = [d for _, buckets in rules for d in buckets.get(cell, ())]
    if len(found) > 1:
        found.sort(key=_order)
    return tuple(found)


def _patched(
    buckets: Buckets,
    before: list[Diagnostic],
    after: list[Diagnostic],
    noted: Mapping[str, str],
    touched: set[str],
) -> Buckets:
    """``buckets`` of ``before``, patched to ``after``; adds the cells changed.

    Only the stretch between the longest equal head and tail of the two lists
    is looked at: the rest are the same findings in the same cells.
    """
    head = _common_head(before, after)
    tail = _common_head(before[head:][::-1], after[head:][::-1])
    gone = before[head : len(before) - tail]
    came = list(apply_suppressions(noted, after[head : len(after) - tail]))
    changed: dict[str, list[Diagnostic]] = {}
    for diagnostic in gone:
        cell = diagnostic.cell_id or ""
        group = changed.get(cell)
        if group is None:
            group = changed[cell] = list(buckets.get(cell, ()))
        if diagnostic in group:  # absent when a comment suppressed it
            group.remove(diagnostic)
    for diagnostic in came:
        cell = diagnostic.cell_id or ""
        group = changed.get(cell)
        if group is None:
            group = changed[cell] = list(buckets.get(cell, ()))
        group.append(diagnostic)
    patched = dict(buckets)
    for cell, group in changed.items():
        if group:
            patched[cell] = tuple(group)
        else:
            patched.pop(cell, None)
        if buckets.get(cell) != patched.get(cell):
            touched.add(cell)
    return patched


def _common_head(a: list[Diagnostic], b: list[Diagnostic]) -> int:
    """The length of the longest equal prefix of ``a`` and ``b``.

    Found by bisection on slice comparisons, which run in C and take the
    identity shortcut: a handful of passes instead of a Python loop over
    thousands of findings.
    """
    low, high = 0, min(len(a), len(b))
    if a[:high] == b[:high]:
        return high
    while low < high:  # a[:low] == b[:low] and a[:high] != b[:high]
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def flattened(groups: Iterable[Group]) -> list[Diagnostic]:
    """The findings of ``groups``, in their order."""
    return [diagnostic for _cell, group in groups for diagnostic in group]

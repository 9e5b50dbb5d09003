"""Findings of cell-scoped rules, kept per cell between checks.

Most rules say something about one cell from that cell alone, or from it plus
the kernel session's history and the page order (``Rule.scope``). After an
edit, nothing but the edited cell changed for them; after a run, only the
history did. Re-running such a rule over a thousand unchanged cells after
every keystroke costs more than the rest of the check, so the engine keeps
their findings per cell and asks the rule only about the cells whose key (id,
type, source, saved count) it has not seen under the same wider state.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .context import CellKey
from .diagnostic import Diagnostic
from .rules import Rule, Scope

if TYPE_CHECKING:
    from .context import RuleContext
    from .staleness import StalenessIndex


@dataclass
class _Held:
    """One rule's findings by cell id, valid under ``state``."""

    state: Hashable
    cells: dict[str, tuple[CellKey, tuple[Diagnostic, ...]]] = field(
        default_factory=dict
    )
    #: The check that last brought it up to date.
    check: int = -1
    #: For history rules: the history it was brought up to date with.
    history: _HistoryMark | None = None
    #: Every code cell's findings in page order, and the cells joined.
    joined: list[Diagnostic] = field(default_factory=list)
    joined_order: tuple[str, ...] | None = None


class PerCellFindings:
    """Per rule and kernel session: the state they held and findings by cell.

    Each check first notes which cells differ from the previous check's
    (:meth:`begin`); a rule brought up to date by that previous check then
    looks at those cells only. Bounded: the ``sessions`` most recent (rule,
    session) entries are kept, and an entry's cells are pruned to the notebook
    being checked when it outgrows ``max_cells``.
    """

    def __init__(self, sessions: int = 64, max_cells: int = 20_000) -> None:
        self._entries: OrderedDict[tuple[str, Hashable], _Held] = OrderedDict()
        self._sessions = sessions
        self._max_cells = max_cells
        self._check = 0
        self._previous: dict[str, CellKey] = {}
        self._changed: list[str] = []

    def begin(self, ctx: RuleContext) -> None:
        """Start a check: note the cells that differ from the previous check's."""
        keys = ctx.cell_keys
        previous = self._previous
        if ctx.changed_code is not None and ctx.previous_keys is previous:
            self._changed = ctx.changed_code  # the context compared them already
        else:
            self._changed = [c for c, key in keys.items() if previous.get(c) != key]
        self._previous = keys
        self._check += 1

    def check(self, rule: type[Rule], ctx: RuleContext) -> list[Diagnostic]:
        """``rule``'s findings for every code cell, asking it only about new ones."""
        timeline = ctx.timeline if rule.scope is Scope.HISTORY else None
        entry_key = (rule.code, timeline.serial if timeline is not None else None)
        state = ctx.page_order if timeline is not None else None
        keys = ctx.cell_keys
        held = self._entries.get(entry_key)
        if held is None or held.state != state:
            held = _Held(state)
        moved: set[str] = set()
        if timeline is not None:
            mark = _HistoryMark.of(ctx)
            found = mark.moved_since(held.history, ctx)
            if found is None:
                held = _Held(state)
            else:
                moved = found
            held.history = mark
        cells = held.cells
        candidates = self._changed if held.check == self._check - 1 else keys
        todo = {c for c in candidates if cells.get(c, (None,))[0] != keys[c]}
        todo.update(c for c in moved if c in keys)
        if todo and self._ask(rule, ctx, held, todo):
            held.joined_order = None
        held.check = self._check
        self._entries[entry_key] = held
        self._entries.move_to_end(entry_key)
        while len(self._entries) > self._sessions:
            self._entries.popitem(last=False)
        order = ctx.code_order
        if held.joined_order != order:
            held.joined = [d for c in keys for d in cells[c][1]]
            held.joined_order = order
        return held.joined

    def _ask(
        self, rule: type[Rule], ctx: RuleContext, held: _Held, todo: set[str]
    ) -> bool:
        """Ask ``rule`` about the cells ``todo``; whether any finding changed."""
        keys = ctx.cell_keys
        history = rule.scope is Scope.HISTORY
        view = ctx if len(todo) == len(keys) else ctx.restricted(todo, history)
        new: dict[str, list[Diagnostic]] = {c: [] for c in todo}
        for diagnostic in rule().check(view):
            assert diagnostic.cell_id in new, f"{rule.code} reported another cell"
            new[diagnostic.cell_id].append(diagnostic)
        if len(held.cells) + len(new) > self._max_cells:
            held.cells = {c: held.cells[c] for c in keys if c in held.cells}
        changed = False
        for c, found in new.items():
            kept = held.cells.get(c)
            findings = tuple(found)
            changed = changed or kept is None or kept[1] != findings
            held.cells[c] = (keys[c], findings)
        return changed


@dataclass(frozen=True)
class _HistoryMark:
    """How far the history and its staleness answers had come at one check."""

    version: int
    steps: int
    index: StalenessIndex | None
    answers: int

    @staticmethod
    def of(ctx: RuleContext) -> _HistoryMark:
        """The mark of this check (catching the staleness answers up if it grew)."""
        timeline = ctx.timeline
        index = ctx.staleness if timeline.steps else None
        answers = len(index.changed_answers) if index is not None else 0
        return _HistoryMark(timeline.version, len(timeline.steps), index, answers)

    def moved_since(
        self, before: _HistoryMark | None, ctx: RuleContext
    ) -> set[str] | None:
        """The cells whose history findings may differ from ``before``'s.

        A history rule's finding about a cell depends on the cell, its latest
        run, that run's staleness answer and the page order (kept apart). So
        after new steps, only their cells and the cells whose latest run's
        answer the new steps changed need asking again. None: anything may
        have changed (another staleness index: the cells' relative order
        moved), ask every cell.
        """
        if before is None:
            return None
        if before.version == self.version:
            return set()
        index = self.index
        if index is None or before.index is not index:
            return None
        steps = ctx.timeline.steps
        last_run = ctx.timeline.last_run
        moved = {
            cell
            for i in range(before.steps, self.steps)
            if (cell := steps[i].execution.cell_id) is not None
        }
        for i in index.changed_answers[before.answers : self.answers]:
            cell = steps[i].execution.cell_id
            if cell is not None and last_run.get(cell) == i:
                moved.add(cell)
        return moved

"""What rules look at: the notebook, each cell's facts, and shared analyses.

Expensive state (the page-order flow, the execution timeline) is built once per
check and cached here, as marimo's ``LintContext.get_graph()`` does.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, KeysView
from functools import cached_property
from operator import itemgetter
from typing import Any, TypeVar

from .carryover import carry_over
from .diagnostic import Diagnostic
from .facts import CellFacts
from .model import Cell, LiveName, Notebook, history_from_counts
from .pageflow import PageFlow
from .paths import root_of
from .staleness import StalenessIndex, staleness_index
from .suppression import noted_cells
from .timeline import Step, Timeline

#: One cell as the request gave it: id, type, source, saved execution count.
CellKey = tuple[str, str, str, int | None]

_position_of = itemgetter(0)
_cell_of = itemgetter(1)
_E = TypeVar("_E", bound=tuple[Any, ...])


class FlowCache:
    """A few recent page-order flows, by the code cells they were built from.

    A check right after running a cell sees the same sources as the check
    before it; only the history moved on, so the flow is reused.
    """

    def __init__(self, size: int = 2) -> None:
        # Small on purpose: each flow holds thousands of lists the garbage
        # collector must walk, and only the latest notebook state is reused.
        self._entries: OrderedDict[Hashable, PageFlow] = OrderedDict()
        self._size = size

    def get(
        self, key: Hashable, build: Callable[[PageFlow | None], PageFlow]
    ) -> PageFlow:
        """The flow for ``key``; on a miss, built from the most recent one."""
        flow = self._entries.get(key)
        if flow is None:
            latest = next(reversed(self._entries.values()), None)
            flow = build(latest)
            self._entries[key] = flow
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        return flow


class DiagnosticMemo:
    """Diagnostics already built, by everything they were built from.

    A rule that builds one finding from a few values (the cell's id and
    source, the step it ran as, the staleness answer...) asks
    :meth:`RuleContext.remember` with those values as the key, so a check after
    an edit rebuilds only the findings whose inputs changed. Bounded: it is
    cleared when it outgrows ``size``.
    """

    def __init__(self, size: int = 50_000) -> None:
        self._entries: dict[Hashable, Diagnostic] = {}
        self._size = size
        self._orders: dict[tuple[str, ...], int] = {}
        self._rule_memos: dict[str, dict[Hashable, tuple[Any, ...]]] = {}

    def rule_memo(self, code: str) -> dict[Hashable, tuple[Any, ...]]:
        """Rule ``code``'s own memo, kept between checks, cleared with the rest.

        For rules with hundreds or thousands of findings per check, most the
        same as last time: a lookup by something cheap to hash (a cell id, an
        object's ``id``) and a comparison of what the finding was made from,
        instead of building, hashing and comparing a key per finding. A value
        kept by an object's ``id`` must hold that object (so that no other
        object can take the id while it is kept) and be checked with ``is``.
        """
        found = self._rule_memos.get(code)
        if found is None:
            found = self._rule_memos[code] = {}
        return found

    def order_token(self, order: tuple[str, ...]) -> int:
        """A small number standing for this page order in keys.

        Messages name cells by page position, so a finding depends on the
        order of the cells; a number compares faster than a thousand ids.
        """
        token = self._orders.get(order)
        if token is None:
            if len(self._orders) >= 1_000:
                self._orders.clear()
                self._entries.clear()  # their tokens could be given out again
                self._rule_memos.clear()
            token = self._orders[order] = len(self._orders)
        return token

    def get(
        self, key: Hashable, build: Callable[..., Diagnostic], args: tuple[Any, ...]
    ) -> Diagnostic:
        """The diagnostic for ``key``, ``build(*args)`` on a miss."""
        found = self._entries.get(key)
        if found is None:
            if len(self._entries) >= self._size:
                self._entries.clear()
                self._rule_memos.clear()
            found = self._entries[key] = build(*args)
        return found


class RuleContext:
    """Inputs of one check plus lazily built, shared analyses."""

    #: Each cell's page position, by id.
    positions: dict[str, int]

    def __init__(
        self,
        notebook: Notebook,
        facts_of: Callable[[str], CellFacts],
        timeline: Timeline | None = None,
        flow_cache: FlowCache | None = None,
        memo: DiagnosticMemo | None = None,
        previous: RuleContext | None = None,
    ) -> None:
        self.notebook = notebook
        self.facts_of = facts_of
        self._timeline = timeline
        self._flow_cache = flow_cache
        self._memo = memo if memo is not None else DiagnosticMemo()
        #: With ``previous``: the ids of the code cells that differ from it.
        self.changed_code: list[str] | None = None
        #: The cell keys of the context this one took its values from.
        self.previous_keys: dict[str, CellKey] | None = None
        if previous is not None and carry_over(previous, self):
            self.previous_keys = previous.__dict__.get("cell_keys")
        else:
            self.positions = {cell.id: i for i, cell in enumerate(notebook.cells)}

    @cached_property
    def code_cells(self) -> list[tuple[int, Cell, CellFacts]]:
        """Code cells in page order with their page position and facts."""
        return [
            (i, cell, self.facts_of(cell.source))
            for i, cell in enumerate(self.notebook.cells)
            if cell.is_code
        ]

    @cached_property
    def cell_keys(self) -> dict[str, CellKey]:
        """Each code cell as the request gave it, by id (what per-cell memos key on)."""
        return {
            cell.id: (cell.id, cell.cell_type, cell.source, cell.execution_count)
            for _position, cell, _facts in self.code_cells
        }

    @cached_property
    def noted(self) -> dict[str, str]:
        """The cells whose source mentions nbguard (may hold a suppression)."""
        return noted_cells(self.notebook.cells)

    @cached_property
    def code_order(self) -> tuple[str, ...]:
        """Every code cell's id, in page order."""
        return tuple(self.cell_keys)

    @cached_property
    def page_order(self) -> tuple[str, ...]:
        """Every cell's id, in page order."""
        return tuple(cell.id for cell in self.notebook.cells)

    @cached_property
    def order_token(self) -> int:
        """A small number standing for :attr:`page_order` (messages depend on it)."""
        return self._memo.order_token(self.page_order)

    def rule_memo(self, code: str) -> dict[Hashable, tuple[Any, ...]]:
        """Rule ``code``'s own memo (:meth:`DiagnosticMemo.rule_memo`)."""
        return self._memo.rule_memo(code)

    @cached_property
    def page_flow(self) -> PageFlow:
        """The top-to-bottom simulation (reused while no code cell changed)."""
        if self._flow_cache is None:
            return PageFlow(self.code_cells)
        # The cells' identities: a kept flow holds its cells, so no live cell
        # can take one of their ids (built in C, without visiting the cells).
        cells = self.code_cells
        key_with_positions = (
            tuple(map(id, map(_cell_of, cells))),
            tuple(map(_position_of, cells)),
        )
        return self._flow_cache.get(
            key_with_positions, lambda previous: PageFlow(self.code_cells, previous)
        )

    @cached_property
    def timeline(self) -> Timeline:
        """The execution-order replay: the kernel's, or the saved counts'."""
        if self._timeline is not None:
            return self._timeline
        timeline = Timeline(self.facts_of)
        executions = self.notebook.executions
        if executions is None:
            executions = history_from_counts(self.notebook.cells)
        timeline.extend(executions)
        return timeline

    @cached_property
    def staleness(self) -> StalenessIndex:
        """Staleness of each execution's values under this page order."""
        return staleness_index(self.timeline, self.positions)

    @cached_property
    def live(self) -> dict[str, LiveName] | None:
        """The live namespace by name, when it was read."""
        if self.notebook.live_names is None:
            return None
        return {n.name: n for n in self.notebook.live_names}

    @cached_property
    def defined_in_notebook(self) -> KeysView[str]:
        """Every name some code cell of the notebook binds now."""
        return self.page_flow.bound_names

    def remember(
        self,
        key: Hashable,
        build: Callable[..., Diagnostic],
        *args: Any,
        history: bool = True,
    ) -> Diagnostic:
        """``build(*args)``, or the diagnostic an earlier check built for ``key``.

        ``key`` must hold everything the diagnostic depends on but the page
        order, which is always part of it. With ``history`` (the default) the
        timeline is part of it too, so another kernel session never sees this
        one's findings. Passing ``build``'s arguments apart, not a closure,
        spares making one per finding where thousands are hits.
        """
        scope = self.timeline.serial if history else None
        return self._memo.get((scope, self.order_token, key), build, args)

    def restricted(self, cell_ids: Collection[str], history: bool) -> RuleContext:
        """A view of this check that iterates only the cells ``cell_ids``.

        For rules whose finding about a cell depends on that cell alone (and,
        with ``history``, on the timeline and page order): the engine re-checks
        just the cells that changed. Shared analyses stay this check's own.
        """
        view = copy.copy(self)
        view.__dict__["code_cells"] = _picked(
            self.code_cells, self._code_index, cell_ids
        )
        if history:
            view.__dict__["_last_runs"] = _picked(
                self._last_runs, self._last_run_index, cell_ids
            )
        return view

    @cached_property
    def _code_index(self) -> dict[str, int]:
        """Where each code cell is in :attr:`code_cells` (for :meth:`restricted`)."""
        return {entry[1].id: i for i, entry in enumerate(self.code_cells)}

    @cached_property
    def _last_run_index(self) -> dict[str, int]:
        """Where each cell that ran is in :attr:`_last_runs`."""
        return {entry[1].id: i for i, entry in enumerate(self._last_runs)}

    def last_runs(self) -> list[tuple[int, Cell, CellFacts, Step]]:
        """Code cells that ran in this history, with their latest step."""
        return self._last_runs

    @cached_property
    def _last_runs(self) -> list[tuple[int, Cell, CellFacts, Step]]:
        steps = self.timeline.steps
        last_run = self.timeline.last_run
        return [
            (position, cell, facts, steps[last_run[cell.id]])
            for position, cell, facts in self.code_cells
            if cell.id in last_run
        ]

    def cell_label(self, cell_id: str | None, execution_count: int | None) -> str:
        """How messages name a cell: by its page position, as the panel does.

        Never by execution count, which reads like a prompt and changes with
        every run; code outside the notebook has no position, so its count
        (the console's prompt) says which execution it was.
        """
        count = f"[{execution_count}]" if execution_count is not None else ""
        if cell_id is None:
            return f"code run outside the notebook {count}".rstrip()
        position = self.positions.get(cell_id)
        if position is None:
            return f"a cell no longer in the notebook {count}".rstrip()
        return f"cell {position + 1}"

    def step_label(self, step: Step) -> str:
        """How messages name the cell an execution came from."""
        return self.cell_label(step.execution.cell_id, step.execution.execution_count)

    def change_verb(self, step: Step, name: str) -> str:
        """Say how ``step`` changed ``name``: rebound, modified or deleted."""
        facts = step.facts
        root = root_of(name)
        if root in facts.deleted_names:
            return "deleted"
        if root in facts.defined_names and root == name:
            return "rebound"
        return "modified"

    @staticmethod
    def shown(step: Step, key: str) -> str:
        """How messages write a path a step read: as its source wrote it."""
        key = step.aliases.get(key, key)
        return key[:-2] if key.endswith("()") else key


def _picked(
    entries: list[_E], index: dict[str, int], cell_ids: Collection[str]
) -> list[_E]:
    """The ``entries`` of the cells ``cell_ids``, in their order.

    Every rule that re-checks a few cells asks for its view; one index per
    check makes each view cost what it holds, not a pass over every cell.
    """
    return [entries[i] for i in sorted(index[c] for c in cell_ids if c in index)]

"""The engine's front door: notebook in, diagnostics out."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from .cache import FactsCache
from .context import DiagnosticMemo, FlowCache, RuleContext
from .diagnostic import Diagnostic
from .grouping import CellGroups, Group, RuleFindings, flattened
from .model import Execution, ExecutionStatus, Notebook
from .names import is_preset
from .percell import PerCellFindings
from .registry import resolve_rules
from .rules import Needs, Rule, Scope
from .timeline import Timeline


class Engine:
    """Runs the rules over notebooks, caching what can be reused between checks.

    Cell facts are cached by source, so a check after editing one cell analyses
    one cell; the page-order flow resumes from the first cell that changed. The
    execution-order replay is a :class:`~.timeline.Timeline` that the caller
    keeps per kernel session (see ``history.sessions``) and passes in.
    """

    def __init__(self, max_cached_cells: int = 20_000) -> None:
        self.facts = FactsCache(max_cached_cells)
        self._flows = FlowCache()
        self._memo = DiagnosticMemo()
        self._per_cell = PerCellFindings()
        #: Findings of ORDER-scoped rules, by rule code, with what they came from.
        self._by_order: dict[str, tuple[Hashable, list[Diagnostic]]] = {}
        self._groups = CellGroups()
        self._prepared: tuple[Notebook, Timeline | None, RuleContext] | None = None
        #: The last check's context: the next one takes over what still holds.
        self._last: RuleContext | None = None

    def warm_up(self) -> None:
        """Load what the first analysis needs, so no check pays for it.

        IPython's input transformer (for cells with magics) is imported on
        first use, about 70 ms; the server calls this in its worker thread
        when it starts, off the event loop.
        """
        self.facts.facts("%time _nbguard_warm_up = 1\n!true")

    def replay(
        self, timeline: Timeline | None, executions: Sequence[Execution]
    ) -> Timeline:
        """``timeline`` extended with ``executions``, or a new replay of them.

        A timeline is append-only: when ``executions`` does not continue what
        it consumed (a record changed, the history was cut), it is rebuilt.
        """
        if timeline is None or not timeline.extends(executions):
            timeline = Timeline(self.facts.facts)
        timeline.extend(executions)
        return timeline

    def rules(
        self,
        notebook: Notebook,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
    ) -> list[type[Rule]]:
        """The selected rules that can run on ``notebook``, by what they need.

        Raises
        ------
        UnknownSelectorError
            If ``select`` or ``ignore`` names no rule.
        """
        python = notebook.language == "python"
        return [
            rule
            for rule in resolve_rules(select, ignore)
            if rule.applies(python, notebook.has_kernel)
        ]

    def wants_live_names(
        self,
        notebook: Notebook,
        timeline: Timeline | None,
        rules: Iterable[type[Rule]],
    ) -> bool:
        """Whether reading the live namespace would change this check's answer.

        True when a rule that weighs live names runs and the history left names
        bound that no cell of the notebook binds (orphan candidates).
        """
        if timeline is None or not any(Needs.LIVE_NAMES in r.needs for r in rules):
            return False
        ctx = self._context(notebook, timeline)
        undefined = timeline.live_names().keys() - ctx.defined_in_notebook
        return any(not is_preset(n) for n in undefined)

    def _context(self, notebook: Notebook, timeline: Timeline | None) -> RuleContext:
        """The context for ``notebook``, made once for a check and its prelude.

        :meth:`wants_live_names` comes just before :meth:`check` with the very
        same notebook and timeline: the cells' facts and the page flow are
        gathered once, not twice.
        """
        prepared = self._prepared
        if prepared is not None and prepared[0] is notebook and prepared[1] is timeline:
            return prepared[2]
        ctx = RuleContext(
            notebook,
            self.facts.facts,
            timeline,
            self._flows,
            self._memo,
            previous=self._last,
        )
        self._prepared = (notebook, timeline, ctx)
        self._last = ctx
        return ctx

    def check(
        self,
        notebook: Notebook,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        timeline: Timeline | None = None,
    ) -> list[Diagnostic]:
        """Return the diagnostics of ``notebook``, notebook-level ones first.

        ``timeline`` is the kernel session's replay, already extended with
        ``notebook.executions``; without it one is built for this check.

        Raises
        ------
        UnknownSelectorError
            If ``select`` or ``ignore`` names no rule.
        """
        return flattened(self.check_by_cell(notebook, select, ignore, timeline))

    def check_by_cell(
        self,
        notebook: Notebook,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        timeline: Timeline | None = None,
    ) -> list[Group]:
        """:meth:`check`'s findings grouped by cell, in the same order.

        A cell whose findings are the same objects as in the previous check
        gets the very same group (what the REST answer reuses).
        """
        rules = self.rules(notebook, select, ignore)
        ctx = self._context(notebook, timeline)
        self._prepared = None
        found: list[RuleFindings] = []
        self._per_cell.begin(ctx)
        for rule in rules:
            if rule.scope is Scope.NOTEBOOK:
                findings = list(rule().check(ctx))
            elif rule.scope is Scope.ORDER:
                findings = self._ordered(rule, ctx)
            else:
                findings = self._per_cell.check(rule, ctx)
            found.append((rule.code, findings))
        return self._groups.groups(ctx.positions, found, ctx.noted)

    def _ordered(self, rule: type[Rule], ctx: RuleContext) -> list[Diagnostic]:
        """An ORDER-scoped rule's findings, reused while history and order stay.

        After an edit neither changed, so a rule that walks every code cell
        costs a comparison. Without a kernel the history is the saved counts,
        which the key does not hold: the rule runs.
        """
        if not ctx.notebook.has_kernel:
            return list(rule().check(ctx))
        timeline = ctx.timeline
        key = (timeline.serial, timeline.version, ctx.page_order, ctx.code_order)
        held = self._by_order.get(rule.code)
        if held is None or held[0] != key:
            held = self._by_order[rule.code] = (key, list(rule().check(ctx)))
        return held[1]


__all__ = ["Engine", "ExecutionStatus"]

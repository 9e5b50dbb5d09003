"""The engine's front door: notebook in, diagnostics out."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable

from .cache import FactsCache
from .context import FlowCache, RuleContext
from .diagnostic import Diagnostic
from .model import Execution, ExecutionStatus, Notebook
from .registry import resolve_rules
from .suppression import apply_suppressions
from .timeline import Timeline


class Engine:
    """Runs the rules over notebooks, caching what can be reused between checks.

    Cell facts are cached by source, so a check after editing one cell analyses
    one cell. A kernel's replayed timeline is cached by ``history_key`` (kernel
    id and epoch) and extended with new executions instead of being rebuilt.
    """

    def __init__(self, max_cached_cells: int = 20_000, max_timelines: int = 64) -> None:
        self.facts = FactsCache(max_cached_cells)
        self._flows = FlowCache()
        self._timelines: OrderedDict[Hashable, Timeline] = OrderedDict()
        self._max_timelines = max_timelines

    def _timeline(self, key: Hashable, executions: tuple[Execution, ...]) -> Timeline:
        timeline = self._timelines.get(key)
        if timeline is None or not timeline.extends(executions):
            timeline = Timeline(self.facts.facts)
            self._timelines[key] = timeline
            if len(self._timelines) > self._max_timelines:
                self._timelines.popitem(last=False)
        self._timelines.move_to_end(key)
        timeline.extend(executions)
        return timeline

    def forget(self, key: Hashable) -> None:
        """Drop the cached timeline of a kernel epoch that ended."""
        self._timelines.pop(key, None)

    def check(
        self,
        notebook: Notebook,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        history_key: Hashable | None = None,
    ) -> list[Diagnostic]:
        """Return the diagnostics of ``notebook``, notebook-level ones first.

        Raises
        ------
        UnknownSelectorError
            If ``select`` or ``ignore`` names no rule.
        """
        rules = resolve_rules(select, ignore)
        timeline = None
        if notebook.executions is not None and history_key is not None:
            timeline = self._timeline(history_key, notebook.executions)
        ctx = RuleContext(notebook, self.facts.facts, timeline, self._flows)
        python = notebook.language == "python"
        rules = [r for r in rules if r.applies(python, notebook.has_kernel)]
        found: list[Diagnostic] = []
        for rule in rules:
            found.extend(rule().check(ctx))
        kept = apply_suppressions(notebook.cells, found)
        return sorted(kept, key=lambda d: _order(ctx, d))


def _order(ctx: RuleContext, diagnostic: Diagnostic) -> tuple[int, int, int, str]:
    position = ctx.positions.get(diagnostic.cell_id or "", -1)
    start = diagnostic.range.start if diagnostic.range else None
    return (
        position,
        start.line if start else -1,
        start.column if start else -1,
        diagnostic.code,
    )


__all__ = ["Engine", "ExecutionStatus"]

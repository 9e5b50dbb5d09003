"""Def/use in execution order: which execution produced each value a cell read.

Replays a kernel's history (or, without a kernel, the order saved execution
counts imply) over the cells' facts. It answers the questions the history rules
ask: who last wrote a name, was it written again after a given execution, and
was a value already derived from data that has changed since.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .calls import CallEffects, chained_lookup, resolve_calls
from .facts import CellFacts, FunctionFacts
from .model import Execution, ExecutionStatus

#: How many invalidations to remember per value; only the earliest few matter.
_KEEP = 3


@dataclass(frozen=True)
class Step:
    """One execution that ran, with the writer of every value it read.

    ``reads`` maps each name read (directly or through a called function) to
    the index of the step whose value it saw, or ``None`` when no execution in
    this history wrote it. ``via`` maps names read through a call to the
    function whose body reads them.
    """

    index: int
    execution: Execution
    facts: CellFacts
    reads: dict[str, int | None]
    via: dict[str, str]
    writes: frozenset[str]


@dataclass(frozen=True)
class Invalidation:
    """``name`` was replaced or changed by step ``by``."""

    by: int
    name: str


@dataclass(frozen=True)
class Staleness:
    """Why the values a step read are out of date.

    Either ``name`` itself was replaced by step ``by`` after the step read it
    (``writer`` is None), or the value of ``name`` the step read, written by
    step ``writer``, was computed from ``changed``, which step ``by`` replaced.
    """

    name: str
    by: int
    writer: int | None = None
    changed: str = ""


class Timeline:
    """An append-only replay of one kernel epoch's executions.

    An execution that raised is taken to have done everything its code does:
    nbguard cannot know where it stopped, so it errs towards warning.
    Executions still running have done nothing yet, and aborted ones never ran.
    """

    def __init__(self, facts_of: Callable[[str], CellFacts]) -> None:
        self._facts_of = facts_of
        self.steps: list[Step] = []
        self.consumed: list[Execution] = []
        self.last_run: dict[str, int] = {}
        self._writer: dict[str, int] = {}
        self._writes: dict[str, list[int]] = {}
        self._functions: dict[str, FunctionFacts] = {}
        self._events: dict[int, tuple[Invalidation, ...]] = {}
        self._provisional: list[int] = []  # consumed while still marked running
        self._staleness: dict[int, Staleness | None] = {}

    def extends(self, executions: Sequence[Execution]) -> bool:
        """Whether ``executions`` continues what this timeline has consumed."""
        n = len(self.consumed)
        return (
            len(executions) >= n
            and (n == 0 or executions[n - 1] == self.consumed[-1])
            and all(executions[i] == self.consumed[i] for i in self._provisional)
        )

    def extend(self, executions: Sequence[Execution]) -> None:
        """Replay the executions after those already consumed, up to a running one."""
        before = len(self.consumed)
        # A kernel runs requests one at a time, so a request still marked
        # running but followed by finished ones did run (its reply was lost,
        # e.g. its tab closed): replay it. Only the trailing ones wait.
        done = len(executions)
        while done > before and executions[done - 1].status is ExecutionStatus.RUNNING:
            done -= 1
        for execution in executions[before:done]:
            if execution.status is ExecutionStatus.RUNNING:
                self._provisional.append(len(self.consumed))
            self.consumed.append(execution)
            if execution.ran:
                self._replay(execution)
        if len(self.consumed) != before:
            # later writes can invalidate earlier values
            self._events.clear()
            self._staleness.clear()

    def _replay(self, execution: Execution) -> None:
        index = len(self.steps)
        facts = self._facts_of(execution.code)
        writer = self._writer
        reads: dict[str, int | None] = {n: writer.get(n) for n in facts.read_names}
        known = self._functions
        called = [n for n in facts.call_names if n in facts.functions or n in known]
        effects = (
            resolve_calls(called, chained_lookup(facts.functions, known))
            if called
            else CallEffects()
        )
        via: dict[str, str] = {}
        for name, function in effects.reads.items():
            if name not in facts.defined_names and name not in reads:
                reads[name] = self._writer.get(name)
                via[name] = function
        writes = facts.written_names | effects.writes
        self.steps.append(Step(index, execution, facts, reads, via, writes))
        for name in writes:
            self._writer[name] = index
            self._writes.setdefault(name, []).append(index)
        for name in facts.deleted_names:
            self._writer.pop(name, None)
        for name in facts.defined_names & self._functions.keys():
            del self._functions[name]
        self._functions.update(facts.functions)
        if execution.cell_id is not None:
            self.last_run[execution.cell_id] = index

    # -- queries ---------------------------------------------------------------

    def writer(self, name: str) -> int | None:
        """The step whose value ``name`` holds now, if any step bound it."""
        return self._writer.get(name)

    def live_names(self) -> dict[str, int]:
        """Every name the history left bound, with the step that bound it."""
        return dict(self._writer)

    def next_write(self, name: str, after: int, skip: int = -1) -> int | None:
        """The first step after ``after`` (other than ``skip``) that wrote ``name``."""
        writes = self._writes.get(name, ())
        if not writes or writes[-1] <= after:
            return None
        i = bisect_right(writes, after)
        while i < len(writes):
            if writes[i] != skip:
                return writes[i]
            i += 1
        return None

    def staleness(self, index: int) -> Staleness | None:
        """The first reason the values step ``index`` read are out of date.

        Depends on the history alone, so it is memoised until new executions
        arrive: edits to the notebook do not recompute it.
        """
        if index in self._staleness:
            return self._staleness[index]
        found: Staleness | None = None
        for name, writer in self.steps[index].reads.items():
            changer = self.next_write(name, after=index)
            if changer is not None:
                found = Staleness(name, changer)
                break
            if writer is None:
                continue
            cause = self.invalidation(writer, root=index)
            if cause is not None:
                found = Staleness(name, cause.by, writer, cause.name)
                break
        self._staleness[index] = found
        return found

    def invalidation(self, step: int, root: int) -> Invalidation | None:
        """Why the values ``step`` wrote are out of date, ignoring ``root``'s writes.

        A value is out of date when an input of the execution that computed it
        was replaced after that execution read it, or was itself out of date
        (recursively). Writes by ``root``, the execution asking, are ignored so
        that ``x += 1`` run twice does not call its own input stale.
        """
        events = self._events.get(step)
        if events is None:
            self._compute_events(step)
            events = self._events[step]
        return next((e for e in events if e.by != root), None)

    def _compute_events(self, start: int) -> None:
        events = self._events
        steps = self.steps
        stack = [start]
        while stack:
            top = stack[-1]
            if top in events:
                stack.pop()
                continue
            inputs = [w for w in steps[top].reads.values() if w is not None]
            pending = [w for w in inputs if w not in events]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            events[top] = self._own_events(top, inputs)

    def _own_events(self, index: int, inputs: list[int]) -> tuple[Invalidation, ...]:
        found: dict[int, Invalidation] = {}
        all_writes = self._writes
        for name in self.steps[index].reads:
            writes = all_writes.get(name)
            if not writes or writes[-1] <= index:
                continue  # most names are never written again: skip the bisect
            first = bisect_right(writes, index)
            for by in writes[first : first + _KEEP]:
                found.setdefault(by, Invalidation(by, name))
        events = self._events
        for w in inputs:
            for event in events[w]:
                if event.by != index:
                    found.setdefault(event.by, event)
        if not found:
            return ()
        return tuple(found[k] for k in sorted(found)[:_KEEP])

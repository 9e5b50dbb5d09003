"""Def/use in execution order: which execution produced each value a cell read.

Replays one kernel session's history (or, without a kernel, the order saved
execution counts imply) over the cells' facts. Each step records, for every
path it read, the step whose write it saw, and for every name it changed, the
paths (with their writers) the new value was computed from. The staleness
questions are answered from that by :mod:`.staleness`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .calls import CallEffects, chained_lookup, resolve_calls
from .facts import Binding, CellFacts, Change, FunctionFacts
from .model import Execution, ExecutionStatus
from .paths import root_of
from .writes import WriteLog

_SERIALS = itertools.count()

#: What a step's value of a name was computed from: path -> writer step.
Inputs = dict[str, int | None]


@dataclass(frozen=True)
class Step:
    """One execution that ran, with the writer of every value it read.

    ``reads`` maps each path read (directly or through a called function) to
    the index of the step whose value it saw, or ``None`` when no execution in
    this history wrote it. ``via`` maps paths read through a call to the
    function whose body reads them; ``aliases`` maps output-history values
    (``_5``) to the name the source used (``_``, ``Out[5]``). ``values`` holds
    what each name the step changed was computed from.
    """

    index: int
    execution: Execution
    facts: CellFacts
    reads: Inputs
    via: dict[str, str]
    aliases: dict[str, str]
    values: dict[str, Inputs]
    read_values: frozenset[tuple[str, int | None]]
    #: Names this step changed from their own old value while re-running a
    #: cell that already ran: Restart & Run All applies that change once.
    repeated: frozenset[str] = frozenset()

    @property
    def writes(self) -> frozenset[str]:
        """The names this step changed."""
        return frozenset(self.values)


class Timeline:
    """An append-only replay of one kernel session's executions.

    An execution that raised is taken to have done everything its code does:
    nbguard cannot know where it stopped, so it errs towards warning.
    Executions still running have done nothing yet, and aborted ones never ran.
    """

    def __init__(self, facts_of: Callable[[str], CellFacts]) -> None:
        #: Unique per timeline, for keys that must not outlive it.
        self.serial = next(_SERIALS)
        self._facts_of = facts_of
        self.steps: list[Step] = []
        self.consumed: list[Execution] = []
        self.last_run: dict[str, int] = {}
        #: The execution count of each cell's latest run (None: not counted).
        self.last_count: dict[str, int | None] = {}
        self.log = WriteLog()
        #: Bumped whenever steps are added: memoised answers depend on it.
        self.version = 0
        self._live: dict[str, int] = {}
        self._functions: dict[str, FunctionFacts] = {}
        self._instances: dict[str, str] = {}  # name -> class it was made from
        self._identity: dict[str, tuple[str, tuple[tuple[str, int | None], ...]]] = {}
        self._outputs: list[str] = []
        self._provisional: list[int] = []  # consumed while still marked running
        #: Reverse indices, so that what a new step invalidates is found
        #: without revisiting the whole history (see :mod:`.staleness`).
        #: value -> values computed from it, and steps that read it
        self.dependents: dict[tuple[int, str], list[tuple[int, str]]] = {}
        self.value_readers: dict[tuple[int, str], list[int]] = {}
        #: root name -> (step, value name, path): values computed from that path
        self.deps_by_root: dict[str, list[tuple[int, str, str]]] = {}
        #: root name -> (step, path): direct reads of that path
        self.reads_by_root: dict[str, list[tuple[int, str]]] = {}
        #: The paths each step changed, for the same purpose.
        self.changes: list[tuple[str, ...]] = []
        #: Answers memoised over this timeline (kept by :mod:`.staleness`).
        self.memo: Any = None

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
            self.version += 1

    # -- replay ----------------------------------------------------------------

    def _alias(self, key: str) -> str:
        """The output-history value a read of ``_``, ``__``, ``Out[5]`` means."""
        if key in ("_", "__", "___"):
            back = len(key)
            return self._outputs[-back] if len(self._outputs) >= back else key
        if key.startswith("Out[") and key.endswith("]") and key[4:-1].isdigit():
            return f"_{key[4:-1]}"
        return key

    def _replay(self, execution: Execution) -> None:
        index = len(self.steps)
        facts = self._facts_of(execution.code)
        log = self.log
        reads: Inputs = {}
        aliases: dict[str, str] = {}
        for key in facts.read_paths:
            target = self._alias(key)
            if target != key:
                aliases[target] = key
            reads[target] = log.writer(target, index)
        lookup = self._lookup(facts)
        called = [n for n in sorted(facts.call_names) if lookup(n) is not None]
        effects = resolve_calls(called, lookup) if called else CallEffects()
        via: dict[str, str] = {}
        for name, function in effects.reads.items():
            if name not in facts.defined_names and name not in reads:
                reads[name] = log.writer(name, index)
                via[name] = function

        def inputs(deps: frozenset[str], calls: frozenset[str]) -> Inputs:
            found: Inputs = {}
            for key in sorted(deps):  # sorted: no dependence on the hash seed
                target = self._alias(key)
                found[target] = (
                    reads[target] if target in reads else log.writer(target, index)
                )
            if calls:
                for name in resolve_calls(calls, lookup).reads:
                    if name not in found and name not in facts.defined_names:
                        found[name] = log.writer(name, index)
            return found

        values: dict[str, Inputs] = {}
        changes: list[tuple[str, str, Change]] = []
        for binding in facts.bindings:
            deps = inputs(binding.deps, binding.calls)
            if self._unchanged(binding, deps):
                continue
            changes.append((binding.name, binding.path, binding.change))
            values.setdefault(binding.name, {}).update(deps)
            self._remember_identity(binding, deps)
        for calls, read in facts.call_sites:
            for name in resolve_calls(calls, lookup).writes:
                if name not in values:
                    changes.append((name, name, Change.MUTATE))
                    values[name] = {
                        **inputs(read, calls),
                        name: log.writer(name, index),
                    }
        if facts.displays is not None:
            count = execution.execution_count
            name = f"_{count}" if count is not None else f"_#{index}"
            changes.append((name, name, Change.BIND))
            values[name] = inputs(facts.displays.deps, facts.displays.calls)
            self._outputs.append(name)
        read_values = frozenset((root_of(k), w) for k, w in reads.items())
        repeated = frozenset(
            name
            for name, deps in values.items()
            if execution.cell_id in self.last_run and name in deps
        )
        self.steps.append(
            Step(
                index, execution, facts, reads, via, aliases, values, read_values,
                repeated,
            )
        )  # fmt: skip
        self._index(index, reads, values)
        self.changes.append(tuple(path for _n, path, _c in changes))
        for name, path, change in changes:
            log.record(index, path, delete=change is Change.DELETE)
            if change is Change.DELETE:
                self._live.pop(name, None)
            elif not _is_output(name):
                self._live[name] = index
        for name in facts.defined_names & self._functions.keys():
            prefix = name + "."
            for key in [k for k in self._functions if k.startswith(prefix)]:
                del self._functions[key]
            del self._functions[name]
        self._functions.update(facts.functions)
        for binding in facts.bindings:
            if binding.change is not Change.MUTATE:
                cls = self._functions.get(binding.instance_of or "")
                if cls is not None and cls.is_class:
                    self._instances[binding.name] = cls.name
                else:
                    self._instances.pop(binding.name, None)
        if execution.cell_id is not None:
            self.last_run[execution.cell_id] = index
            self.last_count[execution.cell_id] = execution.execution_count

    def _index(self, index: int, reads: Inputs, values: dict[str, Inputs]) -> None:
        for key, writer in reads.items():
            root = root_of(key)
            self.reads_by_root.setdefault(root, []).append((index, key))
            if writer is not None:
                self.value_readers.setdefault((writer, root), []).append(index)
        for name, inputs in values.items():
            for key, writer in inputs.items():
                root = root_of(key)
                self.deps_by_root.setdefault(root, []).append((index, name, key))
                if writer is not None:
                    self.dependents.setdefault((writer, root), []).append((index, name))

    def _lookup(self, facts: CellFacts) -> Callable[[str], FunctionFacts | None]:
        """Find what a call runs: a function, a class, or ``obj.m`` by its class."""
        plain = chained_lookup(facts.functions, self._functions)
        local = {
            b.name: b.instance_of
            for b in facts.bindings
            if b.instance_of and b.instance_of in facts.functions
        }

        def find(name: str) -> FunctionFacts | None:
            receiver, dot, method = name.partition(".")
            if not dot:
                return plain(name)
            cls = local.get(receiver) or self._instances.get(receiver) or receiver
            return plain(f"{cls}.{method}")

        return find

    def _unchanged(self, binding: Binding, deps: Inputs) -> bool:
        """Whether re-running ``binding`` gives back the object the name holds.

        ``import numpy as np`` twice, or the same ``def`` run again with the same
        defaults, binds an equal object: that is no change of the name.
        """
        if binding.change is not Change.BIND or binding.identity is None:
            return False
        current = self._identity.get(binding.name)
        return (
            current is not None
            and binding.name in self._live
            and current == (binding.identity, _signature(deps))
        )

    def _remember_identity(self, binding: Binding, deps: Inputs) -> None:
        if binding.change is Change.BIND and binding.identity is not None:
            self._identity[binding.name] = (binding.identity, _signature(deps))
        else:
            self._identity.pop(binding.name, None)

    # -- queries ---------------------------------------------------------------

    def writer(self, name: str) -> int | None:
        """The step whose value ``name`` holds now, if any step bound it."""
        return self._live.get(name)

    def live_names(self) -> dict[str, int]:
        """Every name the history left bound, with the step that last changed it.

        The returned dict is the timeline's own: read it, do not change it.
        """
        return self._live


def _is_output(name: str) -> bool:
    """``_5`` (or ``_#5`` without a count): a value in IPython's output history."""
    return name.startswith("_") and (name[1:].isdigit() or name.startswith("_#"))


def _signature(deps: Inputs) -> tuple[tuple[str, int | None], ...]:
    return tuple(sorted(deps.items(), key=lambda item: item[0]))

"""Which executions' values are out of date, and whether page order explains it.

A value (what step ``w`` left in name ``n``) is out of date when one of the
paths it was computed from was changed after ``w`` read it, or when a value it
was computed from was itself out of date. Each such change is an
:class:`Invalidation`. It *agrees with page order* when the change came from a
notebook cell below the cell that read the path: Restart & Run All would run
them in that same order, so what is shown is what it would show (the quiet
``superseded`` rule). Any other change (a cell above, the same cell re-run, a
console, a deleted cell) *disagrees*: the notebook now shows something Restart
& Run All would not (``stale-cell``).

Two exceptions keep this calm on ordinary notebooks: a change by a step that
itself read the value (``rows = rows[keep]`` does not make ``keep`` stale), and
a path's own later writes (a list appended to again is a new value, not an
out-of-date one).
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from .paths import overlaps, root_of
from .timeline import Step, Timeline

#: Invalidations remembered per value and kind; enough to skip the asker's own.
_KEEP = 2


@dataclass(frozen=True)
class Invalidation:
    """``name`` was changed by step ``by`` after step ``reader`` had read it."""

    by: int
    name: str
    reader: int


@dataclass(frozen=True)
class Staleness:
    """Why the values a step read are out of date.

    Either ``name`` itself was changed by step ``by`` after the step read it
    (``writer`` is None), or the value of ``name`` the step read, written by
    step ``writer``, was computed (maybe indirectly) from ``changed``, which
    step ``by`` changed. ``agrees`` is set when page order explains the change.
    """

    name: str
    by: int
    writer: int | None = None
    changed: str = ""
    agrees: bool = False


@dataclass(frozen=True)
class _Events:
    disagree: tuple[Invalidation, ...] = ()
    agree: tuple[Invalidation, ...] = ()


_NONE = _Events()


class StalenessIndex:
    """Answers staleness questions for one timeline and one page order.

    ``positions`` maps cell ids to their page position. Answers are memoised
    until the history grows or the page order changes.
    """

    def __init__(self, timeline: Timeline, positions: Mapping[str, int]) -> None:
        # Weak: the timeline keeps this index in its memo, and a cycle would
        # leave a dropped session's timeline to the cyclic collector.
        self._timeline = weakref.ref(timeline)
        self.positions = positions
        self._seen = len(timeline.steps)
        self._values: dict[tuple[int, str], _Events] = {}
        self._steps: dict[int, Staleness | None] = {}
        self._upward: dict[int, tuple[str, int] | None] = {}
        self._positions_of_steps: list[int] = []
        self._minima: dict[int, tuple[int, list[int]]] = {}

    def catch_up(self) -> None:
        """Forget only the answers that steps added since can have changed.

        A new step changes some paths: values computed from those paths (and,
        transitively, values computed from them), and steps that read those
        paths or values, are recomputed on demand; everything else stands.
        """
        timeline = self.timeline
        for step in range(self._seen, len(timeline.steps)):
            values: set[tuple[int, str]] = set()
            readers: set[int] = set()
            for path in timeline.changes[step]:
                root = root_of(path)
                for at, name, key in timeline.deps_by_root.get(root, ()):
                    if at < step and overlaps(key, path):
                        values.add((at, name))
                for at, key in timeline.reads_by_root.get(root, ()):
                    if at < step and overlaps(key, path):
                        readers.add(at)
            stack = list(values)
            while stack:
                value = stack.pop()
                readers.update(timeline.value_readers.get(value, ()))
                for dependent in timeline.dependents.get(value, ()):
                    if dependent not in values:
                        values.add(dependent)
                        stack.append(dependent)
            for value in values:
                self._values.pop(value, None)
            for reader in readers:
                self._steps.pop(reader, None)
        self._seen = len(timeline.steps)

    @property
    def timeline(self) -> Timeline:
        """The timeline this index answers for."""
        timeline = self._timeline()
        assert timeline is not None, "used after its timeline was dropped"
        return timeline

    def _position(self, step: int) -> int:
        """The page position of the cell a step ran, -1 if not in the notebook."""
        known = self._positions_of_steps
        steps = self.timeline.steps
        while len(known) <= step:
            cell = steps[len(known)].execution.cell_id
            known.append(self.positions.get(cell, -1) if cell is not None else -1)
        return known[step]

    def _agrees(self, by: int, reader: int) -> bool:
        changer = self._position(by)
        read_at = self._position(reader)
        return changer >= 0 and read_at >= 0 and changer > read_at

    def _classify(self, found: list[Invalidation]) -> _Events:
        if not found:
            return _NONE
        found.sort(key=lambda e: e.by)
        disagree: list[Invalidation] = []
        agree: list[Invalidation] = []
        for event in found:
            bucket = agree if self._agrees(event.by, event.reader) else disagree
            if len(bucket) < _KEEP and all(e.by != event.by for e in bucket):
                bucket.append(event)
        return _Events(tuple(disagree), tuple(agree))

    def _suffix_minima(self, writes: list[int]) -> list[int]:
        """``m[i]``: the lowest page position among ``writes[i:]`` (-1: off-page).

        Non-decreasing in ``i``, so the last write after a reader that
        disagrees with page order is one bisection away. Kept per write list
        and rebuilt only when the list grew.
        """
        cached = self._minima.get(id(writes))
        if cached is not None and cached[0] == len(writes):
            return cached[1]
        minima = [0] * len(writes)
        low = 1 << 62
        for i in range(len(writes) - 1, -1, -1):
            low = min(low, self._position(writes[i]))
            minima[i] = low
        self._minima[id(writes)] = (len(writes), minima)
        return minima

    def _changes_after(
        self, key: str, reader: int, value: tuple[str, int | None] | None
    ) -> list[Invalidation]:
        """Changes of ``key`` after ``reader`` read it, except by users of ``value``.

        At most one of each kind per write list: the latest change that
        disagrees with page order (found by bisection, not by a scan of every
        later write), and the earliest one that agrees.
        """
        steps = self.timeline.steps
        read_at = self._position(reader)

        def usable(by: int) -> bool:
            return value is None or value not in steps[by].read_values

        found: list[Invalidation] = []
        for writes in self.timeline.log.lists(key):
            first = bisect_right(writes, reader)
            if first == len(writes):
                continue
            if read_at < 0:  # read off-page: every later change disagrees
                by = next((b for b in writes[first:] if usable(b)), None)
                if by is not None:
                    found.append(Invalidation(by, key, reader))
                continue
            minima = self._suffix_minima(writes)
            last = bisect_right(minima, read_at, lo=first) - 1
            while last >= first:
                by = writes[last]
                if self._position(by) <= read_at and usable(by):
                    found.append(Invalidation(by, key, reader))
                    break
                last -= 1
            for by in writes[first:]:
                if self._position(by) > read_at and usable(by):
                    found.append(Invalidation(by, key, reader))
                    break
        return found

    def value(self, step: int, name: str) -> _Events:
        """Why the value step ``step`` left in ``name`` is out of date."""
        memo = self._values
        stack = [(step, name)]
        while stack:
            top = stack[-1]
            if top in memo:
                stack.pop()
                continue
            inputs = self.timeline.steps[top[0]].values.get(top[1], {})
            pending = [
                (w, root_of(k))
                for k, w in inputs.items()
                if w is not None and (w, root_of(k)) not in memo
            ]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[top] = self._own(top[0], top[1], inputs)
        return memo[(step, name)]

    def _own(self, step: int, name: str, inputs: dict[str, int | None]) -> _Events:
        found: list[Invalidation] = []
        if name in self.timeline.steps[step].repeated:
            # ``lst.append(x)`` or ``n += 1`` run a second time: the value holds
            # the change twice, Restart & Run All once (its own reader: disagrees).
            found.append(Invalidation(step, name, step))
        for key, writer in inputs.items():
            root = root_of(key)
            if root != name:  # its own later writes make a new value
                found.extend(self._changes_after(key, step, (name, step)))
            if writer is not None:
                upstream = self._values[(writer, root)]
                found.extend(e for e in upstream.disagree if e.by != step)
                found.extend(e for e in upstream.agree if e.by != step)
        return self._classify(found)

    def upward(self, index: int) -> tuple[str, int] | None:
        """The first path step ``index`` read from a cell below its own, if any.

        Depends on the step's reads and the page order only: new steps never
        change it, so it is memoised for good.
        """
        if index in self._upward:
            return self._upward[index]
        step = self.timeline.steps[index]
        found: tuple[str, int] | None = None
        at = self.positions.get(step.execution.cell_id or "")
        if at is not None:
            steps = self.timeline.steps
            for key, writer in step.reads.items():
                if writer is None:
                    continue
                below = self.positions.get(steps[writer].execution.cell_id or "", -1)
                if below > at:
                    found = (key, writer)
                    break
        self._upward[index] = found
        return found

    def step(self, index: int) -> Staleness | None:
        """The first reason the values step ``index`` read are out of date."""
        if index in self._steps:
            return self._steps[index]
        step: Step = self.timeline.steps[index]
        best: Staleness | None = None
        for key, writer in step.reads.items():
            for event in self._changes_after(key, index, None):
                candidate = Staleness(
                    key, event.by, agrees=self._agrees(event.by, index)
                )
                best = _better(best, candidate)
            if writer is None:
                continue
            events = self.value(writer, root_of(key))
            for event in (*events.disagree, *events.agree):
                if event.by == index:
                    continue
                candidate = Staleness(
                    key,
                    event.by,
                    writer,
                    event.name,
                    self._agrees(event.by, event.reader),
                )
                best = _better(best, candidate)
        self._steps[index] = best
        return best


def _better(best: Staleness | None, candidate: Staleness) -> Staleness:
    """Disagreeing changes first, then the earliest change."""
    if best is None:
        return candidate
    if best.agrees != candidate.agrees:
        return candidate if best.agrees else best
    return candidate if candidate.by < best.by else best


def staleness_index(timeline: Timeline, positions: Mapping[str, int]) -> StalenessIndex:
    """The timeline's memoised index for this page order (kept between checks).

    Only the relative order of the cells the history ran matters, so adding a
    cell, or editing one, keeps every answer; moving a cell starts afresh.
    """
    order = tuple(
        sorted(
            (cell for cell in timeline.last_run if cell in positions),
            key=positions.__getitem__,
        )
    )
    known = timeline.memo
    if isinstance(known, tuple) and known[0] == order:
        index: StalenessIndex = known[1]
        index.positions = positions
        index.catch_up()
        return index
    index = StalenessIndex(timeline, positions)
    timeline.memo = (order, index)
    return index

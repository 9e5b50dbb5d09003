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

Answers name the *earliest* changes of each kind. That makes them monotone in
the history: a new step can only add itself to an answer (when fewer than
``KEEP`` changes of its kind were known), never replace what was found. So a
new step is absorbed by merging it into the memoised answers it touches, and
its effect spreads only as far as it changed an answer: re-running a cell that
appends to a list every other cell reads costs a visit per reader, not a
replay of the history.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Mapping

from .absorb import Absorbing
from .invalidation import KEEP, NONE, Events, Invalidation, Staleness, better
from .paths import root_of
from .positionblocks import PositionBlocks
from .timeline import Step, Timeline


class StalenessIndex(Absorbing):
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
        self._values: dict[tuple[int, str], Events] = {}
        self._steps: dict[int, Staleness | None] = {}
        self.changed_answers: list[int] = []
        self._open_reads: dict[str, tuple[int, list[tuple[int, str]]]] = {}
        self._open_deps: dict[str, tuple[int, list[tuple[int, str, str]]]] = {}
        self._upward: dict[int, tuple[str, int] | None] = {}
        self._positions_of_steps: list[int] = []
        self._blocks: dict[int, PositionBlocks] = {}

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

    def _classify(self, found: list[Invalidation]) -> Events:
        if not found:
            return NONE
        found.sort(key=lambda e: e.by)
        disagree: list[Invalidation] = []
        agree: list[Invalidation] = []
        for event in found:
            bucket = agree if self._agrees(event.by, event.reader) else disagree
            if len(bucket) < KEEP and all(e.by != event.by for e in bucket):
                bucket.append(event)
        return Events(tuple(disagree), tuple(agree))

    def _positions(self, writes: list[int]) -> PositionBlocks:
        """The page positions of ``writes``, with per-block minima and maxima.

        Kept per write list and extended as the list grows (lists only grow).
        """
        blocks = self._blocks.get(id(writes))
        if blocks is None:
            blocks = self._blocks[id(writes)] = PositionBlocks()
        for i in range(len(blocks), len(writes)):
            blocks.add(self._position(writes[i]))
        return blocks

    def _changes_after(
        self, key: str, reader: int, value: tuple[str, int | None] | None
    ) -> list[Invalidation]:
        """The earliest changes of ``key`` after ``reader`` read it, of each kind.

        Per write list, up to ``KEEP`` that disagree with page order and
        ``KEEP`` that agree, skipping steps that used ``value`` (their change
        was computed from it). Blocks of writes that hold none of the kind
        sought are skipped whole, so a long list is not scanned write by write.
        """
        steps = self.timeline.steps
        read_at = self._position(reader)
        found: list[Invalidation] = []
        for writes in self.timeline.log.lists(key):
            first = bisect_right(writes, reader)
            if first == len(writes):
                continue
            blocks = self._positions(writes)
            kinds = (True,) if read_at < 0 else (True, False)
            for disagree in kinds:
                at, taken = first, 0
                while taken < KEEP:
                    at = blocks.next(at, read_at, disagree)
                    if at < 0:
                        break
                    by = writes[at]
                    if value is None or value not in steps[by].read_values:
                        found.append(Invalidation(by, key, reader))
                        taken += 1
                    at += 1
        return found

    def value(self, step: int, name: str) -> Events:
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

    def _own(self, step: int, name: str, inputs: dict[str, int | None]) -> Events:
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
                best = better(best, candidate)
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
                best = better(best, candidate)
        self._steps[index] = best
        return best


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

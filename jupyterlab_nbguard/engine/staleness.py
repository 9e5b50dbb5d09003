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
``_KEEP`` changes of its kind were known), never replace what was found. So a
new step is absorbed by merging it into the memoised answers it touches, and
its effect spreads only as far as it changed an answer: re-running a cell that
appends to a list every other cell reads costs a visit per reader, not a
replay of the history.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from heapq import heappop, heappush

from .paths import overlaps, root_of
from .positionblocks import PositionBlocks
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
        self._blocks: dict[int, PositionBlocks] = {}

    def catch_up(self) -> None:
        """Merge the steps added since the last check into the memoised answers."""
        timeline = self.timeline
        for step in range(self._seen, len(timeline.steps)):
            self._absorb(step)
        self._seen = len(timeline.steps)

    def _absorb(self, new: int) -> None:
        """Add step ``new`` to every memoised answer it changes, and nothing else.

        Values computed from a path ``new`` changed gain ``new`` as an
        invalidation; a value whose answer grew passes it on to the values
        computed from it and to the steps that read it. Values are visited in
        step order, so an upstream answer is merged before those built on it.
        """
        timeline = self.timeline
        memo = self._values
        # What ``new`` changed directly: the input keys of each memoised value
        # and the read keys of each memoised step that overlap its paths.
        values: dict[tuple[int, str], set[str]] = {}
        reads: dict[int, set[str]] = {}
        for path in timeline.changes[new]:
            root = root_of(path)
            for at, name, key in timeline.deps_by_root.get(root, ()):
                if at < new and (at, name) in memo and overlaps(key, path):
                    values.setdefault((at, name), set()).add(key)
            for at, key in timeline.reads_by_root.get(root, ()):
                if at < new and at in self._steps and overlaps(key, path):
                    reads.setdefault(at, set()).add(key)
        grown = _Grown()
        pending = sorted(values)
        queued = set(pending)
        while pending:
            value = heappop(pending)
            old = memo[value]
            if len(old.disagree) >= _KEEP and len(old.agree) >= _KEEP:
                continue  # full of earlier changes: a later one cannot join
            events = self._new_events(value, new, values.get(value, ()), grown)
            if not events:
                continue
            merged = self._classify([*old.disagree, *old.agree, *events])
            if merged == old:
                continue
            memo[value] = merged
            grown.add(value)
            for reader in timeline.value_readers.get(value, ()):
                if reader in self._steps:
                    reads.setdefault(reader, set())
            for dependent in timeline.dependents.get(value, ()):
                if dependent in memo and dependent not in queued:
                    queued.add(dependent)
                    heappush(pending, dependent)
        for reader, keys in reads.items():
            best = self._steps[reader]
            if best is not None and not best.agrees:
                continue  # an earlier disagreeing change outranks any new one
            for candidate in self._candidates(reader, new, keys, grown):
                best = _better(best, candidate)
            self._steps[reader] = best

    def _wrote(self, step: int, key: str) -> bool:
        """Whether ``step`` changed a path overlapping ``key``."""
        for writes in self.timeline.log.lists(key):
            at = bisect_left(writes, step)
            if at < len(writes) and writes[at] == step:
                return True
        return False

    def _new_events(
        self,
        value: tuple[int, str],
        new: int,
        keys: Collection[str],
        grown: _Grown,
    ) -> list[Invalidation]:
        """The invalidations by step ``new`` of ``value``, in :meth:`_own`'s order.

        ``keys``: its inputs that ``new`` changed; ``grown``: the values whose
        answers ``new`` has joined so far (upstream ones come first).
        """
        at, name = value
        steps = self.timeline.steps
        found: list[Invalidation] = []
        for key, writer in steps[at].values.get(name, {}).items():
            if (
                key in keys
                and root_of(key) != name
                and (name, at) not in steps[new].read_values
                and self._wrote(new, key)
            ):
                found.append(Invalidation(new, key, at))
            if writer is not None and writer in grown.steps:
                upstream = (writer, root_of(key))
                if upstream in grown.values:
                    events = self._values[upstream]
                    found.extend(e for e in events.disagree if e.by == new)
                    found.extend(e for e in events.agree if e.by == new)
        return found

    def _candidates(
        self, index: int, new: int, keys: Collection[str], grown: _Grown
    ) -> list[Staleness]:
        """The reasons step ``new`` gives step ``index``, in :meth:`step`'s order.

        Every value a memoised step read is memoised too (:meth:`step` asked
        for it), so the upstream reasons are in the values ``new`` joined.
        """
        found: list[Staleness] = []
        for key, writer in self.timeline.steps[index].reads.items():
            if key in keys and self._wrote(new, key):
                found.append(Staleness(key, new, agrees=self._agrees(new, index)))
            if writer is None or writer not in grown.steps:
                continue
            upstream = (writer, root_of(key))
            if upstream not in grown.values:
                continue
            events = self._values[upstream]
            for event in (*events.disagree, *events.agree):
                if event.by == new:
                    found.append(
                        Staleness(key, new, writer, event.name,
                                  self._agrees(event.by, event.reader))
                    )  # fmt: skip
        return found

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

        Per write list, up to ``_KEEP`` that disagree with page order and
        ``_KEEP`` that agree, skipping steps that used ``value`` (their change
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
                while taken < _KEEP:
                    at = blocks.next(at, read_at, disagree)
                    if at < 0:
                        break
                    by = writes[at]
                    if value is None or value not in steps[by].read_values:
                        found.append(Invalidation(by, key, reader))
                        taken += 1
                    at += 1
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


class _Grown:
    """The values whose answers one new step has joined, and their steps."""

    __slots__ = ("steps", "values")

    def __init__(self) -> None:
        self.values: set[tuple[int, str]] = set()
        self.steps: set[int] = set()

    def add(self, value: tuple[int, str]) -> None:
        self.values.add(value)
        self.steps.add(value[0])


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

"""Absorbing new steps into memoised staleness answers, instead of recomputing.

Answers name the earliest changes of each kind (:mod:`.invalidation`), so a
new step can only join an answer, when fewer than ``KEEP`` changes of its kind
were known, and never replace one. A new step is merged into the memoised
answers it touches, and its effect spreads only as far as it changed one:
re-running a cell that appends to a list every other cell reads costs a visit
per reader, not a replay of the history.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection
from heapq import heappop, heappush
from typing import TYPE_CHECKING, TypeVar

from .invalidation import KEEP, Events, Invalidation, Staleness, better
from .paths import overlaps, root_of

if TYPE_CHECKING:
    from .timeline import Timeline

_T = TypeVar("_T")


class Absorbing:
    """The merge half of :class:`~.staleness.StalenessIndex` (a mixin)."""

    _seen: int
    _values: dict[tuple[int, str], Events]
    _steps: dict[int, Staleness | None]
    _positions_of_steps: list[int]
    #: Steps whose memoised answer a merge changed, in order (append-only).
    changed_answers: list[int]
    #: By root: how many of the timeline's entries were taken, and those of
    #: them not settled yet (:meth:`_open`).
    _open_reads: dict[str, tuple[int, list[tuple[int, str]]]]
    _open_deps: dict[str, tuple[int, list[tuple[int, str, str]]]]

    if TYPE_CHECKING:  # what the index provides; declared for the type checker

        @property
        def timeline(self) -> Timeline:
            """The timeline the answers are about."""

        def _agrees(self, by: int, reader: int) -> bool: ...

        def _position(self, step: int) -> int: ...

        def _classify(self, found: list[Invalidation]) -> Events: ...

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
        answers = self._steps
        # Where ``new`` and every earlier step ran on the page: whether its
        # change agrees with page order for a reader is two list lookups.
        changer = self._position(new)
        where = self._positions_of_steps
        for path in timeline.changes[new]:
            root = root_of(path)
            # Most of a long session's values and readers are settled: a value
            # that already holds KEEP earlier changes of the kind ``new``'s
            # would be cannot take it, and a reader's earlier change outranks
            # a later one of the same kind (or an agreeing one). Skipping them
            # before the path test keeps a re-run's cost to what it can change;
            # those settled for good leave the lists walked (:meth:`_open`).
            deps = self._open(self._open_deps, timeline.deps_by_root, root)
            full = 0
            for at, name, key in deps:
                if at >= new:
                    continue
                old = memo.get((at, name))
                if old is None:
                    continue
                agrees = changer >= 0 and 0 <= where[at] < changer
                if len(old.agree if agrees else old.disagree) < KEEP:
                    if overlaps(key, path):
                        values.setdefault((at, name), set()).add(key)
                elif len(old.agree) >= KEEP and len(old.disagree) >= KEEP:
                    full += 1
            if full * 4 > len(deps):
                _settle(self._open_deps, root, self._value_open)
            readers = self._open(self._open_reads, timeline.reads_by_root, root)
            outranked = 0
            for at, key in readers:
                if at >= new or at not in answers:
                    continue
                best = answers[at]
                if best is not None:
                    if not best.agrees:
                        outranked += 1
                        continue  # an earlier disagreeing change outranks any
                    if changer >= 0 and 0 <= where[at] < changer:
                        continue  # ``new`` would be a later agreeing change
                if overlaps(key, path):
                    reads.setdefault(at, set()).add(key)
            if outranked * 4 > len(readers):
                _settle(self._open_reads, root, self._reader_open)
        grown = Grown()
        pending = sorted(values)
        queued = set(pending)
        while pending:
            value = heappop(pending)
            old = memo[value]
            if len(old.disagree) >= KEEP and len(old.agree) >= KEEP:
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
                if reader in answers:
                    reads.setdefault(reader, set())
            for dependent in timeline.dependents.get(value, ()):
                if dependent in memo and dependent not in queued:
                    queued.add(dependent)
                    heappush(pending, dependent)
        for reader, keys in reads.items():
            old_best = best = self._steps[reader]
            if best is not None and not best.agrees:
                continue  # an earlier disagreeing change outranks any new one
            for candidate in self._candidates(reader, new, keys, grown):
                best = better(best, candidate)
            if best != old_best:
                self._steps[reader] = best
                self.changed_answers.append(reader)

    def _open(
        self,
        held: dict[str, tuple[int, list[_T]]],
        source: dict[str, list[_T]],
        root: str,
    ) -> list[_T]:
        """The timeline's entries for ``root`` less those settled for good.

        Answers only grow, so a value holding ``KEEP`` changes of each kind,
        or a reader whose answer is a disagreeing change, can never take
        another: dropping them keeps a re-run of a cell that writes what every
        cell reads from walking every reader each time. Entries the timeline
        added since are taken in, in order.
        """
        entries = source.get(root)
        if not entries:
            return []
        kept = held.get(root)
        if kept is None:
            mine = list(entries)
        else:
            taken, mine = kept
            if taken < len(entries):
                mine.extend(entries[taken:])
        held[root] = (len(entries), mine)
        return mine

    def _value_open(self, entry: tuple[int, str, str]) -> bool:
        """Whether a value can still take a change: fewer than KEEP of a kind."""
        old = self._values.get((entry[0], entry[1]))
        return old is None or len(old.agree) < KEEP or len(old.disagree) < KEEP

    def _reader_open(self, entry: tuple[int, str]) -> bool:
        """Whether a reader can still take a change: no disagreeing one yet."""
        best = self._steps.get(entry[0])
        return best is None or best.agrees

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
        grown: Grown,
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
        self, index: int, new: int, keys: Collection[str], grown: Grown
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


def _settle(
    held: dict[str, tuple[int, list[_T]]], root: str, still_open: Callable[[_T], bool]
) -> None:
    """Drop ``root``'s entries that can take no further change."""
    taken, entries = held[root]
    held[root] = (taken, [entry for entry in entries if still_open(entry)])


class Grown:
    """The values whose answers one new step has joined, and their steps."""

    __slots__ = ("steps", "values")

    def __init__(self) -> None:
        self.values: set[tuple[int, str]] = set()
        self.steps: set[int] = set()

    def add(self, value: tuple[int, str]) -> None:
        """Note that ``value`` took the new step in."""
        self.values.add(value)
        self.steps.add(value[0])

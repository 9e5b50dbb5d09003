"""Per-kernel execution history since the kernel's last (re)start, bounded in size."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..engine.model import Execution, ExecutionStatus

#: What a reply's ``status`` may finish a record as (``running`` is no answer).
_FINISHED = {s.value: s for s in ExecutionStatus if s is not ExecutionStatus.RUNNING}
_RUNNING = ExecutionStatus.RUNNING
_ERROR = ExecutionStatus.ERROR


def iso(seconds: float) -> str:
    """ISO 8601 text of POSIX ``seconds``, in UTC (``...+00:00``)."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


@dataclass(slots=True)
class ExecutionRecord:
    """One execution request and, once the kernel answered, its outcome."""

    msg_id: str
    code: str
    cell_id: str | None
    #: POSIX seconds, as ``time.time()`` gives them (datetime only in JSON:
    #: building one per message was a tenth of the observer's cost).
    started: float
    execution_count: int | None = None
    status: ExecutionStatus = ExecutionStatus.RUNNING
    finished: float | None = None
    silent: bool = False
    connection: int | None = None
    orphaned: bool = False
    raised: bool = False
    seq: int = -1  # position in the epoch, counting dropped records

    def to_execution(self) -> Execution:
        """The engine's immutable view of this record."""
        return Execution(self.code, self.cell_id, self.execution_count, self.status)

    def to_json(self) -> dict[str, Any]:
        """Serialise as the REST contract's history entry."""
        return {
            "execution_count": self.execution_count,
            "cell_id": self.cell_id,
            "code": self.code,
            "status": self.status.value,
            "started": iso(self.started),
            "finished": None if self.finished is None else iso(self.finished),
        }


@dataclass(frozen=True)
class HistorySnapshot:
    """An immutable copy of one kernel's history at a point in time."""

    kernel_id: str
    epoch: int
    executions: tuple[Execution, ...]
    execution_count: int
    deleted_cell_ids: frozenset[str]
    dropped: int


@dataclass
class KernelHistory:
    """The executions of one kernel in its current epoch, oldest first.

    When ``max_executions`` is exceeded the oldest tenth is dropped at once, so
    the engine's cached replay is rebuilt rarely rather than at every request.
    Identical code strings are stored once. The engine's view (:meth:`executions`)
    is kept between calls and rebuilt only from the first record that changed:
    it is read on the event loop, where 10,000 conversions took 10-20 ms.
    """

    kernel_id: str
    max_executions: int
    epoch: int = 0
    records: list[ExecutionRecord] = field(default_factory=list)
    pending: dict[str, ExecutionRecord] = field(default_factory=dict)
    deleted_cell_ids: set[str] = field(default_factory=set)
    execution_count: int = 0
    dropped: int = 0
    #: How many of :attr:`records` are silent (left out of the engine's view).
    silent: int = 0
    _codes: dict[str, str] = field(default_factory=dict)
    _built: list[Execution | None] = field(default_factory=list)
    _dirty_from: int = 0
    _snapshot: tuple[Execution, ...] = ()

    def trim(self) -> None:
        """Drop the oldest tenth of the records (past ``max_executions``)."""
        if len(self.records) > self.max_executions:
            cut = max(1, self.max_executions // 10)
            for old in self.records[:cut]:
                self.pending.pop(old.msg_id, None)
                self.silent -= old.silent
            del self.records[:cut]
            del self._built[:cut]
            self._dirty_from = max(0, self._dirty_from - cut)
            self.dropped += cut
            live = {r.code for r in self.records}
            self._codes = {c: c for c in self._codes if c in live}

    def touch(self, record: ExecutionRecord) -> None:
        """Note that ``record`` changed, so the engine's view is rebuilt from it."""
        index = record.seq - self.dropped
        if index >= 0:
            self._dirty_from = min(self._dirty_from, index)

    @property
    def visible(self) -> int:
        """How many records the engine's view holds, without building it."""
        return len(self.records) - self.silent

    def executions(self) -> tuple[Execution, ...]:
        """The engine's view of the records (silent ones left out)."""
        records = self.records
        if self._dirty_from < len(records) or len(self._built) != len(records):
            start = min(self._dirty_from, len(self._built))
            del self._built[start:]
            self._built.extend(
                None if r.silent else r.to_execution() for r in records[start:]
            )
            self._dirty_from = len(records)
            self._snapshot = tuple(filter(None, self._built))
        return self._snapshot

    def new_epoch(self) -> None:
        """Forget everything: the kernel restarted with an empty namespace."""
        self.epoch += 1
        self.records.clear()
        self.pending.clear()
        self.deleted_cell_ids.clear()
        self._codes.clear()
        self._built.clear()
        self._dirty_from = 0
        self._snapshot = ()
        self.execution_count = 0
        self.dropped = 0
        self.silent = 0


class HistoryStore:
    """Execution histories of all kernels this server has seen run code.

    An observer may hold messages it has seen but not recorded yet (it records
    in batches, off the path of kernel traffic). It registers with
    :meth:`follow`, and every read or reset here first lets it catch up, so a
    reader never sees a history older than the traffic already forwarded.

    When :attr:`changed` is a dict (a subclass that reports changes sets it),
    the kernels whose visible history a batch changed are noted in it as it is
    recorded, one dict store each, and :meth:`batch_recorded` (which the
    observer calls after each batch) can report them once per batch.
    """

    def __init__(
        self, max_executions: int = 10_000, clock: Callable[[], float] = time.time
    ) -> None:
        self.max_executions = max_executions
        self._clock = clock
        self._kernels: OrderedDict[str, KernelHistory] = OrderedDict()
        #: Kernels with a pending request whose connection closed: only for
        #: these does the observer read iopub ``status`` and ``error``.
        self.orphaned: set[str] = set()
        self._catch_up: Callable[[], None] | None = None
        #: Kernels whose visible history changed since the last batch, or
        #: ``None`` when nobody asks (nothing is noted).
        self.changed: dict[str, None] | None = None

    def batch_recorded(self) -> None:
        """Report :attr:`changed` (a subclass may): a batch changed it.

        The observer calls this only while someone would hear of it.
        """

    def peek(self, kernel_id: str) -> KernelHistory | None:
        """The history of ``kernel_id`` as recorded so far, without catching up."""
        return self._kernels.get(kernel_id)

    def follow(self, catch_up: Callable[[], None]) -> None:
        """Call ``catch_up`` before every read or reset of the store."""
        self._catch_up = catch_up

    def _sync(self) -> None:
        if self._catch_up is not None:
            self._catch_up()

    def __contains__(self, kernel_id: str) -> bool:
        self._sync()
        return kernel_id in self._kernels

    def kernel(self, kernel_id: str) -> KernelHistory:
        """The history of ``kernel_id``, created empty on first use."""
        self._sync()
        return self._history(kernel_id)

    def _history(self, kernel_id: str) -> KernelHistory:
        history = self._kernels.get(kernel_id)
        if history is None:
            history = KernelHistory(kernel_id, self.max_executions)
            self._kernels[kernel_id] = history
        return history

    def kernel_ids(self) -> list[str]:
        """Kernels with a history."""
        self._sync()
        return list(self._kernels)

    def record_request(
        self,
        kernel_id: str,
        msg_id: str,
        code: str,
        cell_id: str | None = None,
        deleted_cell_ids: Iterable[str] = (),
        silent: bool = False,
        connection: int | None = None,
        at: float | None = None,
    ) -> None:
        """Record an ``execute_request`` on its way to the kernel (sent ``at``)."""
        history = self._kernels.get(kernel_id) or self._history(kernel_id)
        if deleted_cell_ids:
            history.deleted_cell_ids.update(deleted_cell_ids)
        if msg_id in history.pending:
            return  # the same request seen twice (a replayed buffer)
        # Appended here, not by a KernelHistory method: this runs once per
        # execution. Positional: keywords cost a tenth more.
        records = history.records
        record = ExecutionRecord(
            msg_id,
            history._codes.setdefault(code, code),
            cell_id,
            self._clock() if at is None else at,
            None,
            _RUNNING,
            None,
            silent,
            connection,
        )
        record.seq = history.dropped + len(records)
        records.append(record)
        history.pending[msg_id] = record
        if silent:
            history.silent += 1
        if len(records) > history.max_executions:
            history.trim()
        if not silent and self.changed is not None:
            self.changed[kernel_id] = None
        if kernel_id in self.orphaned:  # the cap may have dropped an orphan
            self._recount(kernel_id)

    def record_input(
        self, kernel_id: str, parent_msg_id: str, execution_count: int | None
    ) -> None:
        """Record the count from iopub ``execute_input`` (every client sees it)."""
        record = self._pending(kernel_id, parent_msg_id)
        if record is not None and execution_count is not None and not record.silent:
            record.execution_count = execution_count
            self._history(kernel_id).touch(record)

    def record_iopub_error(self, kernel_id: str, parent_msg_id: str) -> None:
        """Remember that a request raised (its reply may never reach us)."""
        record = self._pending(kernel_id, parent_msg_id)
        if record is not None:
            record.raised = True

    def connection_closed(self, kernel_id: str, connection: int) -> None:
        """Mark what a closed connection is still waiting for: its reply is lost.

        The kernel sends a reply only to the connection that asked, so these
        records are finished from iopub instead (see :meth:`record_idle`).
        """
        history = self._kernels.get(kernel_id)
        if history is None:
            return
        for record in history.pending.values():
            if record.connection == connection:
                record.orphaned = True
        self._recount(kernel_id)

    def has_orphans(self, kernel_id: str) -> bool:
        """Whether some request of this kernel lost its reply channel."""
        return kernel_id in self.orphaned

    def _recount(self, kernel_id: str) -> None:
        """Keep :attr:`orphaned` exact after ``kernel_id``'s pending set changed."""
        history = self._kernels.get(kernel_id)
        if history is not None and any(r.orphaned for r in history.pending.values()):
            self.orphaned.add(kernel_id)
        else:
            self.orphaned.discard(kernel_id)

    def record_idle(
        self, kernel_id: str, parent_msg_id: str, at: float | None = None
    ) -> None:
        """Finish an orphaned request when the kernel goes idle after it.

        It ran if the kernel announced its input, raised if an error was
        published, and was aborted (never started) otherwise.
        """
        history = self._kernels.get(kernel_id)
        record = self._pending(kernel_id, parent_msg_id)
        if history is None or record is None or not record.orphaned:
            return
        del history.pending[parent_msg_id]
        self._recount(kernel_id)
        if record.raised:
            record.status = ExecutionStatus.ERROR
        elif record.execution_count is None:
            record.status = ExecutionStatus.ABORTED
        else:
            record.status = ExecutionStatus.OK
        record.finished = self._clock() if at is None else at
        history.touch(record)
        if not record.silent and self.changed is not None:
            self.changed[kernel_id] = None
        if record.execution_count is not None:
            history.execution_count = max(
                history.execution_count, record.execution_count
            )

    def _pending(self, kernel_id: str, msg_id: str) -> ExecutionRecord | None:
        history = self._kernels.get(kernel_id)
        return history.pending.get(msg_id) if history else None

    def record_reply(
        self,
        kernel_id: str,
        parent_msg_id: str,
        status: str,
        execution_count: int | None,
        at: float | None = None,
    ) -> None:
        """Record the kernel's ``execute_reply`` to a request seen before."""
        history = self._kernels.get(kernel_id)
        if history is None:
            return
        record = history.pending.pop(parent_msg_id, None)
        if record is None:
            return
        if record.orphaned:  # a reply replayed to a reconnected client
            self._recount(kernel_id)
        # a dict lookup: calling the Enum costs 15 times as much, every reply
        record.status = _FINISHED.get(status, _ERROR)
        record.finished = self._clock() if at is None else at
        index = record.seq - history.dropped  # history.touch(record), inlined
        if 0 <= index < history._dirty_from:
            history._dirty_from = index
        if record.silent:
            return
        if self.changed is not None:
            self.changed[kernel_id] = None
        if execution_count is not None:
            record.execution_count = execution_count
            if execution_count > history.execution_count:  # max(), a call less
                history.execution_count = execution_count

    def restart(self, kernel_id: str) -> None:
        """Start a new epoch: a restarted kernel has forgotten everything."""
        self.kernel(kernel_id).new_epoch()  # (after catching up with the old one)
        self.orphaned.discard(kernel_id)

    def restarted_remotely(self, kernel_id: str) -> None:
        """A kernel behind a gateway said it is restarting.

        Every open connection relays that status, so only the first one starts
        a new epoch: an epoch with no records yet has nothing to forget.
        """
        history = self._kernels.get(kernel_id)
        if history is not None and history.records:
            history.new_epoch()
            self.orphaned.discard(kernel_id)

    def forget(self, kernel_id: str) -> None:
        """Free the history of a kernel that was shut down."""
        self._sync()
        self._kernels.pop(kernel_id, None)
        self.orphaned.discard(kernel_id)
        if self.changed is not None:
            self.changed.pop(kernel_id, None)

    def records(self, kernel_id: str) -> list[ExecutionRecord]:
        """The records of ``kernel_id`` in this epoch (a copy)."""
        self._sync()
        history = self._kernels.get(kernel_id)
        return list(history.records) if history else []

    def snapshot(self, kernel_id: str) -> HistorySnapshot:
        """An immutable copy of ``kernel_id``'s history for the engine."""
        history = self.kernel(kernel_id)
        return HistorySnapshot(
            kernel_id=kernel_id,
            epoch=history.epoch,
            executions=history.executions(),
            execution_count=history.execution_count,
            deleted_cell_ids=frozenset(history.deleted_cell_ids),
            dropped=history.dropped,
        )

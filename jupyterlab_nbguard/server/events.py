"""Tell browsers that a kernel's history changed, on Jupyter Server's event bus.

A notebook tab knows when its own cells ran, but not when a console, a second
tab or a script ran code in the same kernel. The server sees every execution,
so it says so: one ``history_changed`` event per kernel whose history changed,
which JupyterLab receives through ``serviceManager.events.stream`` and answers
with a check. The browser no longer guesses other clients' executions from
the iopub messages it happens to see.

Nothing here runs while a message is forwarded. The observer records messages
in batches (:meth:`~..history.observer.ExecutionObserver.flush`); the store
below notes which kernels a batch changed, and a short timer after the batch
emits one event per such kernel, so a burst of executions in one batch (or in
flushes close together) is one event per kernel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..history.store import HistoryStore

log = logging.getLogger(__name__)

#: The event's schema id (and the version in its last segment).
HISTORY_CHANGED = "https://events.jupyter.org/jupyterlab_nbguard/history_changed/v1"

#: The event's JSON Schema, registered with the server's event logger.
HISTORY_CHANGED_SCHEMA: dict[str, Any] = {
    "$id": HISTORY_CHANGED,
    "version": "1",
    "title": "nbguard: a kernel's execution history changed",
    "personal-data": False,
    "description": (
        "Emitted after executions of a kernel were recorded (from any client: "
        "notebook tabs, consoles, scripts) or its history was reset. The numbers "
        "are those a check against this kernel would now report in its "
        "`kernel` summary, so a client that already checked them can skip one."
    ),
    "type": "object",
    "required": ["kernel_id", "epoch", "executions", "execution_count"],
    "properties": {
        "kernel_id": {"type": "string", "description": "The kernel's id."},
        "epoch": {
            "type": "integer",
            "description": "Goes up by one at every restart (or history reset).",
        },
        "executions": {
            "type": "integer",
            "description": "Executions recorded in this epoch, running ones included.",
        },
        "execution_count": {
            "type": "integer",
            "description": "The highest execution count the kernel answered with.",
        },
        "running": {
            "type": "integer",
            "description": "How many of them have not finished yet.",
        },
    },
}


class NotifyingStore(HistoryStore):
    """A :class:`HistoryStore` that reports which kernels' histories changed.

    ``on_change(kernel_id)`` is called after each change a check could see: a
    request recorded, a reply (or an orphan's end), a restart. Requests the
    user cannot see (``silent``, such as nbguard's own namespace reads) change
    no check, so they are not reported.
    """

    def __init__(self, max_executions: int, on_change: Callable[[str], None]) -> None:
        super().__init__(max_executions)
        self.on_change = on_change

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
        """Record a request; report it unless it is silent."""
        super().record_request(
            kernel_id, msg_id, code, cell_id, deleted_cell_ids, silent, connection, at
        )
        if not silent:
            self.on_change(kernel_id)

    def record_reply(
        self,
        kernel_id: str,
        parent_msg_id: str,
        status: str,
        execution_count: int | None,
        at: float | None = None,
    ) -> None:
        """Record a reply; report it unless its request was silent or unknown."""
        record = self._pending(kernel_id, parent_msg_id)
        super().record_reply(kernel_id, parent_msg_id, status, execution_count, at)
        if record is not None and not record.silent:
            self.on_change(kernel_id)

    def record_idle(
        self, kernel_id: str, parent_msg_id: str, at: float | None = None
    ) -> None:
        """Finish an orphaned request; report it if it was one."""
        record = self._pending(kernel_id, parent_msg_id)
        super().record_idle(kernel_id, parent_msg_id, at)
        if record is not None and record.orphaned and not record.silent:
            self.on_change(kernel_id)

    def restart(self, kernel_id: str) -> None:
        """Start a new epoch and report it."""
        super().restart(kernel_id)
        self.on_change(kernel_id)

    def restarted_remotely(self, kernel_id: str) -> None:
        """A gateway kernel restarted: report it."""
        super().restarted_remotely(kernel_id)
        self.on_change(kernel_id)


class HistoryEvents:
    """Emits ``history_changed`` at most once per kernel per :attr:`delay`.

    Parameters
    ----------
    emit
        Sends one event, e.g. ``event_logger.emit(schema_id=..., data=...)``.
    """

    #: Seconds between the first change noted and the events for it: the
    #: flushes of one burst (the timer's and readers' catch-ups) merge.
    delay = 0.05

    def __init__(self, emit: Callable[[dict[str, Any]], None]) -> None:
        self._emit = emit
        self.store: HistoryStore | None = None
        self._dirty: dict[str, None] = {}  # ordered set
        self._armed = False
        #: How many events were emitted (for tests and benchmarks).
        self.emitted = 0

    def attach(self, store: HistoryStore) -> None:
        """Read the numbers of each event from ``store``."""
        self.store = store

    def mark(self, kernel_id: str) -> None:
        """Note that ``kernel_id``'s history changed; an event follows shortly."""
        self._dirty[kernel_id] = None
        if self._armed:
            return
        try:
            asyncio.get_running_loop().call_later(self.delay, self.fire)
            self._armed = True
        except RuntimeError:  # no event loop (a script): nobody is listening
            self._dirty.clear()

    def fire(self) -> None:
        """Emit one event per kernel noted since the last call."""
        self._armed = False
        kernels = list(self._dirty)
        self._dirty.clear()
        store = self.store
        if store is None:
            return
        for kernel_id in kernels:
            if kernel_id not in store:  # shut down meanwhile
                continue
            history = store.kernel(kernel_id)
            data = {
                "kernel_id": kernel_id,
                "epoch": history.epoch,
                "executions": len(history.executions()),
                "execution_count": history.execution_count,
                "running": sum(1 for r in history.pending.values() if not r.silent),
            }
            try:
                self._emit(data)
                self.emitted += 1
            except Exception:  # a listener's failure must not stop the others
                log.warning("nbguard: history_changed not emitted", exc_info=True)


def event_logger_emitter(event_logger: Any) -> Callable[[dict[str, Any]], None]:
    """Register the schema with ``event_logger`` and return its ``emit``.

    Without an event logger (a server built without one) events go nowhere.
    """
    if event_logger is None:
        return lambda data: None
    event_logger.register_event_schema(HISTORY_CHANGED_SCHEMA)

    def emit(data: dict[str, Any]) -> None:
        event_logger.emit(schema_id=HISTORY_CHANGED, data=data)

    return emit

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
flushes close together) is one event per kernel. The event reads the history
as recorded, without making the observer catch up, and builds nothing: its
numbers are counters the store keeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
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

    ``on_change(kernel_id)`` is called once per batch the observer recorded
    for each kernel whose history a check could see changed in it (a request,
    a reply, an orphan's end), and after each restart. Requests the user
    cannot see (``silent``, such as nbguard's own namespace reads) change no
    check, so they are not reported. Recording notes a kernel with one dict
    store (:attr:`HistoryStore.changed`): nothing is called per execution.
    """

    def __init__(self, max_executions: int, on_change: Callable[[str], None]) -> None:
        super().__init__(max_executions)
        self.on_change = on_change
        self.changed = {}

    def batch_recorded(self) -> None:
        """Report each kernel the batch changed, once."""
        changed = self.changed
        if changed:
            kernels = list(changed)
            changed.clear()
            for kernel_id in kernels:
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
    """Emits ``history_changed`` soon after a change, at most once a second.

    An event follows a change by :attr:`delay`, and the next round by
    :attr:`interval` at least.

    Parameters
    ----------
    emit
        Sends one event, e.g. ``event_logger.emit(schema_id=..., data=...)``.
    listening
        Whether anything would receive an event now; while not, nothing is
        noted or scheduled.
    """

    #: Seconds between the first change noted and the events for it: the
    #: flushes of one burst (the timer's and readers' catch-ups) merge.
    delay = 0.05
    #: Seconds at least from one round of events to the next: a flush
    #: follows every reply (``MessageQueue.soon``), and each
    #: event costs the server a schema validation (~60 us) and wakes every
    #: tab. A change noted meanwhile is announced when the interval ends.
    interval = 1.0

    def __init__(
        self,
        emit: Callable[[dict[str, Any]], None],
        listening: Callable[[], bool] = lambda: True,
    ) -> None:
        self._emit = emit
        #: Whether anything would receive an event now.
        self.listening = listening
        self.store: HistoryStore | None = None
        self._dirty: dict[str, None] = {}  # ordered set
        self._armed = False
        self._quiet_until = 0.0  # the loop's time before which none fires
        #: How many events were emitted (for tests and benchmarks).
        self.emitted = 0

    def attach(self, store: HistoryStore) -> None:
        """Read the numbers of each event from ``store``."""
        self.store = store

    def mark(self, kernel_id: str) -> None:
        """Note that ``kernel_id``'s history changed; an event follows shortly.

        Nothing is noted or scheduled while nobody would receive the event
        (no browser subscribed): a timer and its callback cost ~100 us of a
        server that just woke up, once per batch.
        """
        if not self.listening():
            return
        self._dirty[kernel_id] = None
        if self._armed:
            return
        try:
            loop = asyncio.get_running_loop()
            wait = max(self.delay, self._quiet_until - loop.time())
            loop.call_later(wait, self.fire)
            self._armed = True
        except RuntimeError:  # no event loop (a script): nobody is listening
            self._dirty.clear()

    def fire(self) -> None:
        """Emit one event per kernel noted since the last call."""
        self._armed = False
        with contextlib.suppress(RuntimeError):  # no loop (a test): no interval
            self._quiet_until = asyncio.get_running_loop().time() + self.interval
        kernels = list(self._dirty)
        self._dirty.clear()
        store = self.store
        if store is None:
            return
        for kernel_id in kernels:
            # As recorded so far, not caught up: catching up would flush the
            # observer every 50 ms while traffic lasts (it batches once a
            # second), and anything it records later is announced by the
            # event its own batch brings.
            history = store.peek(kernel_id)
            if history is None:  # shut down meanwhile
                continue
            data = {
                "kernel_id": kernel_id,
                "epoch": history.epoch,
                "executions": history.visible,
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


def event_logger_listening(event_logger: Any) -> Callable[[], bool]:
    """Whether ``event_logger`` would pass a ``history_changed`` event on now.

    The test ``EventLogger.emit`` (jupyter_events) makes before anything else,
    returning at once when no logging handler and no listener is registered
    for the schema. A JupyterLab page subscribes through Jupyter Server's
    events websocket (a listener for every schema), so with a browser open
    this says yes. An event logger without these attributes always says yes.
    """
    if event_logger is None:
        return lambda: False
    try:
        modified = event_logger._modified_listeners
        unmodified = event_logger._unmodified_listeners
        handlers = [event_logger.handlers]
    except AttributeError:
        return lambda: True

    # The handlers list is changed in place (``add_handler``), or replaced
    # as a trait: reading the trait costs more than the rest of the test,
    # and this is asked once per execution.
    def replaced(change: Any) -> None:
        handlers[0] = change["new"]

    with contextlib.suppress(Exception):  # no traits: the list is never replaced
        event_logger.observe(replaced, "handlers")

    def listening() -> bool:
        return bool(
            handlers[0]
            or modified.get(HISTORY_CHANGED)
            or unmodified.get(HISTORY_CHANGED)
        )

    return listening

"""The nbguard server extension: configuration, wiring, start and stop."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)
from traitlets import Float, Integer

from .engine import Engine
from .history import ExecutionObserver, HistoryStore
from .history.sessions import KernelSessions
from .server.checks import CheckService
from .server.connection import observing_connection_class
from .server.events import (
    HistoryEvents,
    NotifyingStore,
    event_logger_emitter,
    event_logger_listening,
)
from .server.handlers import route_table

KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"


class NbGuardApp(ExtensionApp):
    """Watches executions passing through the server and serves rule results."""

    name = "jupyterlab_nbguard"

    max_executions = Integer(
        10_000,
        config=True,
        help="Executions kept per kernel; the oldest are dropped beyond this.",
    )
    max_body_bytes = Integer(
        16 * 1024 * 1024,
        config=True,
        help="Largest request body accepted, in bytes; larger ones get 413.",
    )
    max_cached_cells = Integer(
        20_000, config=True, help="Distinct cell sources whose analysis is cached."
    )
    switch_interval = Float(
        0.001,
        config=True,
        help=(
            "Longest the check worker holds the GIL while the event loop waits, "
            "in seconds (sys.setswitchinterval; lowered to this, never raised). "
            "0 leaves it alone."
        ),
    )

    def initialize_settings(self) -> None:
        """Create the store and engine, and hook the kernel websocket class."""
        assert self.serverapp is not None  # set before settings are initialised
        event_logger = self.serverapp.event_logger
        self.events = HistoryEvents(
            event_logger_emitter(event_logger), event_logger_listening(event_logger)
        )
        self.store: HistoryStore = NotifyingStore(self.max_executions, self.events.mark)
        self.events.attach(self.store)
        self.engine = Engine(self.max_cached_cells)
        # One worker: the engine's caches are not shared across threads, and
        # checks stay off the event loop that proxies kernel messages.
        # While it analyses, the loop waits for the GIL at each wake-up (a
        # socket read, a write) for up to the switch interval, 5 ms by
        # default: a request's few hand-overs then cost 100 ms and more on a
        # slow 2-core machine (tests/server/test_bad_input.py). At 1 ms the
        # loop answers in a fifth of that, and the worker is slowed only
        # while both want to run.
        if 0 < self.switch_interval < sys.getswitchinterval():
            sys.setswitchinterval(self.switch_interval)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="nbguard")
        self.pool.submit(self.engine.warm_up)
        self.observer = ExecutionObserver(self.store)
        self.observer.listening = self.events.listening
        self.sessions = KernelSessions(self.store)
        assert self.serverapp is not None  # set before settings are initialised
        self.checks = CheckService(
            self.engine, self.sessions, self.pool, self.serverapp.kernel_manager
        )
        # ExtensionApp copies self.settings over the web app's settings after
        # this method, so the hook goes there.
        base = self.settings.get("kernel_websocket_connection_class")
        self.settings["kernel_websocket_connection_class"] = observing_connection_class(
            base or ZMQChannelsWebsocketConnection, self.observer
        )
        # Restarts start a new epoch; shutdowns free the history. Subscribed,
        # not polled (jupyter_server emits kernel_actions events).
        if self.serverapp.event_logger is not None:
            self.serverapp.event_logger.add_listener(
                schema_id=KERNEL_ACTIONS, listener=self._on_kernel_action
            )
        self.log.info("nbguard observes kernel executions through %s", base)

    def initialize_handlers(self) -> None:
        """Register the REST routes."""
        self.handlers.extend(
            route_table(self.sessions, self.checks, self.pool, self.max_body_bytes)
        )

    async def _on_kernel_action(
        self, logger: Any, schema_id: str, data: dict[str, Any]
    ) -> None:
        kernel_id = data.get("kernel_id")
        if not isinstance(kernel_id, str) or data.get("status") != "success":
            return
        action = data.get("action")
        if action == "restart":
            self.sessions.restart(kernel_id)
        elif action == "shutdown":
            self.sessions.forget(kernel_id)

    async def stop_extension(self) -> None:
        """Release the worker thread."""
        assert self.serverapp is not None
        if self.serverapp.event_logger is not None:
            self.serverapp.event_logger.remove_listener(
                schema_id=KERNEL_ACTIONS, listener=self._on_kernel_action
            )
        self.pool.shutdown(wait=False, cancel_futures=True)

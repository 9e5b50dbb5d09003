"""Observe kernel websocket traffic without touching it.

Jupyter Server proxies every client's kernel messages through one connection
class (``ServerApp.kernel_websocket_connection_class``: ZeroMQ for local
kernels, the gateway's for remote ones). nbguard subclasses whichever class the
server uses and shows each message to the observer only after handing it on
unchanged, so every client is seen (notebook tabs, consoles, other tools)
and neither the kernel nor the client waits for nbguard.
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any

from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)

from ..history import ExecutionObserver
from ..history.wire import DELIMITER, EXECUTE


def observing_connection_class(
    base: type[Any], observer: ExecutionObserver
) -> type[Any]:
    """Return a subclass of ``base`` that shows every message to ``observer``.

    Each message is forwarded first and only then queued for the observer,
    which records in batches (see :mod:`..history.observer`). It never
    raises, the message object passed on is the very one received, and it is
    observed even if forwarding raised (a client that went away), as the
    kernel did send it.
    """
    observe_client = observer.observe_client
    observe_kernel = observer.observe_kernel
    observe_close = observer.observe_close
    # A local kernel's message is appended to the observer's queue right
    # here, as ``observer.observe_kernel`` would: every output passes through
    # this, and a call more per message is several microseconds on a process
    # that has just woken up. Only a message the flush may read is queued:
    # its header says ``"execute_`` (input, reply, result), or its kernel has
    # a request whose tab closed (then status and error count). The header is
    # searched here, once the message is forwarded, because its bytes are in
    # the cache now; in the flush, up to a second later, a status message
    # passed over cost as much again as a search here.
    orphaned = observer.store.orphaned
    pending = observer.pending
    queue = pending.append
    flush = observer.flush
    limit = observer.max_queued
    now = time.time
    # The base class's methods, called directly: ``super()`` builds an object
    # per call, and this runs for every message.
    forward_in = base.handle_incoming_message
    forward_out = base.handle_outgoing_message

    def _outgoing_frames(self: Any, stream: Any, outgoing_msg: Any) -> None:
        # A local kernel's (stream, ZeroMQ frames), always: nbguard reads the
        # frames only.
        try:
            forward_out(self, stream, outgoing_msg)
        finally:
            kernel_id = self._nbguard_kernel_id
            try:
                # shell replies come with no identity, iopub with one topic
                if outgoing_msg[0] == DELIMITER:
                    wanted = EXECUTE in outgoing_msg[2] or kernel_id in orphaned
                elif outgoing_msg[1] == DELIMITER:
                    wanted = EXECUTE in outgoing_msg[3] or kernel_id in orphaned
                else:  # more identities: the flush searches for the delimiter
                    wanted = True
            except Exception:  # not bytes, too short: the flush decides
                wanted = True
            if wanted:
                queue((kernel_id, outgoing_msg, now()))
                if len(pending) >= limit:
                    flush()

    def _outgoing_any(self: Any, *args: Any) -> None:
        # A gateway's (JSON text, ...), or another server's shape.
        try:
            forward_out(self, *args)
        finally:
            observe_kernel(self._nbguard_kernel_id, args)

    class ObservingConnection(base):  # type: ignore[misc]
        __doc__ = f"{base.__name__}, with nbguard reading executions as they pass."

        @cached_property
        def _nbguard_kernel_id(self) -> str:
            # ``kernel_id`` goes through two properties and a trait, several
            # microseconds a message; a connection serves a single kernel.
            return str(self.kernel_id)

        def handle_incoming_message(self, incoming_msg: Any) -> None:
            try:
                forward_in(self, incoming_msg)
            finally:
                observe_client(self._nbguard_kernel_id, incoming_msg, id(self))

        handle_outgoing_message = (
            _outgoing_frames
            if issubclass(base, ZMQChannelsWebsocketConnection)
            else _outgoing_any
        )

        def disconnect(self) -> Any:
            observe_close(self._nbguard_kernel_id, id(self))
            return super().disconnect()

    ObservingConnection.__name__ = f"NbGuard{base.__name__}"
    ObservingConnection.__qualname__ = ObservingConnection.__name__
    return ObservingConnection

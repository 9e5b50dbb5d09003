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

#: The topics ipykernel publishes iopub messages under (the first frame):
#: ``kernel.<id>.<msg_type>``, ``stream.<name>``, ``display_data`` (also for
#: updates and clear_output) and ``comm-<id>``. Shell replies have none.
IPYKERNEL_TOPICS = (b"kernel.", b"stream.", b"display_data", b"comm-")
#: The one iopub message recorded while no request lost its connection.
INPUT_TOPIC = b".execute_input"
#: What a message's first frame says it is: ipykernel's iopub output or
#: status, its ``execute_input``, or anything else (a shell reply, whose first
#: frame is the delimiter, or another kernel's message): see :func:`topic_kind`.
OUTPUT, INPUT, OTHER = 0, 1, 2
#: Topics whose kind is kept (per server; ipykernel's are few per kernel).
MAX_TOPICS = 1024


def topic_kind(topic: bytes) -> int:
    """What the observer does with a kernel message whose first frame is ``topic``."""
    if not topic.startswith(IPYKERNEL_TOPICS):
        return OTHER
    return INPUT if topic.endswith(INPUT_TOPIC) else OUTPUT


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
    observe_kernel = observer.observe_kernel
    observe_close = observer.observe_close
    # Messages are appended to the observer's queue right here, unread, as
    # ``observer.observe_client`` and ``observe_kernel`` would queue them
    # (a kernel's iopub output or status change is left out by its topic,
    # the first frame): the flush reads the few that matter. Code that runs
    # right after the process woke up is slow however little it does (timed
    # with the caches emptied before each message: a call to an empty
    # function ~4.5 us, this append ~2 us more, a search of the header for
    # ``execute_`` ~8 us more, ``observe_client``'s look at a request's
    # header ~12 us more), so the looking waits for the flush, which does it
    # for a whole batch at once.
    pending = observer.pending
    queue = pending.append
    last_input = observer.last_input
    # Kernels whose requests lost their connection: while there are any, the
    # flush needs iopub ``status`` and ``error`` too (changed in place).
    orphaned = observer.store.orphaned
    flush = observer.flush
    arm = observer.arm
    limit = observer.max_queued
    soon = observer.soon
    now = time.time
    # The base class's methods, called directly: ``super()`` builds an object
    # per call, and this runs for every message.
    forward_in = base.handle_incoming_message
    forward_out = base.handle_outgoing_message

    # What each iopub topic means to the observer, looked up in a dict (a
    # bytes hash and a probe) instead of tested by ``startswith`` and
    # ``endswith`` (an argument parse and a match each, a third of this
    # function's instructions). Topics repeat: a kernel's status and input
    # topics are the same for its whole life; what is unknown is worked out
    # and kept, up to a bound (a comm topic per comm).
    kinds: dict[Any, int] = {}

    def _outgoing_frames(self: Any, stream: Any, outgoing_msg: Any) -> None:
        # A local kernel's (stream, ZeroMQ frames), always: nbguard reads the
        # frames only.
        try:
            forward_out(self, stream, outgoing_msg)
        finally:
            # Of ipykernel's iopub messages (known by their topic) only an
            # execute_input is kept, unless a request lost its connection
            # (then they are all queued, as its status and error finish it):
            # outputs and status changes, most of a kernel's traffic, are
            # never queued. Shell messages and other kernels' are.
            # A shell message (no topic: a reply) is recorded right after
            # this turn of the event loop, while the process is awake.
            try:
                topic = outgoing_msg[0]
                kind = kinds.get(topic)
                if kind is None:
                    kind = topic_kind(topic)
                    if len(kinds) < MAX_TOPICS:
                        kinds[topic] = kind
            except Exception:  # not a list of bytes: the flush looks at it
                kind = OTHER
            if kind == OTHER:
                queue((self._nbguard_kernel_id, outgoing_msg, now()))
                if not observer.scheduled:
                    soon()
                if len(pending) >= limit:
                    flush()
            elif kind == INPUT or orphaned:
                if orphaned:
                    queue((self._nbguard_kernel_id, outgoing_msg, now()))
                    if len(pending) >= limit:
                        flush()
                else:
                    # only the latest matters: the flush reads it if its
                    # request still runs (the reply brings the count)
                    last_input[self._nbguard_kernel_id] = outgoing_msg
                # Anything else waits for the timer (an execute_input whose
                # cell runs on), so it is recorded without waiting for a
                # reader: other clients learn of it from the event that follows.
                if not observer.covered:
                    arm()

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
                # A client's message, queued with its connection: the flush
                # passes over all but ``execute_request``.
                queue((self._nbguard_kernel_id, incoming_msg, now(), id(self)))
                if not observer.covered:
                    arm()
                if len(pending) >= limit:
                    flush()

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

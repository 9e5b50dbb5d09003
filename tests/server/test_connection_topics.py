"""Which of a local kernel's messages the observing connection queues.

Of ipykernel's iopub messages, whose topic (the first frame) names their
type, only ``execute_input`` can be recorded while no request has lost its
connection; shell messages and anything under another topic may be a reply.
Every message is forwarded first, whatever is queued.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)

from jupyterlab_nbguard.history import ExecutionObserver, HistoryStore
from jupyterlab_nbguard.server.connection import observing_connection_class

SHELL = [b"<IDS|MSG>", b"sig", b"{}", b"{}", b"{}", b"{}"]


def iopub(topic: bytes) -> list[bytes]:
    return [topic, *SHELL]


class Forwarding(ZMQChannelsWebsocketConnection):
    """Stands in for Jupyter Server's connection: forwarding is a list append."""

    def handle_outgoing_message(self, stream: Any, outgoing_msg: Any) -> None:
        self.__dict__.setdefault("forwarded", []).append(outgoing_msg)

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        self.__dict__.setdefault("sent", []).append(incoming_msg)


def connection() -> tuple[Any, ExecutionObserver]:
    observer = ExecutionObserver(HistoryStore())
    # no timer, no flush after a reply: the queue stays inspectable
    observer.armed = observer.covered = observer.scheduled = True
    cls = observing_connection_class(Forwarding, observer)
    conn = object.__new__(cls)
    conn.__dict__["_nbguard_kernel_id"] = "k"
    return conn, observer


INPUT = iopub(b"kernel.abc.execute_input")


@pytest.mark.parametrize(
    ("frames", "kept"),
    [
        (SHELL, "queued"),  # a shell reply: no topic
        (INPUT, "last input"),  # its reply brings the same count
        (iopub(b"kernel.abc.status"), ""),
        (iopub(b"kernel.abc.execute_result"), ""),
        (iopub(b"kernel.abc.error"), ""),
        (iopub(b"stream.stdout"), ""),
        (iopub(b"display_data"), ""),
        (iopub(b"comm-1f2e"), ""),
        (iopub(b"status"), "queued"),  # another kernel's naming: looked at later
        ([42, *SHELL], "queued"),  # not bytes: looked at later, never raises
    ],
)
def test_only_what_can_be_recorded_is_kept(frames: list[Any], kept: str):
    # Given an observing connection and no request that lost its connection
    conn, observer = connection()
    # When a kernel's message passes
    conn.handle_outgoing_message("stream", frames)
    # Then it was forwarded as it came, and kept only if it can be recorded:
    # queued, or (an ipykernel execute_input) as the kernel's last input
    assert conn.forwarded == [frames]
    queued = [entry[1] for entry in observer.pending]
    assert queued == ([frames] if kept == "queued" else [])
    assert observer.last_input == ({"k": frames} if kept == "last input" else {})


def test_with_an_orphan_every_iopub_message_is_queued():
    # Given a kernel whose request lost its connection
    conn, observer = connection()
    observer.store.orphaned.add("k")
    # When an input, a status and an error pass
    status, error = iopub(b"kernel.abc.status"), iopub(b"kernel.abc.error")
    for frames in (INPUT, status, error):
        conn.handle_outgoing_message("stream", frames)
    # Then all wait for the flush in order, which finishes the orphan from them
    assert [entry[1] for entry in observer.pending] == [INPUT, status, error]
    assert observer.last_input == {}


def test_a_reply_is_flushed_on_the_next_turn_and_the_timer_called_off():
    async def scenario():
        # Given a request waiting with the timer armed
        conn, observer = connection()
        observer.armed = observer.covered = observer.scheduled = False
        observer.delay = 600.0
        conn.handle_incoming_message(b"request")
        assert observer.armed and observer.queued == 1
        flushed = []
        flush = observer.flush
        observer.flush = lambda: (flushed.append(observer.queued), flush())
        # When the kernel's shell reply passes
        conn.handle_outgoing_message("shell", SHELL)
        # Then it is forwarded at once and the flush waits for the next turn
        assert conn.forwarded == [SHELL] and flushed == [] and observer.scheduled
        await asyncio.sleep(0)
        # Which records both and calls the timer off: nothing would wake
        assert flushed == [2] and observer.queued == 0
        assert not observer.armed and observer._timer_handle.cancelled()
        # And an execute_input alone is kept for the timer
        conn.handle_outgoing_message("iopub", INPUT)
        await asyncio.sleep(0)
        assert flushed == [2] and observer.queued == 0 and observer.armed
        assert observer.last_input == {"k": INPUT}

    asyncio.run(scenario())

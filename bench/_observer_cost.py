"""In-process cost of nbguard's observer per execution, free of network noise.

End-to-end round trips on a busy 2-core machine vary by several per cent
between identical servers, so they can only bound the overhead. This measures
directly what the observing connection class adds per execution: one v1
``execute_request`` from the client, one ``execute_reply`` from the kernel's
shell socket and the usual three iopub messages (busy, execute_input, idle),
each passed to nbguard's observing connection class (around a base that
forwards nothing), then the deferred
``flush`` that records them in a :class:`HistoryStore`. Both parts are
reported: the first runs in the forwarding callback, the second in a batch
once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from jupyter_server.services.kernels.connection.channels import (
    ZMQChannelsWebsocketConnection,
)

from jupyterlab_nbguard.history import ExecutionObserver, HistoryStore
from jupyterlab_nbguard.server.connection import observing_connection_class

Frames = list[tuple[str, list[bytes]]]


def _messages(session: Session, code: str) -> tuple[bytes, Frames]:
    """A v1 request as JupyterLab sends it, and what the kernel sends back.

    The kernel's side is ZeroMQ frames in the order a ``pass`` produces them:
    iopub ``busy`` and ``execute_input``, the shell ``execute_reply``, iopub
    ``idle``, each tagged with its channel as the connection class sees it.
    """
    request = session.msg(
        "execute_request",
        content={"code": code, "silent": False, "store_history": True},
        metadata={"cellId": str(uuid.uuid4())},
    )
    parts = [
        session.pack(request[k])
        for k in ("header", "parent_header", "metadata", "content")
    ]
    replies = [
        ("iopub", "status", {"execution_state": "busy"}),
        ("iopub", "execute_input", {"code": code, "execution_count": 1}),
        ("shell", "execute_reply", {"status": "ok", "execution_count": 1}),
        ("iopub", "status", {"execution_state": "idle"}),
    ]
    # iopub under ipykernel's topics; a shell reply reaches the server's
    # DEALER socket with no identity
    frames = [
        (
            channel,
            session.serialize(
                session.msg(kind, content=body, parent=request),
                ident=f"kernel.{session.session}.{kind}".encode()
                if channel == "iopub"
                else None,
            ),
        )
        for channel, kind, body in replies
    ]
    return serialize_msg_to_ws_v1(parts, "shell"), frames


class _Forwarding(ZMQChannelsWebsocketConnection):
    """Jupyter Server's connection with forwarding left out: only nbguard runs."""

    def handle_outgoing_message(self, stream: str, outgoing_msg: Any) -> None:
        """Forward nothing."""

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        """Forward nothing."""


def _connection(observer: ExecutionObserver) -> Any:
    """nbguard's observing connection class around :class:`_Forwarding`.

    The flush after each reply is left to the caller (``scheduled`` stays
    set), so the benchmark chooses when it runs.
    """
    observer.scheduled = True
    conn = object.__new__(observing_connection_class(_Forwarding, observer))
    conn.__dict__["_nbguard_kernel_id"] = "k"
    return conn


class _NoTimer:
    """Stands in for the event loop: the benchmark flushes every 50 executions."""

    def call_later(self, delay: float, callback: object) -> None:
        """Schedule nothing."""


def observer_cost_us(executions: int = 20_000) -> tuple[float, float]:
    """Microseconds per execution in the forwarding path and in the flush.

    Median of 5 rounds each. The flush runs every 50 executions (about what
    the one-second timer batches at a `pass` every 20 ms).
    """
    session = Session()
    hot, deferred = [], []
    loop = _NoTimer()
    for _ in range(5):
        msgs = [_messages(session, "x = 1\ny = x + 1") for _ in range(executions)]
        observer = ExecutionObserver(HistoryStore(max_executions=10_000))
        conn = _connection(observer)
        forwarding = flushing = 0.0
        with _running(loop):
            for i, (request, frames) in enumerate(msgs):
                start = time.perf_counter()
                conn.handle_incoming_message(request)
                for channel, zmq_frames in frames:
                    conn.handle_outgoing_message(channel, zmq_frames)
                middle = time.perf_counter()
                if i % 50 == 49:
                    observer.flush()
                forwarding += middle - start
                flushing += time.perf_counter() - middle
            observer.flush()
        hot.append(forwarding / executions * 1e6)
        deferred.append(flushing / executions * 1e6)
        finished = [r for r in observer.store.records("k") if r.finished]
        if len(finished) < min(executions, 9_000):
            raise RuntimeError("observer missed replies: the benchmark is broken")
    return sorted(hot)[2], sorted(deferred)[2]


def cold_flush_us(batch: int = 30, batches: int = 20, rounds: int = 5) -> float:
    """Thread CPU of the flush per execution with the caches emptied first.

    The hot figure above is what the flush costs in a tight loop; in a
    server it runs after a second of other work, with the messages and its
    own code out of the caches, and costs 2-3x as much. Here each batch of
    ``batch`` executions, queued as the connection queues them, is flushed
    right after 32 MB of memory and 70,000 other objects were touched, which
    gives the figures timed inside live servers (16-25 us). Median of
    ``rounds``.
    """
    session = Session()
    junk = bytearray(32 * 1024 * 1024)
    objects = [{"n": i} for i in range(200_000)]
    results = []
    for _ in range(rounds):
        observer = ExecutionObserver(HistoryStore(max_executions=100_000))
        conn, total = _connection(observer), 0
        with _running(_NoTimer()):
            for _ in range(batches):
                for request, frames in [
                    _messages(session, "x = 1\ny = x + 1") for _ in range(batch)
                ]:
                    conn.handle_incoming_message(request)
                    for channel, zmq_frames in frames:
                        conn.handle_outgoing_message(channel, zmq_frames)
                junk[::64] = bytes(len(junk) // 64)
                sum(o["n"] for o in objects[::3])
                start = time.thread_time_ns()
                observer.flush()
                total += time.thread_time_ns() - start
        results.append(total / (batch * batches) / 1000)
    return sorted(results)[rounds // 2]


@contextlib.contextmanager
def _running(loop: _NoTimer) -> Iterator[None]:
    """Make ``asyncio.get_running_loop()`` return ``loop`` inside the block."""
    original = asyncio.get_running_loop
    asyncio.get_running_loop = lambda: loop  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        asyncio.get_running_loop = original

"""In-process cost of nbguard's observer per execution, free of network noise.

End-to-end round trips on a busy 2-core machine vary by several per cent
between identical servers, so they can only bound the overhead. This measures
directly what the observing connection class adds per execution: reading one
v1 ``execute_request`` from the client, one ``execute_reply`` from the kernel's
shell socket and the usual three iopub messages (busy, execute_input, idle),
and recording them in a :class:`HistoryStore`. It calls the observer with the
arguments the connection class passes, so it follows the observer as it
changes.
"""

from __future__ import annotations

import time
import uuid

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from jupyterlab_nbguard.history import ExecutionObserver, HistoryStore

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
    frames = [
        (
            channel,
            session.serialize(
                session.msg(kind, content=body, parent=request),
                ident=f"kernel.{kind}".encode(),
            ),
        )
        for channel, kind, body in replies
    ]
    return serialize_msg_to_ws_v1(parts, "shell"), frames


def observer_cost_us(executions: int = 20_000) -> float:
    """Microseconds the observer spends per execution (median of 5 rounds)."""
    session = Session()
    samples = []
    for _ in range(5):
        msgs = [_messages(session, "x = 1\ny = x + 1") for _ in range(executions)]
        observer = ExecutionObserver(HistoryStore(max_executions=10_000))
        start = time.perf_counter()
        for request, frames in msgs:
            observer.client_message("k", request)
            for channel, zmq_frames in frames:
                observer.kernel_message("k", (channel, zmq_frames))
        samples.append((time.perf_counter() - start) / executions * 1e6)
        finished = [r for r in observer.store.records("k") if r.finished]
        if len(finished) < min(executions, 9_000):
            raise RuntimeError("observer missed replies: the benchmark is broken")
    return sorted(samples)[len(samples) // 2]

"""A timing-grade kernel websocket client speaking JupyterLab's v1 binary protocol.

Jupyter Server does not set ``TCP_NODELAY`` on kernel websockets, so a client
that answers with delayed ACKs sees a ~40 ms stall per execution and measures
the TCP stack instead of the server. This client sets ``TCP_NODELAY`` and
re-arms ``TCP_QUICKACK`` (Linux resets it) after every read. Requests carry
``metadata.cellId`` exactly as JupyterLab sends them, so an enabled nbguard does
all the work it does for a real notebook.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

V1 = "v1.kernel.websocket.jupyter.org"
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)
_REPLY = b"execute_reply"


@dataclass(frozen=True)
class Reply:
    """One execution as the client saw it.

    ``round_trip`` is send -> ``execute_reply`` in seconds. ``transit`` is that
    minus the time the kernel itself spent (from its ``started`` metadata to
    the reply's header date): the part a proxy in the server could lengthen,
    free of the kernel's own jitter. ``None`` when the kernel omits the times.
    """

    round_trip: float
    transit: float | None
    content: dict[str, Any]


def _seconds(stamp: str) -> float:
    """POSIX seconds of a Jupyter ISO 8601 timestamp (``...Z`` or offset)."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


class KernelClient:
    """One websocket to one kernel, executing one request at a time."""

    def __init__(self, ws: WebSocketClientConnection) -> None:
        self.ws = ws
        self.session = Session()
        self.sock: socket.socket | None = None
        if ws.protocol is not None and ws.protocol.stream is not None:
            self.sock = ws.protocol.stream.socket  # type: ignore[attr-defined]
        if self.sock is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._quickack()

    @classmethod
    async def open(cls, ws_url: str, kernel_id: str, headers: dict[str, str]):
        """Connect to ``kernel_id`` with the v1 subprotocol, as JupyterLab does."""
        request = HTTPRequest(
            f"{ws_url}api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}",
            headers=headers,
        )
        ws = await websocket_connect(request, subprotocols=[V1])
        if ws.selected_subprotocol != V1:
            raise RuntimeError(f"server chose {ws.selected_subprotocol!r}, not v1")
        client = cls(ws)
        await client.wait_ready()
        return client

    def _quickack(self) -> None:
        if self.sock is not None and _QUICKACK is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    async def _read(self) -> bytes | str:
        raw = await self.ws.read_message()
        self._quickack()
        if raw is None:
            raise ConnectionError("kernel websocket closed")
        return raw

    async def wait_ready(self, timeout: float = 60) -> None:
        """Wait until the kernel answers (a fresh kernel may still be starting)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                await self.execute("1", cell_id=None, timeout=5)
                return
            except asyncio.TimeoutError:
                if time.monotonic() > deadline:
                    raise

    def _send(self, msg: dict[str, Any]) -> None:
        parts = [
            self.session.pack(msg[key])
            for key in ("header", "parent_header", "metadata", "content")
        ]
        self.ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)

    async def execute(
        self, code: str, cell_id: str | None, timeout: float = 60
    ) -> Reply:
        """Run ``code``; time it and return the ``execute_reply`` content."""
        metadata = {"cellId": cell_id} if cell_id is not None else {}
        msg = self.session.msg(
            "execute_request",
            content={
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            metadata=metadata,
        )
        msg_id = msg["header"]["msg_id"]
        sent_wall = time.time()
        start = time.perf_counter()
        self._send(msg)
        reply = await asyncio.wait_for(self._finish(msg_id), timeout)
        received, received_wall, header, metadata, content = reply
        try:  # the kernel's clock is this machine's clock
            kernel = _seconds(header["date"]) - _seconds(metadata["started"])
            transit = (received_wall - sent_wall) - kernel
        except (KeyError, TypeError, ValueError):
            transit = None
        return Reply(received - start, transit, content)

    async def _finish(self, msg_id: str) -> tuple[float, float, Any, Any, Any]:
        """Read until this request's ``execute_reply`` and its iopub ``idle``.

        Returns when the reply arrived (perf_counter, then wall clock) and its
        header, metadata and content. Waiting for ``idle`` too (untimed) keeps
        this request's iopub tail from spilling into the next measurement;
        shell and iopub are separate sockets, so the two can arrive in either
        order.
        """
        marker = msg_id.encode()
        reply: tuple[float, float, Any, Any, Any] | None = None
        idle = False
        while reply is None or not idle:
            raw = await self._read()
            now, wall = time.perf_counter(), time.time()
            if not isinstance(raw, bytes) or marker not in raw:
                continue  # cheap test first: keeps client cost flat
            if _REPLY not in raw and b"idle" not in raw:
                continue
            channel, parts = deserialize_msg_from_ws_v1(raw)
            if len(parts) < 4 or json.loads(parts[1]).get("msg_id") != msg_id:
                continue
            header, body = json.loads(parts[0]), json.loads(parts[3])
            if channel == "shell" and header.get("msg_type") == "execute_reply":
                reply = (now, wall, header, json.loads(parts[2]), body)
            elif channel == "iopub" and body.get("execution_state") == "idle":
                idle = True
        return reply

    def close(self) -> None:
        """Close the websocket (the kernel keeps running)."""
        self.ws.close()

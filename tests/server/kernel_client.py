"""A minimal kernel-websocket client that talks to Jupyter Server as JupyterLab does.

It sends ``execute_request`` with ``metadata.cellId`` (and any other metadata)
over either websocket protocol (JSON text, or binary
``v1.kernel.websocket.jupyter.org``), can have several requests in flight, and
keeps every message it reads so tests can wait for replies or look at the
iopub traffic of one request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

V1 = "v1.kernel.websocket.jupyter.org"

Inbox = list[tuple[str, dict[str, Any]]]


class KernelWebsocket:
    """One client of a kernel's ``channels`` websocket (a notebook tab, a console).

    Every message read is kept in ``inbox`` as ``(channel, message)``.
    """

    def __init__(self, ws: Any, protocol: str | None) -> None:
        self.ws = ws
        self.protocol = protocol
        self.session = Session()
        self.inbox: Inbox = []

    @classmethod
    async def open(
        cls,
        jp_ws_fetch: Any,
        kernel_id: str,
        protocol: str | None = None,
        session_id: str | None = None,
    ) -> KernelWebsocket:
        """Connect to ``kernel_id``, as the session ``session_id`` if given."""
        kwargs: dict[str, Any] = {"subprotocols": [V1]} if protocol == V1 else {}
        if session_id is not None:
            kwargs["params"] = {"session_id": session_id}
        ws = await jp_ws_fetch("api", "kernels", kernel_id, "channels", **kwargs)
        assert ws.selected_subprotocol == protocol
        return cls(ws, protocol)

    def _send(self, msg: dict[str, Any]) -> None:
        if self.protocol == V1:
            parts = [
                self.session.pack(msg[key])
                for key in ("header", "parent_header", "metadata", "content")
            ]
            self.ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
        else:
            self.ws.write_message(
                json.dumps({**msg, "channel": "shell"}, default=json_default)
            )

    def _parse(self, raw: str | bytes) -> tuple[str, dict[str, Any]]:
        if isinstance(raw, bytes):
            channel, parts = deserialize_msg_from_ws_v1(raw)
            keys = ("header", "parent_header", "metadata", "content")
            msg = {k: json.loads(p) for k, p in zip(keys, parts, strict=False)}
            return channel, msg
        msg = json.loads(raw)
        return msg.get("channel", ""), msg

    def request(
        self,
        code: str,
        cell_id: str | None = None,
        *,
        stop_on_error: bool = True,
        silent: bool = False,
        **metadata: Any,
    ) -> str:
        """Send an ``execute_request`` without waiting; return its msg_id.

        ``cell_id`` goes into ``metadata.cellId``; keyword arguments are further
        request metadata (e.g. JupyterLab's ``deletedCells``).
        """
        if cell_id is not None:
            metadata["cellId"] = cell_id
        msg = self.session.msg(
            "execute_request",
            content={
                "code": code,
                "silent": silent,
                "store_history": not silent,
                "stop_on_error": stop_on_error,
            },
            metadata=metadata,
        )
        self._send(msg)
        return msg["header"]["msg_id"]

    async def read_until(
        self, done: Callable[[Inbox], bool], timeout: float = 30
    ) -> None:
        """Read messages into ``inbox`` until ``done(inbox)`` is true."""

        async def pump() -> None:
            while not done(self.inbox):
                raw = await self.ws.read_message()
                assert raw is not None, "websocket closed"
                self.inbox.append(self._parse(raw))

        await asyncio.wait_for(pump(), timeout)

    def replies(self) -> dict[str, dict[str, Any]]:
        """The ``execute_reply`` messages received, by parent msg_id."""
        return {
            msg["parent_header"].get("msg_id"): msg
            for channel, msg in self.inbox
            if channel == "shell" and msg["header"]["msg_type"] == "execute_reply"
        }

    async def wait_replies(self, *msg_ids: str, timeout: float = 30) -> list[dict]:
        """The contents of the ``execute_reply`` to each of ``msg_ids``."""
        await self.read_until(
            lambda _: all(m in self.replies() for m in msg_ids), timeout
        )
        replies = self.replies()
        return [replies[m]["content"] for m in msg_ids]

    async def run(
        self,
        code: str,
        cell_id: str | None = None,
        *,
        stop_on_error: bool = True,
        silent: bool = False,
        timeout: float = 30,
        **metadata: Any,
    ) -> dict[str, Any]:
        """Execute ``code`` and return the content of its ``execute_reply``."""
        msg_id = self.request(
            code, cell_id, stop_on_error=stop_on_error, silent=silent, **metadata
        )
        [reply] = await self.wait_replies(msg_id, timeout=timeout)
        return reply

    def about(self, msg_id: str) -> Inbox:
        """Messages received in response to request ``msg_id``."""
        return [
            (channel, msg)
            for channel, msg in self.inbox
            if msg.get("parent_header", {}).get("msg_id") == msg_id
        ]

    def saw(self, msg_id: str, channel: str, msg_type: str, **content: Any) -> bool:
        """Whether a ``msg_type`` message on ``channel`` answered ``msg_id``.

        Keyword arguments must match fields of its content.
        """
        return any(
            c == channel
            and m["header"]["msg_type"] == msg_type
            and all(m["content"].get(k) == v for k, v in content.items())
            for c, m in self.about(msg_id)
        )

    def close(self) -> None:
        self.ws.close()

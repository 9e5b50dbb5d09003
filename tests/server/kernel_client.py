"""A minimal kernel-websocket client that talks to Jupyter Server as JupyterLab does.

It sends ``execute_request`` with ``metadata.cellId`` over either websocket
protocol (JSON text, or binary ``v1.kernel.websocket.jupyter.org``) and waits for
the matching ``execute_reply``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_client.jsonutil import json_default
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

V1 = "v1.kernel.websocket.jupyter.org"


class KernelWebsocket:
    def __init__(self, ws: Any, protocol: str | None) -> None:
        self.ws = ws
        self.protocol = protocol
        self.session = Session()

    @classmethod
    async def open(cls, jp_ws_fetch: Any, kernel_id: str, protocol: str | None):
        kwargs = {"subprotocols": [V1]} if protocol == V1 else {}
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

    async def execute(
        self,
        code: str,
        cell_id: str | None = None,
        deleted_cells: list[str] | None = None,
        timeout: float = 30,
        stop_on_error: bool = True,
    ) -> dict[str, Any]:
        """Run ``code`` and return the content of its ``execute_reply``."""
        metadata: dict[str, Any] = {}
        if cell_id is not None:
            metadata["cellId"] = cell_id
        if deleted_cells:
            metadata["deletedCells"] = deleted_cells
        msg = self.session.msg(
            "execute_request",
            content={
                "code": code,
                "silent": False,
                "store_history": True,
                "stop_on_error": stop_on_error,
            },
            metadata=metadata,
        )
        self._send(msg)
        msg_id = msg["header"]["msg_id"]
        return await asyncio.wait_for(self._reply_to(msg_id), timeout)

    async def _reply_to(self, msg_id: str) -> dict[str, Any]:
        while True:
            raw = await self.ws.read_message()
            assert raw is not None, "websocket closed"
            channel, reply = self._parse(raw)
            if (
                channel == "shell"
                and reply["header"]["msg_type"] == "execute_reply"
                and reply["parent_header"].get("msg_id") == msg_id
            ):
                return reply["content"]

    def close(self) -> None:
        self.ws.close()

"""Reads kernel protocol messages passing through the server and feeds the store.

Called for every message between browsers and kernels, so it must be cheap and
must never raise: it looks for ``execute_request``/``execute_reply`` with a
substring test before decoding anything, and only ever reads the message.
Three shapes arrive: the JSON websocket protocol (text), the binary
``v1.kernel.websocket.jupyter.org`` protocol (bytes with an offset table), and
the ZeroMQ frames a kernel sends (a list of byte strings).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from .store import HistoryStore

_REQUEST = b"execute_request"
_REPLY = b"execute_reply"
_DELIMITER = b"<IDS|MSG>"

log = logging.getLogger(__name__)


def _loads(part: Any) -> dict[str, Any]:
    data = part.bytes if hasattr(part, "bytes") else part
    value = json.loads(data)
    return value if isinstance(value, dict) else {}


def split_v1(message: bytes) -> tuple[str, list[bytes]] | None:
    """Split a v1 websocket message into its channel and parts, or ``None``."""
    if len(message) < 8:
        return None
    count = int.from_bytes(message[:8], "little")
    if count < 2 or 8 * (count + 1) > len(message):
        return None
    offsets = [
        int.from_bytes(message[8 * (i + 1) : 8 * (i + 2)], "little")
        for i in range(count)
    ]
    offsets.append(len(message))
    if offsets != sorted(offsets):
        return None
    channel = message[offsets[0] : offsets[1]].decode("utf-8", errors="replace")
    parts = [message[offsets[i] : offsets[i + 1]] for i in range(1, count)]
    return channel, parts


class ExecutionObserver:
    """Turns observed messages into :class:`~.store.HistoryStore` records."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def client_message(self, kernel_id: str, message: str | bytes) -> None:
        """Observe a message from a websocket client to ``kernel_id``."""
        try:
            if isinstance(message, str):
                if "execute_request" in message:
                    self._request(kernel_id, json.loads(message))
            elif _REQUEST in message:
                split = split_v1(message)
                if split is not None and split[0] == "shell" and len(split[1]) >= 4:
                    header, _parent, metadata, content = split[1][:4]
                    self._request(
                        kernel_id,
                        {
                            "header": _loads(header),
                            "metadata": _loads(metadata),
                            "content": _loads(content),
                        },
                    )
        except Exception:  # observation must never break the proxy
            log.debug("nbguard could not read a client message", exc_info=True)

    def kernel_message(self, kernel_id: str, args: Sequence[Any]) -> None:
        """Observe ``handle_outgoing_message(*args)`` of a websocket connection.

        ``args`` is ``(stream, zmq_frames)`` for local kernels and
        ``(json_text,)`` for kernels behind a gateway.
        """
        try:
            if len(args) == 2:
                channel = getattr(args[0], "channel", args[0])
                if channel == "shell":
                    self._zmq_reply(kernel_id, args[1])
            elif len(args) == 1:
                text = args[0]
                if (isinstance(text, str) and "execute_reply" in text) or (
                    isinstance(text, bytes) and _REPLY in text
                ):
                    self._reply(kernel_id, json.loads(text))
        except Exception:
            log.debug("nbguard could not read a kernel message", exc_info=True)

    def _zmq_reply(self, kernel_id: str, frames: Sequence[Any]) -> None:
        parts = [f.bytes if hasattr(f, "bytes") else f for f in frames]
        start = parts.index(_DELIMITER) if _DELIMITER in parts else -1
        if start < 0 or len(parts) < start + 6 or _REPLY not in parts[start + 2]:
            return
        self._reply(
            kernel_id,
            {
                "header": _loads(parts[start + 2]),
                "parent_header": _loads(parts[start + 3]),
                "content": _loads(parts[start + 5]),
            },
        )

    def _request(self, kernel_id: str, message: dict[str, Any]) -> None:
        header = message.get("header") or {}
        if header.get("msg_type") != "execute_request":
            return
        if message.get("channel", "shell") != "shell":
            return
        content = message.get("content") or {}
        metadata = message.get("metadata") or {}
        code = content.get("code")
        msg_id = header.get("msg_id")
        if not isinstance(code, str) or not isinstance(msg_id, str):
            return
        cell_id = metadata.get("cellId")
        deleted = metadata.get("deletedCells") or []
        self.store.record_request(
            kernel_id,
            msg_id,
            code,
            cell_id=cell_id if isinstance(cell_id, str) else None,
            deleted_cell_ids=[d for d in deleted if isinstance(d, str)],
            silent=bool(content.get("silent")),
        )

    def _reply(self, kernel_id: str, message: dict[str, Any]) -> None:
        header = message.get("header") or {}
        if header.get("msg_type") != "execute_reply":
            return
        parent = (message.get("parent_header") or {}).get("msg_id")
        content = message.get("content") or {}
        count = content.get("execution_count")
        if isinstance(parent, str):
            self.store.record_reply(
                kernel_id,
                parent,
                str(content.get("status", "error")),
                count if isinstance(count, int) else None,
            )

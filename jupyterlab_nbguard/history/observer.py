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
import re
from collections.abc import Sequence
from typing import Any

from .store import HistoryStore

_REQUEST = b"execute_request"
_REPLY = b"execute_reply"
_DELIMITER = b"<IDS|MSG>"
_INPUT = b"execute_input"
_PARENT_ID = re.compile(rb'"msg_id":\s*"([^"\\]+)"')
_COUNT = re.compile(rb'"execution_count":\s*(\d+)')
_STATUS = b'"status"'
_ERROR = b'"error"'

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


def _bytes(frame: Any) -> bytes:
    return frame.bytes if hasattr(frame, "bytes") else bytes(frame)


def _message_parts(frames: Sequence[Any]) -> tuple[bytes, bytes, bytes] | None:
    """Header, parent header and content of ZeroMQ frames, or ``None``.

    Runs for every message a kernel sends, outputs included: it finds the
    delimiter once (identities come before it, a few frames at most) and reads
    only the three small frames it needs, never the output buffers after them.
    """
    start = next(
        (i for i, frame in enumerate(frames) if _bytes(frame) == _DELIMITER), -1
    )
    if start < 0 or len(frames) < start + 6:
        return None
    # after the delimiter: signature, header, parent, metadata, content
    return (
        _bytes(frames[start + 2]),
        _bytes(frames[start + 3]),
        _bytes(frames[start + 5]),
    )


class ExecutionObserver:
    """Turns observed messages into :class:`~.store.HistoryStore` records."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    def client_message(
        self, kernel_id: str, message: str | bytes, connection: int | None = None
    ) -> None:
        """Observe a message from websocket connection ``connection`` to a kernel."""
        try:
            if isinstance(message, str):
                if "execute_request" in message:
                    self._request(kernel_id, json.loads(message), connection)
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
                        connection,
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
                elif channel == "iopub":
                    self._zmq_iopub(kernel_id, args[1])
            elif len(args) == 1:
                text = args[0]
                if isinstance(text, bytes):
                    text = text.decode("utf-8", errors="replace")
                if "execute_reply" in text:
                    self._reply(kernel_id, json.loads(text))
                elif (
                    "execute_input" in text
                    or "restarting" in text
                    or self.store.has_orphans(kernel_id)
                ):
                    message = json.loads(text)
                    if message.get("channel") == "iopub":
                        self._iopub(kernel_id, message)
        except Exception:
            log.debug("nbguard could not read a kernel message", exc_info=True)

    def _zmq_reply(self, kernel_id: str, frames: Sequence[Any]) -> None:
        parts = _message_parts(frames)
        if parts is None or _REPLY not in parts[0]:
            return
        header, parent, content = parts
        self._reply(
            kernel_id,
            {
                "header": _loads(header),
                "parent_header": _loads(parent),
                "content": _loads(content),
            },
        )

    def connection_closed(self, kernel_id: str, connection: int) -> None:
        """A websocket closed: its pending requests will get no reply through it."""
        try:
            self.store.connection_closed(kernel_id, connection)
        except Exception:
            log.debug("nbguard could not note a closed connection", exc_info=True)

    def _zmq_iopub(self, kernel_id: str, frames: Sequence[Any]) -> None:
        parts = _message_parts(frames)
        if parts is None:
            return
        header, parent, content = parts
        if _INPUT in header:
            self._zmq_input(kernel_id, parent, content)
        elif self.store.has_orphans(kernel_id) and (
            _STATUS in header or _ERROR in header
        ):
            self._iopub(
                kernel_id,
                {
                    "header": _loads(header),
                    "parent_header": _loads(parent),
                    "content": _loads(content),
                },
            )

    def _zmq_input(self, kernel_id: str, parent: bytes, content: bytes) -> None:
        """Read an ``execute_input``'s parent id and count without decoding the code.

        Its content echoes the whole cell to every connection; JSON escapes any
        quote inside the code, so the unescaped key can only be the real one.
        """
        msg_id = _PARENT_ID.search(parent)
        count = _COUNT.search(content)
        if msg_id and count:
            self.store.record_input(
                kernel_id, msg_id.group(1).decode(), int(count.group(1))
            )

    def _iopub(self, kernel_id: str, message: dict[str, Any]) -> None:
        """Counts from ``execute_input``; orphans finished by ``error``/``idle``."""
        msg_type = (message.get("header") or {}).get("msg_type")
        parent = (message.get("parent_header") or {}).get("msg_id")
        content = message.get("content") or {}
        if msg_type == "status" and content.get("execution_state") == "restarting":
            self.store.restarted_remotely(kernel_id)
        elif not isinstance(parent, str):
            return
        elif msg_type == "execute_input":
            count = content.get("execution_count")
            self.store.record_input(
                kernel_id, parent, count if isinstance(count, int) else None
            )
        elif msg_type == "error":
            self.store.record_iopub_error(kernel_id, parent)
        elif msg_type == "status" and content.get("execution_state") == "idle":
            self.store.record_idle(kernel_id, parent)

    def _request(
        self, kernel_id: str, message: dict[str, Any], connection: int | None = None
    ) -> None:
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
            connection=connection,
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

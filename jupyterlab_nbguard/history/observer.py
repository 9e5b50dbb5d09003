"""Reads kernel protocol messages passing through the server and feeds the store.

Every message between browsers and kernels passes here, so the work is split
in two. The connection forwards a message first and then queues it with the
time it was seen: a client's message only if its header says
``execute_request`` (a few bytes searched, nothing decoded), a kernel's
message as it is, with one list append (:attr:`ExecutionObserver.pending`).
:meth:`ExecutionObserver.flush` then passes over outputs and status changes by
their header frame, in one tight loop, and decodes only ``execute_input``,
``execute_reply`` (and ``status``/``error`` while some request has lost its
connection), in order. A timer runs it :attr:`~ExecutionObserver.delay`
seconds after the first request queued, a long queue runs it at once, and the
store runs it before every read or reset (:meth:`~.store.HistoryStore.follow`),
so no reader sees a history behind the traffic already forwarded.
``client_message`` and ``kernel_message`` do the decoding and recording at
once, for callers without an event loop.

Three shapes arrive: the JSON websocket protocol (text), the binary
``v1.kernel.websocket.jupyter.org`` protocol (bytes with an offset table), and
the ZeroMQ frames a kernel sends (a list of byte strings). Observation only
reads: nothing here may change or delay what is forwarded, or raise.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from .store import HistoryStore
from .wire import (
    COUNT,
    DELIMITER,
    ERROR,
    INPUT,
    MSG_ID,
    MSG_TYPE,
    REPLY,
    REQUEST,
    STATUS,
    V1_HEAD,
    V1_PARTS,
    as_bytes,
    loads,
    message_parts,
)

#: A queued kernel message: ``(kernel_id, payload, seen)``, where the payload is
#: the ZeroMQ frames (a list) or a gateway's JSON text. A queued client request
#: is ``(kernel_id, message, seen, connection)``: the length tells them apart.
Queued = tuple[Any, ...]

log = logging.getLogger(__name__)


class ExecutionObserver:
    """Turns observed messages into :class:`~.store.HistoryStore` records."""

    #: Seconds between the first message queued and the flush that records it.
    #: Readers catch up at once, so this only bounds what waits in memory. One
    #: flush a second is measurably cheaper than one per execution: code that
    #: runs after the process slept is several times slower (cold caches), and
    #: a batch pays that once.
    delay = 1.0
    #: A flush runs at once when this many messages are waiting; it bounds
    #: the kernel messages (outputs too) kept alive until then.
    max_queued = 256

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        #: Queued messages (see :data:`Queued`), oldest first. Changed in
        #: place, never replaced: the connection appends kernel messages to it.
        self.pending: list[Queued] = []
        self._armed = False
        store.follow(self.flush)

    @property
    def queued(self) -> int:
        """How many messages wait for the next flush."""
        return len(self.pending)

    # --- called by the connection after it forwarded a message ---------------

    def observe_client(
        self, kernel_id: str, message: str | bytes, connection: int | None = None
    ) -> None:
        """Queue a client's message if it is an ``execute_request``.

        Only the header is searched: the v1 offset table says where it is, so
        a large cell costs no more than a small one.
        """
        try:
            if isinstance(message, str):
                wanted = "execute_request" in message
            else:
                _count, _channel, start, end = V1_HEAD.unpack_from(message)
                wanted = message.find(REQUEST, start, end) >= 0
            if wanted:
                self._later((kernel_id, message, time.time(), connection))
        except Exception:  # observation must never break the proxy
            log.debug("nbguard could not read a client message", exc_info=True)

    def observe_kernel(self, kernel_id: str, args: Sequence[Any]) -> None:
        """Queue a kernel's message (``handle_outgoing_message(*args)``).

        ``args`` is ``(stream, zmq_frames)`` for local kernels and
        ``(json_text,)`` for kernels behind a gateway. Every one is queued,
        unread: the flush passes over outputs and status changes after a look
        at their header frame. The connection class for local kernels appends
        ``(kernel_id, frames, seen)`` to :attr:`pending` itself (a method call
        per message costs several microseconds when the process has just
        woken up).
        """
        if len(args) == 2:
            self._later((kernel_id, args[1], time.time()))
        elif len(args) == 1:
            self._later((kernel_id, args[0], time.time()))

    def observe_close(self, kernel_id: str, connection: int) -> None:
        """Record a closed websocket now, after what was queued before it.

        At once, because from now on the observer must look at this kernel's
        ``status`` and ``error`` messages to finish the requests it orphaned.
        """
        self.flush()
        self.connection_closed(kernel_id, connection)

    def _later(self, entry: Queued) -> None:
        pending = self.pending
        pending.append(entry)
        if not self._armed:
            try:
                asyncio.get_running_loop().call_later(self.delay, self._timer)
                self._armed = True
            except RuntimeError:  # no running loop: nothing to wait for
                self.flush()
        if len(pending) >= self.max_queued:
            self.flush()

    def _timer(self) -> None:
        self._armed = False
        self.flush()

    def flush(self) -> None:
        """Decode and record every queued message, oldest first.

        One loop passes over a kernel's outputs and status changes by a look
        at the header frame (at a fixed index for shell and iopub messages),
        calling nothing; only requests and replies (and, for a kernel with
        orphans, ``status``/``error``) are decoded. An ``execute_input`` waits
        for its reply in the same batch, which carries the same count: it is
        read only if none comes (a request still running, or orphaned).
        """
        pending = self.pending
        if not pending:
            return
        queue = pending.copy()
        pending.clear()
        orphaned = self.store.orphaned
        # (kernel, parent header frame) -> execute_input's content frame; the
        # kernel packs one parent header for both, so the bytes are equal.
        inputs: dict[tuple[str, bytes], bytes] = {}
        for entry in queue:
            try:
                if len(entry) == 4:
                    self.client_message(entry[0], entry[1], entry[3], entry[2])
                    continue
                kernel_id, frames, seen = entry
                if type(frames) is not list:
                    self._read_inputs(inputs)
                    self._json_kernel(kernel_id, frames, seen)
                    continue
                # shell replies come with no identity, iopub with one topic
                if frames[0] == DELIMITER:
                    start = 0
                elif frames[1] == DELIMITER:
                    start = 1
                else:  # more identities: searched for by the slow path
                    self._read_inputs(inputs)
                    self._zmq_kernel(kernel_id, frames, seen)
                    continue
                header = frames[start + 2]
                if type(header) is not bytes:
                    header = as_bytes(header)
                if REPLY in header or INPUT in header:
                    if len(frames) < start + 6:
                        continue
                    parent, content = frames[start + 3], frames[start + 5]
                    if type(parent) is not bytes or type(content) is not bytes:
                        parent, content = as_bytes(parent), as_bytes(content)
                    if REPLY in header:
                        waiting = inputs.pop((kernel_id, parent), None)
                        self._zmq_reply(
                            kernel_id, header, parent, content, seen, waiting
                        )
                    else:
                        inputs[(kernel_id, parent)] = content
                elif kernel_id in orphaned and (STATUS in header or ERROR in header):
                    self._read_inputs(inputs)  # an idle finishes by the count
                    self._zmq_kernel(kernel_id, frames, seen)
            except Exception:  # observation must never break the proxy
                log.debug("nbguard could not read a queued message", exc_info=True)
        self._read_inputs(inputs)
        self.store.batch_recorded()

    def _read_inputs(self, inputs: dict[tuple[str, bytes], bytes]) -> None:
        """Record the ``execute_input`` messages still waiting for a reply."""
        if inputs:
            for (kernel_id, parent), content in inputs.items():
                self._zmq_input(kernel_id, parent, content)
            inputs.clear()

    # --- decoding and recording, at once --------------------------------------

    def client_message(
        self,
        kernel_id: str,
        message: str | bytes,
        connection: int | None = None,
        seen: float | None = None,
    ) -> None:
        """Record a message from websocket ``connection`` to a kernel.

        ``seen`` is when it passed (seconds since the epoch); default now.
        """
        try:
            if isinstance(message, str):
                if "execute_request" in message:
                    self._json_request(kernel_id, message, connection, seen)
            else:
                self._v1_request(kernel_id, message, connection, seen)
        except Exception:  # observation must never break the proxy
            log.debug("nbguard could not read a client message", exc_info=True)

    def kernel_message(
        self, kernel_id: str, args: Sequence[Any], seen: float | None = None
    ) -> None:
        """Record ``handle_outgoing_message(*args)`` of a websocket connection.

        ``args`` is ``(stream, zmq_frames)`` for local kernels and
        ``(json_text,)`` for kernels behind a gateway; ``seen`` as above.
        """
        try:
            if len(args) == 2:
                self._zmq_kernel(kernel_id, args[1], seen)
            elif len(args) == 1:
                self._json_kernel(kernel_id, args[0], seen)
        except Exception:
            log.debug("nbguard could not read a kernel message", exc_info=True)

    def _zmq_kernel(
        self, kernel_id: str, frames: Sequence[Any], seen: float | None
    ) -> None:
        """A local kernel's message, known by its type in the header.

        ``execute_reply`` only comes on shell and ``execute_input``,
        ``status`` and ``error`` only on iopub, so the channel is not asked.
        """
        header, parent, content = message_parts(frames)
        if REPLY in header:
            self._zmq_reply(kernel_id, header, parent, content, seen)
        elif INPUT in header:
            self._zmq_input(kernel_id, parent, content)
        elif self.store.has_orphans(kernel_id) and (
            STATUS in header or ERROR in header
        ):
            message = {"header": loads(header), "content": loads(content)}
            message["parent_header"] = loads(parent)
            self._iopub(kernel_id, message, seen)

    def connection_closed(self, kernel_id: str, connection: int) -> None:
        """A websocket closed: its pending requests will get no reply through it."""
        try:
            self.store.connection_closed(kernel_id, connection)
        except Exception:
            log.debug("nbguard could not note a closed connection", exc_info=True)

    def _v1_request(
        self, kernel_id: str, message: bytes, connection: int | None, seen: float | None
    ) -> None:
        """A v1 ``execute_request``: header read with patterns, the rest decoded."""
        if int.from_bytes(message[:8], "little") < 6:
            return
        o = V1_PARTS.unpack_from(message, 8)
        if not o[0] <= o[1] <= o[2] <= o[3] <= o[4] <= o[5] <= len(message):
            return
        header = message[o[1] : o[2]]
        kind, found = MSG_TYPE.search(header), MSG_ID.search(header)
        if kind is None or found is None:  # escapes in the id: decode it
            decoded = loads(header)
            msg_type, msg_id = decoded.get("msg_type"), decoded.get("msg_id")
        else:
            msg_type, msg_id = kind.group(1).decode(), found.group(1).decode()
        if message[o[0] : o[1]] != b"shell" or msg_type != "execute_request":
            return
        if isinstance(msg_id, str):
            metadata, content = (
                loads(message[o[3] : o[4]]),
                loads(message[o[4] : o[5]]),
            )
            self._request(kernel_id, msg_id, metadata, content, connection, seen)

    def _json_request(
        self, kernel_id: str, text: str, connection: int | None, seen: float | None
    ) -> None:
        message = json.loads(text)
        if not isinstance(message, dict) or message.get("channel", "shell") != "shell":
            return
        header = message.get("header") or {}
        msg_id = header.get("msg_id")
        if header.get("msg_type") == "execute_request" and isinstance(msg_id, str):
            metadata, content = message.get("metadata"), message.get("content")
            self._request(
                kernel_id, msg_id, metadata or {}, content or {}, connection, seen
            )

    def _request(
        self,
        kernel_id: str,
        msg_id: str,
        metadata: dict[str, Any],
        content: dict[str, Any],
        connection: int | None,
        seen: float | None,
    ) -> None:
        code = content.get("code")
        if not isinstance(code, str):
            return
        cell_id = metadata.get("cellId")
        deleted = metadata.get("deletedCells")
        if not isinstance(deleted, list):
            deleted = None
        self.store.record_request(
            kernel_id,
            msg_id,
            code,
            cell_id if isinstance(cell_id, str) else None,
            [d for d in deleted if isinstance(d, str)] if deleted else (),
            bool(content.get("silent")),
            connection,
            seen,
        )

    def _json_kernel(
        self, kernel_id: str, text: str | bytes, seen: float | None
    ) -> None:
        """A message from a kernel behind a gateway, as one JSON text."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        if "execute_reply" in text:
            message = json.loads(text)
            header = message.get("header") or {}
            parent = (message.get("parent_header") or {}).get("msg_id")
            if header.get("msg_type") == "execute_reply" and isinstance(parent, str):
                self._finish(kernel_id, parent, message.get("content") or {}, seen)
        elif (
            "execute_input" in text
            or "restarting" in text
            or self.store.has_orphans(kernel_id)
        ):
            message = json.loads(text)
            if message.get("channel") == "iopub":
                self._iopub(kernel_id, message, seen)

    def _zmq_reply(
        self,
        kernel_id: str,
        header: bytes,
        parent: bytes,
        content: bytes,
        seen: float | None,
        waiting: bytes | None = None,
    ) -> None:
        """An ``execute_reply``: its parent id from the bytes, its content decoded.

        ``waiting`` is the content of the request's ``execute_input`` not read
        yet: read only if this reply turns out to bring no count itself.
        """
        kind = MSG_TYPE.search(header)
        found = MSG_ID.search(parent)
        msg_id = found.group(1).decode() if found else loads(parent).get("msg_id")
        reply = loads(content) if kind and kind.group(1) == REPLY else None
        if waiting is not None and (
            reply is None or not isinstance(reply.get("execution_count"), int)
        ):
            self._zmq_input(kernel_id, parent, waiting)
        if reply is not None and isinstance(msg_id, str):  # (escapes: decoded)
            self._finish(kernel_id, msg_id, reply, seen)

    def _zmq_input(self, kernel_id: str, parent: bytes, content: bytes) -> None:
        """An ``execute_input``'s parent and count, not decoding the echoed code."""
        msg_id = MSG_ID.search(parent)
        # the last key (where ipykernel puts it), found without scanning the code
        count = COUNT.match(content, max(0, content.rfind(b'"execution_count"')))
        if msg_id and count:
            self.store.record_input(
                kernel_id, msg_id.group(1).decode(), int(count.group(1))
            )

    def _iopub(
        self, kernel_id: str, message: dict[str, Any], seen: float | None
    ) -> None:
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
            self.store.record_idle(kernel_id, parent, seen)

    def _finish(
        self, kernel_id: str, parent: str, content: dict[str, Any], seen: float | None
    ) -> None:
        count = content.get("execution_count")
        self.store.record_reply(
            kernel_id,
            parent,
            str(content.get("status", "error")),
            count if isinstance(count, int) else None,
            seen,
        )

"""Reads kernel protocol messages passing through the server and feeds the store.

Every message between browsers and kernels passes here, so the work is split
in two. The connection forwards a message first and then appends it to the
queue, unread, with the time it was seen (:mod:`.batching`; code that runs
right after the process woke up is slow however little it does, so even a look
at the header waits); only ipykernel's iopub outputs and status changes, which
its topics name, are not queued while no request has lost its connection, and
its ``execute_input`` is kept aside instead, the latest of each kernel
(:attr:`ExecutionObserver.last_input`): the reply brings the same count, so it
is read only for a request still running at a flush.
:meth:`ExecutionObserver.flush` then passes over a client's messages other
than ``execute_request`` (the ``msg_type`` of the v1 header) and a kernel's
other messages (one search of the header frame), in one tight loop, and
decodes only requests and ``execute_reply`` (and ``status``/``error`` while
some request has lost its connection), in order, with the decoders of
:mod:`.wire`; a queued ``execute_input`` is decoded only if no reply followed
it in the batch. ``observe_client`` and ``observe_kernel`` queue for other
callers (``observe_client`` only an ``execute_request``); ``client_message``
and ``kernel_message`` decode and record at once, for callers without an event
loop.

Three shapes arrive: the JSON websocket protocol (text), the binary
``v1.kernel.websocket.jupyter.org`` protocol (bytes with an offset table), and
the ZeroMQ frames a kernel sends (a list of byte strings). Observation only
reads: nothing here may change or delay what is forwarded, or raise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from .batching import MessageQueue
from .store import HistoryStore
from .wire import (
    DELIMITER,
    ERROR,
    INPUT,
    MSG_TYPE,
    REPLY,
    REPLY_TYPES,
    REQUEST,
    STATUS,
    V1_HEAD,
    as_bytes,
    header_type,
    input_count,
    json_request,
    loads,
    message_parts,
    msg_id_of,
    v1_request,
    zmq_reply,
)

log = logging.getLogger(__name__)


class ExecutionObserver(MessageQueue):
    """Turns observed messages into :class:`~.store.HistoryStore` records."""

    def __init__(self, store: HistoryStore) -> None:
        super().__init__()
        self.store = store
        #: Each kernel's latest ipykernel ``execute_input`` (its ZeroMQ
        #: frames), kept by the connection instead of queued while no request
        #: is orphaned: its reply brings the same count, so only the input of
        #: a request still running when the queue is flushed is ever read.
        self.last_input: dict[str, Any] = {}
        store.follow(self.flush)

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
                self.later((kernel_id, message, time.time(), connection))
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
            self.later((kernel_id, args[1], time.time()))
        elif len(args) == 1:
            self.later((kernel_id, args[0], time.time()))

    def observe_close(self, kernel_id: str, connection: int) -> None:
        """Record a closed websocket now, after what was queued before it.

        At once, because from now on the observer must look at this kernel's
        ``status`` and ``error`` messages to finish the requests it orphaned.
        """
        self.flush()
        self.connection_closed(kernel_id, connection)

    def flush(self) -> None:
        """Decode and record every queued message, oldest first.

        One loop passes over a kernel's other messages by a look at the
        header frame (at a fixed index for shell and iopub messages), calling
        nothing; only requests and replies (and, for a kernel with orphans,
        ``status``/``error``) are decoded, and the store is called once per
        record. An ``execute_input`` waits for its reply in the same batch,
        which carries the same parent header and count: it is read only if
        none comes (a request still running, or orphaned).
        """
        pending = self.pending
        if not pending:
            if self.last_input:
                self._read_last_inputs()
            self.settle()
            return
        queue = pending.copy()
        pending.clear()
        store = self.store
        orphaned = store.orphaned
        record_request, record_reply = store.record_request, store.record_reply
        # (kernel, the parent header's bytes) -> the execute_input's content:
        # its reply carries the very same parent header (and the same count)
        inputs: dict[tuple[str, bytes], Any] = {}
        search_type = MSG_TYPE.search
        reply_packed, reply_spaced = REPLY_TYPES
        last_input = self.last_input
        for entry in queue:
            try:
                if len(entry) == 4:  # a client's execute_request
                    kernel_id, message, seen, connection = entry
                    request = (
                        v1_request(message)
                        if type(message) is bytes
                        else json_request(message)
                    )
                    if request is not None:
                        msg_id, code, cell_id, deleted, silent = request
                        record_request(
                            kernel_id,
                            msg_id,
                            code,
                            cell_id,
                            deleted,
                            silent,
                            connection,
                            seen,
                        )
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
                if len(frames) < start + 6:
                    continue
                header = frames[start + 2]
                if type(header) is not bytes:
                    header = as_bytes(header)
                # A message without identities is a reply (shell, control or
                # stdin): an execute_reply is found by its exact type's bytes,
                # two finds at most; anything else by the type read whole (a
                # regular expression, header_type inlined: a call less).
                if start == 0 and (
                    header.find(reply_packed) >= 0 or header.find(reply_spaced) >= 0
                ):
                    kind = REPLY
                else:
                    found = search_type(header)
                    kind = b"" if found is None else found[1]
                if kind == REPLY:
                    parent, content = frames[start + 3], frames[start + 5]
                    if type(parent) is not bytes:
                        parent = as_bytes(parent)
                    if type(content) is not bytes:
                        content = as_bytes(content)
                    reply = zmq_reply(parent, content)
                    if reply is None:
                        continue
                    if inputs:  # queued inputs (a kernel with orphans)
                        waiting = inputs.pop((kernel_id, parent), None)
                        if waiting is not None and reply[2] is None:
                            self._input(kernel_id, reply[0], waiting)
                    record_reply(kernel_id, reply[0], reply[1], reply[2], seen)
                    # The input kept aside is this request's if its parent
                    # header (after its one topic) is the same bytes: the
                    # kernel packs the one request's header for both
                    # sockets. Then the reply said all it could.
                    kept = last_input.get(kernel_id)
                    if kept is not None and kept[4] == parent:
                        del last_input[kernel_id]
                elif kind == INPUT:
                    parent = frames[start + 3]
                    if type(parent) is not bytes:
                        parent = as_bytes(parent)
                    inputs[(kernel_id, parent)] = frames[start + 5]
                elif orphaned and kernel_id in orphaned and kind in (STATUS, ERROR):
                    self._read_inputs(inputs)  # an idle finishes by the count
                    self._zmq_kernel(kernel_id, frames, seen)
            except Exception:  # observation must never break the proxy
                log.debug("nbguard could not read a queued message", exc_info=True)
        if inputs:
            self._read_inputs(inputs)
        if last_input:
            self._read_last_inputs()
        # Reported only if someone would hear: as asked when the batch's
        # first message came (a listener that came since, within this very
        # batch, hears of the next change), or now.
        changed = store.changed
        if changed:
            if self.heard if self.covered else self.listening():
                store.batch_recorded()
            else:
                changed.clear()
        self.scheduled = self.covered = False  # self.settle(), written out
        if self.armed:
            self.call_off()

    def _read_last_inputs(self) -> None:
        """Record the count of each kernel's latest input if its request runs on.

        Every request queued before it was recorded first, so a request the
        input belongs to is known.
        """
        last_input = self.last_input
        peek = self.store.peek
        for kernel_id, frames in last_input.items():
            history = peek(kernel_id)
            if history is not None and history.pending:
                try:
                    _header, parent, content = message_parts(frames)
                    msg_id = msg_id_of(parent)
                    if type(msg_id) is str:
                        self._input(kernel_id, msg_id, content)
                except Exception:  # observation must never break the proxy
                    log.debug("nbguard could not read an input", exc_info=True)
        last_input.clear()

    def _read_inputs(self, inputs: dict[tuple[str, bytes], Any]) -> None:
        """Record the ``execute_input`` messages still waiting for a reply.

        Only a request still pending can take a count; the parent header is
        read only for a kernel that has one.
        """
        if inputs:
            peek = self.store.peek
            for (kernel_id, parent), content in inputs.items():
                history = peek(kernel_id)
                if history is not None and history.pending:
                    msg_id = msg_id_of(parent)
                    if type(msg_id) is str:
                        self._input(kernel_id, msg_id, content)
            inputs.clear()

    def _input(self, kernel_id: str, msg_id: str, content: Any) -> None:
        """Record an ``execute_input``'s count (some are read after the loop)."""
        if type(content) is not bytes:
            content = as_bytes(content)
        count = input_count(content)
        if count is not None:
            self.store.record_input(kernel_id, msg_id, count)

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
                request = json_request(message)
            else:
                request = v1_request(message)
            if request is not None:
                msg_id, code, cell_id, deleted, silent = request
                self.store.record_request(
                    kernel_id, msg_id, code, cell_id, deleted, silent, connection, seen
                )
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
        kind = header_type(header)
        if kind == REPLY:
            reply = zmq_reply(parent, content)
            if reply is not None:
                self.store.record_reply(kernel_id, reply[0], reply[1], reply[2], seen)
        elif kind == INPUT:
            msg_id = msg_id_of(parent)
            if type(msg_id) is str:
                self._input(kernel_id, msg_id, content)
        elif self.store.has_orphans(kernel_id) and kind in (STATUS, ERROR):
            message = {"header": loads(header), "content": loads(content)}
            message["parent_header"] = loads(parent)
            self._iopub(kernel_id, message, seen)

    def connection_closed(self, kernel_id: str, connection: int) -> None:
        """A websocket closed: its pending requests will get no reply through it."""
        try:
            self.store.connection_closed(kernel_id, connection)
        except Exception:
            log.debug("nbguard could not note a closed connection", exc_info=True)

    def _json_kernel(
        self, kernel_id: str, text: str | bytes, seen: float | None
    ) -> None:
        """A message from a kernel behind a gateway, as one JSON text."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        if "execute_reply" in text:
            message = loads(text)
            header = message.get("header") or {}
            parent = (message.get("parent_header") or {}).get("msg_id")
            if header.get("msg_type") == "execute_reply" and isinstance(parent, str):
                content = message.get("content") or {}
                count = content.get("execution_count")
                self.store.record_reply(
                    kernel_id,
                    parent,
                    str(content.get("status", "error")),
                    count if type(count) is int else None,
                    seen,
                )
        elif (
            "execute_input" in text
            or "restarting" in text
            or self.store.has_orphans(kernel_id)
        ):
            message = loads(text)
            if message.get("channel") == "iopub":
                self._iopub(kernel_id, message, seen)

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

"""The few bytes of kernel protocol messages the observer reads, and how.

Searches that find a message's type, id and count without decoding it, the
offset tables of the ``v1.kernel.websocket.jupyter.org`` protocol, the frames
of a ZeroMQ message, and the decoders that turn a client's
``execute_request`` (v1 bytes or JSON text) or a kernel's ``execute_reply``
into the few fields a record keeps: what :mod:`.observer` needs to pass over
outputs by a look at their header and decode only the messages it records.

JSON is decoded with ``orjson``, which reads bytes directly (no ``str`` made
first) and builds the same objects two to five times faster than the
standard library; text ``orjson`` refuses but Python's ``json`` accepts (a
lone surrogate escape, ``NaN``) falls back to ``json``,
so nothing a kernel accepts goes unrecorded.

Bytes are searched with ``find``, never ``in``: CPython's ``bytes in bytes``
first tries its argument as an integer (a byte value) and raises and clears a
``TypeError`` before it searches, which costs twice the search itself (and
several thousand machine instructions a message in a server, counted with
callgrind).
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Sequence
from typing import Any

import orjson

REQUEST = b"execute_request"
REPLY = b"execute_reply"
INPUT = b"execute_input"
STATUS = b"status"
ERROR = b"error"
DELIMITER = b"<IDS|MSG>"
CELL_ID = b'"cellId"'
DELETED = b'"deletedCells"'
# JSON escapes every quote inside a string, so an unescaped key is a real key.
COUNT = re.compile(rb'"execution_count":\s*(\d+)')
#: A header's ``msg_type``, whole (up to its closing quote: exact). A type
#: with an escape is no type the observer reads.
MSG_TYPE = re.compile(rb'"msg_type":\s*"([^"\\]*)"')
#: A header's ``msg_id`` up to the first quote or backslash; the second group
#: says which (a backslash: an escape, so the header is decoded instead).
MSG_ID = re.compile(rb'"msg_id":\s*"([^"\\]*)(["\\])')
#: A v1 message starts with its offset count, then where the channel name
#: starts, where the header starts (the channel's end) and where it ends.
V1_HEAD = struct.Struct("<4Q")
#: The offset count, then where channel, header, parent header, metadata and
#: content start, and where the content ends.
V1_COUNT_PARTS = struct.Struct("<7Q")

#: What a record keeps of an ``execute_request``: message id, code, cell id,
#: deleted cell ids and ``silent``.
Request = tuple[str, str, str | None, Sequence[str], bool]
#: What a record keeps of an ``execute_reply``: the request's message id, the
#: status and the execution count (``None`` if the reply brings none).
Reply = tuple[str, str, int | None]

_orjson_loads = orjson.loads
_search_id = MSG_ID.search


def as_bytes(frame: Any) -> bytes:
    """The bytes of a frame (a ZeroMQ ``Frame``, a memoryview or bytes)."""
    return frame.bytes if hasattr(frame, "bytes") else bytes(frame)


def loads(part: Any) -> dict[str, Any]:
    """Decode one JSON part (bytes, str, or a ZeroMQ frame); ``{}`` if no object.

    Raises ``ValueError`` (``UnicodeDecodeError`` included) for what is not
    JSON at all.
    """
    try:
        value = _orjson_loads(part)
    except orjson.JSONDecodeError:
        if type(part) is not bytes and not isinstance(part, str | memoryview):
            return loads(as_bytes(part))  # a ZeroMQ frame
        # what only Python's json accepts
        value = json.loads(bytes(part) if isinstance(part, memoryview) else part)
    return value if type(value) is dict else {}


def _object(part: bytes) -> Any:
    """:func:`loads` of bytes, inlined where it runs once per execution.

    orjson directly (a Python call less), :func:`loads` for what it refuses;
    the caller checks that the value is a dict.
    """
    try:
        return _orjson_loads(part)
    except orjson.JSONDecodeError:
        return loads(part)


def message_parts(frames: Sequence[Any]) -> tuple[bytes, bytes, bytes]:
    """Header, parent header and content of ZeroMQ frames, never copying any.

    Shell replies reach the server with no identities (the delimiter is frame
    0), iopub messages with one topic (frame 1); anything else is searched.
    Output buffers after the content are never read. Raises ``IndexError``,
    ``StopIteration`` or ``ValueError`` for frames that are no message.
    """
    if frames[0] == DELIMITER:
        start = 0
    elif frames[1] == DELIMITER:
        start = 1
    else:
        start = next(i for i, f in enumerate(frames) if as_bytes(f) == DELIMITER)
    if len(frames) < start + 6:
        raise ValueError("a kernel message has at least 6 frames after identities")
    # after the delimiter: signature, header, parent, metadata, content
    header, parent, content = frames[start + 2], frames[start + 3], frames[start + 5]
    if type(header) is bytes and type(parent) is bytes and type(content) is bytes:
        return header, parent, content  # what ZMQStream gives (copy=True)
    return as_bytes(header), as_bytes(parent), as_bytes(content)


def header_type(header: bytes) -> bytes:
    """A header's ``msg_type`` (``b"execute_reply"``), read without decoding it.

    One regular expression, which stops at the key (the second of a
    jupyter_client header), so the rest is never read. Empty if there is no
    such key or its value has an escape.
    """
    found = MSG_TYPE.search(header)
    return b"" if found is None else found[1]


def msg_id_of(header: Any) -> Any:
    """A header's ``msg_id`` (bytes or a frame), read without decoding it.

    An id with escapes, or a header packed otherwise, is decoded. Not always
    a ``str``: the caller checks.
    """
    if type(header) is bytes:
        return _msg_id_in(header, 0, len(header))
    return loads(header).get("msg_id")


def _request(
    msg_id: Any, metadata: dict[str, Any], content: dict[str, Any]
) -> Request | None:
    """The fields a record keeps, or ``None`` if a required one is missing."""
    if type(content) is not dict:
        return None
    if type(metadata) is not dict:
        metadata = {}
    code = content.get("code")
    if type(code) is not str or type(msg_id) is not str:
        return None
    cell_id = metadata.get("cellId")
    deleted = metadata.get("deletedCells")
    return (
        msg_id,
        code,
        cell_id if type(cell_id) is str else None,
        [d for d in deleted if type(d) is str]
        if type(deleted) is list and deleted
        else (),
        bool(content.get("silent")),
    )


def v1_request(message: bytes) -> Request | None:
    """A v1 ``execute_request`` on the shell channel, or ``None``.

    The header is searched in place for its type and id (decoded only if
    neither is found, or the id has escapes), the metadata decoded only if a
    cheap search finds a key a record keeps, the content always (the code is
    kept); the parent header is never read, and nothing but the two decoded
    parts is copied.
    """
    count, channel, start, end, metadata_at, content_at, content_end = (
        V1_COUNT_PARTS.unpack_from(message)
    )
    if count < 6 or not (
        channel
        <= start
        <= end
        <= metadata_at
        <= content_at
        <= content_end
        <= len(message)
    ):
        return None
    if start - channel != 5 or not message.startswith(b"shell", channel):
        return None
    kind = MSG_TYPE.search(message, start, end)
    if kind is None:
        header = loads(message[start:end])  # packed otherwise: decoded
        if header.get("msg_type") != "execute_request":
            return None
        msg_id = header.get("msg_id")
    elif kind[1] != REQUEST:
        return None
    else:
        msg_id = _msg_id_in(message, start, end)
    metadata = (
        _object(message[metadata_at:content_at])
        if message.find(CELL_ID, metadata_at, content_at) >= 0
        or message.find(DELETED, metadata_at, content_at) >= 0
        else {}
    )
    return _request(msg_id, metadata, _object(message[content_at:content_end]))


def _msg_id_in(message: bytes, start: int, end: int) -> Any:
    """The ``msg_id`` of the header at ``message[start:end]``, read in place."""
    found = MSG_ID.search(message, start, end)
    if found is not None and found[2] == b'"':
        return found[1].decode()
    return loads(message[start:end]).get("msg_id")


def json_request(text: str) -> Request | None:
    """An ``execute_request`` of the JSON websocket protocol, or ``None``."""
    if "execute_request" not in text:
        return None
    message = loads(text)
    if message.get("channel", "shell") != "shell":
        return None
    header = message.get("header") or {}
    if header.get("msg_type") != "execute_request":
        return None
    metadata, content = message.get("metadata"), message.get("content")
    return _request(
        header.get("msg_id"),
        metadata if type(metadata) is dict else {},
        content if type(content) is dict else {},
    )


def zmq_reply(parent: bytes, content: bytes) -> Reply | None:
    """An ``execute_reply``'s fields from its frames (its type already known).

    The parent header is searched for the request's id, the content decoded
    for the status and count.
    """
    found = _search_id(parent)  # msg_id_of(parent), a call less per reply
    if found is not None and found[2] == b'"':
        msg_id = found[1].decode()
    else:
        msg_id = msg_id_of(parent)
        if type(msg_id) is not str:
            return None
    reply = _object(content)
    if type(reply) is not dict:
        reply = {}
    count = reply.get("execution_count")
    status = str(reply.get("status", "error"))
    return msg_id, status, count if type(count) is int else None


def input_count(content: bytes) -> int | None:
    """An ``execute_input``'s count, not decoding the echoed code."""
    # the last key (where ipykernel puts it), found without scanning the code
    count = COUNT.match(content, max(0, content.rfind(b'"execution_count"')))
    return None if count is None else int(count.group(1))

"""The few bytes of kernel protocol messages the observer reads, and how.

Patterns that find a message's type, id and count without decoding it, the
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
DELIMITER = b"<IDS|MSG>"
#: In the header of every message the observer reads from a local kernel
#: (``execute_input``, ``execute_reply``) and of few others (``execute_result``).
EXECUTE = b'"execute_'
STATUS = b'"status"'
ERROR = b'"error"'
CELL_ID = b'"cellId"'
DELETED = b'"deletedCells"'
# JSON escapes every quote inside a string, so an unescaped key is a real key.
MSG_ID = re.compile(rb'"msg_id":\s*"([^"\\]+)"')
MSG_TYPE = re.compile(rb'"msg_type":\s*"([^"\\]+)"')
COUNT = re.compile(rb'"execution_count":\s*(\d+)')
#: An ``execute_reply``'s type as jupyter_client packs it: compact (orjson)
#: or with the standard library's separators. Any other spelling is decoded.
REPLY_TYPES = (b'"msg_type":"execute_reply"', b'"msg_type": "execute_reply"')
#: A v1 message starts with its offset count, then where the channel name
#: starts, where the header starts (the channel's end) and where it ends.
V1_HEAD = struct.Struct("<4Q")
#: The offsets of channel, header, parent header, metadata and content's end.
V1_PARTS = struct.Struct("<6Q")

#: What a record keeps of an ``execute_request``: message id, code, cell id,
#: deleted cell ids and ``silent``.
Request = tuple[str, str, str | None, Sequence[str], bool]
#: What a record keeps of an ``execute_reply``: the request's message id, the
#: status and the execution count (``None`` if the reply brings none).
Reply = tuple[str, str, int | None]

_orjson_loads = orjson.loads


def as_bytes(frame: Any) -> bytes:
    """The bytes of a frame (a ZeroMQ ``Frame``, a memoryview or bytes)."""
    return frame.bytes if hasattr(frame, "bytes") else bytes(frame)


def loads(part: Any) -> dict[str, Any]:
    """Decode one JSON part (bytes, str, or a ZeroMQ frame); ``{}`` if no object.

    Raises ``ValueError`` (``UnicodeDecodeError`` included) for what is not
    JSON at all.
    """
    if type(part) is not bytes and not isinstance(part, str | memoryview):
        part = as_bytes(part)  # a ZeroMQ frame
    try:
        value = _orjson_loads(part)
    except orjson.JSONDecodeError:  # what only Python's json accepts
        value = json.loads(bytes(part) if isinstance(part, memoryview) else part)
    return value if type(value) is dict else {}


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


def _request(
    msg_id: Any, metadata: dict[str, Any], content: dict[str, Any]
) -> Request | None:
    """The fields a record keeps, or ``None`` if a required one is missing."""
    code = content.get("code")
    if type(code) is not str or type(msg_id) is not str:
        return None
    cell_id = metadata.get("cellId")
    deleted = metadata.get("deletedCells")
    return (
        msg_id,
        code,
        cell_id if type(cell_id) is str else None,
        [d for d in deleted if type(d) is str] if type(deleted) is list else (),
        bool(content.get("silent")),
    )


def v1_request(message: bytes) -> Request | None:
    """A v1 ``execute_request`` on the shell channel, or ``None``.

    The header is decoded (its type and id, escapes and all), the metadata
    only if a cheap search finds a key a record keeps, the content always
    (the code is kept); the parent header never.
    """
    if int.from_bytes(message[:8], "little") < 6:
        return None
    o = V1_PARTS.unpack_from(message, 8)
    if not o[0] <= o[1] <= o[2] <= o[3] <= o[4] <= o[5] <= len(message):
        return None
    if message[o[0] : o[1]] != b"shell":
        return None
    header = loads(message[o[1] : o[2]])
    if header.get("msg_type") != "execute_request":
        return None
    start, end = o[3], o[4]
    wanted = message.find(CELL_ID, start, end) >= 0
    metadata = (
        loads(message[start:end])
        if wanted or message.find(DELETED, start, end) >= 0
        else {}
    )
    return _request(header.get("msg_id"), metadata, loads(message[end : o[5]]))


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


def zmq_reply(header: bytes, parent: bytes, content: bytes) -> Reply | None:
    """An ``execute_reply``'s fields from its frames, or ``None`` if it is none.

    ``header`` is only searched (its type, when jupyter_client packed it);
    the parent header is decoded for the request's id, the content for the
    status and count.
    """
    if (
        REPLY_TYPES[0] not in header
        and REPLY_TYPES[1] not in header
        and loads(header).get("msg_type") != "execute_reply"
    ):
        return None
    msg_id = loads(parent).get("msg_id")
    if type(msg_id) is not str:
        return None
    reply = loads(content)
    count = reply.get("execution_count")
    status = str(reply.get("status", "error"))
    return msg_id, status, count if type(count) is int else None


def zmq_input(parent: bytes, content: bytes) -> tuple[str, int] | None:
    """An ``execute_input``'s request id and count, not decoding the echoed code."""
    msg_id = loads(parent).get("msg_id")
    # the last key (where ipykernel puts it), found without scanning the code
    count = COUNT.match(content, max(0, content.rfind(b'"execution_count"')))
    if type(msg_id) is not str or count is None:
        return None
    return msg_id, int(count.group(1))

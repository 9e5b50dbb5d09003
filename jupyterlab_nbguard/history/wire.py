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
# JSON escapes every quote inside a string, so an unescaped key is a real key.
COUNT = re.compile(rb'"execution_count":\s*(\d+)')
#: A header's ``msg_type`` up to the next quote. Compared whole with a type
#: the observer reads, so a type with an escape is none of them. (``[^"]``, a
#: single character, is matched by a tight loop; a set like ``[^"\\]`` costs
#: a call per character, ten times as many instructions.)
MSG_TYPE = re.compile(rb'"msg_type":\s*"([^"]*)"')
#: A header's ``msg_id`` up to the next quote: with a backslash in it, it has
#: an escape, and the header is decoded instead.
MSG_ID = re.compile(rb'"msg_id":\s*"([^"]*)"')
#: A header's ``msg_id`` and ``msg_type`` where they follow each other, as
#: JupyterLab and jupyter_client write them: one search instead of two.
HEAD = re.compile(rb'"msg_id":\s*"([^"]*)",\s*"msg_type":\s*"([^"]*)"')
#: An ``execute_reply``'s type as the two JSON packings of jupyter_client
#: write it (orjson, then the standard library): found by ``bytes.find``,
#: several times cheaper than a regular expression's search, and exact (in
#: a string value, each of these quotes would come escaped).
REPLY_TYPES = (b'"msg_type":"execute_reply"', b'"msg_type": "execute_reply"')
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
_JSONDecodeError = orjson.JSONDecodeError
_search_id = MSG_ID.search
_search_head = HEAD.search
_parts = V1_COUNT_PARTS.unpack_from


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
    if found is None or found[1].find(b"\\") >= 0:
        return b""
    return found[1]


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

    The header's id and type are read in place by one search (JupyterLab and
    jupyter_client put them side by side; otherwise, or for an id with
    escapes, the header is decoded), then the content and the metadata are
    decoded; the parent header is never read, and nothing but those two
    parts is copied. Slices past the end are empty, so offsets that point
    nowhere give no request (the channel is none).

    This runs once per execution, so :func:`_request` is written out here
    (each Python call costs about as much as one of these searches).
    """
    count, channel, start, end, metadata_at, content_at, content_end = _parts(message)
    if count < 6 or message[channel:start] != b"shell":
        return None
    found = _search_head(message, start, end)
    if found is None:
        header = loads(message[start:end])  # packed otherwise: decoded
        if header.get("msg_type") != "execute_request":
            return None
        msg_id = header.get("msg_id")
    elif found[2] != REQUEST:
        return None
    else:
        msg_id = found[1].decode()
        if "\\" in msg_id:  # an escape: decoded
            msg_id = loads(message[start:end]).get("msg_id")
    part = message[content_at:content_end]
    try:
        content = _orjson_loads(part)
    except _JSONDecodeError:
        content = loads(part)
    if type(content) is not dict or type(msg_id) is not str:
        return None
    code = content.get("code")
    if type(code) is not str:
        return None
    part = message[metadata_at:content_at]
    try:
        metadata = _orjson_loads(part)
    except _JSONDecodeError:
        metadata = loads(part)
    if type(metadata) is dict:
        cell_id = metadata.get("cellId")
        deleted = metadata.get("deletedCells")
    else:
        cell_id = deleted = None
    return (
        msg_id,
        code,
        cell_id if type(cell_id) is str else None,
        [d for d in deleted if type(d) is str]
        if type(deleted) is list and deleted
        else (),
        bool(content.get("silent")),
    )


def _msg_id_in(message: bytes, start: int, end: int) -> Any:
    """The ``msg_id`` of the header at ``message[start:end]``, read in place."""
    found = MSG_ID.search(message, start, end)
    if found is not None:
        msg_id = found[1].decode()
        if "\\" not in msg_id:
            return msg_id
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
    for the status and count (a status that is no text is an error).
    """
    found = _search_id(parent)  # msg_id_of(parent), a call less per reply
    msg_id = "" if found is None else found[1].decode()
    if not msg_id or "\\" in msg_id:
        msg_id = loads(parent).get("msg_id")
        if type(msg_id) is not str:
            return None
    try:
        reply = _orjson_loads(content)
    except _JSONDecodeError:
        reply = loads(content)
    if type(reply) is not dict:
        return msg_id, "error", None
    status = reply.get("status", "error")
    count = reply.get("execution_count")
    return (
        msg_id,
        status if type(status) is str else "error",
        count if type(count) is int else None,
    )


def input_count(content: bytes) -> int | None:
    """An ``execute_input``'s count, not decoding the echoed code."""
    # the last key (where ipykernel puts it), found without scanning the code
    count = COUNT.match(content, max(0, content.rfind(b'"execution_count"')))
    return None if count is None else int(count.group(1))

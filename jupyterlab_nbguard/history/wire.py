"""The few bytes of kernel protocol messages the observer reads, and how.

Patterns that find a message's type, id and count without decoding it, the
offset tables of the ``v1.kernel.websocket.jupyter.org`` protocol, and the
frames of a ZeroMQ message: what :mod:`.observer` needs to pass over outputs
by a look at their header and decode only the few messages it records.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Sequence
from typing import Any

REQUEST = b"execute_request"
REPLY = b"execute_reply"
INPUT = b"execute_input"
DELIMITER = b"<IDS|MSG>"
STATUS = b'"status"'
ERROR = b'"error"'
# JSON escapes every quote inside a string, so an unescaped key is a real key.
MSG_ID = re.compile(rb'"msg_id":\s*"([^"\\]+)"')
MSG_TYPE = re.compile(rb'"msg_type":\s*"([^"\\]+)"')
COUNT = re.compile(rb'"execution_count":\s*(\d+)')
#: A v1 message starts with its offset count, then where the channel name
#: starts, where the header starts (the channel's end) and where it ends.
V1_HEAD = struct.Struct("<4Q")
#: The offsets of channel, header, parent header, metadata and content's end.
V1_PARTS = struct.Struct("<6Q")
_decode = json.JSONDecoder().raw_decode


def as_bytes(frame: Any) -> bytes:
    """The bytes of a frame (a ZeroMQ ``Frame``, a memoryview or bytes)."""
    return frame.bytes if hasattr(frame, "bytes") else bytes(frame)


def loads(part: Any) -> dict[str, Any]:
    """Decode one JSON part (bytes, or a ZeroMQ frame); ``{}`` if not an object."""
    try:
        text = part.decode()
    except AttributeError:  # a ZeroMQ frame or a memoryview
        text = as_bytes(part).decode()
    try:
        value = _decode(text)[0]  # three times cheaper than json.loads(bytes)
    except ValueError:
        value = json.loads(text)  # leading whitespace, which raw_decode refuses
    return value if isinstance(value, dict) else {}


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

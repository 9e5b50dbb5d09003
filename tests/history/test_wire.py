"""The wire decoders: fields read from the headers' first bytes.

JSON is decoded with orjson, and every packing a kernel or a client may use
is still understood.
"""

from __future__ import annotations

import json
import math

from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from jupyterlab_nbguard.history.wire import (
    header_type,
    input_count,
    json_request,
    loads,
    msg_id_of,
    v1_request,
    zmq_reply,
)

SESSION = Session()


def spaced(value: dict) -> bytes:
    """JSON as the standard library packs it (jupyter_client without orjson)."""
    return json.dumps(value, default=str).encode()


def v1(msg: dict, channel: str = "shell") -> bytes:
    keys = ("header", "parent_header", "metadata", "content")
    return serialize_msg_to_ws_v1([spaced(msg[k]) for k in keys], channel)


def test_ids_and_types_are_read_in_both_packings_and_escapes_are_decoded():
    header = SESSION.msg("execute_reply")["header"]
    for packed in (SESSION.pack(header), spaced(header)):
        assert msg_id_of(packed) == header["msg_id"]
        assert header_type(packed) == b"execute_reply"
    odd = {**header, "msg_id": 'a"b\\c'}
    assert msg_id_of(spaced(odd)) == 'a"b\\c'
    assert msg_id_of(b'{"msg_id": 7}') == 7  # not a str: the caller checks
    # a type is read whole (one that only starts like execute_reply is not
    # one), with any whitespace after the colon; an escaped one is none
    longer = SESSION.pack({**header, "msg_type": "execute_reply_x"})
    assert header_type(longer) == b"execute_reply_x"
    assert header_type(b"{}") == b""
    wide = b'{"msg_type":  \n "execute_input", "msg_id": "m"}'
    assert header_type(wide) == b"execute_input"
    assert msg_id_of(wide) == "m"
    assert header_type(spaced({**header, "msg_type": 'a"b'})) == b""
    # a key inside a string value is no key: its quotes are escaped
    inside = spaced({"username": '"msg_id": "x"', "msg_id": "real"})
    assert msg_id_of(inside) == "real"


def test_loads_falls_back_to_json_for_what_only_python_accepts():
    # orjson refuses a lone surrogate escape, which a kernel accepts in code
    assert loads(b'{"code": "\\ud800"}') == {"code": "\ud800"}
    assert math.isnan(loads(memoryview(b'{"a": NaN}'))["a"])
    assert loads(b"[1, 2]") == {}


def test_v1_request_keeps_what_a_record_needs():
    # Given a request with deleted cells, sent with a space after each colon
    msg = SESSION.msg(
        "execute_request",
        content={"code": "x = 1", "silent": True},
        metadata={"cellId": "c1", "deletedCells": ["d1", 5, "d2"]},
    )
    # Then the fields come out, the non-string deleted id left out
    assert v1_request(v1(msg)) == (
        msg["header"]["msg_id"],
        "x = 1",
        "c1",
        ["d1", "d2"],
        True,
    )
    # And a request without metadata keys has no cell id, a non-shell or
    # non-execute message is no request
    bare = SESSION.msg("execute_request", content={"code": "y"}, metadata={})
    assert v1_request(v1(bare))[2:4] == (None, ())  # type: ignore[index]
    assert v1_request(v1(msg, "control")) is None
    info = SESSION.msg("kernel_info_request", content={"code": "execute_request"})
    assert v1_request(v1(info)) is None
    assert v1_request(b"\x06" + b"\x00" * 7 + b"\xff" * 48) is None
    # Content that is no object is no request; metadata that is none is ignored
    odd = [spaced(msg[k]) for k in ("header", "parent_header")]
    listed = serialize_msg_to_ws_v1([*odd, b'["cellId"]', b"[1]"], "shell")
    assert v1_request(listed) is None
    kept = serialize_msg_to_ws_v1(
        [*odd, b'["cellId"]', spaced(msg["content"])], "shell"
    )
    assert v1_request(kept) == (msg["header"]["msg_id"], "x = 1", None, (), True)
    # A header packed with a space before each colon is decoded instead
    parts = [spaced(msg[k]).replace(b'": ', b'" : ') for k in ("header",)]
    parts += [spaced(msg[k]) for k in ("parent_header", "metadata", "content")]
    assert v1_request(serialize_msg_to_ws_v1(parts, "shell")) == v1_request(v1(msg))


def test_json_request_and_reply_fields():
    msg = SESSION.msg("execute_request", content={"code": "g = 1"})
    text = json.dumps({**msg, "channel": "shell"}, default=str)
    assert json_request(text) == (msg["header"]["msg_id"], "g = 1", None, (), False)
    assert json_request(json.dumps({**msg, "channel": "control"}, default=str)) is None
    parent = SESSION.pack(msg["header"])
    assert zmq_reply(parent, b'{"status": "ok", "execution_count": 4}') == (
        msg["header"]["msg_id"],
        "ok",
        4,
    )
    assert zmq_reply(parent, b'{"execution_count": true}') == (
        msg["header"]["msg_id"],
        "error",
        None,
    )
    # content that is no object reads as an empty one; a lone surrogate
    # escape (only Python's json accepts it) still gives the reply
    assert zmq_reply(parent, b"[4]") == (msg["header"]["msg_id"], "error", None)
    assert zmq_reply(parent, b'{"status": "ok", "s": "\\ud800"}')[1] == "ok"
    # the count is the last key of ipykernel's execute_input, after the code
    echoed = b'{"code": "\\"execution_count\\": 9", "execution_count": 3}'
    assert input_count(echoed) == 3
    assert input_count(b'{"code": "x"}') is None
